"""What changed between two releases of the framework: ``rolegraph diff``.

The data flow, one module a step:

1. each side is opened (:mod:`rolegraph.graph.open`) and read into a
   :class:`~rolegraph.analysis.diff.snapshot.Snapshot` (names, ranks, tiers and texts,
   keyed by name; texts with whitespace normalised, so re-wrapping is not a change);
2. :mod:`~rolegraph.analysis.diff.matching` pairs roles, levels and skills added or
   removed into **renames**: a removed and an added thing are one renamed thing when
   the alias table or an alternative label says so, or when their content matches
   (skills: the levels that need them and their tier descriptors; roles: the skills they
   use; levels: the skills they need), a Jaccard similarity of 0.6 or more, best pairs
   first;
3. :mod:`~rolegraph.analysis.diff.scope` limits the comparison to the roles both sides
   describe (and to the chosen role);
4. :mod:`~rolegraph.analysis.diff.changes` lists roles, levels and skills added,
   removed and renamed; requirements added or removed, and whose tier was raised or
   lowered; descriptors, descriptions, families and level order that changed;
5. :func:`compare` assembles them into a :class:`~rolegraph.analysis.diff.model.Diff`,
   which renders them.
"""

from __future__ import annotations

from pathlib import Path

from rolegraph.analysis.diff.changes import (
    level_changes,
    level_text_changes,
    requirement_changes,
    role_changes,
    skill_changes,
    skill_text_changes,
)
from rolegraph.analysis.diff.matching import RENAME_THRESHOLD, match
from rolegraph.analysis.diff.model import FRAMEWORK_WIDE, Change, Diff
from rolegraph.analysis.diff.scope import compared_roles, find_scope
from rolegraph.analysis.diff.snapshot import Snapshot, snapshot
from rolegraph.combine.merge import Aliases
from rolegraph.errors import NotFound, OptionError, SourceError
from rolegraph.graph.open import open_source
from rolegraph.spelling import advice, option
from rolegraph.util.text import did_you_mean, name_key

__all__ = [
    "FRAMEWORK_WIDE",
    "RENAME_THRESHOLD",
    "Change",
    "Diff",
    "Snapshot",
    "compare",
    "diff_sources",
    "snapshot",
]


def compare(old: Snapshot, new: Snapshot, *, role: str | None = None) -> Diff:
    """The changes from ``old`` to ``new`` (only those about ``role``, if given)."""
    matching = match(old, new, Aliases.load())
    scope = find_scope(old, new, matching, role)
    compared = compared_roles(old, new, matching, scope)
    changes = [
        *skill_changes(old, matching, scope),
        *role_changes(old, new, matching, scope),
        *level_changes(old, new, matching, scope),
        *level_text_changes(old, new, matching, scope),
        *requirement_changes(old, new, matching, scope),
        *skill_text_changes(old, new, matching, scope),
    ]
    return Diff(old.label, new.label, changes, compared)


# -- reading either side ---------------------------------------------------------------


def diff_sources(
    old: str,
    new: str,
    *,
    role: str | None = None,
    old_release: str | None = None,
    new_release: str | None = None,
) -> Diff:
    """The changes from source ``old`` to source ``new`` (each a graph file, a store and
    release, a CSV file or folder, or a role page), only about ``role`` if given."""
    old_label, old_graph = open_source(old, release=old_release)
    new_label, new_graph = open_source(new, release=new_release)
    if (
        Path(old).is_dir()
        and Path(old).resolve() == Path(new).resolve()
        and old_graph.release == new_graph.release
    ):
        name = Path(old).name
        which = (
            f"release {old_graph.release} of the store {name}"
            if old_graph.release
            else f"the store {name}, which holds no releases"
        )
        raise OptionError(
            f"OLD and NEW are the same graph ({which})",
            hint=f"pick two releases with {option('old_release')} and {option('new_release')}; "
            f"{advice('releases')} lists them, and {advice('add-release')} adds one",
        )
    a, b = snapshot(old_graph, old_label), snapshot(new_graph, new_label)
    for one, other in ((a, b), (b, a)):
        if not one.levels and other.levels:
            raise SourceError(
                f"{one.label} has no role levels (is it only skill descriptions?), so every "
                f"level of {other.label} would look added or removed",
                hint="give the role content too: the role content CSV, a folder holding both "
                "CSV files, role pages or a graph",
            )
    if role is not None and not any(name_key(r) == name_key(role) for r in [*a.roles, *b.roles]):
        raise NotFound("role", role, did_you_mean(role, sorted({*a.roles, *b.roles})))
    return compare(a, b, role=role)
