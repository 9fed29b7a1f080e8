"""The built site: every page exists, no registry text becomes markup, the data is complete."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

# Scripts the theme and our assets are allowed to load; anything else is an injection.
ALLOWED_SCRIPT_SRC = (
    "assets/javascripts/",
    "assets/graph.js",
    "assets/sort.js",
    "assets/compare.js",
)


class Scan(HTMLParser):
    """Collects scripts, event-handler attributes, javascript: URLs, and visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.bad.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript"):
                self.bad.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            src = d.get("src") or ""
            if src and not any(a in src for a in ALLOWED_SCRIPT_SRC):
                self.bad.append(f"script src={src}")
            self._in_script = not src
        if tag in ("img", "iframe", "object", "embed"):
            self.bad.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "pwned" in data:
            self.bad.append(f"inline script: {data[:60]!r}")
        if not self._in_script:
            self.text.append(data)


def scan(path: Path) -> Scan:
    parser = Scan()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_every_page_is_built(built_site, sample) -> None:
    report, _ = built_site
    out = report.out
    for node in sample.registry.nodes:
        assert (out / "nodes" / node.id / "index.html").is_file()
    for page in (
        "index.html",
        "nodes/index.html",
        "models/index.html",
        "compare/index.html",
        "changelog/index.html",
        "contribute/index.html",
        "graph.json",
        "search/search_index.json",
    ):
        assert (out / page).is_file(), page
    assert len(list((out / "models").glob("*/index.html"))) == len(sample.models)
    assert len(list((out / "compare").glob("*--*/index.html"))) == 3  # 3 choose 2


def test_no_registry_or_result_text_becomes_markup(built_site, sample) -> None:
    report, _ = built_site
    pages = list(report.out.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        assert scan(page).bad == [], page
    text = " ".join(" ".join(scan(report.out / "nodes/hostile-node/index.html").text).split())
    assert " ".join(sample.hostile_summary.split()) in text
    assert sample.hostile_name in text
    title = (report.out / "nodes/hostile-node/index.html").read_text().split("<title>")[1]
    assert title.startswith("&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;i&gt;loud&lt;/i&gt;")


def test_graph_json_has_every_node_and_edge(built_site, sample) -> None:
    report, _ = built_site
    data = json.loads((report.out / "graph.json").read_text())
    registry = sample.registry
    assert sorted(n["id"] for n in data["nodes"]) == sorted(n.id for n in registry.nodes)
    ids = [n["id"] for n in data["nodes"]]
    edges = {(ids[c], ids[p]) for c, p in data["edges"]}
    assert edges == {(n.id, p) for n in registry.nodes for p in n.parents}
    y = {n["kind"]: n["y"] for n in data["nodes"]}
    assert y["benchmark"] < y["skill"] < y["behavior"] < y["structure"] < y["element"]
    best = {n["id"]: n["best"] for n in data["nodes"]}
    assert best["copying-novel-entities"] == 1.5 and best["gem"] is None


def test_score_plot_encodes_scores_and_intervals(built_site) -> None:
    report, _ = built_site
    html = (report.out / "nodes/copying-novel-entities/index.html").read_text()
    svg = html[html.index('<svg class="score-plot"') :]
    svg = svg[: svg.index("</svg>") + 6]
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    points = root.findall(f".//{ns}circle")
    assert sorted(float(p.get("data-score")) for p in points) == [0.3, 1.4, 1.5]
    # x is affine in bits: recover the map from two points, check the third and the whiskers
    xs = {float(p.get("data-score")): float(p.get("cx")) for p in points}
    scale = (xs[1.5] - xs[0.3]) / 1.2
    assert abs(xs[1.4] - (xs[0.3] + 1.1 * scale)) < 0.15
    bars = root.findall(f".//{ns}g[@class='ci-bar']")
    spans = sorted((float(b[0].get("x2")) - float(b[0].get("x1"))) / scale for b in bars)
    assert [round(s, 2) for s in spans] == [0.4, 0.6, 0.7]  # CI widths in bits


def test_model_page_lists_every_scored_node(built_site) -> None:
    report, _ = built_site
    page = report.out / "models" / "zoo-tiny-rnn" / "index.html"
    text = " ".join(scan(page).text)
    for name in ("Copying Novel Entities", "Summarization", "Induction Heads"):
        assert name in text
    assert "skipped: no attention in this architecture" in text
    assert 'class="sortable model-scores"' in page.read_text()


def test_compare_page_verdicts(built_site) -> None:
    report, _ = built_site
    # tiny-rnn (A) vs tiny-transformer (B): copying CIs [0.1,0.5] vs [1.2,1.8] do not overlap
    page = report.out / "compare" / "zoo-tiny-rnn--zoo-tiny-transformer" / "index.html"
    text = " ".join(" ".join(scan(page).text).split())
    assert "Differs: B higher (2)" in text  # copying and summarization ([-0.05,0.1] vs [0.2,0.6])
    assert "Not comparable (2)" in text  # induction heads skipped, attention heads unscored
    page = report.out / "compare" / "ext-model-1--zoo-tiny-transformer" / "index.html"
    text = " ".join(" ".join(scan(page).text).split())
    assert "Shared (1)" in text  # copying: [1.0,1.7] and [1.2,1.8], both above 0


def test_search_index_covers_node_pages(built_site) -> None:
    report, _ = built_site
    index = json.loads((report.out / "search/search_index.json").read_text())
    locations = {d["location"] for d in index["docs"]}
    assert "nodes/induction-heads/" in locations
    hostile = [d for d in index["docs"] if d["location"] == "nodes/hostile-node/"]
    assert hostile and "<script>" not in hostile[0]["text"]


def test_contribute_page_documents_schema_and_features(built_site) -> None:
    from taxonomy.features import catalog

    report, _ = built_site
    text = " ".join(scan(report.out / "contribute/index.html").text)
    for field in ("replaced_by", "max_new_tokens", "n_boot", "lm_eval_tasks", "detector"):
        assert field in text
    for specs in catalog().values():
        for name in specs:
            assert name in text


def test_node_page_shows_probe_neighbours_breakdown_and_examples(built_site) -> None:
    report, _ = built_site
    text = " ".join(
        " ".join(scan(report.out / "nodes/copying-novel-entities/index.html").text).split()
    )
    assert "repeated_tokens" in text and "induction_target" in text  # the probe YAML
    assert "mapping class shared" in text
    assert "Induction Heads" in text and "Summarization" in text  # child and parent
    assert "c</pre><script>window.__pwned=5</script>" in text  # example shown as text
    assert (
        "https://arxiv.org/abs/2308.00189"
        in (report.out / "nodes/copying-novel-entities/index.html").read_text()
    )
    element = " ".join(scan(report.out / "nodes/attention-heads/index.html").text)
    assert "Bits per unit" in element and "0.7" in element
