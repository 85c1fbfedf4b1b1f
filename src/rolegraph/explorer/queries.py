"""What the explorer reads from the graph beyond the framework view: names and descriptors.

:mod:`rolegraph.explorer.page` resolves the role or skill a view is about here, and
reads the texts the role and skill views (:mod:`rolegraph.explorer.views`) show in
tooltips.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rolegraph.analysis.view import tier_rank_value
from rolegraph.graph.runner import LocalRunner
from rolegraph.model.vocab import sparql_prefixes
from rolegraph.sparql.binding import resolve_name

if TYPE_CHECKING:
    from rolegraph.graph.store import RoleGraph


def _resolve(graph: RoleGraph, kind: str, name: str) -> str:
    return resolve_name(kind, name, LocalRunner(graph))


_PREFIX = sparql_prefixes("rg", "dcterms", "rdfs")


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
