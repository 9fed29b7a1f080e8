"""One page per model (every node score, sortable) and the model-vs-model comparison pages.

Comparison rule for one node scored on models A and B (intervals are the stored bootstrap CIs):

- *differs* when a paired test stored in ``details["compare"][other_model]["significant"]``
  says so, or else when the two CIs do not overlap;
- *shared* when both are expressed (score > 0 and CI lower bound > 0) and they do not differ;
- *neither* when neither is expressed; *inconclusive* otherwise (one expressed, no difference).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from taxonomy.site.data import SiteData
from taxonomy.site.escape import front_matter_title, html_text, md_inline
from taxonomy.site.node_pages import fmt_bits, fmt_ci

Verdict = Literal["shared", "a_higher", "b_higher", "neither", "inconclusive", "not_comparable"]
VERDICT_TEXT = {
    "shared": "shared",
    "a_higher": "differs: A higher",
    "b_higher": "differs: B higher",
    "neither": "expressed by neither",
    "inconclusive": "inconclusive",
    "not_comparable": "not comparable",
}


def _interval(rec: Any) -> tuple[float, float]:
    low = rec.ci_low if rec.ci_low is not None else rec.score
    high = rec.ci_high if rec.ci_high is not None else rec.score
    return low, high


def _expressed(rec: Any) -> bool:
    return rec.score > 0 and _interval(rec)[0] > 0


def _paired_test(rec: Any, other_model: str) -> bool | None:
    test = ((rec.details or {}).get("compare") or {}).get(other_model)
    if isinstance(test, dict) and isinstance(test.get("significant"), bool):
        return test["significant"]
    return None


def classify(a: Any | None, b: Any | None, model_a: str = "", model_b: str = "") -> Verdict:
    """Compare one node's results on models A and B (see the module docstring)."""
    if a is None or b is None or a.score is None or b.score is None:
        return "not_comparable"
    test = _paired_test(a, model_b)
    if test is None:
        test = _paired_test(b, model_a)
    if test is None:
        (a_low, a_high), (b_low, b_high) = _interval(a), _interval(b)
        test = a_low > b_high or b_low > a_high
    if test:
        return "a_higher" if a.score > b.score else "b_higher"
    if _expressed(a) and _expressed(b):
        return "shared"
    if not _expressed(a) and not _expressed(b):
        return "neither"
    return "inconclusive"


def ordered_pair(data: SiteData, x: str, y: str) -> tuple[str, str]:
    """The pair (A, B) ordered by slug: each unordered pair has one page."""
    a, b = sorted((x, y), key=lambda m: data.model_slugs[m])
    return a, b


def pair_slug(data: SiteData, x: str, y: str) -> str:
    a, b = ordered_pair(data, x, y)
    return f"{data.model_slugs[a]}--{data.model_slugs[b]}"


def model_page(data: SiteData, model: str, cards_dir: Path | None = None) -> str:
    """Markdown of ``models/<slug>.md``: a sortable table of every node score, and the card."""
    rows = [(i, data.record(i, model)) for i in data.nodes if data.record(i, model) is not None]
    scored = [r for _, r in rows if r.score is not None]
    fingerprints = sorted({r.model_fingerprint for _, r in rows})
    parts = [
        front_matter_title(model),
        f"# {md_inline(model)}\n\n",
        f"{len(scored)} nodes scored, {len(rows) - len(scored)} skipped. "
        f"Fingerprint: {', '.join(f'`{md_inline(f)}`' for f in fingerprints) or 'unknown'}.\n\n",
    ]
    head = (
        "<tr><th>node</th><th>kind</th><th>score (bits)</th><th>CI low</th><th>CI high</th>"
        "<th>explained</th><th>note</th></tr>"
    )
    body = []
    for node_id, rec in rows:
        node = data.nodes[node_id]
        frac = (rec.details or {}).get("explained_fraction")
        body.append(
            f'<tr><td><a href="../../nodes/{node_id}/">{html_text(node.name)}</a></td>'
            f"<td>{node.kind}</td><td>{fmt_bits(rec.score)}</td><td>{fmt_bits(rec.ci_low)}</td>"
            f"<td>{fmt_bits(rec.ci_high)}</td>"
            f"<td>{'—' if frac is None else f'{100 * frac:.1f}%'}</td>"
            f"<td>{html_text('skipped: ' + rec.skipped if rec.skipped else '')}</td></tr>"
        )
    parts.append(
        '<div class="sortable model-scores"><table><thead>'
        + head
        + "</thead><tbody>"
        + "".join(body)
        + "</tbody></table></div>\n\n"
    )
    others = [m for m in data.models if m != model]
    if others:
        links = ", ".join(
            f"[{md_inline(o)}](../compare/{pair_slug(data, model, o)}.md)" for o in others
        )
        parts.append(f"Compare with: {links}\n\n")
    card = _card(model, cards_dir)
    if card:
        parts.append("## Model card\n\n" + card + "\n")
    return "".join(parts)


