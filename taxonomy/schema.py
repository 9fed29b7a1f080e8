"""The registry's data model: kind-tagged nodes and their probes (pydantic v2, strict).

A node is one level of the paper's Fig. 2 hierarchy (arXiv:2308.00189):
benchmark > skill > behavior > structure (learned structure) > element. An operationalized
node carries a ``probe`` saying how its information score is measured (DESIGN.md):

- behavior: ``I(A; B)`` between an observable A of the output and a predictor B of the input;
- skill / benchmark: bits of per-example success explained jointly by the children (metamodel);
- structure: bits of a behavior lost when the detected elements are ablated;
- element: bits of the parent structure's behavior lost when one unit alone is ablated.

Every model forbids unknown fields, so a typo is an error, never silently ignored.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

Kind = Literal["benchmark", "skill", "behavior", "structure", "element"]
KINDS: tuple[str, ...] = ("element", "structure", "behavior", "skill", "benchmark")
LEVEL: dict[str, int] = {kind: level for level, kind in enumerate(KINDS)}
"""Edges point upward: a parent's level is >= its child's level."""

Status = Literal["hypothesis", "operationalized", "validated", "deprecated"]
Mapping = Literal["shared", "idiosyncratic", "contingent", "unexpressed"]
EstimatorMethod = Literal["default", "plugin", "miller_madow", "jackknife", "nsb", "chao_shen"]

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
VERSION_PATTERN = r"^\d+\.\d+(?:\.\d+)?$"
NAME_PATTERN = r"^[a-z][a-z0-9_]*$"

_ARXIV = re.compile(r"^arXiv:(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")
_DOI = re.compile(r"^doi:10\.\d{4,9}/\S+$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


def _rule(code: str, message: str, fix: str, field: str | None = None) -> PydanticCustomError:
    """A rule violation with a machine-readable ``code``, the ``fix`` and the offending ``field``
    (the loader points at it); raised from validators, reported by ``taxonomy.loader``."""
    context = {"fix": fix, "field": field} if field else {"fix": fix}
    return PydanticCustomError(code, message.replace("{", "{{").replace("}", "}}"), context)


def _check_reference(ref: str) -> str:
    if _ARXIV.match(ref) or _DOI.match(ref) or _URL.match(ref):
        return ref
    raise _rule(
        "bad-reference",
        f"reference {ref!r} is not an arXiv id, DOI or URL",
        "write it as 'arXiv:2209.11895', 'doi:10.18653/v1/2020.acl-main.173' or 'https://...'",
    )


Reference = Annotated[str, AfterValidator(_check_reference)]
NodeId = Annotated[str, Field(pattern=ID_PATTERN, min_length=2, max_length=80)]
FeatureName = Annotated[str, Field(pattern=NAME_PATTERN, max_length=64)]


class Strict(BaseModel):
    """Base of every registry model: unknown fields are errors; instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class FeatureRef(Strict):
    """A registered feature (generator, transform, predictor, observable, detector) by name."""

    name: FeatureName = Field(description="Registered name in the feature library.")
    params: dict[str, Any] = Field(default_factory=dict, description="Validated by the feature.")


class Inputs(Strict):
    """The input distribution D_x: a generator with params and a seed, then transforms."""

    generator: FeatureName = Field(
        description="Registered input generator, e.g. 'repeated_tokens'."
    )
    params: dict[str, Any] = Field(default_factory=dict)
    n: int = Field(200, ge=1, le=1_000_000, description="Number of inputs drawn.")
    seed: int = Field(0, ge=0, description="Seed of the generator and the transforms.")
    transforms: list[FeatureRef] = Field(
        default_factory=list, description="Applied in order to every input (section 2.4)."
    )


class Sampling(Strict):
    """The randomness D_r: decoding settings, samples per input and a seed."""

    max_new_tokens: int = Field(16, ge=1, le=4096)
    temperature: float = Field(0.0, ge=0.0, le=10.0, description="0 means greedy decoding.")
    top_k: int = Field(0, ge=0, description="0 disables top-k.")
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    k: int = Field(1, ge=1, le=1024, description="Samples per input (the ceiling needs k >= 2).")
    seed: int = Field(0, ge=0)
    stop: list[str] = Field(default_factory=list, description="Strings that end a completion.")

    @model_validator(mode="after")
    def _greedy_needs_one_sample(self) -> Sampling:
        if self.temperature == 0.0 and self.k > 1:
            raise _rule(
                "greedy-samples",
                f"k={self.k} samples per input with greedy decoding (temperature 0) gives k "
                "identical samples",
                "set temperature > 0, or k: 1",
                "k",
            )
        return self


class Estimator(Strict):
    """How labels become bits: estimator method, bootstrap size, interval level, MDL weight."""

    method: EstimatorMethod = "default"
    n_boot: int = Field(1000, ge=2, le=100_000, description="Bootstrap resamples of the inputs.")
    level: float = Field(0.95, gt=0.0, lt=1.0)
    alpha: float = Field(1.0, ge=0.0, description="Weight of H(A|B) in the MDL score.")
    seed: int = Field(0, ge=0)


class BehaviorProbe(Strict):
    """Measure I(A(M(X,R)); B(X)) for a predictor B and an observable A."""

    inputs: Inputs
    sampling: Sampling = Field(default_factory=Sampling)
    predictor: FeatureRef
    observable: FeatureRef
    estimator: Estimator = Field(default_factory=Estimator)


class ImportedSamples(Strict):
    """Per-example success imported from another harness (e.g. lm-eval ``--log_samples``)."""

    format: Literal["lm_eval"] = "lm_eval"
    path: str = Field(description="Path to the JSONL file, relative to the registry file.")
    metric: str = Field("acc", description="The per-sample field that holds success.")


