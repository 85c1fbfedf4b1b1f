"""An offline, interactive HTML explorer of the framework: pyvis data, vis-network drawing.

Four views, each one self-contained HTML file:

* ``framework``: families, roles and skills; a role-skill link's colour and width show
  the highest tier any level of the role needs;
* ``overlap``: roles, and a link per pair of roles that share skills, as wide as the
  number of skills they share and coloured by how high the shared tiers are; weak links
  are hidden at first (a slider shows them);
* ``role``: one role's levels in seniority order, each level's skills with tiers, and
  the other roles that use those skills;
* ``skill``: one skill, its tiers with their descriptors, and the role levels that need
  it at each tier.

Data comes from :func:`rolegraph.analysis.view.framework_view` (plus, for tooltips, the
descriptors the view does not carry). Positions are computed here (networkx spring
layouts inside family clusters, clusters on a ring, then label boxes pushed apart), so
the page draws at once with physics off. The page embeds vis-network, its own script
and style, and the data (see :mod:`rolegraph.explorer.assets`); it makes no request.

The library never prints; :func:`build_explorer` raises :class:`~rolegraph.errors.NotFound`
for an unknown role or skill and :class:`~rolegraph.errors.InputError` for bad options.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rolegraph.analysis.view import (
    framework_view,
    role_matrix,
    sparse_weighted_jaccard,
    tier_rank_value,
)
from rolegraph.combine.merge import load_family_table
from rolegraph.errors import InputError
from rolegraph.explorer.assets import (
    FONT_STACK,
    csp_hash,
    explorer_css,
    explorer_js,
    explorer_template,
    font_face_css,
    font_file,
    json_for_script,
    vis_network_css,
    vis_network_js,
)
from rolegraph.graph.runner import LocalRunner
from rolegraph.model.vocab import ID, RG, TIERS, family_iri
from rolegraph.sparql.binding import resolve_name
from rolegraph.util.files import atomic_write, check_output_path
from rolegraph.util.text import name_key, plural
from rolegraph.version import __version__

if TYPE_CHECKING:
    import numpy as np

    from rolegraph.analysis.view import FrameworkView
    from rolegraph.graph.store import RoleGraph

VIEWS = ("framework", "overlap", "role", "skill")
DEFAULT_MAX_NODES = 1000
DEFAULT_MAX_EDGES = 5000
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
class _Node:
    id: str
    label: str
    kind: str
    title: str
    family: str | None = None  # filterable by family (roles, levels, families)
    tier: int | None = None  # filterable by tier (tier nodes; levels in the skill view)
    anchor: bool = True  # shown even when none of its links is
    priority: float = 0.0  # kept first under --max-nodes
    focus: bool = False  # the role or skill a view is about
    font: int | None = None  # label size, if not the kind's


@dataclass
class _Edge:
    a: str
    b: str
    kind: str
    title: str
    tier: int | None = None  # 0: no tier given
    shared: tuple[int, ...] | None = None  # overlap: shared skills at >= each tier
    strength: float = 0.0  # kept first under --max-edges
    arrows: bool = False


@dataclass
class _Draft:
    view: str
    title: str
    subtitle: str
    nodes: list[_Node] = field(default_factory=list)
    edges: list[_Edge] = field(default_factory=list)
    family_colors: dict[str, str] = field(default_factory=dict)
    min_shared_default: int | None = None
    legend_note: str = ""


@dataclass
class Explorer:
    """One explorer page's content: vis-network nodes and edges with positions, and
    what the page's controls need. :func:`render_html` turns it into HTML."""

    view: str
    title: str
    subtitle: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    families: list[dict[str, Any]]
    legend: dict[str, Any]
    options: dict[str, Any]
    min_shared: dict[str, int] | None
    dropped_nodes: list[tuple[str, str]]
    dropped_edges: int
    total_nodes: int
    total_edges: int
    max_nodes: int
    max_edges: int

    @property
    def hidden_at_start(self) -> int:
        """Links hidden until the "shared skills" slider is lowered (overlap view)."""
        if self.min_shared is None:
            return 0
        return sum(1 for e in self.edges if e["shared"][0] < self.min_shared["default"])

    def summary(self) -> str:
        text = (
            f"{self.view} view: {plural(len(self.nodes), 'node')}, "
            f"{plural(len(self.edges), 'edge')}"
        )
        hidden = self.hidden_at_start
        if hidden:
            assert self.min_shared is not None
            text += (
                f" ({plural(hidden, 'link')} sharing fewer than {self.min_shared['default']} skills "
                "hidden until the slider is lowered)"
            )
        return text

    def left_out(self) -> str | None:
        """What was left out (None when nothing was), for the CLI and the page."""
        parts = []
        if self.dropped_nodes:
            names = ", ".join(f'"{label}"' for _, label in self.dropped_nodes[:10])
            more = len(self.dropped_nodes) - 10
            parts.append(
                f"left out {len(self.dropped_nodes)} of {self.total_nodes} nodes "
                f"(--max-nodes {self.max_nodes}): {names}"
                + (f" and {more} more" if more > 0 else "")
            )
        if self.dropped_edges:
            parts.append(f"left out {self.dropped_edges} of {self.total_edges} edges")
        return "; ".join(parts) if parts else None


