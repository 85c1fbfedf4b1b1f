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

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from rolegraph.errors import NotFound, QueryError
from rolegraph.model import paths
from rolegraph.model.vocab import PREFIXES, RG, TIER_RANK
from rolegraph.sparql.text import (
    UPDATE_FORMS,
    query_form,
    refuse_federation,
    syntax_message,
    undeclared_prefixes,
    visible_in_where,
    where_group_start,
)
from rolegraph.spelling import advice
from rolegraph.util.tables import decode_utf8, read_bytes
from rolegraph.util.text import did_you_mean

if TYPE_CHECKING:
    pass

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


@dataclass
class _Header:
    """A query header as it is read: its fields, its parameters (in declaration order)
    and the key a continuation line would continue."""

    label: str
    fields: dict[str, str] = field(default_factory=dict)
    params: dict[str, dict[str, str]] = field(default_factory=dict)
    current: tuple[str, str | None] | None = None

    def param_records(self) -> tuple[Param, ...]:
        return tuple(
            Param(n, p["type"], p.get("default"), p["description"], p.get("allowed"))
            for n, p in self.params.items()
        )


def parse_query(
    text: str, *, name: str, path: Path | None = None, saved: bool = True
) -> SavedQuery:
    """Parse a query's header; raises :class:`QueryError` naming the file and line.

    A saved query must have a summary (the catalogue lists it); an ad-hoc one need not."""
    label = path.name if path is not None else name
    lines = text.splitlines()
    header, body_start = _read_header(lines, label)
    fields = header.fields
    if saved and not fields.get("summary"):
        raise QueryError(
            f"{label}: the header has no '# summary: ...' line",
            hint=f"a saved query needs a one-line summary, which {advice('queries')} lists",
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
        params=header.param_records(),
        columns=columns,
        path=path,
    )


def _read_header(lines: list[str], label: str) -> tuple[_Header, int]:
    """The header's comment lines, read; and the index of the first line of SPARQL."""
    header = _Header(label)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            header.current = None
            continue
        if not stripped.startswith("#"):
            return header, i
        m = _KEY.match(stripped)
        if not m and _KEY_WORD.match(stripped):
            raise QueryError(
                f"{label}, line {i + 1}: cannot read header line {stripped!r}",
                hint="write it as '# KEY: VALUE', e.g. '# summary: ...' or '# param role: role = Data scientist'",
            )
        if m:
            _key_line(header, i, m.group(1), m.group(2), m.group(3).strip())
            continue
        if header.current is not None and re.match(r"^#\s{2,}\S", stripped):
            _continuation_line(header, stripped[1:].strip())
            continue
        if header.current is None and not header.fields and not header.params:
            continue  # a comment before the header
        raise QueryError(
            f"{label}, line {i + 1}: cannot read header line {stripped!r}",
            hint="header lines are '# summary: ...', '# description: ...', '# param NAME: TYPE = DEFAULT', "
            "'# allowed NAME: SELECT ...', '# columns: a, b'; indent continuation lines",
        )
    return header, len(lines)


def _key_line(header: _Header, i: int, key: str, arg: str | None, value: str) -> None:
    """A '# KEY: VALUE' line (or '# KEY NAME: VALUE'), checked and recorded."""
    label = header.label
    if key in ("param", "allowed") and not arg:
        raise QueryError(
            f"{label}, line {i + 1}: '# {key}' needs a parameter name, as in '# {key} role: ...'"
        )
    if key == "param":
        assert arg is not None
        _param_declaration(header, i, arg, value)
    elif key == "allowed":
        assert arg is not None
        if arg not in header.params:
            raise QueryError(f"{label}, line {i + 1}: '# allowed {arg}' before '# param {arg}'")
        header.params[arg]["allowed"] = value
    else:
        if arg:
            raise QueryError(f"{label}, line {i + 1}: '# {key}' takes no name")
        if key in header.fields:
            raise QueryError(f"{label}, line {i + 1}: '# {key}' appears twice")
        header.fields[key] = value
    header.current = (key, arg)


def _param_declaration(header: _Header, i: int, arg: str, value: str) -> None:
    """'# param NAME: TYPE = DEFAULT': the type must be known, the name new."""
    label = header.label
    pm = _PARAM.match(value)
    if not pm or pm.group(1) not in PARAM_TYPES:
        raise QueryError(
            f"{label}, line {i + 1}: parameter {arg!r} needs a type, one of "
            f"{', '.join(PARAM_TYPES)} (as in '# param {arg}: role = Data scientist')"
        )
    if arg in header.params:
        raise QueryError(f"{label}, line {i + 1}: parameter {arg!r} is declared twice")
    default = pm.group(2)
    if default is not None:
        default = default.strip().strip('"')
    header.params[arg] = {"type": pm.group(1), "description": ""}
    if default is not None and default.lower() != "none":
        header.params[arg]["default"] = default


def _continuation_line(header: _Header, extra: str) -> None:
    """An indented comment line: more text for the key above it."""
    assert header.current is not None
    key, arg = header.current
    if key == "param" and arg:
        params = header.params
        params[arg]["description"] = (params[arg]["description"] + " " + extra).strip()
    elif key == "allowed" and arg:
        header.params[arg]["allowed"] += " " + extra
    else:
        header.fields[key] = (header.fields[key] + " " + extra).strip()


def check_query(query: SavedQuery) -> list[str]:
    """Parse the SPARQL and check the header against it; returns the projected variables."""
    import pyoxigraph as ox

    label = query.path.name if query.path else query.name

    try:
        refuse_federation(query.sparql)
    except QueryError as exc:
        raise QueryError(f"{label}: {exc.message}", hint=exc.hint) from None

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
            else f"{advice('export')} writes the graph; a SELECT query gives a table",
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


@lru_cache(maxsize=256)  # saved queries' texts: a server asks for the same ones again and again
def with_default_prefixes(sparql: str) -> str:
    """``sparql`` with declarations in front for the prefixes it uses without declaring
    that rolegraph binds everywhere (rg:, role:, skill:, rdfs:, skos:, dcterms:, ...)."""

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
            did_you_mean(name, catalogue),
            otherwise=f"{advice('queries')} lists them",
        )
    query = catalogue[name]
    check_query(query)
    return query


def load_query_file(path: Path | str) -> SavedQuery:
    """An ad-hoc query from a file; the header is optional."""

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


__all__ = [
    "TIER_RANK",
    "Param",
    "SavedQuery",
    "load_catalogue",
]
