"""One page per node: definition, references, probe, neighbours, scores, examples.

Every field of the node and of its results is untrusted text and goes through ``escape``;
the HTML blocks are ours, written on single lines so markdown passes them through whole.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML

from taxonomy.site.data import PLURAL, SiteData
from taxonomy.site.escape import (
    front_matter_title,
    html_text,
    md_inline,
    md_paragraphs,
    reference_url,
)
from taxonomy.site.svg import neighbourhood, score_plot

MAX_EXAMPLES = 5


def fmt_bits(value: float | None) -> str:
    """A number of bits for tables: 3 significant digits, an em dash when missing."""
    return "\u2014" if value is None else f"{value:.3g}"


def fmt_ci(rec: Any) -> str:
    if rec.ci_low is None or rec.ci_high is None:
        return "\u2014"
    return f"[{rec.ci_low:.3g}, {rec.ci_high:.3g}]"


def pre(text: Any, limit: int = 600) -> str:
    """Untrusted text in a ``<pre>`` on one source line (newlines as ``&#10;``)."""
    s = str(text)
    s = s if len(s) <= limit else s[: limit - 1] + "\u2026"
    return "<pre>" + html_text(s).replace("\r", "").replace("\n", "&#10;") + "</pre>"


def probe_yaml(probe: Any) -> str:
    """The probe as YAML in an escaped ``<pre><code>`` block (one raw HTML source line).

    Not syntax-highlighted: pygments' hundreds of spans per page cost more build time at
    1,000 nodes than they add, and plain escaped text cannot carry markup.
    """
    from io import StringIO

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    buf = StringIO()
    yaml.dump(probe.model_dump(mode="json"), buf)
    code = html_text(buf.getvalue()).replace("\n", "&#10;")
    return f'<div class="probe-yaml"><pre><code class="language-yaml">{code}</code></pre></div>'


def _meta_table(data: SiteData, node: Any) -> str:
    rows = [
        ("id", f"<code>{node.id}</code>"),
        ("kind", html_text(node.kind)),
        ("status", html_text(node.status)),
    ]
    if getattr(node, "mapping", None):
        rows.append(("mapping class", html_text(node.mapping)))
    rows.append(("since", f"registry {html_text(node.since)}"))
    if node.replaced_by:
        target = data.nodes.get(node.replaced_by)
        label = html_text(target.name) if target else node.replaced_by
        rows.append(("replaced by", f'<a href="../{node.replaced_by}/">{label}</a>'))
    if node.references:
        links = ", ".join(
            f'<a href="{html_text(reference_url(r))}" rel="nofollow noopener">{html_text(r)}</a>'
            for r in node.references
        )
        rows.append(("references", links))
    body = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="node-meta"><tbody>{body}</tbody></table>'


def _links(data: SiteData, ids: list[str]) -> str:
    if not ids:
        return "none"
    return ", ".join(f"[{md_inline(data.nodes[i].name)}]({i}.md)" for i in ids if i in data.nodes)


def _score_table(data: SiteData, node: Any, rows: list[tuple[str, Any]]) -> str:
    behavior = node.kind == "behavior"
    extra = "<th>H(A) bits</th><th>ceiling I(A;X)</th><th>explained</th>" if behavior else ""
    head = (
        f"<tr><th>model</th><th>score (bits)</th><th>CI</th>{extra}"
        "<th>backend</th><th>note</th></tr>"
    )
    body = []
    for model, rec in rows:
        d = rec.details or {}
        cells = [
            f'<a href="../../models/{data.model_slugs[model]}/">{html_text(model)}</a>',
            fmt_bits(rec.score),
            fmt_ci(rec),
        ]
        if behavior:
            frac = d.get("explained_fraction")
            cells += [
                fmt_bits(d.get("h_a")),
                fmt_bits(d.get("ceiling")),
                "\u2014" if frac is None else f"{100 * frac:.1f}%",
            ]
        cells += [
            html_text(rec.backend),
            html_text(f"skipped: {rec.skipped}" if rec.skipped else ""),
        ]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return (
        f'<div class="sortable score-table"><table><thead>{head}</thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _breakdown(data: SiteData, node: Any, rows: list[tuple[str, Any]]) -> str:
    """Per-unit bits (elements) or per-child bits (skills, benchmarks), one column per model."""
    key = "per_unit" if node.kind == "element" else "per_edge"
    per_model = {m: (r.details or {}).get(key) or {} for m, r in rows}
    units = sorted({u for d in per_model.values() for u in d}, key=str)[:40]
    if not units:
        return ""

    def bits(v: Any) -> str:
        return fmt_bits(v.get("score") if isinstance(v, dict) else v)

    head = "<th>unit</th>" if key == "per_unit" else "<th>child</th>"
    head += "".join(f"<th>{html_text(m)}</th>" for m in per_model)
    body = []
    for u in units:
        name = html_text(str(u))
        if key == "per_edge" and u in data.nodes:
            name = f'<a href="../{u}/">{html_text(data.nodes[u].name)}</a>'
        cells = "".join(
            f"<td>{bits(per_model[m][u]) if u in per_model[m] else '—'}</td>" for m in per_model
        )
        body.append(f"<tr><td>{name}</td>{cells}</tr>")
    title = "Bits per unit" if key == "per_unit" else "Bits per child (edge scores)"
    return (
        f"### {title}\n\n"
        f'<div class="sortable"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>\n\n"
    )


def _examples(rows: list[tuple[str, Any]]) -> str:
    picked = [(m, ex) for m, r in rows for ex in (r.examples or [])[:2]][:MAX_EXAMPLES]
    if not picked:
        return ""
    head = "<tr><th>model</th><th>prompt</th><th>completion</th><th>B(x)</th><th>A(x, y)</th></tr>"
    body = "".join(
        f"<tr><td>{html_text(m)}</td><td>{pre(ex.get('prompt', ''))}</td>"
        f"<td>{pre(ex.get('completion', ''))}</td><td>{pre(ex.get('predictor', ''), 80)}</td>"
        f"<td>{pre(ex.get('observable', ''), 80)}</td></tr>"
        for m, ex in picked
    )
    return f'## Example samples\n\n<div class="examples"><table>{head}{body}</table></div>\n'


def _computed_mapping(rows: list[tuple[str, Any]]) -> str:
    """Declared vs computed mapping class on zoo models (disagreements shown, not hidden)."""
    found = [(m, r.details["mapping"]) for m, r in rows if "mapping" in (r.details or {})]
    if not found:
        return ""
    body = "".join(
        f'<tr class="mapping-{html_text(c["verdict"])}"><td>{html_text(m)}</td>'
        f"<td>{html_text(c['declared'] or '-')}</td><td>{html_text(c['computed'] or '-')}</td>"
        f"<td>{c['corpus_share']:.2f}</td><td>{html_text(c['verdict'])}</td></tr>"
        for m, c in found
    )
    head = (
        "<tr><th>model</th><th>declared</th><th>computed from the training corpus</th>"
        "<th>corpus share</th><th>verdict</th></tr>"
    )
    return (
        "## Mapping class, computed on the zoo\n\n"
        f'<div class="mapping"><table>{head}{body}</table></div>\n\n'
    )


def node_page(data: SiteData, node_id: str) -> str:
    """Markdown of ``nodes/<id>.md``."""
    node = data.nodes[node_id]
    children = data.children[node_id]
    names = {i: n.name for i, n in data.nodes.items()}
    parts = [
        front_matter_title(node.name),
        f"# {md_inline(node.name)}\n\n",
        _meta_table(data, node) + "\n\n",
        md_paragraphs(node.summary) + "\n\n",
    ]
    if node.status == "hypothesis":
        parts.append(
            '!!! question "Open question"\n\n    This node is a hypothesis: it has no probe yet, '
            "so it is never scored. Add a probe to operationalize it.\n\n"
        )
    if node.status == "deprecated":
        parts.append('!!! warning "Deprecated"\n\n    Use the replacement named above.\n\n')
    if node.probe is not None:
        parts.append("## Probe\n\n" + probe_yaml(node.probe) + "\n\n")
    parts.append(
        "## Neighbours\n\n"
        f"**Parents:** {_links(data, node.parents)}\n\n"
        f"**Children:** {_links(data, children)}\n\n"
        + '<div class="neighbourhood-box">'
        + neighbourhood(node_id, [p for p in node.parents if p in names], children, names)
        + "</div>\n\n"
    )
    rows = [(m, r) for m, r in sorted(data.results.get(node_id, {}).items())]
    parts.append("## Scores\n\n")
    if not rows:
        parts.append("No model has been scored on this node yet.\n\n")
    else:
        parts.append(_score_table(data, node, rows) + "\n\n")
        parts.append('<div class="score-plot-box">' + score_plot(rows) + "</div>\n\n")
        if node.kind in ("element", "skill", "benchmark"):
            parts.append(_breakdown(data, node, rows))
        parts.append(_computed_mapping(rows))
        parts.append(_examples(rows))
    return "".join(parts)


def nodes_index(data: SiteData) -> str:
    """Markdown of ``nodes/index.md``: every node by kind, linked."""
    parts = [front_matter_title("Nodes"), "# Nodes\n\n"]
    for kind in PLURAL:
        ids = [i for i, n in data.nodes.items() if n.kind == kind]
        if not ids:
            continue
        parts.append(f"## {PLURAL[kind].capitalize()} ({len(ids)})\n\n")
        parts.append("| node | id | status | since |\n|---|---|---|---|\n")
        for i in ids:
            n = data.nodes[i]
            parts.append(
                f"| [{md_inline(n.name)}]({i}.md) | `{i}` | {n.status} | {md_inline(n.since)} |\n"
            )
        parts.append("\n")
    return "".join(parts)
