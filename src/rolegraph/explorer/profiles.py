"""What the explorer page's details panel and its compare need beyond the drawn network:
each role's and role level's skills with their tiers, and what the search box finds.

A view draws only some of these links (the overlap view draws no skill at all), so the
page carries them as data: a click on a role lists its skills with the tier the sources
give (a role: the highest any of its levels needs; a level: its own), and two roles (or
two levels) selected together are compared skill by skill.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rolegraph.explorer.draft import _short

if TYPE_CHECKING:
    from rolegraph.analysis.view import FrameworkView

#: a kind of node as the search box names it
_KIND_PLURALS = {
    "family": "families",
    "role": "roles",
    "level": "role levels",
    "skill": "skills",
    "tier": "tiers",
}


def profiles(view: FrameworkView, node_ids: set[str]) -> dict[str, Any]:
    """``{"profiles": {node id: {skill id: tier}}, "skills": {skill id: name}}`` for the
    roles and role levels among ``node_ids`` (tier 0: none given)."""

    out: dict[str, dict[str, int]] = {}
    for role in view.roles:
        rid = _short(role)
        if rid in node_ids:
            out[rid] = {_short(s): t or 0 for s, t in view.role_tiers(role).items()}
    for lv_iri, needs in view.requirements.items():
        lid = _short(lv_iri)
        if lid in node_ids:
            out[lid] = {_short(s): t or 0 for s, t in needs.items()}
    used = {s for p in out.values() for s in p}
    names = {_short(s): label for s, label in view.skills.items() if _short(s) in used}
    return {"profiles": out, "skills": names}


def search_label(kinds: list[str]) -> str:
    """What the search box finds, in the page's words: ``"Search roles"``,
    ``"Search families, roles and skills"``."""

    names = [_KIND_PLURALS[k] for k in kinds] or ["nodes"]
    if len(names) == 1:
        return f"Search {names[0]}"
    return f"Search {', '.join(names[:-1])} and {names[-1]}"
