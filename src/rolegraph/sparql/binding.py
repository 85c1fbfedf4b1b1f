from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from rolegraph.errors import NotFound, QueryError
from rolegraph.model.vocab import TIERS, XSD, tier_iri, tier_name
from rolegraph.sparql.catalogue import (
    _IRI_FORBIDDEN,
    LABELS_QUERY,
    NAMED_TYPES,
    Param,
    SavedQuery,
    _with_prefixes,
    with_default_prefixes,
)
from rolegraph.sparql.results import ResultTable, Term
from rolegraph.sparql.text import where_group_start
from rolegraph.spelling import advice, option
from rolegraph.util.text import did_you_mean, name_key


class Runner(Protocol):
    """Where queries run: the local graph or a remote endpoint."""

    def select(self, sparql: str, bindings: Mapping[str, Term]) -> ResultTable: ...

    def ask_labels(self, class_iri: str) -> list[tuple[str, str]]: ...


def labels_of(
    runner: Runner, class_iri: str, cache: dict[str, list[tuple[str, str]]]
) -> list[tuple[str, str]]:
    """(IRI, label or alternative label) of every thing of a class, asked once per runner."""
    if class_iri not in cache:
        table = runner.select(LABELS_QUERY, {"class": Term("uri", class_iri)})
        cache[class_iri] = [(str(r[0].value), str(r[1].value)) for r in table.rows if r[0] and r[1]]
    return cache[class_iri]


def to_oxigraph(term: Term) -> Any:
    import pyoxigraph as ox

    if term.kind == "uri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype or XSD + "string"))


def bind_values(sparql: str, bindings: Mapping[str, Any]) -> str:
    """The query with its parameters bound: one VALUES clause of escaped terms placed at the
    start of the top-level WHERE group, where every engine joins it first (Oxigraph
    answers a point query on 2M triples in a millisecond this way, and in seconds
    through its ``substitutions``). The same text runs locally and remotely."""
    if not bindings:
        return sparql

    at = where_group_start(sparql)
    if at is None:
        raise QueryError("cannot bind parameters: the query has no WHERE { ... } group")
    return f"{sparql[:at]} {values_clause(bindings)}\n{sparql[at:]}"


def values_clause(bindings: Mapping[str, Any]) -> str:
    """The one place parameter values become query text: a VALUES clause of escaped terms.

    Each term is validated and written in SPARQL's term syntax (IRIs checked for
    forbidden characters; literals escaped), so no value can end the clause or add
    patterns.
    """
    if not bindings:
        return ""
    names = list(bindings)
    for n in names:
        if not re.fullmatch(r"[A-Za-z_]\w*", n):
            raise QueryError(f"invalid parameter name {n!r}")
    cells = []
    for n in names:
        term = bindings[n]
        if isinstance(term, Term):
            if term.kind == "uri" and _IRI_FORBIDDEN.search(term.value):
                raise QueryError(f"parameter {n!r}: {term.value!r} is not a valid IRI")
            term = to_oxigraph(term)
        import pyoxigraph as ox

        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise QueryError(f"parameter {n!r}: only IRIs and literals can be bound")
        if isinstance(term, ox.NamedNode) and _IRI_FORBIDDEN.search(term.value):
            raise QueryError(f"parameter {n!r}: {term.value!r} is not a valid IRI")
        cells.append(str(term))
    return "VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + " ".join(cells) + ") }"


def bind_params(query: SavedQuery, values: Mapping[str, str], runner: Runner) -> dict[str, Term]:
    """Check the given parameter values and turn them (and defaults) into RDF terms."""
    valid = ", ".join(p.describe() for p in query.params) or "none"
    for key in values:
        if query.param(key) is None:
            raise QueryError(
                f"query {query.name!r} has no parameter {key!r}",
                hint=f"its parameters: {valid}",
            )
    bound: dict[str, Term] = {}
    for p in query.params:
        raw = values.get(p.name, p.default)
        if raw is None:
            raise QueryError(
                f"query {query.name!r} needs parameter {p.name!r}",
                hint=f"give it with {option('param')} {p.name}=VALUE; its parameters: {valid}",
            )
        bound[p.name] = resolve_value(p, raw, runner)
    return bound


