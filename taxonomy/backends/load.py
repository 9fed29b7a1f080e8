"""``load_backend``: one model spec string -> the backend that can run it.

Specs: ``zoo:NAME`` (a reference model of the project's zoo), a local directory or hub id
(``hf``), an ``http(s)://`` URL of an OpenAI-compatible server, optionally ``URL#model``
(``openai``), or a recorded ``.jsonl``/``.parquet`` file (``replay``).
"""

from __future__ import annotations

import difflib
from pathlib import Path

from taxonomy.backends.base import Backend, BackendError

BACKENDS = ("hf", "openai", "replay")
_ZOO_DIR = Path(__file__).resolve().parent.parent / "zoo" / "models"


def zoo_names() -> list[str]:
    """Names of the zoo models whose weights are present (sorted)."""
    if not _ZOO_DIR.is_dir():
        return []
    return sorted(p.name for p in _ZOO_DIR.iterdir() if (p / "config.json").is_file())


def resolve_zoo(spec: str) -> Path:
    """``zoo:NAME`` -> the model directory, via ``taxonomy.zoo.resolve`` when it exists."""
    name = spec.removeprefix("zoo:")
    try:
        from taxonomy.zoo import resolve
    except ImportError:
        resolve = None
    if resolve is not None:
        try:
            return Path(resolve("zoo:" + name))
        except Exception as err:  # the zoo's own message says what is missing
            raise BackendError(f"zoo model '{name}' unavailable: {err}") from err
    path = _ZOO_DIR / name
    if not (path / "config.json").is_file():
        have = zoo_names()
        hint = difflib.get_close_matches(name, have, n=1)
        raise BackendError(
            f"zoo model '{name}' not found in {_ZOO_DIR}"
            + (f"; did you mean 'zoo:{hint[0]}'?" if hint else "")
            + (
                f" Available: {', '.join('zoo:' + n for n in have)}."
                if have
                else " No zoo weights are installed yet; train them with the zoo's build command."
            )
        )
    return path


def infer_backend(model: str) -> str:
    """The backend a spec implies: URL -> openai, .jsonl/.parquet -> replay, else hf."""
    if model.startswith(("http://", "https://")):
        return "openai"
    if model.lower().endswith((".jsonl", ".parquet")):
        return "replay"
    return "hf"


def load_backend(
    model: str,
    *,
    backend: str | None = None,
    device: str = "auto",
    batch_size: int | str = "auto",
    **kwargs,
) -> Backend:
    """Build the backend for ``model``.

    Args:
      model: ``zoo:NAME``, local path, hub id, ``http(s)://host/v1[#model]`` or a replay file.
      backend: "hf" | "openai" | "replay"; None infers it from ``model``.
      device: hf only: "auto" | "cpu" | "cuda".
      batch_size: hf: int or "auto"; openai: number of concurrent requests ("auto" = 8).
      **kwargs: backend-specific (hf: ``attentions``, ``dtype``; openai: ``model_name``,
        ``timeout``).

    Raises:
      BackendError: unknown backend, missing model, unreachable endpoint, malformed file.
    """
    kind = backend or infer_backend(model)
    if kind not in BACKENDS:
        hint = difflib.get_close_matches(kind, BACKENDS, n=1)
        raise BackendError(
            f"unknown backend {kind!r}; choose one of {', '.join(BACKENDS)}"
            + (f" (did you mean {hint[0]!r}?)" if hint else "")
        )
    if kind == "hf":
        from taxonomy.backends.hf import HFBackend

        path = resolve_zoo(model) if model.startswith("zoo:") else model
        return HFBackend(path, device=device, batch_size=batch_size, **kwargs)
    if kind == "openai":
        from taxonomy.backends.openai import OpenAIBackend

        url, _, name = model.partition("#")
        concurrency = 8 if batch_size == "auto" else int(batch_size)
        model_name = kwargs.pop("model_name", None) or name or None
        return OpenAIBackend(url, model_name=model_name, concurrency=concurrency, **kwargs)
    from taxonomy.backends.replay import ReplayBackend

    return ReplayBackend(model, **kwargs)
