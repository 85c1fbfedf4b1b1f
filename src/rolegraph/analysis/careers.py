"""Career analytics on a :class:`~rolegraph.analysis.view.FrameworkView`: the gap between two
role levels, a role's ladder, similar roles and levels, the role x role overlap (and its
heatmap), the cheapest path of moves between levels, and how a person's or a team's
skills compare with role levels.

Tiers are ranks: awareness 1, working 2, practitioner 3, expert 4; a skill not held is 0.
A requirement with no tier (the Senior Civil Service roles) counts as 1 wherever a number
is needed, as in :func:`rolegraph.analysis.view.role_matrix`.

* **Gap** from A to B: for each skill B needs, ``max(0, tier B needs - tier A has)`` tier
  steps; the gap's size is their sum. It is subadditive (gap(A, C) <= gap(A, B) +
  gap(B, C)), which is why :func:`career_path` needs a graph of allowed moves.
* **Similarity** is the weighted Jaccard index of two tier profiles (see
  :mod:`rolegraph.analysis.view`).
* **Moves** (:func:`move_graph`): a promotion to the next level of the same role, or a
  lateral move to a level of another role in the same seniority band.

Nothing here prints or exits; errors are :class:`~rolegraph.errors.InputError`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rolegraph.analysis.view import (
    FrameworkView,
    LevelInfo,
    RoleInfo,
    level_matrix,
    role_matrix,
    shared_counts,
    tier_similarity,
    weighted_jaccard,
)
from rolegraph.combine.ordering import ladder_position
from rolegraph.errors import InputError, NotFound
from rolegraph.model.vocab import TIER_RANK, TIERS, tier_name
from rolegraph.sparql.binding import match_name
from rolegraph.util.files import atomic_write, check_output_path
from rolegraph.util.tables import check_file, decode_utf8, read_bytes, read_table
from rolegraph.util.text import plural

if TYPE_CHECKING:
    from typing import BinaryIO

#: A person's or a level's skills: skill IRI -> tier rank (None: required with no tier).
Profile = Mapping[str, int | None]

GAP, MET, NOT_NEEDED = "gap", "met", "not needed"
ADDED, RAISED, LOWERED, REMOVED = "added", "raised", "lowered", "removed"
PROMOTION, LATERAL = "promotion", "lateral"
#: Seniority bands of role levels, lowest first (see :func:`seniority_bands`).
BANDS = ("entry", "mid", "senior", "lead", "principal", "head")
VALID_TIERS = "awareness, working, practitioner, expert, or 1-4"


def rank(tier: int | None) -> int:
    """A held or required tier as a number: an untiered requirement counts as 1."""
    return 1 if tier is None else tier


def tier_text(profile: Profile, skill: str) -> str | None:
    """The tier name of ``skill`` in ``profile``; "untiered"; None when the skill is absent."""
    if skill not in profile:
        return None
    tier = profile[skill]
    return "untiered" if tier is None else TIERS[tier - 1]


def parse_tier(text: str) -> int | None:
    """``"Practitioner"`` or ``"3"`` -> 3; None when ``text`` is not a tier."""
    name = tier_name(text, numbers=True)
    return TIER_RANK[name] if name else None


# -- names -----------------------------------------------------------------------


def find_role(view: FrameworkView, name: str) -> str:
    """The role called ``name`` (any case, alternative names too); NotFound suggests others."""

    return match_name("role", name, view.labels("role"))


def find_role_of(view: FrameworkView, name: str) -> str:
    """The role called ``name``, or the role of the level called ``name``."""

    try:
        return find_role(view, name)
    except NotFound:
        try:
            return view.levels[match_name("level", name, view.labels("level"))].role
        except NotFound:
            pass
        raise


def find_skill(view: FrameworkView, name: str) -> str:
    return match_name("skill", name, view.labels("skill"))


def find_level(view: FrameworkView, name: str) -> str:
    """The role level called ``name``; naming a role suggests that role's levels."""

    try:
        return match_name("level", name, view.labels("level"))
    except NotFound as exc:
        try:
            role = find_role(view, name)
        except NotFound:
            raise exc from None
        levels = [lv.label for lv in view.levels_of(role)]
        if not levels:
            raise InputError(
                f"{view.roles[role].label!r} is a role with no levels in this graph",
                hint="build the whole framework with 'rolegraph build --roles CSV ...' "
                "and pass it with --graph",
            ) from None
        raise NotFound("level", name, levels) from None


