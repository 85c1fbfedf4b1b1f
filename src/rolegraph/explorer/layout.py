"""Where each node of an explorer page goes, so the page draws at once with physics off.

The overlap and framework views: networkx spring layouts (or a flower around a family)
inside family clusters, the clusters packed together, then label boxes pushed apart.
The role and skill views: columns and grids. Called by :mod:`rolegraph.explorer.page`
with the label boxes from :mod:`rolegraph.explorer.labels`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rolegraph.explorer.draft import ASPECT, NO_FAMILY, SEED, Draft, Edge, Node

if TYPE_CHECKING:
    import numpy as np


def _layout(
    draft: Draft,
    nodes: list[Node],
    edges: list[Edge],
    boxes: dict[str, tuple[float, float, float]],
) -> dict[str, tuple[float, float]]:
    if not nodes:
        return {}
    if draft.view == "role":
        return _role_layout(nodes, edges, boxes)
    if draft.view == "skill":
        return _skill_layout(nodes, edges, boxes)
    cluster: dict[str, str | None] = {}
    hubs: dict[str, str] = {}
    for n in nodes:
        if n.kind in ("role", "family"):
            cluster[n.id] = n.family or NO_FAMILY
            if n.kind == "family":
                hubs[n.family or NO_FAMILY] = n.id
        else:
            cluster[n.id] = None
    if draft.view == "framework":
        # A skill whose roles are all in one family joins that family's cluster.
        fams: dict[str, set[str | None]] = {}
        for e in edges:
            if e.kind == "needs":
                fams.setdefault(e.b, set()).add(cluster.get(e.a))
        for sid, fs in sorted(fams.items()):
            if len(fs) == 1:
                cluster[sid] = next(iter(fs))
    weighted = [(e.a, e.b, _layout_weight(e)) for e in edges]
    return _clustered_layout([n.id for n in nodes], weighted, cluster, boxes, hubs)


def _layout_weight(edge: Edge) -> float:
    if edge.shared is not None:
        return float(edge.shared[0])
    return 1.0


def _clustered_layout(
    ids: list[str],
    edges: list[tuple[str, str, float]],
    cluster: dict[str, str | None],
    boxes: dict[str, tuple[float, float, float]],
    hubs: dict[str, str],
) -> dict[str, tuple[float, float]]:
    """Each cluster laid out on its own (a spring layout, or a flower around its hub),
    the clusters packed together with strongly linked ones side by side, then the
    unclustered nodes at the centre of their neighbours; finally label boxes are pushed
    apart so no two overlap."""
    import numpy as np

    gap = 10.0
    groups: dict[str, list[str]] = {}
    for i in ids:
        c = cluster.get(i)
        if c is not None:
            groups.setdefault(c, []).append(i)
    radius: dict[str, float] = {}
    local: dict[str, dict[str, tuple[float, float]]] = {}
    for name in sorted(groups):
        members = sorted(groups[name])
        if name in hubs:
            raw = _flower(hubs[name], members, edges, boxes)
        else:
            raw = _spring(members, edges, boxes)
        arr = np.array([raw[m] for m in members], dtype=float)
        arr = _separate(arr, [boxes[m] for m in members], gap)
        if name not in hubs:
            arr -= arr.mean(axis=0)
        local[name] = {m: (float(x), float(y)) for m, (x, y) in zip(members, arr, strict=True)}
        half_w = max(abs(x) + boxes[m][0] / 2 for m, (x, _) in local[name].items())
        half_h = max(abs(y + boxes[m][2]) + boxes[m][1] / 2 for m, (_, y) in local[name].items())
        radius[name] = 0.72 * math.hypot(half_w, half_h)
    centres = _pack(sorted(groups), radius, edges, cluster, gap * 3)
    pos: dict[str, tuple[float, float]] = {}
    for name, (cx, cy) in centres.items():
        for m, (x, y) in local[name].items():
            pos[m] = (x + cx, y + cy)
    # Unclustered nodes: at the weighted centre of their placed neighbours.
    neighbours: dict[str, list[tuple[str, float]]] = {}
    for a, b, w in edges:
        neighbours.setdefault(a, []).append((b, w))
        neighbours.setdefault(b, []).append((a, w))
    loose = sorted(i for i in ids if i not in pos)
    outer = max((math.hypot(*c) + radius[n] for n, c in centres.items()), default=0.0) + 80
    for k, i in enumerate(loose):
        near = [(pos[j], w) for j, w in neighbours.get(i, []) if j in pos]
        if near:
            total = sum(w for _, w in near)
            x = sum(p[0] * w for p, w in near) / total
            y = sum(p[1] * w for p, w in near) / total
        else:
            angle = 2 * math.pi * k / max(len(loose), 1)
            x, y = outer * math.cos(angle), outer * math.sin(angle)
        # A small deterministic spiral offset keeps nodes with the same neighbours apart.
        x += 4 * math.sqrt(k + 1) * math.cos(k * 2.39996)
        y += 4 * math.sqrt(k + 1) * math.sin(k * 2.39996)
        pos[i] = (x, y)
    arr = np.array([pos[i] for i in ids], dtype=float)
    arr = _separate(arr, [boxes[i] for i in ids], gap)
    return {i: (float(x), float(y)) for i, (x, y) in zip(ids, arr, strict=True)}


def _spring(
    members: list[str],
    edges: list[tuple[str, str, float]],
    boxes: dict[str, tuple[float, float, float]],
) -> dict[str, tuple[float, float]]:
    """A seeded networkx spring layout, scaled to the members' label area."""
    import networkx as nx

    if len(members) == 1:
        return {members[0]: (0.0, 0.0)}
    g = nx.Graph()
    g.add_nodes_from(members)
    inside = set(members)
    for a, b, w in edges:
        if a in inside and b in inside:
            g.add_edge(a, b, weight=w)
    area = sum(boxes[m][0] * boxes[m][1] for m in members)
    r = math.sqrt(area / (math.pi * 0.9))
    raw = nx.spring_layout(g, seed=SEED, iterations=150, weight="weight")
    return {m: (float(raw[m][0]) * r, float(raw[m][1]) * r) for m in members}


