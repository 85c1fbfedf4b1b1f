"""Moves between role levels and the cheapest career path (``rolegraph path``).

A move (:func:`move_graph`) is a promotion to the next level of the same role on the
same track, a move across between a role's two tracks in the same seniority band
(Senior developer to Senior developer - management, or back), or a lateral move to a
level of another role in the same band. Every move costs the tier steps of its gap
(:mod:`rolegraph.analysis.careers.gap`): the skills the new level needs beyond the
current one. "X - management" is beside X, not above it, so a path up one track is never
routed through the other.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from rolegraph.analysis.careers.common import ACROSS, BANDS, LATERAL, PROMOTION
from rolegraph.analysis.careers.gap import Gap, gap_steps, level_gap
from rolegraph.analysis.view import FrameworkView, LevelInfo
from rolegraph.combine.ordering import MAIN_TRACK, ladder_position
from rolegraph.errors import OptionError


def seniority_bands(view: FrameworkView) -> dict[str, int]:
    """Each role level's seniority band (an index into :data:`BANDS`), from its name:
    entry (apprentice, trainee, associate, junior), mid (no seniority word), senior
    (senior, major), lead, principal, head (head of, chief); "- management" levels sit
    in their base level's band. A level is never in a lower band than the level below it
    on its role's track (so "Service desk manager", above "Senior service desk analyst",
    is senior).
    """

    def band(position: float) -> int:
        if position >= 20:
            return 5
        if position >= 7:
            return 4
        if position >= 6:
            return 3
        if position >= 5:
            return 2
        return 1 if position >= 4 else 0

    out: dict[str, int] = {}
    for role in sorted(view.roles):
        floor: dict[str, int] = {}
        for level in view.levels_of(role):
            floor[level.track] = max(floor.get(level.track, 0), band(ladder_position(level.label)))
            out[level.iri] = floor[level.track]
    return out


def tracks_of(view: FrameworkView, role: str) -> dict[str, list[LevelInfo]]:
    """A role's levels by track, most junior first: the main track first, then the others
    (the management track) in name order; only the tracks that have levels."""
    out: dict[str, list[LevelInfo]] = {}
    for level in view.levels_of(role):
        out.setdefault(level.track, []).append(level)
    return dict(sorted(out.items(), key=lambda kv: (kv[0] != MAIN_TRACK, kv[0])))


@dataclass(frozen=True)
class Move:
    kind: str  # PROMOTION, ACROSS or LATERAL
    gap: Gap

    @property
    def cost(self) -> int:
        return self.gap.steps


@dataclass(frozen=True)
class CareerPath:
    source: str
    target: str
    moves: tuple[Move, ...]

    @property
    def cost(self) -> int:
        return sum(m.cost for m in self.moves)


def move_graph(view: FrameworkView) -> Any:
    """A networkx DiGraph of allowed moves between role levels (nodes are level IRIs).

    Edges: a promotion from each level to the next level of its role on its track, a move
    across between levels of one role on different tracks in the same seniority band,
    and a lateral move between levels of different roles in the same band. Each edge has
    ``kind`` (PROMOTION, ACROSS or LATERAL) and ``cost`` (tier steps to gain,
    :func:`gap_steps`).

    Made once per view (a server's /path asks it on every request: about 20 ms for the
    framework's 7,700 moves), again if levels or requirements are added to the view.
    """
    made_at = (len(view.levels), len(view.requirements))
    if view._moves is not None and view._moves[0] == made_at:
        return view._moves[1]
    import networkx as nx

    bands = seniority_bands(view)
    graph = nx.DiGraph()
    levels = sorted(view.levels, key=lambda lv: (view.levels[lv].label, lv))
    graph.add_nodes_from(levels)
    req = view.requirements

    def add(a: str, b: str, kind: str) -> None:
        cost = gap_steps(req.get(a, {}), req.get(b, {}))
        graph.add_edge(a, b, kind=kind, cost=cost)

    for role in sorted(view.roles):
        for track in tracks_of(view, role).values():
            for lower, higher in itertools.pairwise(track):
                add(lower.iri, higher.iri, PROMOTION)
    by_band: dict[int, list[str]] = {}
    for lv in levels:
        by_band.setdefault(bands[lv], []).append(lv)
    for members in by_band.values():
        for a in members:
            for b in members:
                la, lb = view.levels[a], view.levels[b]
                if la.role != lb.role:
                    add(a, b, LATERAL)
                elif la.track != lb.track:
                    add(a, b, ACROSS)
    view._moves = (made_at, graph)
    return graph


def career_path(view: FrameworkView, source: str, target: str) -> CareerPath:
    """The cheapest sequence of allowed moves from one role level to another (IRIs).

    Cost is the tier steps gained, summed over the moves (networkx Dijkstra); among
    equally cheap paths the one with fewest moves, then the one whose level names come
    first alphabetically, move by move, so the answer never depends on graph order.
    """
    import networkx as nx

    graph = move_graph(view)
    if source == target:
        return CareerPath(view.levels[source].label, view.levels[target].label, ())
    # One tier step outweighs any number of moves: cost * (nodes + 1) + 1 per move.
    scale = graph.number_of_nodes() + 1
    for _, _, data in graph.edges(data=True):
        data["weight"] = data["cost"] * scale + 1
    from_source = nx.single_source_dijkstra_path_length(graph, source, weight="weight")
    if target not in from_source:
        bands = seniority_bands(view)
        raise OptionError(
            f"no path from {view.levels[source].label!r} to {view.levels[target].label!r}",
            hint=f"moves go up one level of a role's track, across to its other track or "
            f"sideways to another role's level in the same seniority band; the first is "
            f"{BANDS[bands[source]]}, the second "
            f"{BANDS[bands[target]]}",
        )
    to_target = nx.single_source_dijkstra_path_length(
        graph.reverse(copy=False), target, weight="weight"
    )
    best = from_source[target]
    moves: list[Move] = []
    here = source
    while here != target:
        tight = [
            nxt
            for nxt, data in graph[here].items()
            if nxt in to_target and from_source[here] + data["weight"] + to_target[nxt] == best
        ]
        nxt = min(tight, key=lambda lv: (view.levels[lv].label, lv))
        moves.append(Move(graph[here][nxt]["kind"], level_gap(view, here, nxt)))
        here = nxt
    return CareerPath(view.levels[source].label, view.levels[target].label, tuple(moves))
