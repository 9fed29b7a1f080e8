"""Inline SVG drawn in Python: a node's scores with CI whiskers, and its graph neighbourhood.

Static SVG needs no plotting library and no JavaScript, renders in the search index's absence
and prints. Every text goes through ``html_text``; ids are validated slugs.
"""

from __future__ import annotations

import math
from typing import Any

from taxonomy.site.escape import html_text


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1-2-5 steps), as in most plotting libraries."""
    if not math.isfinite(low) or not math.isfinite(high) or high - low < 1e-9:
        high = low + 1.0
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 12))
    return ticks


def score_plot(rows: list[tuple[str, Any]]) -> str:
    """Scores (bits) per model as points with CI whiskers; skipped models say why.

    Args:
        rows: (model name, result record) pairs, in display order.

    Returns:
        One line of SVG markup (no blank lines, so it stays one raw HTML block in markdown).
    """
    label_w, plot_w, row_h, top, bottom = 190, 380, 26, 10, 34
    scored = [r for _, r in rows if r.score is not None]
    values = [0.0]
    for r in scored:
        values += [r.score, r.ci_low if r.ci_low is not None else r.score]
        values += [r.ci_high if r.ci_high is not None else r.score]
    ticks = nice_ticks(min(values), max(values))
    lo, hi = ticks[0], ticks[-1]

    def x(v: float) -> float:
        return label_w + (v - lo) / (hi - lo) * plot_w

    height = top + row_h * len(rows) + bottom
    width = label_w + plot_w + 20
    parts = [
        f'<svg class="score-plot" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        "<title>Score per model in bits, with confidence intervals</title>",
    ]
    axis_y = top + row_h * len(rows)
    for t in ticks:
        parts.append(
            f'<line class="grid" x1="{x(t):.1f}" y1="{top}" x2="{x(t):.1f}" y2="{axis_y}"/>'
            f'<text class="tick" x="{x(t):.1f}" y="{axis_y + 14}" text-anchor="middle">{t:g}</text>'
        )
    parts.append(
        f'<text class="axis-label" x="{label_w + plot_w / 2:.1f}" y="{axis_y + 30}" '
        'text-anchor="middle">bits</text>'
    )
    for i, (model, rec) in enumerate(rows):
        cy = top + row_h * i + row_h / 2
        name = model if len(model) <= 28 else model[:27] + "\u2026"
        parts.append(
            f'<text class="model" x="{label_w - 8}" y="{cy + 4:.1f}" text-anchor="end">'
            f"<title>{html_text(model)}</title>{html_text(name)}</text>"
        )
        if rec.score is None:
            reason = f"skipped: {rec.skipped or 'no score'}"
            reason = reason if len(reason) <= 60 else reason[:59] + "\u2026"
            parts.append(
                f'<text class="skipped" x="{label_w + 4}" y="{cy + 4:.1f}">'
                f"{html_text(reason)}</text>"
            )
            continue
        if rec.ci_low is not None and rec.ci_high is not None:
            x1, x2 = x(rec.ci_low), x(rec.ci_high)
            parts.append(
                f'<g class="ci-bar"><line x1="{x1:.1f}" y1="{cy:.1f}" x2="{x2:.1f}" y2="{cy:.1f}"/>'
                f'<line x1="{x1:.1f}" y1="{cy - 5:.1f}" x2="{x1:.1f}" y2="{cy + 5:.1f}"/>'
                f'<line x1="{x2:.1f}" y1="{cy - 5:.1f}" x2="{x2:.1f}" y2="{cy + 5:.1f}"/></g>'
            )
        ci = ""
        if rec.ci_low is not None and rec.ci_high is not None:
            ci = f" [{rec.ci_low:.3g}, {rec.ci_high:.3g}]"
        parts.append(
            f'<circle class="score-point" cx="{x(rec.score):.1f}" cy="{cy:.1f}" r="4.5" '
            f'data-score="{rec.score!r}"><title>{html_text(model)}: {rec.score:.3g} bits{ci}'
            "</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _boxes(ids: list[str], names: dict[str, str], y: int, width: int, cls: str) -> list[str]:
    shown, more = ids[:8], len(ids) - 8
    n = len(shown) + (1 if more > 0 else 0)
    out = []
    for i, node_id in enumerate(shown):
        cx = width * (i + 0.5) / n
        label = names[node_id] if len(names[node_id]) <= 20 else names[node_id][:19] + "\u2026"
        out.append(
            f'<a href="../{node_id}/" class="{cls}"><rect x="{cx - 68:.1f}" y="{y}" width="136" '
            f'height="28" rx="6"/><text x="{cx:.1f}" y="{y + 18}" text-anchor="middle">'
            f"<title>{html_text(names[node_id])}</title>{html_text(label)}</text></a>"
        )
    if more > 0:
        cx = width * (n - 0.5) / n
        out.append(
            f'<text class="more" x="{cx:.1f}" y="{y + 18}" text-anchor="middle">+{more} more</text>'
        )
    return out


def neighbourhood(
    node_id: str, parents: list[str], children: list[str], names: dict[str, str]
) -> str:
    """The node with its parents above and children below, each a link to its page."""
    cols = max(min(max(len(parents), len(children)), 9), 1)
    width = max(150 * cols, 300)
    rows_y = {"parents": 10, "self": 70, "children": 130}
    height = 170 if children else 110
    parts = [
        f'<svg class="neighbourhood" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        "<title>Parents (above) and children (below)</title>",
    ]
    center = width / 2
    for group, y_from, y_to in (
        (parents, rows_y["self"], rows_y["parents"] + 28),
        (children, rows_y["self"] + 28, rows_y["children"]),
    ):
        n = min(len(group), 8) + (1 if len(group) > 8 else 0)
        for i in range(n):
            cx = width * (i + 0.5) / n
            parts.append(
                f'<line class="edge" x1="{center:.1f}" y1="{y_from}" x2="{cx:.1f}" y2="{y_to}"/>'
            )
    parts += _boxes(parents, names, rows_y["parents"], width, "parent")
    parts.append(
        f'<g class="self"><rect x="{center - 80:.1f}" y="{rows_y["self"]}" width="160" '
        f'height="28" rx="6"/><text x="{center:.1f}" y="{rows_y["self"] + 18}" '
        f'text-anchor="middle">{html_text(names[node_id][:24])}</text></g>'
    )
    parts += _boxes(children, names, rows_y["children"], width, "child")
    parts.append("</svg>")
    return "".join(parts)