def _flower(
    hub: str,
    members: list[str],
    edges: list[tuple[str, str, float]],
    boxes: dict[str, tuple[float, float, float]],
) -> dict[str, tuple[float, float]]:
    """The hub (a family) at the centre, its direct neighbours (roles) on a ring, and
    the rest (skills) on an outer ring, each beside the first of its neighbours."""
    inside = set(members)
    adj: dict[str, list[str]] = {m: [] for m in members}
    for a, b, _ in edges:
        if a in inside and b in inside:
            adj[a].append(b)
            adj[b].append(a)
    petals = sorted(m for m in adj[hub] if m != hub)
    petal_set = set(petals)
    outer = [m for m in members if m != hub and m not in petal_set]
    owner: dict[str, str | None] = {}
    for m in outer:
        parents = sorted(p for p in adj[m] if p in petal_set)
        owner[m] = parents[0] if parents else None
    weight = {p: 1.0 + sum(1 for m in outer if owner[m] == p) for p in petals}
    total = sum(weight.values()) or 1.0
    pos: dict[str, tuple[float, float]] = {hub: (0.0, 0.0)}
    r1 = max(
        boxes[hub][0] / 2 + 90.0,
        sum(boxes[p][0] + 20 for p in petals) / (2 * math.pi),
    )
    r2 = max(r1 + 110.0, sum(boxes[m][0] * 0.5 for m in outer) / (2 * math.pi))
    at = -math.pi / 2
    for p in petals:
        span = 2 * math.pi * weight[p] / total
        mid = at + span / 2
        pos[p] = (r1 * math.cos(mid), r1 * math.sin(mid))
        mine = [m for m in outer if owner[m] == p]
        for k, m in enumerate(mine):
            angle = at + span * (k + 1) / (len(mine) + 1)
            r = r2 + (35.0 if k % 2 else 0.0)
            pos[m] = (r * math.cos(angle), r * math.sin(angle))
        at += span
    orphans = [m for m in outer if owner[m] is None]
    for k, m in enumerate(orphans):
        angle = 2 * math.pi * k / max(len(orphans), 1)
        pos[m] = ((r2 + 90) * math.cos(angle), (r2 + 90) * math.sin(angle))
    return pos


