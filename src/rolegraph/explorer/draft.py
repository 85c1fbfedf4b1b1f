"""What every explorer view is drafted into, and the constants they share.

A view (:mod:`rolegraph.explorer.views`) drafts :class:`Node` and :class:`Edge` lists
into a :class:`Draft`; labels (:mod:`rolegraph.explorer.labels`) and positions
(:mod:`rolegraph.explorer.layout`) are computed from it, and
:mod:`rolegraph.explorer.page` finishes it into the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rolegraph.model.vocab import TIERS, local_id

SEED = 7
ASPECT = 1.5  # width / height that packed clusters aim for (a laptop screen, less the panel)

TIER_COLORS = {
    0: "#9e9e9e",  # no tier given (Senior Civil Service roles, roles known only by name)
    1: "#9ccc3c",
    2: "#21a386",
    3: "#31688e",
    4: "#46085c",
}
TIER_WIDTHS = {0: 1.0, 1: 1.0, 2: 1.8, 3: 2.8, 4: 4.0}
# Okabe-Ito first (colour-blind safe), then Tableau 10 for frameworks with more families.
FAMILY_PALETTE = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#7f7f7f",
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
NO_FAMILY = "(no family)"
NO_FAMILY_COLOR = "#c8c8c8"
SKILL_COLOR = "#c9a27e"

#: shape, font size, label width limit, base size, legend text
KINDS: dict[str, tuple[str, int, int, float, str]] = {
    "family": ("diamond", 22, 200, 16.0, "Role family (colour: family)"),
    "role": ("dot", 17, 170, 9.0, "Role (colour: family; size: number of links)"),
    "level": ("box", 14, 190, 0.0, "Role level (colour: family)"),
    "skill": ("triangle", 14, 170, 6.0, "Skill (size: number of links)"),
    "tier": ("square", 16, 220, 12.0, "Proficiency tier"),
}
KIND_ORDER = {k: i for i, k in enumerate(KINDS)}


@dataclass
class Node:
    id: str
    label: str
    kind: str
    title: str
    family: str | None = None  # filterable by family (roles, levels, families)
    tier: int | None = None  # filterable by tier (tier nodes; levels in the skill view)
    anchor: bool = True  # shown even when none of its links is
    priority: float = 0.0  # kept first when nodes are capped
    focus: bool = False  # the role or skill a view is about
    font: int | None = None  # label size, if not the kind's


@dataclass
class Edge:
    a: str
    b: str
    kind: str
    title: str
    tier: int | None = None  # 0: no tier given
    shared: tuple[int, ...] | None = None  # overlap: shared skills at >= each tier
    strength: float = 0.0  # kept first when edges are capped
    arrows: bool = False


@dataclass
class Draft:
    view: str
    title: str
    subtitle: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    family_colors: dict[str, str] = field(default_factory=dict)
    min_shared_default: int | None = None
    legend_note: str = ""


def _short(iri: str) -> str:
    """A node id: the IRI without rolegraph's base (``role/data-scientist``)."""
    local = local_id(iri)
    return iri if local is None else local


def tier_label(rank: int | None) -> str:
    if not rank:
        return "no tier given"
    return TIERS[rank - 1]