def find_role_or_level(view: FrameworkView, name: str, *, level: bool = False) -> str:
    """A role called ``name``, else a role level; with ``level``, a role level only.
    (Many roles have a level of the same name, such as Data scientist: the role wins.)"""

    if level:
        return find_level(view, name)
    try:
        return find_role(view, name)
    except NotFound as role_miss:
        try:
            return match_name("level", name, view.labels("level"))
        except NotFound as level_miss:
            close = list(dict.fromkeys([*role_miss.suggestions, *level_miss.suggestions]))
            raise NotFound("role or level", name, close[:3]) from None


# -- gaps ------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillGap:
    """One skill compared between where a person is and where they want to be."""

    skill: str
    label: str
    status: str  # GAP, MET or NOT_NEEDED
    have: str | None  # tier held ("untiered" for a tierless requirement), None if not held
    need: str | None  # tier needed, None if not needed
    steps: int  # tier steps to gain (0 unless status is GAP)
    descriptor: str | None = None  # for a gap: what the target needs a person to be able to do


@dataclass(frozen=True)
class Gap:
    source: str
    target: str
    skills: tuple[SkillGap, ...]

    def with_status(self, status: str) -> list[SkillGap]:
        return [s for s in self.skills if s.status == status]

    @property
    def steps(self) -> int:
        return sum(s.steps for s in self.skills)

    def summary(self) -> str:
        gaps, met, extra = (len(self.with_status(s)) for s in (GAP, MET, NOT_NEEDED))
        return (
            f"{gaps} skill{'s' if gaps != 1 else ''} to develop ({self.steps} tier "
            f"step{'s' if self.steps != 1 else ''}), {met} already met, {extra} not needed"
        )


def compare(
    view: FrameworkView, have: Profile, target: str, *, source: str, target_label: str = ""
) -> Gap:
    """The gap from the skills ``have`` to what role level ``target`` needs."""
    need = view.requirements.get(target, {})
    rows: list[SkillGap] = []
    for skill in need.keys() | have.keys():
        label = view.skills.get(skill, skill)
        if skill not in need:
            rows.append(SkillGap(skill, label, NOT_NEEDED, tier_text(have, skill), None, 0))
            continue
        held = rank(have[skill]) if skill in have else 0
        steps = max(0, rank(need[skill]) - held)
        rows.append(
            SkillGap(
                skill,
                label,
                GAP if steps else MET,
                tier_text(have, skill),
                tier_text(need, skill),
                steps,
                view.descriptor(target, skill) if steps else None,
            )
        )
    order = {GAP: 0, MET: 1, NOT_NEEDED: 2}
    rows.sort(key=lambda r: (order[r.status], -r.steps, r.label, r.skill))
    return Gap(source, target_label or view.levels[target].label, tuple(rows))


def level_gap(view: FrameworkView, source: str, target: str) -> Gap:
    """The gap from role level ``source`` to role level ``target`` (IRIs)."""
    return compare(
        view, view.requirements.get(source, {}), target, source=view.levels[source].label
    )


def gap_steps(have: Profile, need: Profile) -> int:
    """The size of a gap: tier steps to gain, summed over the skills ``need`` lists."""
    return sum(max(0, rank(t) - (rank(have[s]) if s in have else 0)) for s, t in need.items())


# -- ladders ---------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    skill: str
    label: str
    change: str  # ADDED, RAISED, LOWERED or REMOVED
    before: str | None
    after: str | None


@dataclass(frozen=True)
class LadderStep:
    lower: LevelInfo
    higher: LevelInfo
    changes: tuple[Change, ...]
    unchanged: int


@dataclass(frozen=True)
class Ladder:
    role: RoleInfo
    levels: tuple[LevelInfo, ...]
    skill_counts: tuple[int, ...]
    steps: tuple[LadderStep, ...]


