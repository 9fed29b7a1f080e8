"""Shared test setup: repository paths and a deterministic hypothesis profile."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

settings.register_profile(
    "repo", derandomize=True, suppress_health_check=[HealthCheck.too_slow], deadline=None
)
settings.load_profile("repo")


@pytest.fixture
def repo_root() -> Path:
    """The repository root (where registry.yaml lives)."""
    return ROOT


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test with the repository root as the working directory."""
    monkeypatch.chdir(ROOT)
    return ROOT
