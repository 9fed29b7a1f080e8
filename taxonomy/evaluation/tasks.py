"""Skill and benchmark scores: how many bits of per-example success the children explain.

Success comes from the node's own task (inputs + a 0/1 ``success`` observable) or from
imported lm-evaluation-harness ``--log_samples`` JSONL. The children's predictors, applied to
the same inputs, form a feature vector; a flax metamodel's held-out cross-entropy bounds
H(success | children) from above, so H(success) minus it is a lower bound on the bits the
children explain jointly (DESIGN.md). Each edge also gets the child's own I(success; B).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from taxonomy.evaluation.behaviors import encode
from taxonomy.features import Example, predict
from taxonomy.schema import FeatureRef, ImportedSamples


class TaskDataError(ValueError):
    """An imported per-sample file that cannot be read; the message names file and line."""


def load_lm_eval_samples(spec: ImportedSamples, base: Path) -> tuple[list[Example], np.ndarray]:
    """Prompts and 0/1 success from an lm-eval ``--log_samples`` JSONL file."""
    path = (base / spec.path).resolve()
    if not path.is_file():
        raise TaskDataError(f"{path}: imported samples file not found (probe.samples.path)")
    examples, success = [], []
    for lineno, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            value = float(row[spec.metric])
            prompt = _lm_eval_prompt(row)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
            raise TaskDataError(
                f"{path}:{lineno}: not an lm-eval sample with a '{spec.metric}' field and "
                f"arguments ({type(err).__name__}: {err})"
            ) from None
        examples.append(Example(id=len(examples), prompt=prompt, meta={"doc": row.get("doc")}))
        success.append(1 if value >= 0.5 else 0)
    if not examples:
        raise TaskDataError(f"{path}: no samples")
    return examples, np.asarray(success, dtype=np.int32)


def _lm_eval_prompt(row: dict) -> str:
    args = row["arguments"]
    if isinstance(args, dict):  # {"gen_args_0": {"arg_0": prompt, ...}}
        first = next(iter(args.values()))
        return str(first["arg_0"])
    return str(args[0][0])  # older format: [[prompt, gen_kwargs], ...]


def child_features(
    predictors: dict[str, FeatureRef], examples: list[Example], max_labels: int = 32
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, str]]:
    """One-hot features of each child's predictor on the task's inputs.

    Returns (features [n, d], per-child label ids [n], skipped child -> reason). A predictor that
    cannot read these inputs (it needs meta another generator writes) is skipped with its reason.
    """
    blocks, labels, skipped = [], {}, {}
    for child, ref in predictors.items():
        try:
            raw = [predict(ref.name, ref.params, ex) for ex in examples]
        except Exception as err:  # a feature's own error on foreign inputs: report, don't crash
            skipped[child] = f"predictor {ref.name} does not apply to these inputs: {err}"
            continue
        ids, names = encode(raw)
        ids = np.minimum(ids, max_labels - 1)
        labels[child] = ids
        blocks.append(np.eye(min(len(names), max_labels), dtype=np.float32)[ids])
    features = np.concatenate(blocks, axis=1) if blocks else np.zeros((len(examples), 0))
    return features, labels, skipped
