"""Fixtures of the site tests: a small registry with every kind (and hostile text), results in
a real SQLite store, one built site served over real HTTP, and headless Debian Chromium."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from taxonomy.schema import Registry
from taxonomy.site.build import build_from_data, serve_directory
from taxonomy.site.data import collect
from taxonomy.site.paths import PROJECT_ROOT
from taxonomy.store import ResultRecord, Store

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "site"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

HOSTILE_NAME = "<b>Bold</b> & <i>loud</i>"
HOSTILE_SUMMARY = (
    '<script>window.__pwned = 1</script> and <img src=x onerror="window.__pwned=2"> and '
    '[click](javascript:window.__pwned=3) and {: onclick="window.__pwned=4"} and `code`'
)

_BEHAVIOR_PROBE = {
    "inputs": {"generator": "repeated_tokens", "params": {}, "n": 50, "seed": 1},
    "predictor": {"name": "induction_target"},
    "observable": {"name": "first_token"},
}


def node(id_: str, kind: str, parents: list[str] | None = None, **extra: object) -> dict:
    return {
        "id": id_,
        "kind": kind,
        "name": extra.pop("name", id_.replace("-", " ").title()),
        "summary": extra.pop("summary", f"Summary of {id_}."),
        "parents": parents or [],
        "since": extra.pop("since", "0.1"),
        **extra,
    }


def small_registry() -> Registry:
    """Nine nodes over the five kinds: probes, a hypothesis, a deprecated node, hostile text."""
    nodes = [
        node("gem", "benchmark", references=["arXiv:2102.01672"]),
        node(
            "summarization",
            "skill",
            ["gem"],
            status="operationalized",
            probe={
                "inputs": {"generator": "tldr_passage", "n": 20},
                "success": {"name": "contains", "params": {}},
            },
        ),
        node(
            "copying-novel-entities",
            "behavior",
            ["summarization"],
            status="operationalized",
            mapping="shared",
            probe=_BEHAVIOR_PROBE,
            references=[
                "arXiv:2308.00189",
                "doi:10.18653/v1/2020.acl-main.173",
                "https://example.org/a?b=1&c=<2>",
            ],
        ),
        node(
            "hostile-node",
            "behavior",
            ["summarization"],
            name=HOSTILE_NAME,
            summary=HOSTILE_SUMMARY,
            since="0.2",
        ),
        node("repetition-loops", "behavior", ["summarization"], since="0.2"),
        node(
            "old-copying",
            "behavior",
            ["summarization"],
            status="deprecated",
            replaced_by="copying-novel-entities",
        ),
        node(
            "induction-heads",
            "structure",
            ["copying-novel-entities"],
            status="operationalized",
            probe={"detector": {"name": "prefix_matching"}, "behavior": "copying-novel-entities"},
        ),
        node(
            "attention-heads",
            "element",
            ["induction-heads"],
            status="operationalized",
            probe={"unit": "attention_head"},
        ),
        node("mlp-neurons", "element", ["induction-heads"]),
    ]
    return Registry.model_validate({"version": "0.2", "nodes": nodes})


MODELS = ("zoo:tiny-transformer", "zoo:tiny-rnn", "ext/<model>&1")


def record(
    node_id: str,
    kind: str,
    model: str,
    score: float | None,
    low: float | None,
    high: float | None,
    **extra: object,
) -> ResultRecord:
    return ResultRecord(
        node_id=node_id,
        kind=kind,
        model=model,
        model_fingerprint=f"fp-{model}",
        backend="hf",
        score=score,
        ci_low=low,
        ci_high=high,
        created="2025-01-01T00:00:00+00:00",
        **extra,
    )


def small_records() -> list[ResultRecord]:
    """Scores chosen so the comparison verdicts are known (see test_compare_page)."""
    t, r, x = MODELS
    ex = [
        {
            "prompt": "a b c a b",
            "completion": " c</pre><script>window.__pwned=5</script>",
            "predictor": "c",
            "observable": "c",
        }
    ]
    cne, ih = "copying-novel-entities", "induction-heads"
    return [
        record(
            cne,
            "behavior",
            t,
            1.5,
            1.2,
            1.8,
            examples=ex,
            details={"h_a": 2.0, "ceiling": 1.9, "explained_fraction": 1.5 / 1.9},
        ),
        record(cne, "behavior", r, 0.3, 0.1, 0.5, details={"h_a": 2.0, "ceiling": 1.0}),
        record(cne, "behavior", x, 1.4, 1.0, 1.7),
        record("summarization", "skill", t, 0.4, 0.2, 0.6, details={"per_edge": {cne: 0.35}}),
        record("summarization", "skill", r, 0.02, -0.05, 0.1),
        record(ih, "structure", t, 1.1, 0.9, 1.3),
        record(ih, "structure", r, None, None, None, skipped="no attention in this architecture"),
        record(
            "attention-heads",
            "element",
            t,
            0.8,
            0.6,
            1.0,
            details={
                "per_unit": {
                    "0.1": {"score": 0.7, "ci_low": 0.5, "ci_high": 0.9},
                    "1.0": {"score": 0.05, "ci_low": 0.0, "ci_high": 0.1},
                }
            },
        ),
    ]


@pytest.fixture(scope="session")
def sample() -> SimpleNamespace:
    """The small registry, its result records and the hostile strings, for assertions."""
    return SimpleNamespace(
        registry=small_registry(),
        records=small_records(),
        models=MODELS,
        hostile_name=HOSTILE_NAME,
        hostile_summary=HOSTILE_SUMMARY,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory):
    """The small registry's site built once (results read back from a real store) and served."""
    root = tmp_path_factory.mktemp("site")
    with Store(root / "results.sqlite") as store:
        for rec in small_records():
            store.write_result(rec)
        records = store.results()
    data = collect(small_registry(), records)
    report = build_from_data(data, root / "out", root / "docs", cards_dir=None)
    server, _ = serve_directory(report.out)
    yield report, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for screenshots (gitignored), created on demand."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Selenium; skipped only when Chromium is absent."""
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip("Chromium is not installed: apt-get install -y chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)
