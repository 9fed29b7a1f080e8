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


ZOO_GAP = pytest.mark.xfail(
    strict=True,
    reason="issue 4 open: the committed gpt2-tiny copies through redundant heads, so ablating "
    "its induction heads removes about 40% of the bits, not 50%; see the issue note",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """``@pytest.mark.zoo_gap``: a strict expected failure while the zoo falls short of issue 4."""
    for item in items:
        if item.get_closest_marker("zoo_gap"):
            item.add_marker(ZOO_GAP)
