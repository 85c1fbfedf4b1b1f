"""Records -> RDF. Pure and order-independent: the same records give the same triples.

The graph holds the framework's data, the proficiency tier scheme (copied from the
ontology) and a dataset node with licence and provenance. The ontology itself is
added on request (``with_ontology``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from rolegraph.combine.aliases import load_family_table
from rolegraph.errors import SourceError
from rolegraph.graph.store import RoleGraph, parse_rdf_file
from rolegraph.model import paths
from rolegraph.model import vocab as v
from rolegraph.model.records import (
    Family,
    Framework,
    Role,
    RoleLevel,
    SharedSkills,
    Skill,
    Source,
)
from rolegraph.model.vocab import (
    DCAT,
    DCTERMS,
    PROV,
    RDF,
    RDFS,
    RG,
    SCHEMA,
    SKOS,
    XSD,
)
from rolegraph.util.text import name_key

if TYPE_CHECKING:
    import pyoxigraph as ox

    from rolegraph.graph.store import RoleGraph

TYPE = RDF + "type"
LABEL = RDFS + "label"
PREF = SKOS + "prefLabel"
ALT = SKOS + "altLabel"
DESCRIPTION = DCTERMS + "description"
#: Roles whose official page address is known (the framework site's navigation).
_KNOWN_PAGES_CACHE: set[str] | None = None


def _known_pages() -> set[str]:
    global _KNOWN_PAGES_CACHE
    if _KNOWN_PAGES_CACHE is None:
        _KNOWN_PAGES_CACHE = {name_key(r) for r in load_family_table()}
    return _KNOWN_PAGES_CACHE


Triple = tuple[str, str, "str | tuple[str, str]"]
"""(subject IRI, predicate IRI, object): object is an IRI string or a (lexical, datatype) pair."""


def _lit(value: str | int | bool) -> tuple[str, str]:
    if isinstance(value, bool):
        return ("true" if value else "false", XSD + "boolean")
    if isinstance(value, int):
        return (str(value), XSD + "integer")
    return (value, XSD + "string")


class _Minter:
    """Hands out IRIs, refusing two names that would get the same one."""

    def __init__(self) -> None:
        self.minted: dict[str, str] = {}

    def __call__(self, iri: str, name: str) -> str:
        earlier = self.minted.setdefault(iri, name)
        if earlier != name:
            raise SourceError(
                f"{earlier!r} and {name!r} would get the same identifier <{iri}>",
                hint="make the names differ in letters or digits, or list one as an alias of "
                "the other in data/aliases.csv",
            )
        return iri


def _named(iri: str, cls: str, name: str, alts: tuple[str, ...] = ()) -> Iterator[Triple]:
    yield iri, TYPE, cls
    yield iri, LABEL, _lit(name)
    yield iri, PREF, _lit(name)
    for alt in alts:
        yield iri, ALT, _lit(alt)


def framework_triples(fw: Framework) -> Iterator[Triple]:
    """Every triple of the framework's data, as plain strings (no RDF library needed)."""

    mint = _Minter()
    yield from _dataset_triples(fw.sources)
    yield from _family_triples(fw.families, mint)
    yield from _role_triples(fw.roles, mint)
    yield from _level_triples(fw.levels, mint)
    yield from _skill_triples(fw.skills, mint)
    yield from _requirement_triples(fw, mint)
    yield from _shared_triples(fw.shared, mint)


def _family_triples(families: list[Family], mint: _Minter) -> Iterator[Triple]:
    for fam in families:
        f = mint(v.family_iri(fam.name), "family " + fam.name)
        yield from _named(f, RG + "RoleFamily", fam.name)
        yield f, SKOS + "inScheme", RG + "FamilyScheme"
        if fam.description:
            yield f, DESCRIPTION, _lit(fam.description)


def _role_triples(roles: list[Role], mint: _Minter) -> Iterator[Triple]:
    for role in roles:
        r = mint(v.role_iri(role.name), "role " + role.name)
        yield from _named(r, RG + "Role", role.name, role.alt_names)
        if role.senior_civil_service:
            yield r, TYPE, RG + "SeniorCivilServiceRole"
        if role.family:
            yield r, RG + "family", v.family_iri(role.family)
        if role.description:
            yield r, DESCRIPTION, _lit(role.description)
        if name_key(role.name) in _known_pages():
            yield r, SCHEMA + "url", v.role_page_url(role.name)


