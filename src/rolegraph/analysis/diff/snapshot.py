"""One side of a diff: a release read out of its graph into a :class:`Snapshot`.

The first step of ``rolegraph diff``: each side's graph (opened by
:mod:`rolegraph.graph.open`) is queried once for its roles, levels, skills, tier
descriptors, alternative labels, requirements and source kinds, keyed by name, with
texts whitespace-normalised; :mod:`rolegraph.analysis.diff.compare` compares two of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rolegraph.analysis.view import rank_value
from rolegraph.model.records import CATALOGUE_KINDS, ROLE_CONTENT_KIND
from rolegraph.model.vocab import TIER_RANK, sparql_prefixes
from rolegraph.sparql.results import shorten

if TYPE_CHECKING:
    from rolegraph.graph.store import RoleGraph

_PREFIX = sparql_prefixes("rg", "rdfs", "skos", "dcterms", "dcat")


def _norm(text: str | None) -> str | None:
    return " ".join(text.split()) if text else None


@dataclass
class Snapshot:
    """One release, by name: what the diff compares."""

    label: str
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: (role, level) -> rank, description, grades
    levels: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    #: skill -> description, descriptors {tier: text}, alt names
    skills: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: (role, level, skill) -> (tier, descriptor)
    requirements: dict[tuple[str, str, str], tuple[str | None, str | None]] = field(
        default_factory=dict
    )
    alt: dict[str, set[str]] = field(default_factory=dict)
    #: the kinds of the documents it was built from (rg:sourceKind of its sources)
    source_kinds: set[str] = field(default_factory=set)

    @property
    def has_grades(self) -> bool:
        """Does this release give grades at all (the CSV export does not)?"""
        return any(lv["grades"] for lv in self.levels.values())

    @property
    def describes_skills(self) -> bool:
        """Does it give skill descriptions (the CSV export does; a role page does not)?"""
        return any(s["description"] for s in self.skills.values())

    @property
    def has_catalogue(self) -> bool:
        """Does it give every tier of every skill (the skill descriptions CSV and the
        Skills A to Z page do), not only the tiers its role levels use? A graph that does
        not say what it was built from is taken to be complete."""
        return not self.source_kinds or bool(self.source_kinds & CATALOGUE_KINDS)

    @property
    def described_roles(self) -> set[str] | None:
        """The roles whose levels it gives, when it gives only some (role pages give
        their own role, and name related roles without their levels); None when it gives
        every role (the role content CSV, or a graph that does not say what it was built
        from)."""
        if not self.source_kinds or ROLE_CONTENT_KIND in self.source_kinds or not self.levels:
            return None
        return {r for (r, _) in self.levels}


def _rows(graph: RoleGraph, sparql: str) -> Iterator[dict[str, str | None]]:
    """The solutions of a query (with the prefixes above), as variable -> value or None."""
    solutions = graph.query(_PREFIX + sparql)
    names = [v.value for v in solutions.variables]
    for s in solutions:
        yield {n: (None if s[n] is None else s[n].value) for n in names}


def _read_roles(graph: RoleGraph, snap: Snapshot) -> None:
    """Each role's family and description."""
    for r in _rows(
        graph,
        """SELECT ?role ?family ?desc WHERE { ?r a rg:Role ; rdfs:label ?role .
            OPTIONAL { ?r rg:family/rdfs:label ?family } OPTIONAL { ?r dcterms:description ?desc } }""",
    ):
        snap.roles[str(r["role"])] = {"family": r["family"], "description": _norm(r["desc"])}


def _read_levels(graph: RoleGraph, snap: Snapshot) -> None:
    """Each role level's rank, description and grades."""
    for r in _rows(
        graph,
        """SELECT ?role ?level ?rank ?desc (GROUP_CONCAT(?grade; separator="|") AS ?grades) WHERE {
            ?l a rg:RoleLevel ; rdfs:label ?level ; rg:role/rdfs:label ?role .
            OPTIONAL { ?l rg:rank ?rank } OPTIONAL { ?l dcterms:description ?desc }
            OPTIONAL { ?l rg:grade ?grade } } GROUP BY ?role ?level ?rank ?desc""",
    ):
        grades = tuple(sorted(g for g in (r["grades"] or "").split("|") if g))
        snap.levels[(str(r["role"]), str(r["level"]))] = {
            "rank": rank_value(r["rank"], f"{snap.label}: role level {r['level']!r}")
            if r["rank"]
            else None,
            "description": _norm(r["desc"]),
            "grades": grades,
        }


