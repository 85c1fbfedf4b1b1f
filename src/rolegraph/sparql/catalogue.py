"""Saved SPARQL queries: a catalogue of ``queries/*.rq`` files with metadata headers.

A query file starts with comment lines::

    # summary: Skills of a role level, with tiers
    # description: Every skill the level needs, its tier and the "You can:" descriptor.
    #   Continuation lines are indented.
    # param level: level = Senior machine learning engineer
    #   The role level (a name; case does not matter).
    # allowed level: SELECT ?value WHERE { ?x a rg:RoleLevel ; rdfs:label ?value }
    # columns: skill, tier, descriptor

Parameters are bound as RDF terms, never pasted into the query text as text: one
VALUES clause of escaped terms (:func:`values_clause`) opens the query's top-level
WHERE group (:func:`bind_values`), the same locally and on a remote endpoint. So a
parameter must be a variable of that group (bound by a pattern there, or projected by
a sub-select), not only of a FILTER or a sub-select that does not project it;
``# columns:`` says which of the SELECT's variables are shown.

Parameter types: ``role``, ``level``, ``skill``, ``family`` (a name, matched to the
graph's labels and alternative labels, case-insensitively, bound to the IRI),
``tier`` (awareness ... expert, or 1-4), ``string``, ``integer`` and ``iri``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rolegraph.errors import InputError, NotFound, QueryError
from rolegraph.model.vocab import PREFIXES, RG, TIER_RANK, TIERS, XSD, tier_iri, tier_name
from rolegraph.sparql.results import ResultTable, Term
from rolegraph.util.text import name_key

if TYPE_CHECKING:
    from rolegraph.graph.store import RoleGraph
    from rolegraph.sparql.pool import QueryPool

PARAM_TYPES = ("role", "level", "skill", "family", "tier", "string", "integer", "iri")
#: Parameter types that name a thing of the graph, and that thing's class.
NAMED_TYPES = {
    "role": RG + "Role",
    "level": RG + "RoleLevel",
    "skill": RG + "Skill",
    "family": RG + "RoleFamily",
}
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_KEY = re.compile(
    r"^#\s?(summary|description|param|allowed|columns)(?:\s+([A-Za-z_]\w*))?\s*:\s?(.*)$"
)
_KEY_WORD = re.compile(r"^#\s?(summary|description|param|allowed|columns)\b")
_PARAM = re.compile(r"^(\w+)\s*(?:=\s*(.*?))?\s*$")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
_IRI_FORBIDDEN = re.compile(r'[\s<>"{}|^`\\]')
LABELS_QUERY = """
SELECT ?thing ?label ?class WHERE {
  ?thing a ?class .
  { ?thing <http://www.w3.org/2000/01/rdf-schema#label> ?label }
  UNION { ?thing <http://www.w3.org/2004/02/skos/core#altLabel> ?label }
} ORDER BY ?label ?thing
"""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None = None
    description: str = ""
    allowed: str | None = None

    def describe(self) -> str:
        default = f" = {self.default}" if self.default is not None else " (required)"
        return f"{self.name} ({self.type}){default}"


@dataclass(frozen=True)
class SavedQuery:
    name: str
    summary: str
    sparql: str
    description: str = ""
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    path: Path | None = field(default=None, compare=False)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def parse_query(
    text: str, *, name: str, path: Path | None = None, saved: bool = True
) -> SavedQuery:
    """Parse a query's header; raises :class:`QueryError` naming the file and line.

    A saved query must have a summary (the catalogue lists it); an ad-hoc one need not."""
    label = path.name if path is not None else name
    fields: dict[str, str] = {}
    params: dict[str, dict[str, str]] = {}
    order: list[str] = []
    current: tuple[str, str | None] | None = None
    lines = text.splitlines()
    body_start = len(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            current = None
            continue
        if not stripped.startswith("#"):
            body_start = i
            break
        m = _KEY.match(stripped)
        if not m and _KEY_WORD.match(stripped):
            raise QueryError(
                f"{label}, line {i + 1}: cannot read header line {stripped!r}",
                hint="write it as '# KEY: VALUE', e.g. '# summary: ...' or '# param role: role = Data scientist'",
            )
        if m:
            key, arg, value = m.group(1), m.group(2), m.group(3).strip()
            if key in ("param", "allowed") and not arg:
                raise QueryError(
                    f"{label}, line {i + 1}: '# {key}' needs a parameter name, as in '# {key} role: ...'"
                )
            if key == "param":
                pm = _PARAM.match(value)
                if not pm or pm.group(1) not in PARAM_TYPES:
                    raise QueryError(
                        f"{label}, line {i + 1}: parameter {arg!r} needs a type, one of "
                        f"{', '.join(PARAM_TYPES)} (as in '# param {arg}: role = Data scientist')"
                    )
                assert arg is not None
                if arg in params:
                    raise QueryError(f"{label}, line {i + 1}: parameter {arg!r} is declared twice")
                default = pm.group(2)
                if default is not None:
                    default = default.strip().strip('"')
                params[arg] = {"type": pm.group(1), "description": ""}
                if default is not None and default.lower() != "none":
                    params[arg]["default"] = default
                order.append(arg)
            elif key == "allowed":
                assert arg is not None
                if arg not in params:
                    raise QueryError(
                        f"{label}, line {i + 1}: '# allowed {arg}' before '# param {arg}'"
                    )
                params[arg]["allowed"] = value
            else:
                if arg:
                    raise QueryError(f"{label}, line {i + 1}: '# {key}' takes no name")
                if key in fields:
                    raise QueryError(f"{label}, line {i + 1}: '# {key}' appears twice")
                fields[key] = value
            current = (key, arg)
            continue
        if current is not None and re.match(r"^#\s{2,}\S", stripped):
            extra = stripped[1:].strip()
            key, arg = current
            if key == "param" and arg:
                params[arg]["description"] = (params[arg]["description"] + " " + extra).strip()
            elif key == "allowed" and arg:
                params[arg]["allowed"] += " " + extra
            else:
                fields[key] = (fields[key] + " " + extra).strip()
            continue
        if stripped.startswith("#") and current is None and not fields and not params:
            continue  # a comment before the header
        raise QueryError(
            f"{label}, line {i + 1}: cannot read header line {stripped!r}",
            hint="header lines are '# summary: ...', '# description: ...', '# param NAME: TYPE = DEFAULT', "
            "'# allowed NAME: SELECT ...', '# columns: a, b'; indent continuation lines",
        )
    if saved and not fields.get("summary"):
        raise QueryError(
            f"{label}: the header has no '# summary: ...' line",
            hint="a saved query needs a one-line summary, which 'rolegraph queries' lists",
        )
    sparql = "\n".join(lines[body_start:]).strip()
    if not sparql:
        raise QueryError(f"{label}: no SPARQL after the header")
    columns = tuple(c.strip() for c in fields.get("columns", "").split(",") if c.strip())
    return SavedQuery(
        name=name,
        summary=fields.get("summary") or "ad-hoc query",
        description=fields.get("description", ""),
        sparql=sparql,
        params=tuple(
            Param(
                n,
                params[n]["type"],
                params[n].get("default"),
                params[n]["description"],
                params[n].get("allowed"),
            )
            for n in order
        ),
        columns=columns,
        path=path,
    )


def check_query(query: SavedQuery) -> list[str]:
    """Parse the SPARQL and check the header against it; returns the projected variables."""
    import pyoxigraph as ox

    label = query.path.name if query.path else query.name
    from rolegraph.graph.store import refuse_federation

    try:
        refuse_federation(query.sparql)
    except QueryError as exc:
        raise QueryError(f"{label}: {exc.message}", hint=exc.hint) from None
    from rolegraph.graph.store import syntax_message
    from rolegraph.sparql.text import UPDATE_FORMS, query_form, visible_in_where, where_group_start

    form = query_form(query.sparql)
    if form in UPDATE_FORMS:
        raise QueryError(
            f"{label}: this is a SPARQL update ({form}); rolegraph runs queries only and "
            "never changes a graph",
            hint="to change the graph, change its sources and build it again",
        )
    store = ox.Store()
    try:
        solutions = store.query(query.sparql, prefixes=dict(PREFIXES))
    except SyntaxError as exc:
        raise QueryError(f"{label}: invalid SPARQL: {syntax_message(exc, query.sparql)}") from None
    if not hasattr(solutions, "variables"):
        raise QueryError(
            f"{label}: this is {'an' if form == 'ASK' else 'a'} {form} query; only SELECT "
            "queries give a result table",
            hint="ask with SELECT (EXISTS { ... } AS ?answer) {}"
            if form == "ASK"
            else "'rolegraph export' writes the graph; a SELECT query gives a table",
        )
    projected = [v.value for v in solutions.variables]
    if query.params and where_group_start(query.sparql) is None:
        raise QueryError(f"{label}: a query with parameters needs a WHERE {{ ... }} group")
    for p in query.params:
        if not visible_in_where(query.sparql, p.name):
            raise QueryError(
                f"{label}: parameter {p.name!r} is not a variable of the query's WHERE group "
                "(a sub-select that does not project it has its own, unbound ?"
                f"{p.name})",
                hint=f"use ?{p.name} in the WHERE group, or project it from the sub-select",
            )
        if p.allowed:
            try:
                store.query(_with_prefixes(query.sparql, p.allowed), prefixes=dict(PREFIXES))
            except SyntaxError as exc:
                raise QueryError(
                    f"{label}: '# allowed {p.name}' is not valid SPARQL: {syntax_message(exc)}"
                ) from None
    unknown = [c for c in query.columns if c not in projected]
    if unknown:
        raise QueryError(
            f"{label}: '# columns:' names {', '.join(repr(c) for c in unknown)}, which the SELECT does not project"
        )
    return projected


def with_default_prefixes(sparql: str) -> str:
    """``sparql`` with declarations in front for the prefixes it uses without declaring
    that rolegraph binds everywhere (rg:, role:, skill:, rdfs:, skos:, dcterms:, ...)."""
    from rolegraph.sparql.text import undeclared_prefixes

    missing = [p for p in undeclared_prefixes(sparql) if p in PREFIXES]
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing) + sparql


def _with_prefixes(query_text: str, other: str) -> str:
    """``other`` with the PREFIX declarations of ``query_text`` in front."""
    prologue = "\n".join(
        line
        for line in query_text.splitlines()
        if line.strip().upper().startswith(("PREFIX", "BASE"))
    )
    return f"{prologue}\n{other}"


def load_catalogue(directory: Path | None = None) -> dict[str, SavedQuery]:
    """Every saved query, by name; a broken file is an error, not a warning."""
    from rolegraph.model import paths

    folder = directory or paths.queries_dir()
    catalogue: dict[str, SavedQuery] = {}
    for path in sorted(folder.glob("*.rq")):
        name = path.stem
        if not _NAME.match(name):
            raise QueryError(f"{path.name}: query names are lower-case letters, digits and '-'")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read saved query {path}: {exc}") from None
        catalogue[name] = parse_query(text, name=name, path=path)
    return catalogue


def get_query(name: str, directory: Path | None = None) -> SavedQuery:
    """A saved query by name (the name is checked, so it cannot reach outside queries/)."""
    catalogue = load_catalogue(directory)
    if not _NAME.match(name) or name not in catalogue:
        raise NotFound(
            "saved query",
            name,
            difflib.get_close_matches(name, list(catalogue), n=3, cutoff=0.5),
            otherwise="'rolegraph queries' lists them",
        )
    query = catalogue[name]
    check_query(query)
    return query


def load_query_file(path: Path | str) -> SavedQuery:
    """An ad-hoc query from a file; the header is optional."""
    from rolegraph.util.tables import decode_utf8, read_bytes

    p = Path(path)
    text = decode_utf8(read_bytes(p, "query file"), p.name)
    return adhoc_query(text, name=p.stem, path=p)


def adhoc_query(text: str, *, name: str = "query", path: Path | None = None) -> SavedQuery:
    has_header = any(_KEY.match(line.strip()) for line in text.splitlines()[:40])
    if has_header:
        query = parse_query(text, name=name, path=path, saved=False)
    else:
        query = SavedQuery(name=name, summary="ad-hoc query", sparql=text.strip(), path=path)
    if not query.sparql:
        raise QueryError("the query is empty")
    return query


# -- running ---------------------------------------------------------------------


class Runner(Protocol):
    """Where queries run: the local graph or a remote endpoint."""

    def select(self, sparql: str, bindings: Mapping[str, Term]) -> ResultTable: ...

    def ask_labels(self, class_iri: str) -> list[tuple[str, str]]: ...


class LocalRunner:
    """Runs on a :class:`RoleGraph` (Oxigraph); parameters bound by :func:`bind_values`."""

    def __init__(self, graph: RoleGraph, pool: QueryPool | None = None) -> None:
        """``pool``: run the queries in its worker processes, within its bounds (see
        :mod:`rolegraph.sparql.pool`); without one they run in this process."""
        self.graph = graph
        self.pool = pool
        self._labels: dict[str, list[tuple[str, str]]] = {}

    def select(self, sparql: str, bindings: Mapping[str, Term]) -> ResultTable:
        from rolegraph.sparql.results import from_oxigraph

        if self.pool is not None:
            text, dataset = self.graph.prepare(sparql, bindings)
            solutions = self.pool.run(text, dataset=dataset).solutions()
        else:
            solutions = self.graph.query(sparql, bindings)
        if not hasattr(solutions, "variables"):
            raise QueryError("only SELECT queries give a result table")
        return from_oxigraph(solutions)

    def ask_labels(self, class_iri: str) -> list[tuple[str, str]]:
        return labels_of(self, class_iri, self._labels)

    def find_exact(self, class_iri: str, name: str) -> list[str]:
        """Things of ``class_iri`` labelled exactly ``name`` (an index lookup, no query)."""
        import pyoxigraph as ox

        graph = self.graph
        rdf_type = ox.NamedNode(RDF_TYPE)
        cls = ox.NamedNode(class_iri)
        found = set()
        for predicate in (RDFS_LABEL, SKOS_ALT):
            for triple in graph.pattern(None, ox.NamedNode(predicate), ox.Literal(name)):
                subject = triple.subject
                if isinstance(subject, ox.NamedNode) and next(
                    iter(graph.pattern(subject, rdf_type, cls)), None
                ):
                    found.add(subject.value)
        return sorted(found)


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
    from rolegraph.sparql.text import where_group_start

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
                hint=f"give it with --param {p.name}=VALUE; its parameters: {valid}",
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
                difflib.get_close_matches(value.lower(), TIERS, n=2, cutoff=0.4),
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
    close = difflib.get_close_matches(name, choices, n=3, cutoff=0.5)
    if not close:
        close = [c for c in choices if key in name_key(c)][:3]
    raise NotFound(kind, name, close, otherwise=_WHERE_NAMES.get(kind))


#: Where to see the names of a kind, for a name that is nowhere near one.
_WHERE_NAMES = {
    "role": "'rolegraph query families' lists the roles",
    "level": "'rolegraph query role-levels --param role=ROLE' lists a role's levels",
    "skill": "'rolegraph query top-skills' lists the skills roles use",
    "family": "'rolegraph query families' lists them",
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
    table = runner.select(with_default_prefixes(query.sparql), bindings)
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


def parse_param_args(pairs: Sequence[str]) -> dict[str, str]:
    """``["role=Data scientist", ...]`` -> dict; a malformed pair is an error."""
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise InputError(
                f"--param {pair!r} is not NAME=VALUE", hint="as in --param role='Data scientist'"
            )
        key, _, value = pair.partition("=")
        key = key.strip()
        if key in out:
            raise InputError(f"--param {key} is given twice")
        if not value.strip():
            raise InputError(
                f"--param {key} has an empty value",
                hint=f"give one, as in --param {key}=NAME, or leave the parameter out for "
                "its default",
            )
        out[key] = value
    return out


__all__ = [
    "TIER_RANK",
    "LocalRunner",
    "Param",
    "SavedQuery",
    "bind_params",
    "load_catalogue",
    "match_name",
    "run_query",
    "values_clause",
]
