"""A 1,000-node synthetic registry: one build in at most 60 s, home interactive within 2 s."""

from __future__ import annotations

import random
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from taxonomy.schema import Registry
from taxonomy.site.build import build_from_data, serve_directory
from taxonomy.site.data import collect
from taxonomy.store import ResultRecord

COUNTS = {"benchmark": 10, "skill": 60, "behavior": 330, "structure": 200, "element": 400}
ABOVE = {"skill": "benchmark", "behavior": "skill", "structure": "behavior", "element": "structure"}
MODELS = ("zoo:a", "zoo:b", "zoo:c")


def synthetic_registry(seed: int = 0) -> Registry:
    """1,000 valid nodes; each has 1-2 parents one level up; half the behaviors have probes."""
    rng = random.Random(seed)
    ids: dict[str, list[str]] = {}
    nodes = []
    for kind, count in COUNTS.items():
        ids[kind] = [f"{kind}-{i:04d}" for i in range(count)]
        for i, node_id in enumerate(ids[kind]):
            parents = (
                sorted(rng.sample(ids[ABOVE[kind]], rng.randint(1, 2))) if kind in ABOVE else []
            )
            node = {
                "id": node_id,
                "kind": kind,
                "name": f"{kind.title()} {i} of the synthetic set",
                "summary": " ".join(
                    rng.choice(["copy", "loop", "entity", "span", "head", "token", "bits"])
                    for _ in range(40)
                ),
                "parents": parents,
                "since": rng.choice(["0.1", "0.2", "0.3"]),
                "references": ["arXiv:2308.00189"],
            }
            if kind == "behavior" and i % 2 == 0:
                node |= {
                    "status": "operationalized",
                    "mapping": "shared",
                    "probe": {
                        "inputs": {"generator": "repeated_tokens", "n": 100, "seed": i},
                        "predictor": {"name": "induction_target"},
                        "observable": {"name": "first_token"},
                    },
                }
            nodes.append(node)
    return Registry.model_validate({"version": "0.3", "nodes": nodes})


def synthetic_records(registry: Registry, seed: int = 0) -> list[ResultRecord]:
    rng = random.Random(seed)
    out = []
    for node in registry.nodes:
        if node.status != "operationalized":
            continue
        for model in MODELS:
            score = rng.uniform(0, 2)
            out.append(
                ResultRecord(
                    node_id=node.id,
                    kind=node.kind,
                    model=model,
                    model_fingerprint=model,
                    backend="hf",
                    score=score,
                    ci_low=score - 0.2,
                    ci_high=score + 0.2,
                    details={"h_a": 2.5, "ceiling": 2.2, "explained_fraction": score / 2.2},
                    examples=[
                        {"prompt": "a b a", "completion": " b", "predictor": "b", "observable": "b"}
                    ],
                )
            )
    return out


@pytest.mark.slow
def test_thousand_nodes_build_fast_and_home_is_interactive(tmp_path, browser, artifacts) -> None:
    registry = synthetic_registry()
    assert len(registry.nodes) == 1000
    records = synthetic_records(registry)
    start = time.perf_counter()
    report = build_from_data(
        collect(registry, records), tmp_path / "out", tmp_path / "docs", cards_dir=None
    )
    elapsed = time.perf_counter() - start
    print(
        f"1,000-node build: {elapsed:.1f} s (generate {report.generate_s:.1f} s, "
        f"mkdocs {report.mkdocs_s:.1f} s), {report.pages} pages"
    )
    assert elapsed <= 60.0
    assert len(list((tmp_path / "out" / "nodes").glob("*/index.html"))) == 1000

    server, _ = serve_directory(report.out)
    try:
        browser.get(f"http://127.0.0.1:{server.server_address[1]}/")
        WebDriverWait(browser, 20).until(
            lambda d: d.execute_script("return window.__graphReady !== undefined")
        )
        ready_ms = browser.execute_script("return window.__graphReady")
        print(f"home graph ready {ready_ms:.0f} ms after navigation start")
        assert ready_ms < 2000.0
        nodes = browser.find_elements(By.CSS_SELECTOR, "#taxonomy-graph a.gnode")
        assert len(nodes) == 1000
        browser.save_screenshot(str(artifacts / "home-1000.png"))
        # interactive: searching narrows to one node, whose page opens from the match list
        browser.find_element(By.CSS_SELECTOR, "input.graph-search").send_keys("element-0399")
        link = browser.find_element(By.CSS_SELECTOR, ".graph-matches a")
        link.click()
        WebDriverWait(browser, 10).until(ec.url_contains("/nodes/element-0399/"))
    finally:
        server.shutdown()
