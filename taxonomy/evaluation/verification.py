"""``registry verify``: re-score stored samples by teacher forcing (exact repeatability).

The paper's section 4.2 point: a generative model is a complex system we can rerun exactly.
Every stored sample's log-probabilities are recomputed from its prompt and token ids and
compared with what was stored when it was generated.
"""

from __future__ import annotations

from pathlib import Path

from taxonomy.store import DEFAULT_STORE, Store


def verify_model(
    model: str,
    *,
    store: str | Path = DEFAULT_STORE,
    backend: str | None = None,
    device: str = "auto",
    limit: int | None = None,
):
    """Verify the stored samples of ``model`` (unablated ones); returns the backend report."""
    from taxonomy.backends import BackendError, load_backend
    from taxonomy.backends.verify import verify

    handle = load_backend(model, backend=backend, device=device)
    try:
        with Store(store) as db:
            samples = db.samples_for_model(handle.fingerprint())
        if not samples:
            raise BackendError(
                f"no stored samples for {model} (fingerprint {handle.fingerprint()[:12]}) in "
                f"{store}; run `registry evaluate --model {model}` first"
            )
        return verify(handle, samples[:limit] if limit else samples)
    finally:
        handle.close()
