"""Namespaces, prefixes, the proficiency tiers and IRI minting.

IRIs are minted from deterministic slugs of the *preferred* (official) names, so
the same name always gives the same IRI, in every build, on every machine.
Nothing here imports an RDF library: IRIs are plain strings.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

from rolegraph.errors import SourceError

BASE: Final = "https://w3id.org/rolegraph/"
RG: Final = BASE + "ontology#"
ID: Final = BASE + "id/"
ONTOLOGY_IRI: Final = BASE + "ontology"
ONTOLOGY_VERSION: Final = "0.1.0"
ONTOLOGY_VERSION_IRI: Final = f"{BASE}ontology/{ONTOLOGY_VERSION}"
DATASET_IRI: Final = ID + "dataset"

FAMILY_NS: Final = ID + "family/"
ROLE_NS: Final = ID + "role/"
LEVEL_NS: Final = ID + "level/"
SKILL_NS: Final = ID + "skill/"
REQUIREMENT_NS: Final = ID + "requirement/"
DESCRIPTOR_NS: Final = ID + "descriptor/"
SHARED_NS: Final = ID + "shared/"
TIER_NS: Final = ID + "tier/"
SOURCE_NS: Final = ID + "source/"
#: who publishes the framework (a foaf:Organization) and its rights statement
PUBLISHER_IRI: Final = ID + "agent/government-digital-and-data-profession"
PUBLISHER_NAME: Final = "Government Digital and Data Profession"
RIGHTS_IRI: Final = ID + "rights/crown-copyright"

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
DCTERMS: Final = "http://purl.org/dc/terms/"
#: schema.org's namespace as its own JSON-LD context expands it (http, not https)
SCHEMA: Final = "http://schema.org/"
PROV: Final = "http://www.w3.org/ns/prov#"
DCAT: Final = "http://www.w3.org/ns/dcat#"
SH: Final = "http://www.w3.org/ns/shacl#"
FOAF: Final = "http://xmlns.com/foaf/0.1/"
DCMITYPE: Final = "http://purl.org/dc/dcmitype/"

#: Prefixes bound in every serialisation, in the order they are written.
PREFIXES: Final[dict[str, str]] = {
    "rg": RG,
    "family": FAMILY_NS,
    "role": ROLE_NS,
    "level": LEVEL_NS,
    "skill": SKILL_NS,
    "req": REQUIREMENT_NS,
    "descriptor": DESCRIPTOR_NS,
    "shared": SHARED_NS,
    "tier": TIER_NS,
    "source": SOURCE_NS,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
    "prov": PROV,
    "dcat": DCAT,
    "foaf": FOAF,
    "dcmitype": DCMITYPE,
}


def sparql_prefixes(*names: str) -> str:
    """The ``PREFIX`` lines of a SPARQL query for ``names`` (keys of :data:`PREFIXES`),
    so that no query spells a namespace out by hand."""
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in names)


#: The four proficiency tiers, lowest first. Their rank is their index + 1.
TIERS: Final = ("awareness", "working", "practitioner", "expert")
TIER_RANK: Final[dict[str, int]] = {t: i + 1 for i, t in enumerate(TIERS)}

#: Where the official framework lives; role pages are ``{SITE}/role/{slug}``.
SITE: Final = "https://ddat-capability-framework.service.gov.uk"
OGL: Final = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
ATTRIBUTION: Final = (
    "Contains public sector information licensed under the Open Government Licence v3.0."
)

_PREFIX_OF = {ns: prefix for prefix, ns in PREFIXES.items()}
#: A prefixed name's local part that Turtle, SPARQL and JSON-LD all read back unchanged.
_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


@lru_cache(maxsize=1 << 16)
def compact_iri(iri: str) -> str | None:
    """``role:data-scientist`` for an IRI in a bound namespace, else None.

    Every bound namespace ends with "/" or "#", so the IRI is split at its last one."""
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    prefix = _PREFIX_OF.get(iri[:cut])
    if prefix is not None and _PN_LOCAL.fullmatch(iri[cut:]):
        return f"{prefix}:{iri[cut:]}"
    return None


def short_iri(iri: str) -> str:
    """The IRI as a person reads it: ``role:data-scientist`` when it is in a bound
    namespace (:func:`compact_iri`), else the IRI as it is."""
    return compact_iri(iri) or iri


def local_id(iri: str) -> str | None:
    """The part of one of rolegraph's own IRIs after its ``id/`` base
    (``role/data-scientist``); None for any other IRI."""
    return iri[len(ID) :] if iri.startswith(ID) else None


# A slug keeps ASCII letters and digits; everything else becomes one hyphen. "--" never
# occurs inside a slug, so it separates the parts of compound IRIs unambiguously.
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def slugify(name: str) -> str:
    """``"Programming and build (software engineering)"`` -> ``"programming-and-build-software-engineering"``."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _NON_ALNUM.sub("-", folded.lower()).strip("-")
    if not slug:
        raise SourceError(f"the name {name!r} has no letters or digits to make an identifier from")
    return slug


def tier_name(text: str, *, numbers: bool = False) -> str | None:
    """The canonical tier for a label such as ``"Working"`` (with ``numbers``, also for
    its rank, ``"2"``); else None."""
    key = text.strip().lower()
    if numbers and key in {"1", "2", "3", "4"}:
        return TIERS[int(key) - 1]
    return key if key in TIER_RANK else None


def family_iri(family: str) -> str:
    return FAMILY_NS + slugify(family)


def role_iri(role: str) -> str:
    return ROLE_NS + slugify(role)


def level_iri(role: str, level: str) -> str:
    return f"{LEVEL_NS}{slugify(role)}--{slugify(level)}"


def skill_iri(skill: str) -> str:
    return SKILL_NS + slugify(skill)


def requirement_iri(role: str, level: str, skill: str) -> str:
    return f"{REQUIREMENT_NS}{slugify(role)}--{slugify(level)}--{slugify(skill)}"


def descriptor_iri(skill: str, tier: str | None) -> str:
    return f"{DESCRIPTOR_NS}{slugify(skill)}--{tier or 'untiered'}"


def shared_iri(role: str, other: str) -> str:
    return f"{SHARED_NS}{slugify(role)}--{slugify(other)}"


def tier_iri(tier: str) -> str:
    return TIER_NS + tier


def source_iri(key: str) -> str:
    return SOURCE_NS + slugify(key)


def role_page_url(role: str) -> str:
    """The official framework page of a role (checked against the site's navigation)."""
    return f"{SITE}/role/{slugify(role)}"
