"""The behavior registry: a versioned taxonomy of what generative language models do.

Every node (benchmark, skill, behavior, learned structure, element) carries a measured
information score in bits; see DESIGN.md and Holtzman, West & Zettlemoyer (arXiv:2308.00189).
"""

__version__ = "0.1.0"
