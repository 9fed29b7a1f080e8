"""``registry evaluate``: evaluate selected nodes on one or more models into the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from taxonomy.evaluation.engine import Evaluation, ModelRun, Overrides, Reporter
from taxonomy.evaluation.sampling import Sampler
from taxonomy.store import DEFAULT_STORE, ResultRecord, Store


@dataclass
class Outcome:
    """What an evaluation did: the records, and how many samples it generated vs reused."""

    records: list[ResultRecord] = field(default_factory=list)
    generated: int = 0
    cached: int = 0


def default_models() -> list[str]:
    """The reference zoo: what ``registry evaluate`` runs when no model is named."""
    from taxonomy.zoo import list_models

    return [f"zoo:{m.name}" for m in list_models()]


def open_model(
    spec: str,
    store: Store,
    backend: str | None,
    device: str,
    batch_size: int | str,
    reporter: Reporter | None = None,
) -> ModelRun:
    """Open a model's backend and wrap it in a caching sampler.

    A local or zoo hf model is fingerprinted from its weight files and loaded only when a
    sample is missing, so a fully cached evaluation imports neither torch nor transformers.
    """
    from taxonomy.backends import load_backend

    on_batch = reporter.samples_done if reporter else None
    local = _local_hf_dir(spec, backend)
    if local is not None:
        from taxonomy.backends.base import BackendError, ModelLoadError
        from taxonomy.backends.hf_load import local_fingerprint

        fingerprint = local_fingerprint(local)

        def load():
            try:
                return load_backend(str(local), backend="hf", device=device, batch_size=batch_size)
            except BackendError as err:
                raise ModelLoadError(str(err)) from err

        sampler = Sampler(store, fingerprint, "hf", load, on_batch)
        return ModelRun(model=spec, backend_name="hf", fingerprint=fingerprint, sampler=sampler)
    handle = load_backend(spec, backend=backend, device=device, batch_size=batch_size)
    sampler = Sampler(store, handle.fingerprint(), handle.name, lambda: handle, on_batch)
    return ModelRun(
        model=spec,
        backend_name=handle.name,
        fingerprint=handle.fingerprint(),
        sampler=sampler,
    )


def _local_hf_dir(spec: str, backend: str | None) -> Path | None:
    """The model directory when ``spec`` is a zoo name or a local hf directory, else None."""
    from taxonomy.backends.load import infer_backend, resolve_zoo

    if (backend or infer_backend(spec)) != "hf":
        return None
    path = resolve_zoo(spec) if spec.startswith("zoo:") else Path(spec).expanduser()
    return path if (path / "config.json").is_file() else None


def evaluate(
    registry: str | Path = "registry.yaml",
    models: list[str] | None = None,
    *,
    backend: str | None = None,
    nodes: str | None = None,
    n: int | None = None,
    k: int | None = None,
    seed: int | None = None,
    device: str = "auto",
    batch_size: int | str = "auto",
    store: str | Path = DEFAULT_STORE,
    reporter: Reporter | None = None,
) -> Outcome:
    """Score every selected operationalized node on every model.

    Raises RegistryError (bad registry), SelectorError (selector matches nothing) and
    BackendError (model cannot be opened) before any work is lost: finished samples and
    results are committed as they complete.
    """
    from taxonomy.loader import load_registry

    loaded = load_registry(registry)
    with Store(store) as db:
        evaluation = Evaluation(loaded, db, Overrides(n=n, k=k, seed=seed), reporter)
        node_ids = evaluation.plan(nodes)
        if not node_ids:  # e.g. only hypotheses, or a changed: selector on a branch of prose
            return Outcome()
        models = models or default_models()
        if reporter:
            reporter.planned(len(node_ids) * len(models))
        outcome = Outcome()
        for spec in models:
            run = open_model(spec, db, backend, device, batch_size, reporter)
            try:
                outcome.records += evaluation.run(run, node_ids)
            finally:
                run.sampler.close()
            outcome.generated += run.sampler.generated
            outcome.cached += run.sampler.reused
        return outcome
