"""Random-weight causal LMs built from a config, saved in transformers' format.

For tests and throughput benchmarks only: a model whose weights nobody trained, with a
byte-level BPE tokenizer trained by ``tokenizers`` on a few sentences, written with
``save_pretrained`` so it loads through exactly the same path as a hub or zoo model.
"""

from __future__ import annotations

from pathlib import Path

#: Named sizes: (hidden size, layers, heads, embedding rows; 0 = the tokenizer's length).
#: "100M" is GPT-2 small's shape (124M parameters): its 50257 embedding rows make the LM head
#: cost what a real model's does; ids beyond the small tokenizer decode to nothing.
SIZES: dict[str, tuple[int, int, int, int]] = {
    "tiny": (32, 2, 2, 0),
    "small": (128, 4, 4, 0),
    "100M": (768, 12, 12, 50257),
}

_CORPUS = [
    "the quick brown fox jumps over the lazy dog",
    "a stitch in time saves nine and the early bird catches the worm",
    "induction heads copy the token that followed an earlier occurrence of the current token",
    "zabo kimu lenta rosi zabo kimu lenta rosi vane tupo",
    "Alice met Bob in Paris; Bob gave Alice a book about Paris.",
    "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
]


def train_tokenizer(vocab_size: int = 512, corpus: list[str] | None = None):
    """A byte-level BPE ``PreTrainedTokenizerFast`` with ``<|endoftext|>`` as bos/eos/pad."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(corpus or _CORPUS, trainer=trainer)
    eot = "<|endoftext|>"
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=eot, eos_token=eot, pad_token=eot, unk_token=eot
    )


def build_random_model(
    path: str | Path,
    arch: str = "gpt2",
    size: str = "tiny",
    *,
    vocab_size: int = 512,
    max_positions: int = 512,
    seed: int = 0,
) -> Path:
    """Write a random-weight ``arch`` ("gpt2" | "mamba" | "mamba2") model of ``size`` to ``path``.

    Args:
      path: output directory (created).
      arch: "gpt2" (attention), "mamba" or "mamba2" (state space, no attention).
      size: a key of ``SIZES``.
      vocab_size: BPE vocabulary size of the trained tokenizer (the model's embedding size
        follows the tokenizer's actual length).
      max_positions: GPT-2 context length.
      seed: ``torch.manual_seed`` for the weight initialisation.

    Returns:
      The directory, loadable by ``AutoModelForCausalLM.from_pretrained``.
    """
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel, MambaConfig, MambaForCausalLM

    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {sorted(SIZES)}")
    hidden, layers, heads, rows = SIZES[size]
    tok = train_tokenizer(vocab_size)
    special = dict(
        vocab_size=rows or len(tok),
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
    )
    torch.manual_seed(seed)
    if arch == "gpt2":
        config = GPT2Config(
            n_embd=hidden, n_layer=layers, n_head=heads, n_positions=max_positions, **special
        )
        model = GPT2LMHeadModel(config)
    elif arch == "mamba":
        config = MambaConfig(hidden_size=hidden, num_hidden_layers=layers, state_size=16, **special)
        model = MambaForCausalLM(config)
    elif arch == "mamba2":
        from transformers import Mamba2Config, Mamba2ForCausalLM

        config = Mamba2Config(
            hidden_size=hidden,
            num_hidden_layers=layers,
            num_heads=2 * hidden // 16,
            head_dim=16,
            state_size=16,
            n_groups=1,
            chunk_size=16,
            **special,
        )
        model = Mamba2ForCausalLM(config)
    else:
        raise ValueError(f"unknown arch {arch!r}; choose 'gpt2', 'mamba' or 'mamba2'")
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out