def _pack(
    names: list[str],
    radius: dict[str, float],
    edges: list[tuple[str, str, float]],
    cluster: dict[str, str | None],
    gap: float,
) -> dict[str, tuple[float, float]]:
    """Cluster centres: discs pulled to the middle and towards the clusters they share
    links with, never overlapping (a small deterministic simulation)."""
    import numpy as np

    k = len(names)
    if k == 1:
        return {names[0]: (0.0, 0.0)}
    index = {n: i for i, n in enumerate(names)}
    link = np.zeros((k, k))
    for a, b, w in edges:
        ca, cb = cluster.get(a), cluster.get(b)
        if ca is not None and cb is not None and ca != cb:
            link[index[ca], index[cb]] += w
            link[index[cb], index[ca]] += w
    if link.max() > 0:
        link /= link.max()
    r = np.array([radius[n] for n in names])
    # Start on a ring, biggest first, in name order otherwise.
    ring = (r.sum() * 2 + gap * k) / (2 * math.pi)
    angles = 2 * math.pi * np.arange(k) / k
    xy = np.stack([ring * np.cos(angles), ring * np.sin(angles)], axis=1)
    need = r[:, None] + r[None, :] + gap
    upper = np.triu(np.ones((k, k), dtype=bool), 1)
    # Gravity pulls harder vertically: the result is about as wide as a screen.
    squash = np.array([1.0 / ASPECT, 1.0])
    for step in range(600):
        d = xy[None, :, :] - xy[:, None, :]  # d[i, j] = xy[j] - xy[i]
        dist = np.sqrt((d**2).sum(axis=2)) + np.eye(k)
        unit = d / dist[:, :, None]
        if step < 400:
            # Gravity to the middle and attraction along links, weaker as it settles.
            heat = 1.0 - step / 400
            pull = (link[:, :, None] * unit * np.maximum(dist - need, 0)[:, :, None]).sum(axis=1)
            xy += heat * (0.02 * pull - 0.02 * xy * squash)
        overlap = np.where(upper, np.maximum(need - dist, 0.0), 0.0)
        if not overlap.any() and step >= 400:
            break
        push = overlap[:, :, None] * unit / 2
        xy -= push.sum(axis=1)
        xy += push.sum(axis=0)
    xy -= xy.mean(axis=0)
    return {n: (float(xy[i, 0]), float(xy[i, 1])) for n, i in index.items()}


#: Up to this many nodes, the pairs near each other are found by comparing every pair
#: with numpy (importing scipy's k-d tree alone took longer than a whole 1x layout).
_BRUTE_FORCE_NODES = 1500


def _near_pairs(centre: np.ndarray[Any, Any], reach: float) -> np.ndarray[Any, Any]:
    """The pairs (i < j) of points within ``reach`` of each other, in (i, j) order."""
    import numpy as np

    i, j = np.triu_indices(len(centre), k=1)
    d = centre[j] - centre[i]
    close = np.einsum("ij,ij->i", d, d) <= reach * reach
    return np.stack([i[close], j[close]], axis=1)


def _tree_pairs(centre: np.ndarray[Any, Any], reach: float) -> np.ndarray[Any, Any]:
    """:func:`_near_pairs` by a k-d tree (for many nodes); sorted by the caller."""
    import numpy as np
    from scipy.spatial import cKDTree

    return np.asarray(cKDTree(centre).query_pairs(reach, output_type="ndarray"))


