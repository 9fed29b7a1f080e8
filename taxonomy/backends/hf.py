"""The ``hf`` backend: a transformers causal LM run in-process (white-box).

Batched generation: prompts are left-padded, sorted by token length so each batch holds
similar lengths (order restored on return), and ``batch_size="auto"`` starts at 64 and halves
on out-of-memory. Sampling is seeded Gumbel-max per sample (``hf_decode``), so a sample never
depends on its batch mates. Log-probabilities follow the convention in ``base``: raw T=1
distribution, in nats.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path

import torch
from transformers import LogitsProcessor, LogitsProcessorList

from taxonomy.backends.base import (
    BackendError,
    DecodeConfig,
    Generation,
    apply_stop,
    check_seeds,
)
from taxonomy.backends.hf_decode import (
    GumbelNoise,
    LogprobRecorder,
    StopStrings,
    decode_with_kv_cache,
    warp_scores,
)
from taxonomy.backends.hf_load import fingerprint_model, load_model_and_tokenizer
from taxonomy.backends.oom import is_oom, release_memory

AUTO_START_BATCH = 64


class HFBackend:
    """A local or hub transformers causal LM.

    Args:
      model: a local directory with ``config.json`` or a hub id.
      device: "auto" (cuda if available, else cpu), "cpu" or "cuda".
      batch_size: an int, or "auto" (start at 64, halve on out-of-memory, remember).
      attentions: load with ``attn_implementation="eager"`` so callers can read attentions.
      dtype: torch dtype name ("float32" default; "bfloat16" for speed on GPU).
    """

    name = "hf"
    white_box = True

    def __init__(
        self,
        model: str | Path,
        *,
        device: str = "auto",
        batch_size: int | str = "auto",
        attentions: bool = False,
        dtype: str = "float32",
    ):
        if batch_size != "auto" and (not isinstance(batch_size, int) or batch_size < 1):
            raise BackendError(
                f"batch size must be a positive integer or 'auto', got {batch_size!r}"
            )
        self.spec = str(model)
        self.device = _resolve_device(device)
        self.auto_batch = batch_size == "auto"
        self.batch_size = AUTO_START_BATCH if self.auto_batch else int(batch_size)
        self.torch_model, self.tokenizer = load_model_and_tokenizer(
            self.spec, self.device, attentions=attentions, dtype=dtype
        )
        params = inspect.signature(self.torch_model.forward).parameters
        self.pads_ok = "attention_mask" in params
        cfg = self.torch_model.config
        self.max_positions = getattr(cfg, "n_positions", None) or getattr(
            cfg, "max_position_embeddings", None
        )
        self._fingerprint: str | None = None
        self._neutral_generation_config()
        # Our own KV-cache loop (drops finished rows) where the forward takes what it needs;
        # otherwise (e.g. Mamba's recurrent state) transformers' ``generate``.
        self.own_loop = {"attention_mask", "position_ids", "past_key_values"} <= set(params)

    def _neutral_generation_config(self) -> None:
        """Keep only the special-token ids of the model's ``generation_config``.

        ``generate`` fills unset fields from it (repetition penalties, suppressed tokens, ...);
        samples must come from the model's own distribution under *our* ``DecodeConfig``.
        """
        from transformers import GenerationConfig

        old = self.torch_model.generation_config
        eos = old.eos_token_id if old.eos_token_id is not None else self.tokenizer.eos_token_id
        self.eos_ids = {e for e in (eos if isinstance(eos, list) else [eos]) if e is not None}
        self.torch_model.generation_config = GenerationConfig(
            bos_token_id=old.bos_token_id,
            eos_token_id=sorted(self.eos_ids) or None,
            pad_token_id=self.tokenizer.pad_token_id,
        )

    # -- protocol ---------------------------------------------------------------------------
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = fingerprint_model(self.spec, self.torch_model)
        return self._fingerprint

    def generate(
        self, prompts: list[str], config: DecodeConfig, seeds: list[int]
    ) -> list[Generation]:
        out: list[Generation | None] = [None] * len(prompts)
        for idx, gens in self.iter_generate(prompts, config, seeds):
            for i, g in zip(idx, gens, strict=True):
                out[i] = g
        return out  # type: ignore[return-value]

    def iter_generate(
        self, prompts: list[str], config: DecodeConfig, seeds: list[int]
    ) -> Iterator[tuple[list[int], list[Generation]]]:
        """Yield (prompt indices, generations) batch by batch, so callers can cache as they go."""
        check_seeds(prompts, seeds)
        enc = [self._encode(p) for p in prompts]
        for e in enc:
            self._check_length(len(e), config.max_new_tokens)
        yield from self._run_bucketed(
            enc,
            lambda idx: self._generate_batch(
                [enc[i] for i in idx], config, [seeds[i] for i in idx]
            ),
        )

    def score(self, prompts: list[str], completions: list[list[int]]) -> list[list[float]]:
        if len(prompts) != len(completions):
            raise BackendError(f"got {len(prompts)} prompts but {len(completions)} completions")
        return self.score_token_ids([self._encode(p) for p in prompts], completions)

    def score_token_ids(
        self, contexts: list[list[int]], completions: list[list[int]]
    ) -> list[list[float]]:
        """Teacher-forced log p of each completion token after its context (token ids)."""
        seqs = [list(e) + list(c) for e, c in zip(contexts, completions, strict=True)]
        for s in seqs:
            self._check_length(len(s), 0)
        out: list[list[float]] = [[] for _ in seqs]
        run = lambda idx: self._score_batch(  # noqa: E731
            [list(contexts[i]) for i in idx], [list(completions[i]) for i in idx]
        )
        for idx, rows in self._run_bucketed(seqs, run, pad_free=True):
            for i, r in zip(idx, rows, strict=True):
                out[i] = r
        return out

    def close(self) -> None:
        self.torch_model = None
        release_memory(self.device)

    # -- internals --------------------------------------------------------------------------
    def _encode(self, prompt: str) -> list[int]:
        ids = self.tokenizer(prompt, add_special_tokens=True)["input_ids"]
        if not ids:
            start = self.tokenizer.bos_token_id
            start = self.tokenizer.eos_token_id if start is None else start
            if start is None:
                raise BackendError(
                    "empty prompt and the tokenizer has no bos/eos token to start from"
                )
            ids = [start]
        return list(ids)

    def _check_length(self, n: int, new: int) -> None:
        if self.max_positions and n + new > self.max_positions:
            raise BackendError(
                f"a prompt of {n} tokens plus max_new_tokens={new} exceeds the context of "
                f"{self.max_positions} positions of model '{self.spec}'; shorten the inputs"
            )

    def _run_bucketed(self, seqs: list[list[int]], run, pad_free: bool = False):
        """Sort by length, run batches of similar length with OOM back-off, yield per batch."""
        order = sorted(range(len(seqs)), key=lambda i: (-len(seqs[i]), i))
        pos = 0
        while pos < len(order):
            n = self.batch_size
            if not (self.pads_ok or pad_free):  # no attention mask: only equal lengths batch
                same = len(seqs[order[pos]])
                n = min(n, sum(1 for i in order[pos : pos + n] if len(seqs[i]) == same))
            idx = order[pos : pos + n]
            try:
                rows = run(idx)
            except Exception as err:
                if not is_oom(err):
                    raise
                release_memory(self.device)
                if not self.auto_batch or self.batch_size == 1:
                    raise BackendError(
                        f"out of memory on {self.device} at batch size {self.batch_size} for "
                        f"model '{self.spec}'; use a smaller --batch-size (or 'auto'), shorter "
                        "inputs, or a larger device. Samples already generated are kept."
                    ) from err
                self.batch_size = max(1, min(self.batch_size, len(idx)) // 2)
                continue
            pos += len(idx)
            yield idx, rows

    def _pad_left(self, rows: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        width = max(len(r) for r in rows)
        pad = self.tokenizer.pad_token_id
        ids = torch.tensor([[pad] * (width - len(r)) + r for r in rows], device=self.device)
        mask = torch.tensor(
            [[0] * (width - len(r)) + [1] * len(r) for r in rows], device=self.device
        )
        return ids, mask

    @torch.inference_mode()
    def _generate_batch(
        self, rows: list[list[int]], config: DecodeConfig, seeds: list[int]
    ) -> list[Generation]:
        from transformers import (
            GenerationConfig,
            StoppingCriteriaList,
            TemperatureLogitsWarper,
            TopKLogitsWarper,
            TopPLogitsWarper,
        )

        ids, mask = self._pad_left(rows)
        if self.own_loop:
            return self._generate_own_loop(ids, mask, config, seeds)
        width = ids.shape[1]
        recorder = LogprobRecorder(width)
        procs: list[LogitsProcessor] = [recorder]
        if not config.greedy:
            procs.append(TemperatureLogitsWarper(config.temperature))
            if config.top_k > 0:
                procs.append(TopKLogitsWarper(config.top_k))
            if config.top_p < 1.0:
                procs.append(TopPLogitsWarper(config.top_p))
            procs.append(GumbelNoise(seeds))
        stops = StoppingCriteriaList(
            [StopStrings(self.tokenizer, config.stop, width)] if config.stop else []
        )
        eos = sorted(self.eos_ids) or None
        gen_config = GenerationConfig(
            max_new_tokens=config.max_new_tokens,
            do_sample=False,
            num_beams=1,
            eos_token_id=eos,
            pad_token_id=self.tokenizer.pad_token_id,
        )
        kwargs = {"attention_mask": mask} if self.pads_ok else {}
        seqs = self.torch_model.generate(
            ids,
            generation_config=gen_config,
            logits_processor=LogitsProcessorList(procs),
            stopping_criteria=stops,
            **kwargs,
        )
        recorder.take(seqs[:, -1])
        new = seqs[:, width:].tolist()
        lps = torch.stack(recorder.steps, dim=1).tolist() if recorder.steps else [[] for _ in rows]
        return [self._finish(t, lp, config.stop) for t, lp in zip(new, lps, strict=True)]

    def _generate_own_loop(self, ids, mask, config: DecodeConfig, seeds: list[int]):
        noise = None if config.greedy else GumbelNoise(seeds)

        def pick(logits: torch.Tensor, rows: list[int]) -> torch.Tensor:
            if noise is None:
                return logits.argmax(-1)
            scores = warp_scores(logits, config.temperature, config.top_k, config.top_p)
            return noise.add(scores, rows).argmax(-1)

        def finished(row: int, tokens: list[int]) -> bool:
            if tokens[-1] in self.eos_ids:
                return True
            if not config.stop:
                return False
            text = self.tokenizer.decode(tokens, skip_special_tokens=True)
            return any(s in text for s in config.stop)

        tokens, lps = decode_with_kv_cache(
            self.torch_model,
            ids,
            mask,
            max_new_tokens=config.max_new_tokens,
            pick=pick,
            finished=finished,
        )
        return [self._finish(t, lp, config.stop) for t, lp in zip(tokens, lps, strict=True)]

    def _finish(self, tokens: list[int], lps: list[float], stop: list[str]) -> Generation:
        reason = "length"
        ends = [i for i, t in enumerate(tokens) if t in self.eos_ids]
        if ends:
            tokens, reason = tokens[: ends[0] + 1], "eos"
        text = self.tokenizer.decode(tokens, skip_special_tokens=True)
        text, hit = apply_stop(text, stop)
        if hit:
            reason = "stop"
            n = 1
            while not apply_stop(self.tokenizer.decode(tokens[:n], skip_special_tokens=True), stop)[
                1
            ]:
                n += 1
            tokens = tokens[:n]
        return Generation(text, tokens, lps[: len(tokens)], reason)

    @torch.inference_mode()
    def _score_batch(self, prompts: list[list[int]], comps: list[list[int]]) -> list[list[float]]:
        seqs = [p + c for p, c in zip(prompts, comps, strict=True)]
        width = max(len(s) for s in seqs)
        pad = self.tokenizer.pad_token_id
        ids = torch.tensor([s + [pad] * (width - len(s)) for s in seqs], device=self.device)
        kwargs = {}
        if self.pads_ok:
            kwargs["attention_mask"] = torch.tensor(
                [[1] * len(s) + [0] * (width - len(s)) for s in seqs], device=self.device
            )
        logits = self.torch_model(ids, **kwargs).logits.float()
        logp = torch.log_softmax(logits[:, :-1], dim=-1)
        picked = logp.gather(2, ids[:, 1:, None])[:, :, 0].tolist()
        return [
            row[len(p) - 1 : len(p) - 1 + len(c)]
            for row, p, c in zip(picked, prompts, comps, strict=True)
        ]


def _resolve_device(device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise BackendError(
            f"--device {device} requested but no CUDA device is available; use cpu or auto"
        )
    if device.split(":")[0] not in ("cpu", "cuda", "mps"):
        raise BackendError(f"unknown device {device!r}; use auto, cpu or cuda")
    return device