def resolve_value(p: Param, raw: str, runner: Runner) -> Term:
    value = raw.strip()
    if p.type in NAMED_TYPES:
        return Term("uri", resolve_name(p.type, value, runner))
    if p.type == "tier":
        tier = tier_name(value, numbers=True)
        if tier is None:
            raise NotFound(
                "tier",
                value,
                did_you_mean(value, TIERS, n=2),
                otherwise="the tiers are awareness, working, practitioner and expert, or 1 to 4",
            )
        return Term("uri", tier_iri(tier))
    if p.type == "integer":
        if not re.fullmatch(r"[+-]?\d{1,12}", value):
            raise QueryError(f"parameter {p.name!r} must be a whole number, not {raw!r}")
        return Term.literal(str(int(value)), XSD + "integer")
    if p.type == "iri":
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value) or _IRI_FORBIDDEN.search(value):
            raise QueryError(f"parameter {p.name!r} must be an absolute IRI, not {raw!r}")
        return Term("uri", value)
    return Term.literal(raw)


def resolve_name(kind: str, name: str, runner: Runner) -> str:
    """The IRI of the role, level, skill or family called ``name`` (labels or alt labels)."""
    find_exact = getattr(runner, "find_exact", None)
    if find_exact is not None:
        stripped = " ".join(name.split())
        for candidate in dict.fromkeys((stripped, stripped[:1].upper() + stripped[1:])):
            exact = find_exact(NAMED_TYPES[kind], candidate)
            if len(exact) == 1:
                return str(exact[0])
    return match_name(kind, name, runner.ask_labels(NAMED_TYPES[kind]))


def match_name(kind: str, name: str, labels: Sequence[tuple[str, str]]) -> str:
    """The IRI whose label (or alternative label) in ``labels`` is ``name``, ignoring case
    and spacing; :class:`NotFound` with the nearest names when nothing matches."""
    key = name_key(name)
    matches = sorted({iri for iri, label in labels if name_key(label) == key})
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise QueryError(f"{kind} name {name!r} is ambiguous: {', '.join(matches)}")
    if name.startswith(("http://", "https://")) and any(iri == name for iri, _ in labels):
        return name
    choices = sorted({label for _, label in labels})
    close = did_you_mean(name, choices)
    if not close:
        close = [c for c in choices if key in name_key(c)][:3]
    raise NotFound(kind, name, close, otherwise=_WHERE_NAMES.get(kind))


#: Where to see the names of a kind, for a name that is nowhere near one.
_WHERE_NAMES = {
    "role": f"{advice('list-roles')} lists the roles",
    "level": f"{advice('list-levels')} lists a role's levels",
    "skill": f"{advice('list-skills')} lists the skills roles use",
    "family": f"{advice('list-families')} lists them",
}


def run_query(
    query: SavedQuery,
    values: Mapping[str, str],
    runner: Runner,
    *,
    limit: int | None = None,
) -> ResultTable:
    """Bind parameters, run, keep the declared columns."""
    bindings = bind_params(query, values, runner)
    return keep_columns(query, runner.select(with_default_prefixes(query.sparql), bindings), limit)


def keep_columns(query: SavedQuery, table: ResultTable, limit: int | None = None) -> ResultTable:
    """A saved query's answer with its declared columns (a :class:`QueryError` for an
    answer without them), and at most ``limit`` rows."""
    if query.columns:
        missing = [c for c in query.columns if c not in table.variables]
        if missing:
            # Only an endpoint that answers another question can get here.
            raise QueryError(
                f"the answer to {query.name} has no column {', '.join(repr(c) for c in missing)} "
                f"(it has {', '.join(repr(v) for v in table.variables) or 'none'})",
                hint="is the endpoint a SPARQL 1.1 endpoint that ran this query?",
            )
        table = table.select(query.columns)
    return table.limit(limit)


def allowed_values(query: SavedQuery, param: Param, runner: Runner) -> list[str]:
    """The values a parameter accepts (from its '# allowed' query, or the graph's labels)."""
    if param.allowed:
        table = runner.select(
            with_default_prefixes(_with_prefixes(query.sparql, param.allowed)), {}
        )
        if not table.variables:
            return []
        return [str(v) for v in table.column(table.variables[0]) if v is not None]
    if param.type in NAMED_TYPES:
        return sorted({label for _, label in runner.ask_labels(NAMED_TYPES[param.type])})
    if param.type == "tier":
        return list(TIERS)
    return []