def _separate(
    xy: np.ndarray[Any, Any],
    boxes: Sequence[tuple[float, float, float]],
    gap: float,
    iterations: int = 300,
) -> np.ndarray[Any, Any]:
    """Push apart nodes whose label boxes overlap, each pair along its cheaper axis."""
    import numpy as np

    n = len(boxes)
    if n < 2:
        return xy
    near = _near_pairs if n <= _BRUTE_FORCE_NODES else _tree_pairs
    w = np.array([b[0] for b in boxes], dtype=float) + gap
    h = np.array([b[1] for b in boxes], dtype=float) + gap
    off = np.array([b[2] for b in boxes], dtype=float)
    centre = xy.astype(float).copy()
    centre[:, 1] += off
    reach = float(math.hypot(w.max(), h.max()))
    for _ in range(iterations):
        pairs = near(centre, reach)
        if len(pairs) == 0:
            break
        pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
        i, j = pairs[:, 0], pairs[:, 1]
        dx = centre[j, 0] - centre[i, 0]
        dy = centre[j, 1] - centre[i, 1]
        ox = (w[i] + w[j]) / 2 - np.abs(dx)
        oy = (h[i] + h[j]) / 2 - np.abs(dy)
        hit = (ox > 0) & (oy > 0)
        if not hit.any():
            break
        i, j, dx, dy, ox, oy = i[hit], j[hit], dx[hit], dy[hit], ox[hit], oy[hit]
        sx = np.where(dx >= 0, 1.0, -1.0)
        sy = np.where(dy >= 0, 1.0, -1.0)
        along_x = ox < oy
        mx = np.where(along_x, sx * (ox / 2 + 0.5), 0.0)
        my = np.where(along_x, 0.0, sy * (oy / 2 + 0.5))
        move = np.zeros_like(centre)
        np.add.at(move[:, 0], i, -mx)
        np.add.at(move[:, 0], j, mx)
        np.add.at(move[:, 1], i, -my)
        np.add.at(move[:, 1], j, my)
        counts = np.bincount(np.concatenate([i, j]), minlength=n).astype(float)
        centre += move / np.maximum(counts, 1.0)[:, None] ** 0.5
    centre[:, 1] -= off
    return centre


def _columns(
    columns: Sequence[Sequence[str]],
    boxes: dict[str, tuple[float, float, float]],
    col_gap: float = 110.0,
    row_gap: float = 16.0,
) -> dict[str, tuple[float, float]]:
    """Columns left to right, each centred vertically, rows as tall as their boxes."""
    pos: dict[str, tuple[float, float]] = {}
    x = 0.0
    prev_half = 0.0
    for col in columns:
        if not col:
            continue
        half = max(boxes[i][0] for i in col) / 2
        x += prev_half + half + (col_gap if pos else 0.0)
        heights = [boxes[i][1] + row_gap for i in col]
        y = -sum(heights) / 2
        for i, hgt in zip(col, heights, strict=True):
            pos[i] = (x, y + hgt / 2 - boxes[i][2])
            y += hgt
        prev_half = half
    return pos


def _split(items: list[str], rows: int) -> list[list[str]]:
    return [items[k : k + rows] for k in range(0, len(items), rows)] or [[]]


