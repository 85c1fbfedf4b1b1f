"""The draft of each explorer view: framework, overlap, role and skill.

Each reads :func:`rolegraph.analysis.view.framework_view` (and, for the role and skill
views, the texts from :mod:`rolegraph.explorer.queries`) and drafts nodes and edges with
their tooltips into a :class:`~rolegraph.explorer.draft.Draft`, which
:mod:`rolegraph.explorer.page` lays out and finishes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rolegraph.analysis.careers import ladder
from rolegraph.analysis.view import role_matrix, sparse_weighted_jaccard
from rolegraph.combine.merge import load_family_table
from rolegraph.explorer.draft import (
    FAMILY_PALETTE,
    NO_FAMILY,
    NO_FAMILY_COLOR,
    Draft,
    Edge,
    Node,
    _short,
    tier_label,
)
from rolegraph.explorer.queries import _SkillTexts
from rolegraph.model.vocab import TIERS, family_iri
from rolegraph.util.text import name_key, plural

if TYPE_CHECKING:
    from rolegraph.analysis.view import FrameworkView


def _clip(text: str, limit: int = 600) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def family_colors_of(view: FrameworkView) -> dict[str, str]:
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
        lines.append(f"{plural(len(levels), 'level')}: " + ", ".join(lv.label for lv in levels))
    else:
        lines.append("No levels in the sources")
    lines.append(f"Uses {plural(skills, 'skill')}")
    return "\n".join(lines)


def _framework_draft(view: FrameworkView) -> Draft:
    colors = family_colors_of(view)
    draft = Draft(
        "framework",
        "The framework: families, roles and skills",
        f"{plural(len({_family_of(view, r) for r in view.roles}), 'family', 'families')}, "
        f"{plural(len(view.roles), 'role')} and {plural(len(view.skills), 'skill')}. "
        "A role-skill link shows the highest tier any level of the role needs.",
        family_colors=colors,
        legend_note="Link colour and width: the highest tier the role needs. "
        "Hover for details; click for the neighbours, Ctrl+click a second role to compare.",
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
            Node(
                _short(family_iri(fam)),
                fam,
                "family",
                f"{fam}\nRole family of {plural(len(roles), 'role')}:\n" + "\n".join(labels),
                family=fam,
                priority=3e9 + len(roles),
                font=40,
            )
        )
    for role in view.roles:
        fam = _family_of(view, role)
        rid = _short(role)
        draft.nodes.append(
            Node(
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
                Edge(
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
                Edge(rid, _short(s), "needs", "\n".join(lines), tier=tier or 0, strength=tier or 0)
            )
    for s, label in view.skills.items():
        roles_using = sorted(view.roles[r].label for r in users.get(s, []))
        title = f"{label}\nSkill used by {plural(len(roles_using), 'role')}" + (
            ":\n" + "\n".join(roles_using) if roles_using else ""
        )
        draft.nodes.append(
            Node(
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


def _overlap_draft(view: FrameworkView, min_shared: int | None) -> Draft:
    colors = family_colors_of(view)
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
    edges: list[Edge] = []
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
            f"{la} and {lb} share {plural(int(c), 'skill')}",
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
            Edge(
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
    draft = Draft(
        "overlap",
        "How roles overlap: the skills they share",
        f"{plural(n, 'role')}, coloured by family; {plural(len(edges), 'pair')} of roles "
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
            title += f"\nShares skills with {plural(len(top), 'role')}:\n" + "\n".join(
                f"- {label} ({c})" for c, label in top[:12]
            )
            if len(top) > 12:
                title += f"\n… and {len(top) - 12} more"
        draft.nodes.append(
            Node(
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


def _role_draft(view: FrameworkView, role: str, descriptors: dict[tuple[str, str], str]) -> Draft:
    """One role: its levels in order, the skills each needs, and the other roles using them."""
    info = view.roles[role]
    levels = view.levels_of(role)
    tiers = view.role_tiers(role)
    draft = Draft(
        "role",
        f"{info.label}: levels, skills and related roles",
        f"{plural(len(levels), 'level')} in seniority order (top to bottom)"
        + (" on the main and management tracks" if len({lv.track for lv in levels}) > 1 else "")
        + ", "
        f"{plural(len(tiers), 'skill')}, and the other roles that use those skills.",
        family_colors=family_colors_of(view),
        legend_note="Links from a level to a skill: the tier that level needs. Links from a "
        "skill to another role: the highest tier that role needs.",
    )
    rid = _short(role)
    draft.nodes.append(
        Node(
            rid,
            info.label,
            "role",
            _role_title(view, role),
            family=_family_of(view, role),
            priority=5e9,
            focus=True,
        )
    )
    _add_levels(draft, view, role, descriptors)
    if not levels:
        for s, t in sorted(tiers.items()):
            draft.edges.append(
                Edge(
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
            title += f"\nAlso used by {plural(len(users), 'role')}"
        draft.nodes.append(
            Node(_short(s), view.skills[s], "skill", title, anchor=False, priority=3e9)
        )
    _add_related_roles(draft, view, role)
    return draft


def _add_levels(
    draft: Draft, view: FrameworkView, role: str, descriptors: dict[tuple[str, str], str]
) -> None:
    """The role view's levels with their needs, chained along the role's tracks (as
    ``rolegraph ladder``): "next" from the role up the main track and up the management
    track, "across" from a main level to the first management level beside it."""
    info = view.roles[role]
    fam = _family_of(view, role)
    lad = ladder(view, role)
    rid = _short(role)
    for idx, lv in enumerate(lad.levels):
        needs = view.requirements.get(lv.iri, {})
        beside = lad.beside(lv)
        where = f"Level {lad.number(lv)} of {len(lad.tracks[0].levels)} of {info.label}"
        if beside is not None:
            where += f", {lv.track} track, beside {beside.label}"
        lines = [lv.label, where]
        lines += [
            f"- {view.skills[s]}: {tier_label(t)}"
            for s, t in sorted(needs.items(), key=lambda x: (-(x[1] or 0), view.skills[x[0]]))
        ]
        lid = _short(lv.iri)
        draft.nodes.append(
            Node(lid, lv.label, "level", "\n".join(lines), family=fam, priority=4e9 - idx)
        )
        below, _ = lad.along(lv)
        if below is not None:
            draft.edges.append(
                Edge(
                    _short(below.iri),
                    lid,
                    "next",
                    f"next level: {lv.label}",
                    strength=1e9,
                    arrows=True,
                )
            )
        elif lv.track == lad.tracks[0].name or beside is None:
            draft.edges.append(
                Edge(rid, lid, "next", f"first level: {lv.label}", strength=1e9, arrows=True)
            )
        else:
            title = f"across to the {lv.track} track: {lv.label}"
            draft.edges.append(
                Edge(_short(beside.iri), lid, "across", title, strength=1e9, arrows=True)
            )
        for s, t in sorted(needs.items()):
            text = [f"{lv.label} needs {view.skills[s]} at {tier_label(t)}"]
            if (lv.iri, s) in descriptors:
                text.append(_clip(descriptors[(lv.iri, s)]))
            draft.edges.append(
                Edge(lid, _short(s), "needs", "\n".join(text), tier=t or 0, strength=3 + (t or 0))
            )


def _add_related_roles(draft: Draft, view: FrameworkView, role: str) -> None:
    """The role view's other roles that use any of the role's skills, linked from those skills."""
    info = view.roles[role]
    tiers = view.role_tiers(role)
    for o in sorted(view.roles):
        if o == role:
            continue
        common = sorted(set(view.uses.get(o, ())) & set(tiers), key=lambda s: view.skills[s])
        if not common:
            continue
        o_tiers = view.role_tiers(o)
        title = (
            _role_title(view, o)
            + f"\nShares {plural(len(common), 'skill')} with {info.label}:\n"
            + "\n".join(f"- {view.skills[s]}: {tier_label(o_tiers[s])}" for s in common)
        )
        draft.nodes.append(
            Node(
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
                Edge(
                    _short(s),
                    _short(o),
                    "uses",
                    f"{view.roles[o].label} needs {view.skills[s]}: up to {tier_label(o_tiers[s])}",
                    tier=o_tiers[s] or 0,
                    strength=o_tiers[s] or 0,
                )
            )


def _skill_draft(view: FrameworkView, skill: str, texts: _SkillTexts) -> Draft:
    """One skill: its tiers, and the role levels that need it at each tier."""
    label = view.skills[skill]
    needing, unlevelled = _needing(view, skill)
    n_levels = sum(len(v) for v in needing.values())
    draft = Draft(
        "skill",
        f"{label}: who needs it, at which tier",
        f"{plural(n_levels, 'role level')} need this skill"
        + (f"; {plural(len(unlevelled), 'role')} use it with no level detail" if unlevelled else "")
        + ". Tiers from awareness (top) to expert.",
        family_colors=family_colors_of(view),
        legend_note="Hover over a tier for what it means for this skill; over a level for "
        "what that level needs.",
    )
    head = [label]
    if texts.description:
        head.append(_clip(texts.description))
    head.append(f"Needed by {plural(n_levels, 'role level')}")
    draft.nodes.append(
        Node(_short(skill), label, "skill", "\n".join(head), priority=5e9, focus=True)
    )
    ranks = sorted(set(needing) | set(texts.descriptors) | texts.undefined)
    if unlevelled and 0 not in ranks:
        ranks.append(0)
    for rank in sorted(ranks, key=lambda r: (r == 0, r)):
        count = len(needing.get(rank, [])) + (len(unlevelled) if rank == 0 else 0)
        tid = _add_tier(draft, view, skill, texts, rank, count)
        _add_tier_levels(draft, view, skill, texts, rank, tid, needing.get(rank, []))
        if rank == 0:
            for role in unlevelled:
                rid = _short(role)
                draft.nodes.append(
                    Node(
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
                    Edge(tid, rid, "uses", f"{view.roles[role].label} uses {label}", tier=0)
                )
    return draft


def _needing(view: FrameworkView, skill: str) -> tuple[dict[int, list[tuple[str, str]]], list[str]]:
    """Who needs ``skill``: tier -> [(level IRI, role IRI)], and the roles that use it
    with no level detail."""
    needing: dict[int, list[tuple[str, str]]] = {}
    for lv_iri, needs in view.requirements.items():
        if skill in needs:
            lv = view.levels[lv_iri]
            needing.setdefault(needs[skill] or 0, []).append((lv_iri, lv.role))
    with_levels = {role for pairs in needing.values() for _, role in pairs}
    unlevelled = sorted(
        r for r in view.roles if skill in view.uses.get(r, ()) and r not in with_levels
    )
    return needing, unlevelled


def _add_tier(
    draft: Draft, view: FrameworkView, skill: str, texts: _SkillTexts, rank: int, count: int
) -> str:
    """The skill view's node for one tier (with what it means for the skill), linked from
    the skill; returns its id."""
    label = view.skills[skill]
    tid = f"tier/{tier_label(rank) if rank else 'none'}"
    name = tier_label(rank).capitalize() if rank else "No tier given"
    lines = [f"{label} at {tier_label(rank)}" if rank else f"{label}: {name.lower()}"]
    if rank in texts.descriptors:
        lines.append(_clip(texts.descriptors[rank], 1200))
    elif rank in texts.undefined:
        lines.append("This tier is not defined for this skill.")
    lines.append(f"Needed at this tier by {plural(count, 'role level')}")
    draft.nodes.append(Node(tid, name, "tier", "\n".join(lines), tier=rank, priority=4e9 + rank))
    draft.edges.append(
        Edge(_short(skill), tid, "tier", f"{label} at {tier_label(rank)}", tier=rank, strength=1e9)
    )
    return tid


def _add_tier_levels(
    draft: Draft,
    view: FrameworkView,
    skill: str,
    texts: _SkillTexts,
    rank: int,
    tid: str,
    pairs: list[tuple[str, str]],
) -> None:
    """The skill view's role levels that need the skill at one tier, linked from that tier."""
    label = view.skills[skill]
    for lv_iri, role in sorted(pairs):
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
            Node(
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
            Edge(
                tid,
                lid,
                "needs",
                f"{lv.label} needs {label} at {tier_label(rank)}",
                tier=rank,
                strength=rank,
            )
        )