# --------------------------------------------------------------------------- entry points


def build_explorer(
    graph: RoleGraph,
    view: str = "overlap",
    *,
    role: str | None = None,
    skill: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    max_edges: int = DEFAULT_MAX_EDGES,
    min_shared: int | None = None,
) -> Explorer:
    """The explorer of one view of ``graph``. ``role``/``skill`` are names (any case,
    alternative names too); the role view needs ``role``, the skill view ``skill``."""

    if view not in VIEWS:
        raise InputError(f"unknown view {view!r}", hint=f"use one of {', '.join(VIEWS)}")
    if view == "role" and role is None:
        raise InputError("the role view needs a role", hint="give --role NAME")
    if view == "skill" and skill is None:
        raise InputError("the skill view needs a skill", hint="give --skill NAME")
    if role is not None and skill is not None:
        raise InputError(
            "--role and --skill each choose a view (the role's, the skill's)",
            hint="give one of them",
        )
    if role is not None and view != "role":
        raise InputError(f"--role is for the role view, not the {view} view")
    if skill is not None and view != "skill":
        raise InputError(f"--skill is for the skill view, not the {view} view")
    if max_nodes < 1 or max_edges < 0:
        raise InputError("--max-nodes must be at least 1 and --max-edges at least 0")
    if min_shared is not None and view != "overlap":
        raise InputError(f"--min-shared is for the overlap view, not the {view} view")
    if min_shared is not None and min_shared < 1:
        raise InputError("--min-shared must be at least 1")

    fv = framework_view(graph)
    if view == "framework":
        draft = _framework_draft(fv)
    elif view == "overlap":
        draft = _overlap_draft(fv, min_shared)
    elif view == "role":
        assert role is not None
        iri = _resolve(graph, "role", role)
        draft = _role_draft(fv, iri, _requirement_descriptors(graph, iri))
    else:
        assert skill is not None
        iri = _resolve(graph, "skill", skill)
        draft = _skill_draft(fv, iri, _skill_texts(graph, iri))
    return _finish(draft, max_nodes, max_edges)


def render_html(explorer: Explorer) -> str:
    """The explorer as one self-contained HTML page (byte-identical for the same input)."""
    import json

    import jinja2
    from markupsafe import Markup
    from pyvis.network import Network

    # pyvis holds the network (nodes, edges, options) as its own templates would; the
    # lists are assigned in bulk (add_node/add_edge are linear per call).
    net = Network(height="100%", width="100%", directed=False, cdn_resources="in_line")
    net.nodes = explorer.nodes
    net.edges = explorer.edges
    net.node_ids = [n["id"] for n in explorer.nodes]
    net.node_map = {n["id"]: n for n in explorer.nodes}
    net.options = explorer.options
    nodes, edges, _, _, _, options_json = net.get_network_data()
    payload = {
        "view": explorer.view,
        "title": explorer.title,
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options_json),
        "families": explorer.families,
        "legend": explorer.legend,
        "minShared": explorer.min_shared,
        "dropped": {
            "nodes": [{"kind": k, "label": label} for k, label in explorer.dropped_nodes],
            "edges": explorer.dropped_edges,
            "totalNodes": explorer.total_nodes,
            "totalEdges": explorer.total_edges,
            "maxNodes": explorer.max_nodes,
            "edgeRule": (
                f"the links of left-out nodes, and the weakest beyond --max-edges "
                f"{explorer.max_edges}"
            ),
        },
    }
    vis_js = vis_network_js()
    own_js = explorer_js()
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
    template = env.from_string(explorer_template())
    return template.render(
        title=explorer.title,
        subtitle=explorer.subtitle,
        version=__version__,
        script_hashes=Markup(f"{csp_hash(vis_js)} {csp_hash(own_js)}"),
        font_css=Markup(font_face_css()),
        vis_css=Markup(vis_network_css()),
        explorer_css=Markup(explorer_css()),
        data=Markup(json_for_script(payload)),
        vis_js=Markup(vis_js),
        explorer_js=Markup(own_js),
    )


def write_html(explorer: Explorer, path: Path | str) -> Path:
    """Write the page atomically (a failure leaves no file)."""

    check_output_path(path)
    return atomic_write(path, render_html(explorer))


# --------------------------------------------------------------------------- data


def _short(iri: str) -> str:
    """A node id: the IRI without rolegraph's base (``role/data-scientist``)."""
    return iri[len(ID) :] if iri.startswith(ID) else iri


def _resolve(graph: RoleGraph, kind: str, name: str) -> str:
    return resolve_name(kind, name, LocalRunner(graph))