def _level_triples(levels: list[RoleLevel], mint: _Minter) -> Iterator[Triple]:
    """Each level, then the ladder of each role (next and previous level)."""
    # The ladder links only levels whose rank is known: an unranked level has no place
    # on it, and putting it first (or last) would invent a step.
    levels_by_role: dict[str, list[str]] = {}
    for lv in sorted(
        (lv for lv in levels if lv.rank is not None),
        key=lambda lv: (lv.role, lv.rank or 0, lv.name),
    ):
        levels_by_role.setdefault(lv.role, []).append(lv.name)
    for lv in levels:
        iri = mint(v.level_iri(lv.role, lv.name), f"level {lv.role} / {lv.name}")
        yield from _named(iri, RG + "RoleLevel", lv.name, lv.alt_names)
        yield iri, RG + "role", v.role_iri(lv.role)
        if lv.rank is not None:
            yield iri, RG + "rank", _lit(lv.rank)
        if lv.rank_basis:
            yield iri, RG + "rankBasis", _lit(lv.rank_basis)
        if lv.description:
            yield iri, DESCRIPTION, _lit(lv.description)
        for grade in lv.grades:
            yield iri, RG + "grade", _lit(grade)
    for role_name, names in levels_by_role.items():
        for lower, higher in itertools.pairwise(names):
            a, b = v.level_iri(role_name, lower), v.level_iri(role_name, higher)
            yield a, RG + "nextLevel", b
            yield b, RG + "previousLevel", a


def _skill_triples(skills: list[Skill], mint: _Minter) -> Iterator[Triple]:
    """Each skill with its tier descriptors."""
    for skill in skills:
        s = mint(v.skill_iri(skill.name), "skill " + skill.name)
        yield from _named(s, RG + "Skill", skill.name, skill.alt_names)
        yield s, SKOS + "inScheme", RG + "SkillScheme"
        if skill.description:
            yield s, DESCRIPTION, _lit(skill.description)
        for tier, text in skill.descriptors:
            d = v.descriptor_iri(skill.name, tier)
            yield s, RG + "tierDescriptor", d
            yield d, TYPE, RG + "TierDescriptor"
            yield d, LABEL, _lit(f"{skill.name} at {tier}")
            yield d, RG + "skill", s
            yield d, RG + "tier", v.tier_iri(tier)
            yield d, RG + "descriptor", _lit(text)
        for tier in skill.undefined_tiers:
            yield s, RG + "undefinedTier", v.tier_iri(tier)
        if skill.untiered_descriptor:
            yield s, RG + "untieredDescriptor", _lit(skill.untiered_descriptor)


def _requirement_triples(fw: Framework, mint: _Minter) -> Iterator[Triple]:
    """Each skill requirement of a level, then the role -> skill links (from the
    requirements and from the roles listed for a skill)."""
    uses: set[tuple[str, str]] = set()
    for q in fw.requirements:
        level = v.level_iri(q.role, q.level)
        skill_iri = v.skill_iri(q.skill)
        req = mint(v.requirement_iri(q.role, q.level, q.skill), f"{q.role}/{q.level}/{q.skill}")
        yield req, TYPE, RG + "SkillRequirement"
        at = f" at {q.tier}" if q.tier else ""
        yield req, LABEL, _lit(f"{q.level} needs {q.skill}{at}")
        yield req, RG + "roleLevel", level
        yield req, RG + "skill", skill_iri
        if q.tier:
            yield req, RG + "tier", v.tier_iri(q.tier)
        if q.descriptor:
            yield req, RG + "descriptor", _lit(q.descriptor)
        yield level, RG + "requiresSkill", skill_iri
        uses.add((v.role_iri(q.role), skill_iri))
    for x in fw.role_skills:
        uses.add((v.role_iri(x.role), v.skill_iri(x.skill)))
    for role_iri, skill_iri in uses:
        yield role_iri, RG + "usesSkill", skill_iri


def _shared_triples(shared: list[SharedSkills], mint: _Minter) -> Iterator[Triple]:
    """Each "Roles that share skills" row of a role page."""
    for sh in shared:
        node = mint(v.shared_iri(sh.role, sh.other_role), f"shared {sh.role}/{sh.other_role}")
        n = len(sh.skills)
        yield node, TYPE, RG + "SharedSkillSet"
        yield (
            node,
            LABEL,
            _lit(f"{sh.role} shares {n} skill{'s' if n != 1 else ''} with {sh.other_role}"),
        )
        yield node, RG + "role", v.role_iri(sh.role)
        yield node, RG + "relatedRole", v.role_iri(sh.other_role)
        for skill_name in sh.skills:
            yield node, RG + "sharedSkill", v.skill_iri(skill_name)
        yield v.role_iri(sh.role), RG + "sharesSkillsWith", v.role_iri(sh.other_role)


