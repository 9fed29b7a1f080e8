"""Model backends behind one protocol: prompts + decoding config + seeds -> generations.

``hf`` (transformers, white-box), ``openai`` (OpenAI-compatible completions endpoint,
black-box), ``replay`` (recorded generations). Importing this package stays light; torch and
transformers load only when an ``hf`` backend is built.
"""

from taxonomy.backends.base import (
    Backend,
    BackendError,
    DecodeConfig,
    Generation,
    white_box_skip_reason,
)
from taxonomy.backends.load import infer_backend, load_backend, resolve_zoo, zoo_names

__all__ = [
    "Backend",
    "BackendError",
    "DecodeConfig",
    "Generation",
    "infer_backend",
    "load_backend",
    "resolve_zoo",
    "white_box_skip_reason",
    "zoo_names",
]