def ladder(view: FrameworkView, role: str) -> Ladder:
    """A role's levels in seniority order, and what each step up adds, raises, lowers and
    removes. Lowered tiers are real: leadership levels need some hands-on skills less."""
    levels = view.levels_of(role)
    order = {ADDED: 0, RAISED: 1, LOWERED: 2, REMOVED: 3}
    steps: list[LadderStep] = []
    for lower, higher in itertools.pairwise(levels):
        a = view.requirements.get(lower.iri, {})
        b = view.requirements.get(higher.iri, {})
        changes: list[Change] = []
        unchanged = 0
        for skill in a.keys() | b.keys():
            if skill not in a:
                kind = ADDED
            elif skill not in b:
                kind = REMOVED
            elif rank(b[skill]) > rank(a[skill]):
                kind = RAISED
            elif rank(b[skill]) < rank(a[skill]):
                kind = LOWERED
            else:
                unchanged += 1
                continue
            label = view.skills.get(skill, skill)
            changes.append(Change(skill, label, kind, tier_text(a, skill), tier_text(b, skill)))
        changes.sort(key=lambda c: (order[c.change], c.label, c.skill))
        steps.append(LadderStep(lower, higher, tuple(changes), unchanged))
    counts = tuple(len(view.requirements.get(lv.iri, {})) for lv in levels)
    return Ladder(view.roles[role], tuple(levels), counts, tuple(steps))


# -- similarity and overlap ------------------------------------------------------


@dataclass(frozen=True)
class Neighbour:
    iri: str
    label: str
    role: str  # the role's name (for a role: its own name)
    family: str | None
    similarity: float  # weighted Jaccard, 0-1
    shared: int  # skills both use
    skills: int  # skills this one uses


def similar(view: FrameworkView, iri: str, *, top: int = 10) -> list[Neighbour]:
    """The roles (for a role IRI) or role levels (for a level IRI) nearest to ``iri`` by
    tier-aware similarity, most similar first (ties by name); only those sharing a skill."""
    is_role = iri in view.roles
    matrix = role_matrix(view) if is_role else level_matrix(view)
    sim = weighted_jaccard(matrix)
    shared = shared_counts(matrix).toarray()
    i = matrix.rows.index(iri)
    out: list[Neighbour] = []
    for j, other in enumerate(matrix.rows):
        if j == i or shared[i, j] == 0:
            continue
        if is_role:
            info = view.roles[other]
            label, role_label, family = info.label, info.label, info.family
        else:
            level = view.levels[other]
            role_info = view.roles[level.role]
            label, role_label, family = level.label, role_info.label, role_info.family
        out.append(
            Neighbour(
                other,
                label,
                role_label,
                family,
                float(sim[i, j]),
                int(shared[i, j]),
                int(shared[j, j]),
            )
        )
    out.sort(key=lambda n: (-n.similarity, n.label, n.iri))
    return out[:top]


@dataclass
class Overlap:
    """The role x role matrix, rows and columns in cluster order."""

    roles: list[str]
    labels: list[str]
    families: list[str | None]
    similarity: list[list[float]]
    shared: list[list[int]]
    #: names of roles that use no skills, so have no place in the matrix
    left_out: list[str] = field(default_factory=list)


def overlap(view: FrameworkView) -> Overlap:
    """Every pair of roles: weighted Jaccard similarity and shared skills, ordered so that
    clusters of similar roles sit together (:func:`cluster_order`)."""
    everyone = sorted(view.roles, key=lambda r: (view.roles[r].label, r))
    used = [r for r in everyone if view.role_tiers(r)]
    left_out = [view.roles[r].label for r in everyone if not view.role_tiers(r)]
    matrix = role_matrix(view, used)
    sim = weighted_jaccard(matrix)
    shared = shared_counts(matrix).toarray()
    order = cluster_order(sim)
    roles = [used[i] for i in order]
    return Overlap(
        roles,
        [view.roles[r].label for r in roles],
        [view.roles[r].family for r in roles],
        [[float(sim[i, j]) for j in order] for i in order],
        [[int(shared[i, j]) for j in order] for i in order],
        left_out,
    )


