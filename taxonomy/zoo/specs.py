"""The three zoo architectures: configs, construction and what each is for."""

from __future__ import annotations

from dataclasses import dataclass, field

from taxonomy.zoo.train import SEQ_LEN, TrainConfig


@dataclass(frozen=True)
class ZooSpec:
    """A zoo model: its name, architecture family, purpose, and training recipe."""

    name: str
    architecture: str
    summary: str
    train: TrainConfig = field(default_factory=TrainConfig)


SPECS: dict[str, ZooSpec] = {
    s.name: s
    for s in (
        ZooSpec(
            "gpt2-tiny",
            "GPT-2 (2 layers, 4 heads, d=128, MLP width 256)",
            "2-layer GPT-2-style transformer: the smallest that can form induction heads.",
            # With the drills' runs, Olsson's heads form at about step 2750 (prefix matching 0.52;
            # 0.62 at 3000 in session 10's probe log); the lr decays over the last 5%, after it.
            TrainConfig(steps=3000, decay_start=0.95),
        ),
        ZooSpec(
            "ssm-tiny",
            "Mamba-2 (2 layers, d=128, no attention)",
            "Attention-free state-space model (Mamba-2): the paper's 'Newformer'.",
            TrainConfig(steps=1000),  # ~3x the transformer's cost per step on CPU
        ),
        ZooSpec(
            "attn1-tiny",
            "GPT-2 (1 layer, 4 heads, d=128, attention-only)",
            "1-layer attention-only transformer: negative control, cannot form induction heads.",
            TrainConfig(steps=4000),  # about 7 minutes
        ),
    )
}


def build_model(name: str, vocab_size: int, eos_id: int, seed: int = 0):
    """A freshly initialized model for zoo spec `name` (seeded)."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel, Mamba2Config, Mamba2ForCausalLM

    torch.manual_seed(seed)
    common = dict(
        vocab_size=vocab_size, bos_token_id=eos_id, eos_token_id=eos_id, pad_token_id=eos_id
    )
    if name in ("gpt2-tiny", "attn1-tiny"):
        attn_only = name == "attn1-tiny"
        cfg = GPT2Config(
            n_positions=SEQ_LEN,
            n_embd=128,
            n_layer=1 if attn_only else 2,
            n_head=4,
            n_inner=1 if attn_only else 256,
            resid_pdrop=0.0,
            embd_pdrop=0.0,
            attn_pdrop=0.0,
            tie_word_embeddings=True,
            **common,
        )
        model = GPT2LMHeadModel(cfg)
        if attn_only:
            # Attention-only: the MLP's weights are zeroed and frozen, so each block's MLP
            # adds exactly 0 to the residual stream (c_proj(gelu(c_fc(x))) with c_proj = 0).
            for block in model.transformer.h:
                for p in block.mlp.parameters():
                    p.data.zero_()
                    p.requires_grad_(False)
        return model
    if name == "ssm-tiny":
        cfg = Mamba2Config(
            hidden_size=128,
            num_hidden_layers=2,
            state_size=32,
            expand=2,
            num_heads=8,
            head_dim=32,
            n_groups=1,
            conv_kernel=4,
            chunk_size=64,
            tie_word_embeddings=True,
            **common,
        )
        return Mamba2ForCausalLM(cfg)
    raise ValueError(f"unknown zoo spec {name!r}; expected one of {sorted(SPECS)}")
