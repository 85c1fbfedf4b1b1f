"""Similar roles and levels, and the role x role overlap matrix in clustered order
(``rolegraph similar``, ``rolegraph overlap``). Similarity is the weighted Jaccard index
of two tier profiles (see :mod:`rolegraph.analysis.view`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rolegraph.analysis.view import (
    FrameworkView,
    level_matrix,
    role_matrix,
    shared_counts,
    weighted_jaccard,
)


@dataclass(frozen=True)
class Neighbour:
    iri: str
    label: str
    role: str  # the role's name (for a role: its own name)
    family: str | None
    similarity: float  # weighted Jaccard, 0-1
    shared: int  # skills both use
    skills: int  # skills this one uses


def similar(
    view: FrameworkView, iri: str, *, top: int = 10, other_roles: bool = False
) -> list[Neighbour]:
    """The roles (for a role IRI) or role levels (for a level IRI) nearest to ``iri`` by
    tier-aware similarity, most similar first (ties by name); only those sharing a skill.
    With ``other_roles``, a level's neighbours leave out the other levels of its own role
    (Senior data engineer's nearest are otherwise Data engineer's own levels)."""
    is_role = iri in view.roles
    own_role = None if is_role or not other_roles else view.levels[iri].role
    matrix = role_matrix(view) if is_role else level_matrix(view)
    sim = weighted_jaccard(matrix)
    shared = shared_counts(matrix).toarray()
    i = matrix.rows.index(iri)
    out: list[Neighbour] = []
    for j, other in enumerate(matrix.rows):
        if j == i or shared[i, j] == 0:
            continue
        if own_role is not None and view.levels[other].role == own_role:
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