def cluster_order(similarity: Any) -> list[int]:
    """Leaf order of average-linkage hierarchical clustering on distance 1 - similarity,
    with optimal leaf ordering (neighbouring leaves as similar as possible)."""
    import numpy as np
    from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering
    from scipy.spatial.distance import squareform

    sim = np.asarray(similarity, dtype=float)
    n = sim.shape[0]
    if n < 3:
        return list(range(n))
    distance = np.clip(1.0 - sim, 0.0, 1.0)
    np.fill_diagonal(distance, 0.0)
    condensed = squareform((distance + distance.T) / 2, checks=False)
    tree = optimal_leaf_ordering(linkage(condensed, method="average"), condensed)
    return [int(i) for i in leaves_list(tree)]


IMAGE_FORMATS = {".png": "png", ".svg": "svg"}
#: Family colours (matplotlib's "tab10"), fixed here so the image never depends on defaults.
_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


#: the most roles a heatmap draws (the framework has 52; its image is 1,000 px a side)
MAX_HEATMAP_ROLES = 1500


def write_heatmap(matrix: Overlap, path: Path | str) -> Path:
    """Draw the similarity matrix as a heatmap (.png or .svg, by extension), atomically.

    The bytes depend only on the matrix: fixed fonts (DejaVu Sans, shipped with
    matplotlib), no dates or software versions in the metadata, a fixed SVG hash salt.
    """

    p = Path(path)
    fmt = IMAGE_FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise InputError(
            f"cannot draw a heatmap as {p.name}",
            hint="name the image file with .png or .svg",
        )
    if not matrix.roles:
        raise InputError("no role uses any skill, so there is nothing to draw")
    if len(matrix.roles) > MAX_HEATMAP_ROLES:
        # A cell per pair: 25,000 roles took 16 GB and made an image nobody can read.
        raise InputError(
            f"{len(matrix.roles):,} roles are too many for a readable heatmap "
            f"(at most {MAX_HEATMAP_ROLES:,})",
            hint="write the matrix as data with -f csv or -f json, or draw one family's roles",
        )
    check_output_path(p)
    return atomic_write(p, lambda handle: _draw_heatmap(matrix, handle, fmt))