_PREFIX = (
    f"PREFIX rg: <{RG}>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)


def _requirement_descriptors(graph: RoleGraph, role: str) -> dict[tuple[str, str], str]:
    """(level IRI, skill IRI) -> the "You can: ..." text of the requirement, for one role."""
    import pyoxigraph as ox

    out: dict[tuple[str, str], str] = {}
    for row in graph.query(
        _PREFIX
        + """SELECT ?role ?l ?s ?text WHERE {
            ?l rg:role ?role . ?q rg:roleLevel ?l ; rg:skill ?s ; rg:descriptor ?text }""",
        {"role": ox.NamedNode(role)},
    ):
        out[(row["l"].value, row["s"].value)] = row["text"].value
    return out


@dataclass
class _SkillTexts:
    description: str | None = None
    #: tier rank (0: untiered) -> descriptor
    descriptors: dict[int, str] = field(default_factory=dict)
    undefined: set[int] = field(default_factory=set)
    #: level IRI -> the requirement's own descriptor
    by_level: dict[str, str] = field(default_factory=dict)


def _skill_texts(graph: RoleGraph, skill: str) -> _SkillTexts:
    """What the skill view shows in tooltips that the framework view does not carry."""
    import pyoxigraph as ox

    texts = _SkillTexts()
    bind = {"skill": ox.NamedNode(skill)}
    for row in graph.query(
        _PREFIX
        + """SELECT ?skill ?kind ?rank ?text WHERE {
            { ?skill dcterms:description ?text . BIND ("description" AS ?kind) }
            UNION { ?skill rg:tierDescriptor ?d . ?d rg:tier/rg:rank ?rank ; rg:descriptor ?text .
                    BIND ("tier" AS ?kind) }
            UNION { ?skill rg:untieredDescriptor ?text . BIND ("untiered" AS ?kind) }
            UNION { ?skill rg:undefinedTier/rg:rank ?rank . BIND ("undefined" AS ?kind) }
        }""",
        bind,
    ):
        kind = row["kind"].value
        if kind == "description":
            texts.description = row["text"].value
        elif kind == "tier":
            texts.descriptors[tier_rank_value(row["rank"], "a tier")] = row["text"].value
        elif kind == "untiered":
            texts.descriptors[0] = row["text"].value
        else:
            texts.undefined.add(tier_rank_value(row["rank"], "a tier"))
    for row in graph.query(
        _PREFIX
        + "SELECT ?skill ?l ?text WHERE { ?q rg:skill ?skill ; rg:roleLevel ?l ; rg:descriptor ?text }",
        bind,
    ):
        texts.by_level[row["l"].value] = row["text"].value
    return texts


def tier_label(rank: int | None) -> str:
    if not rank:
        return "no tier given"
    return TIERS[rank - 1]


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _clip(text: str, limit: int = 600) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _family_colors(view: FrameworkView) -> dict[str, str]:
    """A colour per family, the same in every view and graph: the framework's families
    (data/role-families.csv) take the palette in name order, others the colours after."""

    known = sorted({name_key(f) for f in load_family_table().values()})
    names = sorted({r.family or NO_FAMILY for r in view.roles.values()})
    colors = {}
    others = [n for n in names if n != NO_FAMILY and name_key(n) not in known]
    for name in names:
        if name == NO_FAMILY:
            colors[name] = NO_FAMILY_COLOR
            continue
        key = name_key(name)
        i = known.index(key) if key in known else len(known) + others.index(name)
        colors[name] = FAMILY_PALETTE[i % len(FAMILY_PALETTE)]
    return colors


def _family_of(view: FrameworkView, role: str) -> str:
    return view.roles[role].family or NO_FAMILY


def _role_title(view: FrameworkView, role: str) -> str:
    info = view.roles[role]
    levels = view.levels_of(role)
    lines = [info.label, f"Family: {info.family or 'none given'}"]
    if info.senior_civil_service:
        lines.append("Senior Civil Service role")
    skills = len(view.uses.get(role, ()))
    if levels:
        lines.append(f"{_plural(len(levels), 'level')}: " + ", ".join(lv.label for lv in levels))
    else:
        lines.append("No levels in the sources")
    lines.append(f"Uses {_plural(skills, 'skill')}")
    return "\n".join(lines)


def _framework_draft(view: FrameworkView) -> _Draft:
    colors = _family_colors(view)
    draft = _Draft(
        "framework",
        "The framework: families, roles and skills",
        f"{_plural(len({_family_of(view, r) for r in view.roles}), 'family', 'families')}, "
        f"{_plural(len(view.roles), 'role')} and {_plural(len(view.skills), 'skill')}. "
        "A role-skill link shows the highest tier any level of the role needs.",
        family_colors=colors,
        legend_note="Link colour and width: the highest tier the role needs. "
        "Hover for details, click to pin them in this panel.",
    )
    users: dict[str, list[str]] = {}
    for role in sorted(view.roles):
        for s in view.uses.get(role, ()):
            users.setdefault(s, []).append(role)
    members: dict[str, list[str]] = {}
    for role in view.roles:
        members.setdefault(_family_of(view, role), []).append(role)
    for fam, roles in sorted(members.items()):
        if fam == NO_FAMILY:
            continue
        labels = sorted(view.roles[r].label for r in roles)
        draft.nodes.append(
            _Node(
                _short(family_iri(fam)),
                fam,
                "family",
                f"{fam}\nRole family of {_plural(len(roles), 'role')}:\n" + "\n".join(labels),
                family=fam,
                priority=3e9 + len(roles),
                font=40,
            )
        )
    for role in view.roles:
        fam = _family_of(view, role)
        rid = _short(role)
        draft.nodes.append(
            _Node(
                rid,
                view.roles[role].label,
                "role",
                _role_title(view, role),
                family=fam,
                priority=2e9 + len(view.uses.get(role, ())),
                font=38,
            )
        )
        if fam != NO_FAMILY:
            draft.edges.append(
                _Edge(
                    _short(family_iri(fam)),
                    rid,
                    "member",
                    f"{view.roles[role].label} is in the {fam} family",
                    strength=1e9,
                )
            )
        levels = view.levels_of(role)
        for s, tier in sorted(view.role_tiers(role).items()):
            per_level = [
                f"- {lv.label}: {tier_label(view.requirements[lv.iri][s])}"
                for lv in levels
                if s in view.requirements.get(lv.iri, {})
            ]
            lines = [
                f"{view.roles[role].label} needs {view.skills[s]}",
                f"Highest tier: {tier_label(tier)}",
                *per_level,
            ]
            if not per_level:
                lines.append("(listed as using it, with no level detail)")
            draft.edges.append(
                _Edge(rid, _short(s), "needs", "\n".join(lines), tier=tier or 0, strength=tier or 0)
            )
    for s, label in view.skills.items():
        roles_using = sorted(view.roles[r].label for r in users.get(s, []))
        title = f"{label}\nSkill used by {_plural(len(roles_using), 'role')}" + (
            ":\n" + "\n".join(roles_using) if roles_using else ""
        )
        draft.nodes.append(
            _Node(
                _short(s),
                label,
                "skill",
                title,
                anchor=False,
                priority=1e9 + len(roles_using),
                font=12,
            )
        )
    return draft


def _overlap_draft(view: FrameworkView, min_shared: int | None) -> _Draft:
    colors = _family_colors(view)
    matrix = role_matrix(view)
    rows = matrix.rows
    n = len(rows)
    by_tier = []
    for k in range(1, len(TIERS) + 1):
        bk = matrix.binary(at_least=k)
        by_tier.append((bk @ bk.T).tocsr())
    similarity = sparse_weighted_jaccard(matrix)
    counts = by_tier[0].tocoo()
    tiers = {r: view.role_tiers(r) for r in rows}
    edges: list[_Edge] = []
    weighted_degree = dict.fromkeys(rows, 0)
    partners: dict[str, list[tuple[int, str]]] = {r: [] for r in rows}
    for i, j, c in zip(counts.row.tolist(), counts.col.tolist(), counts.data.tolist(), strict=True):
        if i >= j or c <= 0:
            continue
        a, b = rows[i], rows[j]
        shared = tuple(int(by_tier[k][i, j]) for k in range(len(TIERS)))
        common = sorted(set(tiers[a]) & set(tiers[b]), key=lambda s: view.skills[s])
        la, lb = view.roles[a].label, view.roles[b].label
        lines = [
            f"{la} and {lb} share {_plural(int(c), 'skill')}",
            f"Tier-aware similarity: {similarity[i, j]:.2f}",
            f"Tiers: {la} / {lb}",
            *(
                f"- {view.skills[s]}: {tier_label(tiers[a][s])} / {tier_label(tiers[b][s])}"
                for s in common
            ),
        ]
        # How high the shared tiers are: the mean, over shared skills, of the lower tier.
        mean_tier = sum(shared) / shared[0]
        edges.append(
            _Edge(
                _short(a),
                _short(b),
                "overlap",
                "\n".join(lines),
                tier=round(mean_tier),
                shared=shared,
                strength=c + float(similarity[i, j]),
            )
        )
        weighted_degree[a] += int(c)
        weighted_degree[b] += int(c)
        partners[a].append((int(c), lb))
        partners[b].append((int(c), la))
    edges.sort(key=lambda e: (e.a, e.b))
    if min_shared is None:
        # Hide weak links at first: the lowest threshold that leaves at most two links
        # per role (a readable density), never hiding every link.
        min_shared = 1
        while sum(1 for e in edges if e.shared and e.shared[0] >= min_shared) > 2 * n and any(
            e.shared and e.shared[0] >= min_shared + 1 for e in edges
        ):
            min_shared += 1
    draft = _Draft(
        "overlap",
        "How roles overlap: the skills they share",
        f"{_plural(n, 'role')}, coloured by family; {_plural(len(edges), 'pair')} of roles "
        "share skills. A link's width is the number of shared skills, its colour how high "
        "the shared tiers are.",
        family_colors=colors,
        min_shared_default=min_shared,
        legend_note="Link width: number of shared skills. Link colour: the mean of the lower "
        "tier over the shared skills. With a minimum tier, only skills both roles need at "
        "that tier or higher count.",
    )
    for r in rows:
        top = sorted(partners[r], key=lambda p: (-p[0], p[1]))
        title = _role_title(view, r)
        if top:
            title += f"\nShares skills with {_plural(len(top), 'role')}:\n" + "\n".join(
                f"- {label} ({c})" for c, label in top[:12]
            )
            if len(top) > 12:
                title += f"\n… and {len(top) - 12} more"
        draft.nodes.append(
            _Node(
                _short(r),
                view.roles[r].label,
                "role",
                title,
                family=_family_of(view, r),
                priority=float(weighted_degree[r]),
            )
        )
    draft.edges = edges
    return draft


def _role_draft(view: FrameworkView, role: str, descriptors: dict[tuple[str, str], str]) -> _Draft:
    colors = _family_colors(view)
    info = view.roles[role]
    fam = _family_of(view, role)
    levels = view.levels_of(role)
    tiers = view.role_tiers(role)
    draft = _Draft(
        "role",
        f"{info.label}: levels, skills and related roles",
        f"{_plural(len(levels), 'level')} in seniority order (top to bottom), "
        f"{_plural(len(tiers), 'skill')}, and the other roles that use those skills.",
        family_colors=colors,
        legend_note="Links from a level to a skill: the tier that level needs. Links from a "
        "skill to another role: the highest tier that role needs.",
    )
    rid = _short(role)
    draft.nodes.append(
        _Node(
            rid, info.label, "role", _role_title(view, role), family=fam, priority=5e9, focus=True
        )
    )
    previous = rid
    for idx, lv in enumerate(levels):
        needs = view.requirements.get(lv.iri, {})
        lines = [lv.label, f"Level {idx + 1} of {len(levels)} of {info.label}"]
        lines += [
            f"- {view.skills[s]}: {tier_label(t)}"
            for s, t in sorted(needs.items(), key=lambda x: (-(x[1] or 0), view.skills[x[0]]))
        ]
        lid = _short(lv.iri)
        draft.nodes.append(
            _Node(lid, lv.label, "level", "\n".join(lines), family=fam, priority=4e9 - idx)
        )
        draft.edges.append(
            _Edge(
                previous,
                lid,
                "next",
                f"{'next level' if previous != rid else 'first level'}: {lv.label}",
                strength=1e9,
                arrows=True,
            )
        )
        previous = lid
        for s, t in sorted(needs.items()):
            text = [f"{lv.label} needs {view.skills[s]} at {tier_label(t)}"]
            if (lv.iri, s) in descriptors:
                text.append(_clip(descriptors[(lv.iri, s)]))
            draft.edges.append(
                _Edge(lid, _short(s), "needs", "\n".join(text), tier=t or 0, strength=3 + (t or 0))
            )
    if not levels:
        for s, t in sorted(tiers.items()):
            draft.edges.append(
                _Edge(
                    rid,
                    _short(s),
                    "needs",
                    f"{info.label} uses {view.skills[s]} (no level detail in the sources)",
                    tier=t or 0,
                    strength=3,
                )
            )
    for s in tiers:
        users = sorted(
            view.roles[o].label for o in view.roles if o != role and s in view.uses.get(o, ())
        )
        title = f"{view.skills[s]}\n{info.label}: up to {tier_label(tiers[s])}"
        if users:
            title += f"\nAlso used by {_plural(len(users), 'role')}"
        draft.nodes.append(
            _Node(_short(s), view.skills[s], "skill", title, anchor=False, priority=3e9)
        )
    others: dict[str, list[str]] = {}
    for o in sorted(view.roles):
        if o == role:
            continue
        common = sorted(set(view.uses.get(o, ())) & set(tiers), key=lambda s: view.skills[s])
        if not common:
            continue
        others[o] = common
        o_tiers = view.role_tiers(o)
        title = (
            _role_title(view, o)
            + f"\nShares {_plural(len(common), 'skill')} with {info.label}:\n"
            + "\n".join(f"- {view.skills[s]}: {tier_label(o_tiers[s])}" for s in common)
        )
        draft.nodes.append(
            _Node(
                _short(o),
                view.roles[o].label,
                "role",
                title,
                family=_family_of(view, o),
                anchor=False,
                priority=1e9 + len(common),
            )
        )
        for s in common:
            draft.edges.append(
                _Edge(
                    _short(s),
                    _short(o),
                    "uses",
                    f"{view.roles[o].label} needs {view.skills[s]}: up to {tier_label(o_tiers[s])}",
                    tier=o_tiers[s] or 0,
                    strength=o_tiers[s] or 0,
                )
            )
    return draft


def _skill_draft(view: FrameworkView, skill: str, texts: _SkillTexts) -> _Draft:
    colors = _family_colors(view)
    label = view.skills[skill]
    needing: dict[int, list[tuple[str, str]]] = {}  # tier -> [(level IRI, role IRI)]
    for lv_iri, needs in view.requirements.items():
        if skill in needs:
            lv = view.levels[lv_iri]
            needing.setdefault(needs[skill] or 0, []).append((lv_iri, lv.role))
    with_levels = {role for pairs in needing.values() for _, role in pairs}
    unlevelled = sorted(
        r for r in view.roles if skill in view.uses.get(r, ()) and r not in with_levels
    )
    n_levels = sum(len(v) for v in needing.values())
    draft = _Draft(
        "skill",
        f"{label}: who needs it, at which tier",
        f"{_plural(n_levels, 'role level')} need this skill"
        + (
            f"; {_plural(len(unlevelled), 'role')} use it with no level detail"
            if unlevelled
            else ""
        )
        + ". Tiers from awareness (top) to expert.",
        family_colors=colors,
        legend_note="Hover over a tier for what it means for this skill; over a level for "
        "what that level needs.",
    )
    sid = _short(skill)
    head = [label]
    if texts.description:
        head.append(_clip(texts.description))
    head.append(f"Needed by {_plural(n_levels, 'role level')}")
    draft.nodes.append(_Node(sid, label, "skill", "\n".join(head), priority=5e9, focus=True))
    ranks = sorted(set(needing) | set(texts.descriptors) | texts.undefined)
    if unlevelled and 0 not in ranks:
        ranks.append(0)
    for rank in sorted(ranks, key=lambda r: (r == 0, r)):
        tid = f"tier/{tier_label(rank) if rank else 'none'}"
        name = tier_label(rank).capitalize() if rank else "No tier given"
        lines = [f"{label} at {tier_label(rank)}" if rank else f"{label}: {name.lower()}"]
        if rank in texts.descriptors:
            lines.append(_clip(texts.descriptors[rank], 1200))
        elif rank in texts.undefined:
            lines.append("This tier is not defined for this skill.")
        count = len(needing.get(rank, [])) + (len(unlevelled) if rank == 0 else 0)
        lines.append(f"Needed at this tier by {_plural(count, 'role level')}")
        draft.nodes.append(
            _Node(tid, name, "tier", "\n".join(lines), tier=rank, priority=4e9 + rank)
        )
        draft.edges.append(
            _Edge(sid, tid, "tier", f"{label} at {tier_label(rank)}", tier=rank, strength=1e9)
        )
        for lv_iri, role in sorted(needing.get(rank, [])):
            lv = view.levels[lv_iri]
            text = [
                lv.label,
                f"{view.roles[role].label} ({_family_of(view, role)}), level {lv.rank}",
                f"Needs {label} at {tier_label(rank)}",
            ]
            own = texts.by_level.get(lv_iri)
            if own and own != texts.descriptors.get(rank):
                text.append(_clip(own))
            lid = _short(lv_iri)
            draft.nodes.append(
                _Node(
                    lid,
                    lv.label,
                    "level",
                    "\n".join(text),
                    family=_family_of(view, role),
                    tier=rank,
                    anchor=False,
                    priority=1e9 + rank,
                )
            )
            draft.edges.append(
                _Edge(
                    tid,
                    lid,
                    "needs",
                    f"{lv.label} needs {label} at {tier_label(rank)}",
                    tier=rank,
                    strength=rank,
                )
            )
        if rank == 0:
            for role in unlevelled:
                rid = _short(role)
                draft.nodes.append(
                    _Node(
                        rid,
                        view.roles[role].label,
                        "role",
                        _role_title(view, role) + f"\nUses {label}, with no level detail",
                        family=_family_of(view, role),
                        tier=0,
                        anchor=False,
                        priority=1e9,
                    )
                )
                draft.edges.append(
                    _Edge(tid, rid, "uses", f"{view.roles[role].label} uses {label}", tier=0)
                )
    return draft


# --------------------------------------------------------------------------- finishing


def _finish(draft: _Draft, max_nodes: int, max_edges: int) -> Explorer:
    total_nodes, total_edges = len(draft.nodes), len(draft.edges)
    order = sorted(
        draft.nodes, key=lambda n: (-n.priority, KIND_ORDER[n.kind], n.label.casefold(), n.id)
    )
    kept_nodes = order[:max_nodes]
    dropped = [(n.kind, n.label) for n in order[max_nodes:]]
    keep_ids = {n.id for n in kept_nodes}
    candidates = [e for e in draft.edges if e.a in keep_ids and e.b in keep_ids]
    candidates.sort(key=lambda e: (-e.strength, e.a, e.b, e.kind))
    kept_edges = candidates[:max_edges]
    kept_nodes.sort(key=lambda n: (KIND_ORDER[n.kind], n.id))
    kept_edges.sort(key=lambda e: (e.a, e.b, e.kind))

    degree = dict.fromkeys(keep_ids, 0)
    for e in kept_edges:
        degree[e.a] += 1
        degree[e.b] += 1
    boxes = {n.id: _box(n, _size(n, degree[n.id])) for n in kept_nodes}
    positions = _layout(draft, kept_nodes, kept_edges, boxes)

    nodes = [_vis_node(n, degree[n.id], positions[n.id], draft.family_colors) for n in kept_nodes]
    edges = [_vis_edge(i, e) for i, e in enumerate(kept_edges)]
    kinds = sorted({n.kind for n in kept_nodes}, key=KIND_ORDER.__getitem__)
    tiers_used = sorted({e.tier for e in kept_edges if e.tier is not None})
    family_counts: dict[str, int] = {}
    for n in kept_nodes:
        if n.family is not None and n.kind in ("role", "level"):
            family_counts[n.family] = family_counts.get(n.family, 0) + 1
    families = [
        {"name": name, "color": draft.family_colors.get(name, NO_FAMILY_COLOR), "count": count}
        for name, count in sorted(family_counts.items(), key=lambda x: (x[0] == NO_FAMILY, x[0]))
    ]
    legend = {
        "kinds": [
            {
                "kind": k,
                "label": KINDS[k][4],
                "shape": KINDS[k][0],
                "color": _legend_color(k),
            }
            for k in kinds
        ],
        "tiers": [
            {
                "rank": t,
                "label": tier_label(t),
                "description": tier_label(t) if t else "no tier given",
                "color": TIER_COLORS[t],
                "width": TIER_WIDTHS[t],
            }
            for t in (sorted(set(tiers_used) | {1, 2, 3, 4}))
        ],
        "note": draft.legend_note,
    }
    min_shared = None
    if draft.min_shared_default is not None:
        top = max((e.shared[0] for e in kept_edges if e.shared), default=1)
        min_shared = {"default": min(draft.min_shared_default, max(top, 1)), "max": max(top, 1)}
    return Explorer(
        view=draft.view,
        title=draft.title,
        subtitle=draft.subtitle,
        nodes=nodes,
        edges=edges,
        families=families,
        legend=legend,
        options=_options(len(edges)),
        min_shared=min_shared,
        dropped_nodes=dropped,
        dropped_edges=total_edges - len(kept_edges),
        total_nodes=total_nodes,
        total_edges=total_edges,
        max_nodes=max_nodes,
        max_edges=max_edges,
    )


def _legend_color(kind: str) -> str:
    return {
        "family": "#d9d9d9",
        "role": "#d9d9d9",
        "level": "#f2f2f2",
        "skill": SKILL_COLOR,
        "tier": TIER_COLORS[3],
    }[kind]


def _options(n_edges: int) -> dict[str, Any]:
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": SEED},
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": n_edges > 1500,
            "hideEdgesOnZoom": n_edges > 3000,
            "multiselect": True,
            "navigationButtons": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
        },
        "nodes": {
            "borderWidth": 1,
            "font": {"face": FONT_STACK, "strokeWidth": 4, "strokeColor": "#ffffff"},
        },
        "edges": {"smooth": False, "selectionWidth": 1.5, "hoverWidth": 1},
    }


