"""Turn (inputs x k seeds) into cached generations: plan, generate what is missing, commit.

Requests are split into fixed chunks in plan order; each chunk's missing samples are generated
and committed in one transaction, so a killed run loses at most one chunk and a rerun meets the
same chunk composition an uninterrupted run would have met (hence identical samples).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from taxonomy.schema import Sampling
from taxonomy.store import Store, StoredSample, sample_key

CHUNK = 256
"""Requests committed per transaction: the most work a kill -9 can cost."""


@dataclass(frozen=True)
class Request:
    prompt: str
    seed: int


def decode_config(sampling: Sampling) -> dict:
    """The decoding settings that define a sample (part of its content address)."""
    return {
        "max_new_tokens": sampling.max_new_tokens,
        "temperature": sampling.temperature,
        "top_k": sampling.top_k,
        "top_p": sampling.top_p,
        "stop": list(sampling.stop),
    }


def sample_seed(sampling: Sampling, j: int) -> int:
    """Seed of the j-th sample of any input: shared across nodes so equal prompts share samples."""
    return sampling.seed * 1024 + j


class Sampler:
    """Generates through a backend, caching every sample in the store.

    ``backend_factory`` is called only when something is missing, so a fully cached
    evaluation never loads a model.
    """

    def __init__(
        self,
        store: Store,
        fingerprint: str,
        backend_name: str,
        backend_factory: Callable[[], object],
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        self.store = store
        self.fingerprint = fingerprint
        self.backend_name = backend_name
        self._factory = backend_factory
        self._backend = None
        self.on_batch = on_batch
        self.generated = 0
        self.reused = 0

    @property
    def backend(self):
        if self._backend is None:
            self._backend = self._factory()
        return self._backend

    def sample(
        self, prompts: Sequence[str], sampling: Sampling, variant: str = ""
    ) -> list[list[StoredSample]]:
        """k samples for each prompt (n lists of k), generating and committing what is missing.

        ``variant`` distinguishes model states that share a fingerprint (e.g. ablated heads);
        the caller must put the model into that state before calling.
        """
        from taxonomy.backends.base import DecodeConfig

        config = decode_config(sampling)
        fp = self.fingerprint + variant
        requests = [
            Request(p, sample_seed(sampling, j)) for p in prompts for j in range(sampling.k)
        ]
        keys = [sample_key(fp, self.backend_name, r.prompt, config, r.seed) for r in requests]
        have = self.store.get_samples(keys)
        self.reused += len(have)
        for start in range(0, len(requests), CHUNK):
            todo = {  # by key: equal requests (same prompt and seed) are generated once
                key: req
                for key, req in zip(
                    keys[start : start + CHUNK], requests[start : start + CHUNK], strict=True
                )
                if key not in have
            }
            if not todo:
                continue
            reqs = list(todo.values())
            gens = self.backend.generate(
                [r.prompt for r in reqs], DecodeConfig(**config), [r.seed for r in reqs]
            )
            rows = [
                (k, r.prompt, config, r.seed, g)
                for (k, r), g in zip(todo.items(), gens, strict=True)
            ]
            self.store.put_samples(fp, self.backend_name, rows)
            have.update(self.store.get_samples(list(todo)))
            self.generated += len(todo)
            if self.on_batch is not None:
                self.on_batch(len(todo))
        flat = [have[k] for k in keys]
        return [flat[i * sampling.k : (i + 1) * sampling.k] for i in range(len(prompts))]

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
