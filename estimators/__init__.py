"""Pure-JAX information measures (bits) with calibrated, cluster-aware uncertainty.

Importing ``estimators`` enables JAX float64 (``jax_enable_x64``): counts meet logarithms here,
and float32 sums stop being exact at 2^24.  Code that needs float32 arrays should request the
dtype explicitly (``jnp.zeros(n, jnp.float32)``), which x64 mode leaves unchanged.
"""

import jax

jax.config.update("jax_enable_x64", True)

from estimators.bootstrap import cluster_types, interval  # noqa: E402
from estimators.counts import bucket, joint_counts  # noqa: E402
from estimators.discretize import quantile_discretize  # noqa: E402
from estimators.entropy import (  # noqa: E402
    entropy_chao_shen,
    entropy_jackknife,
    entropy_miller_madow,
    entropy_plugin,
)
from estimators.information import (  # noqa: E402
    DEFAULT_METHOD,
    METHODS,
    conditional_entropy,
    entropy,
    information_terms,
    mutual_information,
    normalized_mutual_information,
)
from estimators.mdl import description_length_bits, mdl_score  # noqa: E402
from estimators.metamodel import MetamodelResult, metamodel_information  # noqa: E402
from estimators.nsb import entropy_nsb  # noqa: E402
from estimators.score import (  # noqa: E402
    MIN_CLUSTERS,
    BehaviorScore,
    PairedDifference,
    UncalibratedIntervalWarning,
    behavior_score,
    paired_difference,
)

__all__ = [
    "DEFAULT_METHOD",
    "METHODS",
    "MIN_CLUSTERS",
    "BehaviorScore",
    "MetamodelResult",
    "PairedDifference",
    "UncalibratedIntervalWarning",
    "behavior_score",
    "bucket",
    "cluster_types",
    "conditional_entropy",
    "description_length_bits",
    "entropy",
    "entropy_chao_shen",
    "entropy_jackknife",
    "entropy_miller_madow",
    "entropy_nsb",
    "entropy_plugin",
    "information_terms",
    "interval",
    "joint_counts",
    "mdl_score",
    "metamodel_information",
    "mutual_information",
    "normalized_mutual_information",
    "paired_difference",
    "quantile_discretize",
]