def _size(node: _Node, degree: int) -> float:
    base = KINDS[node.kind][3]
    size = base + min(2.2 * math.sqrt(degree), 18.0)
    return round(size * (1.5 if node.focus else 1.0), 1)


def _font_size(node: _Node) -> int:
    size = node.font or KINDS[node.kind][1]
    return size + 4 if node.focus else size


def _max_width(node: _Node) -> float:
    _, font, width, _, _ = KINDS[node.kind]
    return round(width * _font_size(node) / font)


@cache
def _font() -> Any:
    """The embedded font (DejaVu Sans), read with matplotlib's FreeType wrapper."""
    from matplotlib import ft2font

    return ft2font.FT2Font(str(font_file()))


@cache
def _advance(ch: str) -> float:
    """A character's advance width per pixel of font size."""
    font = _font()
    if not font.get_char_index(ord(ch)):
        return 0.62
    font.set_size(100, 72)
    return float(font.load_char(ord(ch)).linearHoriAdvance) / 65536 / 100


@cache
def _kerning(pair: str) -> float:
    """The kerning of two characters per pixel of font size (browsers apply it)."""
    from matplotlib import ft2font

    font = _font()
    kerning = getattr(ft2font, "Kerning", None)
    mode = kerning.UNSCALED if kerning is not None else getattr(ft2font, "KERNING_UNSCALED", 2)
    left, right = (font.get_char_index(ord(c)) for c in pair)
    return float(font.get_kerning(left, right, mode)) / float(font.units_per_EM)