def _read_skills(graph: RoleGraph, snap: Snapshot) -> None:
    """Each skill's description."""
    for r in _rows(
        graph,
        """SELECT ?skill ?desc WHERE { ?s a rg:Skill ; rdfs:label ?skill .
            OPTIONAL { ?s dcterms:description ?desc } }""",
    ):
        snap.skills[str(r["skill"])] = {"description": _norm(r["desc"]), "descriptors": {}}


def _read_tier_descriptors(graph: RoleGraph, snap: Snapshot) -> None:
    """Each skill's descriptor at each tier."""
    for r in _rows(
        graph,
        """SELECT ?skill ?tier ?text WHERE { ?s rdfs:label ?skill ; rg:tierDescriptor ?d .
            ?d rg:tier/rdfs:label ?tier ; rg:descriptor ?text }""",
    ):
        snap.skills[str(r["skill"])]["descriptors"][str(r["tier"])] = _norm(r["text"])


def _read_alt_labels(graph: RoleGraph, snap: Snapshot) -> None:
    """The alternative labels of roles, skills and levels."""
    for r in _rows(
        graph,
        """SELECT ?name ?alt WHERE { ?x skos:altLabel ?alt ; rdfs:label ?name .
            FILTER EXISTS { ?x a ?c . VALUES ?c { rg:Role rg:Skill rg:RoleLevel } } }""",
    ):
        snap.alt.setdefault(str(r["name"]), set()).add(str(r["alt"]))


def _read_requirements(graph: RoleGraph, snap: Snapshot) -> None:
    """Each requirement's tier (or tiers) and descriptor."""
    tiers: dict[tuple[str, str, str], set[str]] = {}
    for r in _rows(
        graph,
        """SELECT ?role ?level ?skill ?t ?tier ?text WHERE {
            ?q a rg:SkillRequirement ; rg:roleLevel ?l ; rg:skill/rdfs:label ?skill .
            ?l rdfs:label ?level ; rg:role/rdfs:label ?role .
            OPTIONAL { ?q rg:tier ?t OPTIONAL { ?t rdfs:label ?tier } }
            OPTIONAL { ?q rg:descriptor ?text } }""",
    ):
        key = (str(r["role"]), str(r["level"]), str(r["skill"]))
        # A tier the graph does not name (tier:guru, a literal) is still a change of tier;
        # a requirement with two tiers shows both.
        if r["t"] is not None:
            tiers.setdefault(key, set()).add(str(r["tier"] or shorten(str(r["t"]))))
        joined = " + ".join(sorted(tiers.get(key, ()), key=lambda t: (TIER_RANK.get(t, 9), t)))
        snap.requirements[key] = (joined or None, _norm(r["text"]))


def _read_source_kinds(graph: RoleGraph, snap: Snapshot) -> None:
    """The kinds of the documents the graph was built from."""
    for r in _rows(
        graph,
        "SELECT ?kind WHERE { ?d a dcat:Dataset ; dcterms:source ?s . { ?s rg:sourceKind ?kind }"
        # graphs built before rg:sourceKind kept the kind in dcterms:type
        " UNION { ?s dcterms:type ?kind FILTER isLiteral(?kind) } }",
    ):
        snap.source_kinds.add(str(r["kind"]))


def snapshot(graph: RoleGraph, label: str) -> Snapshot:
    """Read one release out of ``graph``, by name (``label`` names it in messages)."""
    snap = Snapshot(label)
    for read in (
        _read_roles,
        _read_levels,
        _read_skills,
        _read_tier_descriptors,
        _read_alt_labels,
        _read_requirements,
        _read_source_kinds,
    ):
        read(graph, snap)
    return snap
