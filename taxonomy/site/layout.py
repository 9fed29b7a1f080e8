"""A layered (Sugiyama-style) layout of the taxonomy for the home page graph.

Layers are the kinds, benchmarks on top and elements at the bottom (the paper's Fig. 2).
Within a layer, nodes are ordered by the barycenter heuristic (Sugiyama, Tagawa & Toda 1981):
alternately sort each layer by the mean position of its neighbours in the layer above, then
below, which removes most edge crossings in a few sweeps. Long layers wrap into several rows
so the drawing stays roughly as wide as it is tall. Deterministic: ties break by id.
"""

from __future__ import annotations

import math
from typing import Any

from taxonomy.site.data import LAYERS, SiteData

NODE_W, NODE_H, GAP_X, ROW_H, LAYER_GAP = 150, 30, 16, 46, 40


def _order_layers(data: SiteData, sweeps: int = 4) -> list[list[str]]:
    layers = [[i for i, n in data.nodes.items() if n.kind == kind] for kind in LAYERS]
    pos = {node_id: float(i) for layer in layers for i, node_id in enumerate(layer)}

    def barycenter(node_id: str, neighbours: list[str]) -> float:
        known = [pos[m] for m in neighbours if m in pos]
        return sum(known) / len(known) if known else pos[node_id]

    for _ in range(sweeps):
        for li in list(range(1, len(layers))) + list(range(len(layers) - 2, -1, -1)):
            layer = layers[li]
            upward = li > 0
            keys = {
                n: barycenter(n, data.nodes[n].parents if upward else data.children[n])
                for n in layer
            }
            layer.sort(key=lambda n: (keys[n], n))
            for i, n in enumerate(layer):
                pos[n] = (
                    i
                    * (len(layers[li - 1] if upward else layers[li + 1]) or 1)
                    / max(len(layer), 1)
                )
    return layers


def graph_json(data: SiteData, best: dict[str, float] | None = None) -> dict[str, Any]:
    """Positions, labels and edges of every node, for ``assets/graph.js``.

    Args:
        data: the site data.
        best: node id -> highest score (bits) across models, shown in tooltips.

    Returns:
        ``{"width", "height", "layers": [{kind, label, y}], "nodes": [{id, name, kind, status,
        x, y, best}], "edges": [[child index, parent index]]}``; x, y are box centres.
    """
    from taxonomy.site.data import PLURAL

    best = best or {}
    layers = _order_layers(data)
    per_row = max(10, math.ceil(1.2 * math.sqrt(max(len(data.nodes), 1))))
    per_row = min(per_row, max((len(layer) for layer in layers), default=1))
    width = per_row * (NODE_W + GAP_X) + 120
    nodes: list[dict[str, Any]] = []
    layer_rows: list[dict[str, Any]] = []
    y = 20.0
    for kind, layer in zip(LAYERS, layers, strict=True):
        if not layer:
            continue
        layer_rows.append({"kind": kind, "label": PLURAL[kind], "y": y + NODE_H / 2})
        rows = math.ceil(len(layer) / per_row)
        for r in range(rows):
            row = layer[r * per_row : (r + 1) * per_row]
            offset = 120 + (per_row - len(row)) * (NODE_W + GAP_X) / 2 + (r % 2) * 12
            for i, node_id in enumerate(row):
                node = data.nodes[node_id]
                nodes.append(
                    {
                        "id": node_id,
                        "name": node.name,
                        "kind": kind,
                        "status": node.status,
                        "x": round(offset + i * (NODE_W + GAP_X) + NODE_W / 2, 1),
                        "y": round(y + NODE_H / 2, 1),
                        "best": best.get(node_id),
                    }
                )
            y += ROW_H
        y += LAYER_GAP
    index = {n["id"]: i for i, n in enumerate(nodes)}
    edges = [
        [index[n["id"]], index[p]] for n in nodes for p in data.nodes[n["id"]].parents if p in index
    ]
    return {
        "width": width,
        "height": round(y, 1),
        "node_w": NODE_W,
        "node_h": NODE_H,
        "layers": layer_rows,
        "nodes": nodes,
        "edges": edges,
    }
