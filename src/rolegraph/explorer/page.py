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

A click on a node highlights its neighbours and lists them in the side panel, a role's
skills with tiers among them (:mod:`rolegraph.explorer.profiles` puts every role's and
level's skills in the page, for views that draw no skill); two roles selected together
are compared; the selection, filters and camera live in the URL fragment; served, each
node links to its page (``render_html(..., link_base=)``).

Data comes from :func:`rolegraph.analysis.view.framework_view` (plus, for tooltips, the
descriptors the view does not carry). Positions are computed here (networkx spring
layouts inside family clusters, clusters on a ring, then label boxes pushed apart), so
the page draws at once with physics off. The page embeds vis-network, its own script
and style, and the data (see :mod:`rolegraph.explorer.assets`); it makes no request.

This module is the entry point and the last step: each view is drafted in
:mod:`rolegraph.explorer.views` (names and texts read by :mod:`rolegraph.explorer.queries`),
nodes are sized by :mod:`rolegraph.explorer.labels` and placed by
:mod:`rolegraph.explorer.layout`; here the draft is capped, finished into vis-network
data and rendered.

The library never prints; :func:`build_explorer` raises :class:`~rolegraph.errors.NotFound`
for an unknown role or skill and :class:`~rolegraph.errors.InputError` for bad options.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rolegraph.analysis.view import framework_view
from rolegraph.errors import OptionError
from rolegraph.explorer.assets import (
    FONT_STACK,
    csp_hash,
    explorer_css,
    explorer_js,
    explorer_template,
    font_face_css,
    json_for_script,
    vis_network_css,
    vis_network_js,
)
from rolegraph.explorer.draft import (
    KIND_ORDER,
    KINDS,
    NO_FAMILY,
    NO_FAMILY_COLOR,
    SEED,
    SKILL_COLOR,
    TIER_COLORS,
    TIER_WIDTHS,
    Draft,
    Edge,
    Node,
    tier_label,
)
from rolegraph.explorer.labels import _font_size, _max_width, _size, label_box
from rolegraph.explorer.layout import _layout
from rolegraph.explorer.profiles import profiles, search_label
from rolegraph.explorer.queries import _requirement_descriptors, _resolve, _skill_texts
from rolegraph.explorer.views import (
    _framework_draft,
    _overlap_draft,
    _role_draft,
    _skill_draft,
)
from rolegraph.spelling import option, spell
from rolegraph.util.files import atomic_write, check_output_path
from rolegraph.util.text import plural
from rolegraph.version import __version__

if TYPE_CHECKING:
    from rolegraph.graph.store import RoleGraph

VIEWS = ("framework", "overlap", "role", "skill")
DEFAULT_MAX_NODES = 1000
DEFAULT_MAX_EDGES = 5000


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
    #: each role's and level's skills with tiers, and the skills' names (the details panel)
    profiles: dict[str, Any] = field(default_factory=dict)

    @property
    def search_label(self) -> str:
        """What the search box finds (the kinds of node on the page)."""
        return search_label([k["kind"] for k in self.legend["kinds"]])

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
                f"({option('max_nodes')} {self.max_nodes}): {names}"
                + (f" and {more} more" if more > 0 else "")
            )
        if self.dropped_edges:
            parts.append(f"left out {self.dropped_edges} of {self.total_edges} edges")
        return spell("; ".join(parts)) if parts else None


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
        raise OptionError(f"unknown view {view!r}", hint=f"use one of {', '.join(VIEWS)}")
    if view == "role" and role is None:
        raise OptionError("the role view needs a role", hint=f"give {option('role')} NAME")
    if view == "skill" and skill is None:
        raise OptionError("the skill view needs a skill", hint=f"give {option('skill')} NAME")
    if role is not None and skill is not None:
        raise OptionError(
            f"{option('role')} and {option('skill')} each choose a view (the role's, the skill's)",
            hint="give one of them",
        )
    if role is not None and view != "role":
        raise OptionError(f"{option('role')} is for the role view, not the {view} view")
    if skill is not None and view != "skill":
        raise OptionError(f"{option('skill')} is for the skill view, not the {view} view")
    if max_nodes < 1 or max_edges < 0:
        raise OptionError(
            f"{option('max_nodes')} must be at least 1 and {option('max_edges')} at least 0"
        )
    if min_shared is not None and view != "overlap":
        raise OptionError(f"{option('min_shared')} is for the overlap view, not the {view} view")
    if min_shared is not None and min_shared < 1:
        raise OptionError(f"{option('min_shared')} must be at least 1")

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
    explorer = _finish(draft, max_nodes, max_edges)
    explorer.profiles = profiles(fv, {n["id"] for n in explorer.nodes})
    return explorer