def _text_width(text: str, size: float) -> float:
    """The width of ``text`` in the embedded font, as a canvas measures it."""
    width = sum(_advance(ch) for ch in text)
    width += sum(_kerning(text[i : i + 2]) for i in range(len(text) - 1))
    return width * size


def _wrap(label: str, font: int, max_width: float) -> tuple[float, int]:
    """The width and line count of a label as vis-network 9.1.2 wraps it at ``max_width``.

    This follows its LabelSplitter: the text is cut into word and space tokens, and a
    line takes the longest run of tokens whose *space-joined* text fits (so each gap
    counts three spaces when measuring, one when drawn).
    """
    import re

    def over(text: str) -> bool:
        return _text_width(text, font) > max_width

    text = re.sub(r"^( +)", "\\1\r", label)
    text = re.sub(r"([^\r][^ ]*)( +)", "\\1\r\\2\r", text)
    tokens = text.split("\r")
    lines: list[str] = []
    while tokens:
        fit, joined = 0, ""
        while fit < len(tokens):
            candidate = joined + ("" if joined == "" else " ") + tokens[fit]
            if over(candidate):
                break
            joined, fit = candidate, fit + 1
        if fit == 0:
            word = tokens[0]
            cut = 0
            while cut < len(word) and not over(word[:cut]):
                cut += 1
            cut = max(cut, 1)
            lines.append(word[:cut])
            tokens[0] = word[cut:]
            if not tokens[0]:
                tokens.pop(0)
            continue
        end = fit
        if tokens[fit - 1].strip() == "":
            fit -= 1
        elif end < len(tokens) and tokens[end].strip() == "":
            end += 1
        lines.append("".join(tokens[:fit]))
        tokens = tokens[end:]
    if not lines:
        return 0.0, 1
    return max(_text_width(line, font) for line in lines), len(lines)