def _card(model: str, cards_dir: Path | None) -> str:
    """The zoo model card (``taxonomy/zoo/models/<name>/card.md``), headings demoted by two."""
    if cards_dir is None or not model.startswith("zoo:"):
        return ""
    path = cards_dir / model.removeprefix("zoo:") / "card.md"
    if not path.is_file():
        return ""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join("##" + ln if ln.startswith("#") else ln for ln in lines)


def models_index(data: SiteData) -> str:
    parts = [front_matter_title("Models"), "# Models\n\n"]
    if not data.models:
        return (
            "".join(parts)
            + "No results yet: run `registry evaluate`, then build with `--results`.\n"
        )
    parts.append("| model | nodes scored | skipped |\n|---|---|---|\n")
    for m in data.models:
        recs = [r for by in data.results.values() for mm, r in by.items() if mm == m]
        n = sum(r.score is not None for r in recs)
        parts.append(f"| [{md_inline(m)}]({data.model_slugs[m]}.md) | {n} | {len(recs) - n} |\n")
    return "".join(parts)


def compare_index(data: SiteData) -> str:
    """Two model pickers that open the pair's page, and a list of every pair."""
    parts = [front_matter_title("Compare models"), "# Compare models\n\n"]
    if len(data.models) < 2:
        return "".join(parts) + "Comparisons need results for at least two models.\n"
    options = "".join(
        f'<option value="{data.model_slugs[m]}">{html_text(m)}</option>' for m in data.models
    )
    parts.append(
        '<form class="compare-picker"><select name="a" aria-label="Model A">'
        f'{options}</select> against <select name="b" aria-label="Model B">{options}</select> '
        '<button type="submit">Compare</button></form>\n\n'
    )
    parts.append("| model A | model B |\n|---|---|\n")
    for i, a in enumerate(data.models):
        for b in data.models[i + 1 :]:
            x, y = ordered_pair(data, a, b)
            parts.append(f"| [{md_inline(x)}]({pair_slug(data, x, y)}.md) | {md_inline(y)} |\n")
    return "".join(parts)


def compare_page(data: SiteData, a: str, b: str) -> str:
    """Markdown of ``compare/<a>--<b>.md``: nodes grouped by verdict, with both scores."""
    groups: dict[str, list[tuple[str, Any, Any]]] = {v: [] for v in VERDICT_TEXT}
    for node_id in data.nodes:
        ra, rb = data.record(node_id, a), data.record(node_id, b)
        if ra is None and rb is None:
            continue
        groups[classify(ra, rb, a, b)].append((node_id, ra, rb))
    parts = [
        front_matter_title(f"{a} vs {b}"),
        f"# {md_inline(a)} against {md_inline(b)}\n\n",
        f"A = {md_inline(a)}, B = {md_inline(b)}. A node differs when a paired test says so or "
        "their confidence intervals do not overlap; it is shared when both models express it "
        "(interval above 0 bits) and it does not differ.\n\n",
        "| verdict | nodes |\n|---|---|\n",
    ]
    parts += [f"| {VERDICT_TEXT[v]} | {len(rows)} |\n" for v, rows in groups.items()]
    parts.append("\n")
    for verdict in ("a_higher", "b_higher", "shared", "inconclusive", "neither", "not_comparable"):
        rows = groups[verdict]
        if not rows:
            continue
        css = "differs" if verdict.endswith("higher") else verdict
        title = VERDICT_TEXT[verdict]
        parts.append(f"## {title[0].upper() + title[1:]} ({len(rows)})\n\n")
        body = "".join(
            f'<tr><td><a href="../../nodes/{i}/">{html_text(data.nodes[i].name)}</a></td>'
            f"<td>{data.nodes[i].kind}</td>"
            f"<td>{fmt_bits(ra.score if ra else None)} {fmt_ci(ra) if ra else ''}</td>"
            f"<td>{fmt_bits(rb.score if rb else None)} {fmt_ci(rb) if rb else ''}</td>"
            f'<td class="verdict-{css}">{VERDICT_TEXT[verdict]}</td></tr>'
            for i, ra, rb in rows
        )
        parts.append(
            '<div class="sortable"><table><thead><tr><th>node</th><th>kind</th>'
            f"<th>A: {html_text(a)} (bits)</th><th>B: {html_text(b)} (bits)</th>"
            f"<th>verdict</th></tr></thead><tbody>{body}</tbody></table></div>\n\n"
        )
    return "".join(parts)