def _dataset_triples(sources: list[Source]) -> Iterator[Triple]:
    d = v.DATASET_IRI
    yield d, TYPE, DCAT + "Dataset"
    yield d, LABEL, _lit("UK Government Digital and Data Profession Capability Framework")
    yield (
        d,
        DCTERMS + "title",
        _lit("UK Government Digital and Data Profession Capability Framework, as linked data"),
    )
    yield d, DCTERMS + "license", v.OGL
    yield d, DCTERMS + "rights", _lit("Crown copyright. " + v.ATTRIBUTION)
    yield (
        d,
        DCTERMS + "publisher",
        _lit("Government Digital and Data Profession (content); rolegraph (conversion)"),
    )
    yield d, DCTERMS + "conformsTo", v.ONTOLOGY_IRI
    yield d, SCHEMA + "url", v.SITE
    dates = sorted({d for s in sources for d in (s.updated or s.published,) if d})
    if dates:
        yield (
            d,
            DCTERMS + "modified",
            (dates[-1], XSD + "date") if date_type(dates[-1]) == XSD + "date" else _lit(dates[-1]),
        )
    for release in sorted({s.release for s in sources if s.release}):
        yield d, RG + "release", _lit(release)
        typed = date_type(release)
        if typed is not None:
            yield d, DCTERMS + "issued", (release, typed)
    for src in sources:
        s = v.source_iri(src.key)
        yield d, DCTERMS + "source", s
        yield d, PROV + "wasDerivedFrom", s
        yield s, TYPE, PROV + "Entity"
        yield s, LABEL, _lit(src.key)
        yield s, DCTERMS + "title", _lit(src.title)
        yield s, DCTERMS + "type", _lit(src.kind)
        if src.url:
            yield s, SCHEMA + "url", src.url
        if src.licence:
            yield s, DCTERMS + "license", src.licence
        for prop, value in (("issued", src.published), ("modified", src.updated)):
            if value:
                yield (
                    s,
                    DCTERMS + prop,
                    (value, XSD + "date") if date_type(value) == XSD + "date" else _lit(value),
                )
        if src.release:
            yield s, RG + "release", _lit(src.release)
        if src.description:
            yield s, DCTERMS + "description", _lit(src.description)
        for date, note in src.change_notes:
            yield s, SKOS + "changeNote", _lit(f"{date}: {note}")


def date_type(text: str) -> str | None:
    """The XSD type of a text written as a date (2025-09-15: xsd:date, 2025-09:
    xsd:gYearMonth; a release name, a page's dates), or None for other texts."""
    import re

    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", text):
        return XSD + "date"
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        return XSD + "gYearMonth"
    return None


def to_oxigraph(triples: Iterable[Triple]) -> Iterator[ox.Quad]:
    """Plain-string triples -> pyoxigraph quads in the default graph (terms are shared).

    A generator, so a large graph streams into the store instead of being held twice."""
    import pyoxigraph as ox

    nodes: dict[str, ox.NamedNode] = {}
    literals: dict[tuple[str, str], ox.Literal] = {}
    quad, named, literal = ox.Quad, ox.NamedNode, ox.Literal

    def node(iri: str) -> ox.NamedNode:
        n = nodes.get(iri)
        if n is None:
            n = nodes[iri] = named(iri)
        return n

    for s, p, o in triples:
        if type(o) is tuple:
            obj: ox.NamedNode | ox.Literal | None = literals.get(o)
            if obj is None:
                obj = literals[o] = literal(o[0], datatype=node(o[1]))
        else:
            obj = node(o)  # type: ignore[arg-type]
        yield quad(node(s), node(p), obj)


def ontology_triples(*, tiers_only: bool = False) -> list[ox.Triple]:
    """The ontology's triples, or only those of the tier scheme."""

    triples = parse_rdf_file(paths.ontology_file())
    if tiers_only:
        triples = [t for t in triples if str(t.subject).startswith("<" + v.TIER_NS)]
    return triples


def graph_quads(fw: Framework, *, with_ontology: bool = False) -> Iterator[ox.Quad]:
    """Every quad of the framework's graph, streamed (see :func:`build_graph`)."""
    import pyoxigraph as ox

    graph = ox.DefaultGraph()
    extra = [
        ox.Quad(t.subject, t.predicate, t.object, graph)
        for t in ontology_triples(tiers_only=not with_ontology)
    ]
    return itertools.chain(to_oxigraph(framework_triples(fw)), extra)


def build_graph(fw: Framework, *, with_ontology: bool = False) -> RoleGraph:
    """Build the RDF graph of a framework (a :class:`rolegraph.graph.store.RoleGraph`)."""

    return RoleGraph.from_quads(graph_quads(fw, with_ontology=with_ontology))