def _box(node: _Node, size: float) -> tuple[float, float, float]:
    """(width, height, centre offset below the node's position) of node plus label,
    as vis-network draws them (measured against its bounding boxes in Chromium)."""
    shape = KINDS[node.kind][0]
    font = _font_size(node)
    # Widths are measured as the browser measures the embedded font; where a rounding
    # difference would change the wrapping, take the bigger box of the two.
    w1, lines1 = _wrap(node.label, font, _max_width(node) * 0.995)
    w2, lines2 = _wrap(node.label, font, _max_width(node) * 1.005)
    w, lines = max(w1, w2), max(lines1, lines2)
    h = lines * font
    if shape == "box":
        return w + 22, h + 22, 0.0
    return max(w, 2 * size), 2 * size + h, h / 2


def _shade(color: str, amount: float) -> str:
    """Mix ``color`` with white (amount > 0) or black (amount < 0)."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    target = 255 if amount > 0 else 0
    a = abs(amount)
    mixed = (round(c + (target - c) * a) for c in (r, g, b))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _vis_node(
    node: _Node, degree: int, pos: tuple[float, float], family_colors: dict[str, str]
) -> dict[str, Any]:
    shape = KINDS[node.kind][0]
    if node.kind in ("role", "family"):
        fill = family_colors.get(node.family or NO_FAMILY, NO_FAMILY_COLOR)
    elif node.kind == "level":
        fill = _shade(family_colors.get(node.family or NO_FAMILY, NO_FAMILY_COLOR), 0.7)
    elif node.kind == "tier":
        fill = TIER_COLORS[node.tier or 0]
    else:
        fill = SKILL_COLOR
    border = _shade(fill, -0.35)
    out: dict[str, Any] = {
        "id": node.id,
        "label": node.label,
        "title": node.title,
        "kind": node.kind,
        "anchor": node.anchor,
        "shape": shape,
        "x": round(pos[0], 1),
        "y": round(pos[1], 1),
        "color": {
            "background": fill,
            "border": border,
            "highlight": {"background": fill, "border": "#000000"},
            "hover": {"background": fill, "border": "#000000"},
        },
        "font": {"size": _font_size(node), "color": "#1b1b1b"},
        "widthConstraint": {"maximum": _max_width(node)},
        "degree": degree,
    }
    if shape != "box":
        out["size"] = _size(node, degree)
    if node.focus:
        out["borderWidth"] = 3
    if node.family is not None:
        out["family"] = node.family
    if node.tier is not None:
        out["tier"] = node.tier
    return out


def _vis_edge(index: int, edge: _Edge) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": f"e{index}",
        "from": edge.a,
        "to": edge.b,
        "title": edge.title,
        "kind": edge.kind,
    }
    if edge.kind in ("member", "next"):
        color, width = "#8a8a8a", 1.5
    elif edge.shared is not None:
        color = TIER_COLORS[edge.tier or 0]
        width = round(1 + 1.4 * math.sqrt(edge.shared[0] - 1), 2)
        out["shared"] = list(edge.shared)
    else:
        color, width = TIER_COLORS[edge.tier or 0], TIER_WIDTHS[edge.tier or 0]
    out["color"] = {
        "color": color,
        "highlight": _shade(color, -0.3),
        "hover": _shade(color, -0.3),
        "inherit": False,
        "opacity": 0.8,
    }
    out["width"] = width
    if edge.tier is not None:
        out["tier"] = edge.tier
        if edge.tier == 0 and edge.shared is None:
            out["dashes"] = True
    if edge.arrows:
        out["arrows"] = "to"
    return out


# --------------------------------------------------------------------------- layout


def _layout(
    draft: _Draft,
    nodes: list[_Node],
    edges: list[_Edge],
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


def _layout_weight(edge: _Edge) -> float:
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


def _separate(
    xy: np.ndarray[Any, Any],
    boxes: Sequence[tuple[float, float, float]],
    gap: float,
    iterations: int = 300,
) -> np.ndarray[Any, Any]:
    """Push apart nodes whose label boxes overlap, each pair along its cheaper axis."""
    import numpy as np
    from scipy.spatial import cKDTree

    n = len(boxes)
    if n < 2:
        return xy
    w = np.array([b[0] for b in boxes], dtype=float) + gap
    h = np.array([b[1] for b in boxes], dtype=float) + gap
    off = np.array([b[2] for b in boxes], dtype=float)
    centre = xy.astype(float).copy()
    centre[:, 1] += off
    reach = float(math.hypot(w.max(), h.max()))
    for _ in range(iterations):
        pairs = cKDTree(centre).query_pairs(reach, output_type="ndarray")
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
    nodes: list[_Node], edges: list[_Edge], boxes: dict[str, tuple[float, float, float]]
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
    levels_left = sorted(n.id for n in nodes if n.kind == "level" and n.id not in chain)
    left = chain + levels_left
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
    nodes: list[_Node], edges: list[_Edge], boxes: dict[str, tuple[float, float, float]]
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