def _role_layout(
    nodes: list[Node], edges: list[Edge], boxes: dict[str, tuple[float, float, float]]
) -> dict[str, tuple[float, float]]:
    """The role and its levels in order (left column), skills by the first level that
    needs them, then the other roles by the skills they share."""
    import numpy as np

    focus = next((n.id for n in nodes if n.focus), None)
    kind = {n.id: n for n in nodes}
    chain: list[str] = [focus] if focus else []
    nxt = {e.a: e.b for e in edges if e.kind == "next"}
    while chain and chain[-1] in nxt:
        chain.append(nxt[chain[-1]])
    # then each other track (management), up its own "next" chain from where it starts
    rest = {n.id for n in nodes if n.kind == "level" and n.id not in chain}
    reached = {b for a, b in nxt.items() if a in rest}
    for start in sorted(rest - reached):
        at: str | None = start
        while at is not None and at in rest:
            chain.append(at)
            rest.discard(at)
            at = nxt.get(at)
    left = chain
    row = {i: k for k, i in enumerate(left)}
    first: dict[str, tuple[int, int]] = {}
    for e in edges:
        if e.kind == "needs" and e.a in row:
            key = (row[e.a], -(e.tier or 0))
            first[e.b] = min(first.get(e.b, key), key)
    skills = sorted(
        (n.id for n in nodes if n.kind == "skill"),
        key=lambda s: (first.get(s, (99, 0)), kind[s].label.casefold()),
    )
    srow = {s: k for k, s in enumerate(skills)}
    links: dict[str, list[int]] = {}
    for e in edges:
        if e.kind == "uses" and e.a in srow:
            links.setdefault(e.b, []).append(srow[e.a])
    others = sorted(
        (n.id for n in nodes if n.kind == "role" and n.id != focus),
        key=lambda o: (sum(links.get(o, [99])) / len(links.get(o, [99])), kind[o].label.casefold()),
    )
    per_column = max(len(left), len(skills), 12)
    columns: list[Sequence[str]] = [left, skills, *_split(others, per_column)]
    pos = _columns(columns, boxes)
    ids = [n.id for n in nodes]
    arr = _separate(np.array([pos[i] for i in ids], dtype=float), [boxes[i] for i in ids], 8.0)
    return {i: (float(x), float(y)) for i, (x, y) in zip(ids, arr, strict=True)}


def _skill_layout(
    nodes: list[Node], edges: list[Edge], boxes: dict[str, tuple[float, float, float]]
) -> dict[str, tuple[float, float]]:
    """The skill, then its tiers top to bottom, each with its levels in a grid."""
    import numpy as np

    focus = next((n.id for n in nodes if n.focus), None)
    tiers = sorted((n for n in nodes if n.kind == "tier"), key=lambda n: (n.tier == 0, n.tier or 0))
    node_by_id = {n.id: n for n in nodes}
    members: dict[str, list[str]] = {t.id: [] for t in tiers}
    for e in edges:
        if e.a in members and e.b != focus:
            members[e.a].append(e.b)
    for tid in members:
        members[tid].sort(
            key=lambda i: (
                node_by_id[i].family or "",
                node_by_id[i].label.casefold(),
                i,
            )
        )
    total = sum(len(m) for m in members.values())
    cols = max(1, min(5, math.ceil(math.sqrt(total / 3)))) if total else 1
    leaf = [i for m in members.values() for i in m]
    cell_w = max((boxes[i][0] for i in leaf), default=100.0) + 24
    cell_h = max((boxes[i][1] for i in leaf), default=30.0) + 12
    tier_w = max((boxes[t.id][0] for t in tiers), default=80.0)
    x_tier = (boxes[focus][0] / 2 if focus else 0) + 120 + tier_w / 2
    x_grid = x_tier + tier_w / 2 + 120 + cell_w / 2
    pos: dict[str, tuple[float, float]] = {}
    y = 0.0
    for t in tiers:
        rows = max(1, math.ceil(len(members[t.id]) / cols))
        band = max(rows * cell_h, boxes[t.id][1] + 12)
        pos[t.id] = (x_tier, y + band / 2 - boxes[t.id][2])
        for k, i in enumerate(members[t.id]):
            r, c = divmod(k, cols)
            pos[i] = (x_grid + c * cell_w, y + r * cell_h + cell_h / 2 - boxes[i][2])
        y += band + 30
    shift = y / 2
    pos = {i: (x, yy - shift) for i, (x, yy) in pos.items()}
    if focus:
        pos[focus] = (0.0, -boxes[focus][2])
    for n in nodes:
        pos.setdefault(n.id, (0.0, 0.0))
    ids = [n.id for n in nodes]
    arr = _separate(np.array([pos[i] for i in ids], dtype=float), [boxes[i] for i in ids], 8.0)
    return {i: (float(x), float(y)) for i, (x, y) in zip(ids, arr, strict=True)}