def _draw_heatmap(matrix: Overlap, handle: BinaryIO, fmt: str) -> None:
    # A Figure on an Agg canvas, without pyplot: no global figure state, no GUI backend.
    import matplotlib
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    n = len(matrix.roles)
    families = sorted({f or "(no family)" for f in matrix.families})
    palette = _PALETTE
    colour = {f: palette[i % len(palette)] for i, f in enumerate(families)}
    row_family = [families.index(f or "(no family)") for f in matrix.families]
    size = max(6.0, 0.21 * n + 3.5)
    with matplotlib.rc_context():
        rc = matplotlib.rcParams
        rc["font.family"] = "DejaVu Sans"  # shipped with matplotlib: the same glyphs everywhere
        rc["font.size"] = 8
        rc["svg.hashsalt"] = "rolegraph"  # fixed ids in the SVG
        rc["svg.fonttype"] = "path"
        rc["path.simplify"] = False
        fig = Figure(figsize=(size + 2.2, size), dpi=110)
        FigureCanvasAgg(fig)
        grid = fig.add_gridspec(
            1,
            3,
            width_ratios=[0.35, n, 1.2],
            wspace=0.02,
            left=0.2,
            right=0.93,
            bottom=0.19,
            top=0.96,
        )
        strip = fig.add_subplot(grid[0, 0])
        heat = fig.add_subplot(grid[0, 1], sharey=strip)
        bar_ax = fig.add_subplot(grid[0, 2])
        strip.imshow(
            np.array(row_family)[:, None],
            cmap=ListedColormap([colour[f] for f in families]),
            vmin=-0.5,
            vmax=len(families) - 0.5,
            aspect="auto",
            interpolation="nearest",
        )
        strip.set_xticks([])
        strip.set_yticks(range(n), matrix.labels, fontsize=7.5)
        image = heat.imshow(
            np.asarray(matrix.similarity),
            cmap="viridis",
            vmin=0.0,
            vmax=1.0,
            aspect="auto",
            interpolation="nearest",
        )
        heat.set_xticks(range(n), matrix.labels, rotation=90, fontsize=7.5)
        heat.tick_params(axis="y", left=False, labelleft=False)
        heat.set_title(
            "Role overlap: tier-weighted Jaccard similarity of the skills roles need "
            "(clustered order)",
            fontsize=9,
        )
        fig.colorbar(image, cax=bar_ax, label="similarity (0 = nothing shared, 1 = same)")
        fig.legend(
            handles=[Patch(color=colour[f], label=f) for f in families],
            loc="lower left",
            bbox_to_anchor=(0.005, 0.005),
            fontsize=7,
            title="Role family",
            title_fontsize=7,
            frameon=False,
        )
        metadata: dict[str, Any] = (
            {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
        )
        fig.savefig(handle, format=fmt, metadata=metadata)


# -- paths -----------------------------------------------------------------------


def seniority_bands(view: FrameworkView) -> dict[str, int]:
    """Each role level's seniority band (an index into :data:`BANDS`), from its name:
    entry (apprentice, trainee, associate, junior), mid (no seniority word), senior
    (senior, major), lead, principal, head (head of, chief); "- management" levels sit
    in their base level's band. A level is never in a lower band than the level below it
    in its role (so "Service desk manager", above "Senior service desk analyst", is senior).
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
        floor = 0
        for level in view.levels_of(role):
            floor = max(floor, band(ladder_position(level.label)))
            out[level.iri] = floor
    return out


@dataclass(frozen=True)
class Move:
    kind: str  # PROMOTION or LATERAL
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

    Edges: a promotion from each level to the next level of its role, and a lateral move
    between levels of different roles in the same seniority band. Each edge has ``kind``
    and ``cost`` (tier steps to gain, :func:`gap_steps`).
    """
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
        for lower, higher in itertools.pairwise(view.levels_of(role)):
            add(lower.iri, higher.iri, PROMOTION)
    by_band: dict[int, list[str]] = {}
    for lv in levels:
        by_band.setdefault(bands[lv], []).append(lv)
    for members in by_band.values():
        for a in members:
            for b in members:
                if view.levels[a].role != view.levels[b].role:
                    add(a, b, LATERAL)
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
        raise InputError(
            f"no path from {view.levels[source].label!r} to {view.levels[target].label!r}",
            hint=f"moves go up one level within a role or sideways to another role's level "
            f"in the same seniority band; the first is {BANDS[bands[source]]}, the second "
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


# -- profiles and teams ----------------------------------------------------------


@dataclass
class ProfileFile:
    """A person's or a team's skills read from a file."""

    label: str
    team: bool
    #: person -> {skill IRI: tier rank}, people in the order of the file
    people: dict[str, dict[str, int]]
    #: what was merged or not read, for the person at the terminal
    notes: list[str] = field(default_factory=list)


def read_profile(path: Path | str, view: FrameworkView) -> ProfileFile:
    """Read a profile: YAML (``skill: tier`` lines, optionally under ``skills:`` with a
    ``name:``) or CSV (columns ``skill, tier``; with a ``person`` column, a team).

    Any problem is one :class:`InputError` naming the file, row (or line) and column.
    """

    p = check_file(path, "profile")
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _read_yaml(p, view)
    if suffix in (".csv", ".txt"):
        return _read_csv(p, view)
    raise InputError(
        f"cannot tell what kind of profile {p.name} is from its extension",
        hint="name it .yaml for 'skill: tier' lines, or .csv for columns skill, tier and, "
        "for a team, person",
    )


class _Collector:
    """Builds people's profiles entry by entry: checks names and tiers, merges repeats."""

    def __init__(self, label: str, view: FrameworkView) -> None:
        self.label = label
        self.view = view
        self.people: dict[str, dict[str, int]] = {}
        self.where: dict[tuple[str, str], str] = {}
        self.notes: list[str] = []

    def add(
        self, person: str, skill_name: str, tier_value: str, where: str, cols: tuple[str, str]
    ) -> None:
        skill_col, tier_col = cols
        if not skill_name.strip():
            raise InputError(f"{self.label}, {where}{skill_col}: the skill is empty")
        try:
            skill = find_skill(self.view, skill_name)
        except NotFound as exc:
            raise InputError(
                f"{self.label}, {where}{skill_col}: {exc.message}", hint=exc.hint
            ) from None
        tier = parse_tier(tier_value)
        if tier is None:
            problem = (
                f"unknown tier {tier_value!r} for skill {self.view.skills[skill]!r}"
                if tier_value.strip()
                else f"the tier of {self.view.skills[skill]!r} is empty"
            )
            raise InputError(
                f"{self.label}, {where}{tier_col}: {problem}", hint=f"valid tiers: {VALID_TIERS}"
            )
        tiers = self.people.setdefault(person, {})
        key = (person, skill)
        if skill in tiers:
            first = self.where[key]
            if tiers[skill] != tier:
                raise InputError(
                    f"{self.label}, {where.rstrip(', ')}: {self.view.skills[skill]!r} is given "
                    f"again at {TIERS[tier - 1]} (it was {TIERS[tiers[skill] - 1]} at {first})",
                    hint="keep one entry per skill" + (" and person" if person else ""),
                )
            self.notes.append(
                f"{self.label}, {where.rstrip(', ')}: {self.view.skills[skill]!r} repeats "
                f"{first}; merged"
            )
            return
        tiers[skill] = tier
        self.where[key] = where.rstrip(", ")


def _read_csv(path: Path, view: FrameworkView) -> ProfileFile:
    table = read_table(path, required=["skill", "tier"], optional=["person"], what="profile CSV")
    team = "person" in {name.lower() for name in table.header}
    out = _Collector(table.label, view)
    person_col = next((h for h in table.header if h.lower() == "person"), "person")
    skill_col = next(h for h in table.header if h.lower() == "skill")
    tier_col = next(h for h in table.header if h.lower() == "tier")
    for row_no, cells in table.rows:
        person = " ".join(cells.get("person", "").split())
        if team and not person:
            raise InputError(
                f"{table.label}, row {row_no}, column {person_col!r}: the person is empty",
                hint="name the person on every row of a team file",
            )
        out.add(
            person,
            cells["skill"],
            cells["tier"],
            f"row {row_no}, ",
            (f"column {skill_col!r}", f"column {tier_col!r}"),
        )
    if not table.rows:
        raise InputError(f"{table.label} has a header but no rows", hint="add 'skill,tier' rows")
    if table.extra_columns:
        out.notes.append(
            f"{table.label}: column{'s' if len(table.extra_columns) > 1 else ''} "
            + ", ".join(repr(c) for c in table.extra_columns)
            + " not read"
        )
    if table.blank_lines:
        out.notes.append(f"{table.label}: {plural(table.blank_lines, 'blank line')} skipped")
    if table.padded_rows:
        out.notes.append(
            f"{table.label}: empty cells beyond the header ignored on "
            + ("row " if len(table.padded_rows) == 1 else "rows ")
            + ", ".join(str(r) for r in table.padded_rows)
        )
    people = out.people if team else {path.stem: out.people.get("", {})}
    return ProfileFile(table.label, team, people, out.notes)


def _read_yaml(path: Path, view: FrameworkView) -> ProfileFile:
    import yaml

    label = path.name
    text = decode_utf8(read_bytes(path, "profile"), label)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise InputError(
            f"{label}: nested too deeply to be a profile",
            hint="a profile is one 'skill: tier' line per skill; a team file, one such list per person",
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"{label}{where}: not valid YAML ({problem})") from None
    example = "write one 'skill: tier' line per skill, e.g. 'Systems integration: practitioner'"
    if root is None:
        raise InputError(f"{label} is empty", hint=example)
    if not isinstance(root, yaml.MappingNode):
        raise InputError(
            f"{label}, line {root.start_mark.line + 1}: expected skill: tier lines", hint=example
        )
    name = path.stem
    entries = root
    notes: list[str] = []
    keys = {k.value: (k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    if "name" in keys and not isinstance(keys.get("skills", (None, None))[1], yaml.MappingNode):
        line = keys["name"][0].start_mark.line + 1
        raise InputError(
            f"{label}, line {line}: with a 'name:', list the skills under 'skills:'",
            hint="indent one 'skill: tier' line per skill below a 'skills:' line",
        )
    if "skills" in keys and isinstance(keys["skills"][1], yaml.MappingNode):
        entries = keys["skills"][1]
        for k, v in root.value:
            line = k.start_mark.line + 1
            if k.value == "name" and isinstance(v, yaml.ScalarNode) and v.value.strip():
                name = " ".join(v.value.split())
            elif k.value not in ("skills", "name"):
                notes.append(f"{label}, line {line}: key {k.value!r} not read")
    out = _Collector(label, view)
    out.notes = notes
    for k, v in entries.value:
        line = k.start_mark.line + 1
        if not isinstance(k, yaml.ScalarNode) or not isinstance(v, yaml.ScalarNode):
            raise InputError(f"{label}, line {line}: expected 'skill: tier'", hint=example)
        out.add(name, k.value, v.value, f"line {line}, ", ("the skill", "the tier"))
    if not out.people:
        raise InputError(f"{label} lists no skills", hint=example)
    return ProfileFile(label, False, out.people, out.notes)


@dataclass(frozen=True)
class Match:
    level: LevelInfo
    role: str
    similarity: float  # weighted Jaccard of the person's and the level's tiers
    coverage: float  # share of the level's tier steps the person already has
    steps: int  # tier steps the person lacks for the level


def best_matches(view: FrameworkView, tiers: Profile, *, top: int = 10) -> list[Match]:
    """The role levels most like a person's skills, by the same similarity as
    :func:`similar`; ties by fewer missing tier steps, then name."""
    out: list[Match] = []
    for iri, level in view.levels.items():
        need = view.requirements.get(iri, {})
        if not need:
            continue
        total = sum(rank(t) for t in need.values())
        steps = gap_steps(tiers, need)
        out.append(
            Match(
                level,
                view.roles[level.role].label,
                tier_similarity(tiers, need),
                (total - steps) / total,
                steps,
            )
        )
    out.sort(key=lambda m: (-m.similarity, m.steps, m.level.label, m.level.iri))
    return out[:top]


@dataclass(frozen=True)
class Coverage:
    level: str
    skill: str
    need: str
    best: str | None  # the highest tier anyone in the team has
    holders: tuple[str, ...]  # people at the needed tier or above
    short: int  # tier steps between the best in the team and the need (0 when covered)

    @property
    def status(self) -> str:
        return "covered" if self.holders else GAP


def team_coverage(
    view: FrameworkView, people: Mapping[str, Mapping[str, int]], target: str
) -> list[Coverage]:
    """For each skill role level ``target`` needs: who in the team has it at the needed
    tier, the team's best tier, and how far short the team is."""
    need = view.requirements.get(target, {})
    rows: list[Coverage] = []
    for skill, tier in need.items():
        needed = rank(tier)
        held = {person: tiers[skill] for person, tiers in people.items() if skill in tiers}
        best = max(held.values(), default=0)
        rows.append(
            Coverage(
                view.levels[target].label,
                view.skills.get(skill, skill),
                tier_text(need, skill) or "",
                TIERS[best - 1] if best else None,
                tuple(person for person, t in held.items() if t >= needed),
                max(0, needed - best),
            )
        )
    rows.sort(key=lambda c: (0 if c.short else 1, -c.short, c.skill))
    return rows


__all__ = [
    "BANDS",
    "CareerPath",
    "Coverage",
    "Gap",
    "Ladder",
    "Match",
    "Move",
    "Neighbour",
    "Overlap",
    "ProfileFile",
    "SkillGap",
    "best_matches",
    "career_path",
    "compare",
    "find_level",
    "find_role",
    "find_role_of",
    "find_role_or_level",
    "find_skill",
    "gap_steps",
    "ladder",
    "level_gap",
    "move_graph",
    "overlap",
    "read_profile",
    "seniority_bands",
    "similar",
    "team_coverage",
    "write_heatmap",
]