def render_html(explorer: Explorer, *, link_base: str | None = None) -> str:
    """The explorer as one self-contained HTML page (byte-identical for the same input).

    ``link_base``: where each node's own page is (a node's id appended to it, as in
    ``/id/`` + ``role/data-scientist``), for a page served beside those pages; without
    it (a file) the page links nowhere. It must be a path (``/id/``) or an http(s) URL,
    ending with ``/``: the page never links to another scheme."""
    import json

    check_link_base(link_base)

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
        "profiles": explorer.profiles.get("profiles", {}),
        "skills": explorer.profiles.get("skills", {}),
        "linkBase": link_base,
        "search": explorer.search_label,
        "dropped": {
            "nodes": [{"kind": k, "label": label} for k, label in explorer.dropped_nodes],
            "edges": explorer.dropped_edges,
            "totalNodes": explorer.total_nodes,
            "totalEdges": explorer.total_edges,
            "maxNodes": explorer.max_nodes,
            "edgeRule": spell(
                f"the links of left-out nodes, and the weakest beyond {option('max_edges')} "
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
        search_label=explorer.search_label,
        version=__version__,
        script_hashes=Markup(f"{csp_hash(vis_js)} {csp_hash(own_js)}"),
        font_css=Markup(font_face_css()),
        vis_css=Markup(vis_network_css()),
        explorer_css=Markup(explorer_css()),
        data=Markup(json_for_script(payload)),
        vis_js=Markup(vis_js),
        explorer_js=Markup(own_js),
    )


def check_link_base(link_base: str | None) -> None:
    """Raise :class:`OptionError` unless ``link_base`` is None, a path or an http(s) URL
    that ends with ``/`` (so no ``javascript:`` link, and a node's id makes a path)."""
    if link_base is None:
        return
    if not _LINK_BASE.fullmatch(link_base):
        raise OptionError(
            f"{option('link_base')} must be a path or an http(s) URL ending with /, "
            f"not {link_base!r}",
            hint="as in /id/ or https://example.org/rolegraph/id/",
        )


#: a path (not "//host") or an http(s) URL, ending with "/", with no space, quote,
#: backslash or control character
_SAFE = r"[^\s\x00-\x1f\x7f\"'<>\\]"
_LINK_BASE = re.compile(rf"(?:/|https?://[^/\s\x00-\x1f\x7f\"'<>\\]+/)(?:(?!/){_SAFE}*/)?")


def write_html(explorer: Explorer, path: Path | str, *, link_base: str | None = None) -> Path:
    """Write the page atomically (a failure leaves no file)."""

    check_output_path(path)
    check_link_base(link_base)
    return atomic_write(path, render_html(explorer, link_base=link_base))


# --------------------------------------------------------------------------- finishing


def _finish(draft: Draft, max_nodes: int, max_edges: int) -> Explorer:
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
    boxes = {n.id: label_box(n, _size(n, degree[n.id])) for n in kept_nodes}
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


def _shade(color: str, amount: float) -> str:
    """Mix ``color`` with white (amount > 0) or black (amount < 0)."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    target = 255 if amount > 0 else 0
    a = abs(amount)
    mixed = (round(c + (target - c) * a) for c in (r, g, b))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _vis_node(
    node: Node, degree: int, pos: tuple[float, float], family_colors: dict[str, str]
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


def _vis_edge(index: int, edge: Edge) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": f"e{index}",
        "from": edge.a,
        "to": edge.b,
        "title": edge.title,
        "kind": edge.kind,
    }
    if edge.kind in ("member", "next", "across"):
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