class Metamodel(Strict):
    """The flax metamodel that predicts success from the children's features."""

    folds: int = Field(
        5, ge=3, le=20, description="Cross-validation folds (test, validation, train)."
    )
    hidden: int = Field(64, ge=0, le=4096, description="0 means logistic regression.")
    epochs: int = Field(
        300, ge=1, le=100_000, description="Most full-batch optimizer steps per fold (validated)."
    )
    seed: int = Field(0, ge=0)


class TaskProbe(Strict):
    """Per-example success on a task: generated here (inputs + success) or imported."""

    inputs: Inputs | None = None
    sampling: Sampling = Field(default_factory=Sampling)
    success: FeatureRef | None = Field(None, description="Observable giving 1 on success, else 0.")
    samples: ImportedSamples | None = None
    metamodel: Metamodel = Field(default_factory=Metamodel)

    @model_validator(mode="after")
    def _one_source(self) -> TaskProbe:
        generated = self.inputs is not None or self.success is not None
        if generated and self.samples is not None:
            raise _rule(
                "task-source",
                "a task probe has either 'inputs' + 'success' or 'samples', not both",
                "keep 'inputs' + 'success' to generate the task here, or 'samples' to import it",
                "samples",
            )
        if self.samples is None and (self.inputs is None or self.success is None):
            missing = "inputs" if self.inputs is None else "success"
            raise _rule(
                "missing-field",
                f"a task probe needs '{missing}' (with 'inputs' and 'success'), "
                "or 'samples' to import per-example results",
                f"add '{missing}:', or replace the task definition by 'samples:'",
            )
        return self


class StructureProbe(Strict):
    """Detect the elements that carry a structure and ablate them from a behavior."""

    detector: FeatureRef = Field(description="e.g. prefix_matching with params {top: 2}.")
    behavior: NodeId = Field(description="Id of the behavior whose bits the structure supports.")
    ablation: Literal["zero", "mean"] = "zero"


class ElementProbe(Strict):
    """Ablate one unit at a time; the behavior comes from the parent structure's probe."""

    unit: Literal["attention_head"] = "attention_head"
    ablation: Literal["zero", "mean"] = "zero"


class NodeBase(Strict):
    """Fields every node has."""

    id: NodeId
    name: str = Field(min_length=1, max_length=120)
    summary: str = Field(min_length=1, max_length=4000)
    references: list[Reference] = Field(default_factory=list)
    parents: list[NodeId] = Field(default_factory=list, description="Edges upward.")
    status: Status = "hypothesis"
    since: Annotated[str, Field(pattern=VERSION_PATTERN)] = Field(
        description="Registry version that added the node."
    )
    replaced_by: NodeId | None = Field(None, description="Required when deprecated.")

    @model_validator(mode="after")
    def _status_rules(self) -> NodeBase:
        probe = getattr(self, "probe", None)
        if self.status == "hypothesis" and probe is not None:
            raise _rule(
                "hypothesis-with-probe",
                "a hypothesis has no probe",
                "set status: operationalized, or remove the probe",
                "probe",
            )
        if self.status in ("operationalized", "validated") and probe is None:
            raise _rule(
                "missing-probe",
                f"status {self.status} needs a probe",
                "add a probe, or set status: hypothesis",
                "status",
            )
        if self.status == "deprecated" and self.replaced_by is None:
            raise _rule(
                "deprecated-without-replacement",
                "a deprecated node names its replacement",
                "add replaced_by: <id of the node that supersedes it>",
                "status",
            )
        if self.status != "deprecated" and self.replaced_by is not None:
            raise _rule(
                "replacement-not-deprecated",
                "replaced_by is only for deprecated nodes",
                "remove replaced_by, or set status: deprecated",
                "replaced_by",
            )
        if len(set(self.parents)) != len(self.parents):
            twice = next(p for p in self.parents if self.parents.count(p) > 1)
            raise _rule(
                "duplicate-parent",
                f"parents lists '{twice}' twice",
                "remove the duplicate",
                "parents",
            )
        return self


class BenchmarkNode(NodeBase):
    kind: Literal["benchmark"]
    lm_eval_tasks: list[str] = Field(
        default_factory=list, description="lm-evaluation-harness task names, where one exists."
    )
    probe: TaskProbe | None = None


class SkillNode(NodeBase):
    kind: Literal["skill"]
    lm_eval_tasks: list[str] = Field(default_factory=list)
    probe: TaskProbe | None = None


class BehaviorNode(NodeBase):
    kind: Literal["behavior"]
    mapping: Mapping | None = Field(None, description="Fig. 6 of the paper.")
    probe: BehaviorProbe | None = None


class StructureNode(NodeBase):
    kind: Literal["structure"]
    probe: StructureProbe | None = None


class ElementNode(NodeBase):
    kind: Literal["element"]
    probe: ElementProbe | None = None


Node = Annotated[
    BenchmarkNode | SkillNode | BehaviorNode | StructureNode | ElementNode,
    Field(discriminator="kind"),
]


class Registry(Strict):
    """The whole registry file: a version and a list of nodes."""

    version: Annotated[str, Field(pattern=VERSION_PATTERN)]
    nodes: list[Node] = Field(default_factory=list)


def registry_json_schema() -> dict[str, Any]:
    """JSON Schema of registry.yaml (committed as registry.schema.json for editors)."""
    schema = Registry.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "registry.schema.json",
        "title": "Behavior registry",
        **schema,
    }
