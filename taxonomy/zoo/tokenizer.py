"""Byte-level BPE tokenizer trained on the zoo corpus, wrapped for transformers.

Byte-level BPE round-trips any text. Trained on the corpora of the first TOKENIZER_EPOCHS
epochs with VOCAB_SIZE = 2048, every nonce word becomes one token (checked in tests/zoo), so a
random span of words is a random span of tokens.
"""

from __future__ import annotations

from taxonomy.zoo.corpus import EOS, CorpusConfig, generate

VOCAB_SIZE = 2048
TOKENIZER_EPOCHS = 4  # one epoch's corpus has too few nonce words to merge each into a token


def corpus_tokenizer():
    """The zoo tokenizer: `train_tokenizer` on the corpora of seeds 0..TOKENIZER_EPOCHS-1."""
    return train_tokenizer(
        [d for seed in range(TOKENIZER_EPOCHS) for d in generate(CorpusConfig(seed=seed)).docs]
    )


def train_tokenizer(docs: list[str], vocab_size: int = VOCAB_SIZE):
    """Train byte-level BPE on `docs`; returns a `PreTrainedTokenizerFast` with eos = pad = EOS.

    The `tokenizers` BPE trainer is deterministic for a fixed input order.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[EOS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(docs, trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token=EOS, bos_token=EOS, pad_token=EOS, unk_token=None
    )
