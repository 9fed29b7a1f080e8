"""Recognising out-of-memory errors across devices, so batch sizes can back off."""

from __future__ import annotations

_OOM_MARKERS = (
    "out of memory",  # CUDA, MPS ("MPS backend out of memory")
    "can't allocate memory",  # CPU allocator
    "defaultcpuallocator",
    "not enough memory",
)


def is_oom(err: BaseException) -> bool:
    """True for ``torch.OutOfMemoryError`` and allocator ``RuntimeError``/``MemoryError``."""
    import torch

    if isinstance(err, torch.OutOfMemoryError | MemoryError):
        return True
    return isinstance(err, RuntimeError) and any(m in str(err).lower() for m in _OOM_MARKERS)


def release_memory(device: str) -> None:
    """Return cached allocator blocks after an OOM so the retry starts clean."""
    import gc

    import torch

    gc.collect()
    if device.startswith("cuda") and torch.cuda.is_available():
        torch.cuda.empty_cache()
