"""One result table type for SPARQL SELECT results, local or remote, and its formats.

* ``json``: the W3C SPARQL 1.1 Query Results JSON Format;
* ``xml``: the W3C SPARQL Query Results XML Format (Second Edition);
* ``csv`` / ``tsv``: the W3C SPARQL 1.1 Query Results CSV and TSV Formats (texts that a
  spreadsheet would run as a formula get a leading ``'`` unless ``safe=False``);
* ``table`` / ``md``: for people; IRIs are shortened with the graph's prefixes.

Plain literals and ``xsd:string`` literals are the same term here (RDF 1.1), so a
local run and a remote endpoint give identical tables.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from rolegraph.errors import OutputError
from rolegraph.model.vocab import XSD, short_iri
from rolegraph.util.render import render, safe_cell

Kind = Literal["uri", "literal", "bnode"]
RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")
_XSD_STRING = XSD + "string"
#: what XML 1.0 cannot carry: control characters but tab, newline and return, surrogates,
#: U+FFFE and U+FFFF (a carriage return is written &#13;, which a parser keeps)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XSD_BOOLEAN = XSD + "boolean"
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long")}


@dataclass(frozen=True, slots=True)
class Term:
    kind: Kind
    value: str
    datatype: str | None = None
    lang: str | None = None

    @classmethod
    def literal(cls, value: str, datatype: str | None = None, lang: str | None = None) -> Term:
        if datatype == _XSD_STRING or lang:
            datatype = None
        elif datatype == _XSD_BOOLEAN and value in ("1", "0"):
            # The same value in its canonical form: Virtuoso writes every boolean as 1 or 0.
            value = "true" if value == "1" else "false"
        return cls("literal", value, datatype, lang)

    def is_number(self) -> bool:
        """A numeric literal written as a plain number (``-2``, ``1.5e3``)."""
        return self.kind == "literal" and self.datatype in _NUMERIC and _plain_number(self.value)

    def python(self) -> str | int | float:
        """A plain Python value for tables and analysis."""
        if self.kind == "literal" and self.datatype in _NUMERIC:
            try:
                return int(self.value) if self.datatype == XSD + "integer" else float(self.value)
            except ValueError:
                return self.value
        return self.value

    def display(self) -> str | int | float:
        if self.kind == "uri":
            return shorten(self.value)
        if self.kind == "bnode":
            return f"_:{self.value}"
        return self.python()

    def turtle(self) -> str:
        """The term in Turtle / SPARQL syntax (used by the TSV format)."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        if self.datatype in (XSD + "integer", XSD + "decimal", XSD + "double") and _plain_number(
            self.value
        ):
            return self.value
        text = (
            self.value.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if self.lang:
            return f'"{text}"@{self.lang}'
        if self.datatype:
            return f'"{text}"^^<{self.datatype}>'
        return f'"{text}"'

    def json(self) -> dict[str, str]:
        out = {"type": self.kind, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype:
            out["datatype"] = self.datatype
        return out


def _tsv_cell(term: Term, safe: bool) -> str:
    """A TSV cell: the term in Turtle syntax. A spreadsheet drops the quotes of a string,
    so (``safe``) a text that would run as a formula gets a leading ``'`` inside them, by
    the same rule as a CSV cell."""
    if safe and term.kind == "literal" and not term.is_number():
        value = safe_cell(term.value)
        if value != term.value:
            term = Term(term.kind, value, term.datatype, term.lang)
    return term.turtle()


def _plain_number(text: str) -> bool:
    import re

    return re.fullmatch(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?", text) is not None


shorten = short_iri


@dataclass
class ResultTable:
    variables: list[str]
    rows: list[list[Term | None]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def select(self, columns: Sequence[str]) -> ResultTable:
        """Keep ``columns`` (in that order)."""
        index = [self.variables.index(c) for c in columns]
        return ResultTable(list(columns), [[row[i] for i in index] for row in self.rows])

    def limit(self, n: int | None) -> ResultTable:
        return self if n is None else ResultTable(self.variables, self.rows[:n])

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values (None when unbound)."""
        return [
            {
                v: (None if t is None else t.python())
                for v, t in zip(self.variables, row, strict=True)
            }
            for row in self.rows
        ]

    def column(self, name: str) -> list[Any]:
        i = self.variables.index(name)
        return [None if row[i] is None else row[i].python() for row in self.rows]  # type: ignore[union-attr]

    # -- formats ---------------------------------------------------------------

    def to_json(self, *, compact: bool = False) -> str:
        """SPARQL JSON results, indented (``compact``: on one line, as servers send it)."""
        doc = {
            "head": {"vars": list(self.variables)},
            "results": {
                "bindings": [
                    {v: t.json() for v, t in zip(self.variables, row, strict=True) if t is not None}
                    for row in self.rows
                ]
            },
        }
        if compact:
            return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    def to_xml(self) -> str:
        """SPARQL XML results. A value holding a character XML 1.0 cannot carry (a
        control character such as U+0001) is an :class:`OutputError` naming its row."""
        from xml.sax.saxutils import escape, quoteattr

        out = [
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>\n'
        ]
        out += [f"  <variable name={quoteattr(v)}/>\n" for v in self.variables]
        out.append("</head>\n<results>\n")
        for n, row in enumerate(self.rows, 1):
            out.append("  <result>\n")
            for name, t in zip(self.variables, row, strict=True):
                if t is None:
                    continue
                bad = _NOT_XML.search(t.value)
                if bad:
                    raise OutputError(
                        f"row {n}, column {name}: the value holds {bad.group()!r}, which "
                        "XML 1.0 cannot carry",
                        hint="ask for the results as JSON, CSV or TSV instead",
                    )
                text = escape(t.value, {"\r": "&#13;"})
                if t.kind == "uri":
                    term = f"<uri>{text}</uri>"
                elif t.kind == "bnode":
                    term = f"<bnode>{text}</bnode>"
                elif t.lang:
                    term = f"<literal xml:lang={quoteattr(t.lang)}>{text}</literal>"
                elif t.datatype:
                    term = f"<literal datatype={quoteattr(t.datatype)}>{text}</literal>"
                else:
                    term = f"<literal>{text}</literal>"
                out.append(f"    <binding name={quoteattr(name)}>{term}</binding>\n")
            out.append("  </result>\n")
        out.append("</results>\n</sparql>\n")
        return "".join(out)

    def to_csv(self, *, safe: bool = True) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(self.variables)
        for row in self.rows:
            cells = [
                "" if t is None else (f"_:{t.value}" if t.kind == "bnode" else t.value) for t in row
            ]
            # A number (-2) is data, not a formula: only text is neutralised.
            writer.writerow(
                [
                    c if not safe or (t is not None and t.is_number()) else safe_cell(c)
                    for c, t in zip(cells, row, strict=True)
                ]
            )
        return buf.getvalue()

    def to_tsv(self, *, safe: bool = True) -> str:
        lines = ["\t".join(f"?{v}" for v in self.variables)]
        for row in self.rows:
            lines.append("\t".join("" if t is None else _tsv_cell(t, safe) for t in row))
        return "\n".join(lines) + "\n"

    def format(self, fmt: str, *, safe: bool = True) -> str:
        if fmt == "json":
            return self.to_json()
        if fmt == "xml":
            return self.to_xml()
        if fmt == "csv":
            return self.to_csv(safe=safe)
        if fmt == "tsv":
            return self.to_tsv(safe=safe)
        cells = [[None if t is None else t.display() for t in row] for row in self.rows]
        text = render(self.variables, cells, "md" if fmt == "md" else "table")
        if fmt == "table":
            text += f"({len(self.rows)} row{'s' if len(self.rows) != 1 else ''})\n"
        return text


def from_oxigraph(solutions: Any, variables: Sequence[str] | None = None) -> ResultTable:
    """A table from pyoxigraph ``QuerySolutions``."""
    import pyoxigraph as ox

    names = list(variables) if variables is not None else [v.value for v in solutions.variables]
    rows: list[list[Term | None]] = []
    for solution in solutions:
        row: list[Term | None] = []
        for name in names:
            t = solution[name]
            if t is None:
                row.append(None)
            elif isinstance(t, ox.NamedNode):
                row.append(Term("uri", t.value))
            elif isinstance(t, ox.BlankNode):
                row.append(Term("bnode", t.value))
            elif isinstance(t, ox.Literal):
                row.append(Term.literal(t.value, t.datatype.value, t.language))
            else:
                row.append(Term("literal", str(t)))
        rows.append(row)
    return ResultTable(names, rows)


_HEAD = b'{"head":{"vars":'
#: what Oxigraph's JSON may hold that a result table writes otherwise
_NOT_AS_TABLES = (b'"type":"triple"', _XSD_STRING.encode())


def columns_json(data: bytes, columns: Sequence[str]) -> str | None:
    """SPARQL JSON results ``data`` (as Oxigraph writes them) cut to ``columns`` (all when
    empty): the document ``from_oxigraph(...).select(columns).to_json(compact=True)``
    writes, without a term object per cell (Oxigraph's own text when its columns are
    those); None for an answer this cannot write so (a column it lacks, a term other than
    an IRI, blank node or literal)."""
    if data.startswith(_HEAD) and not any(marker in data for marker in _NOT_AS_TABLES):
        end = data.find(b"]", len(_HEAD))
        names = json.loads(data[len(_HEAD) : end + 1]) if end > 0 else None
        if names is not None and (not columns or names == list(columns)):
            return data.decode("utf-8") + "\n"
    doc = json.loads(data)
    names = doc["head"]["vars"]
    wanted = list(columns) or names
    if any(c not in names for c in wanted):
        return None
    rows = []
    for binding in doc["results"]["bindings"]:
        row = {}
        for name in wanted:
            cell = binding.get(name)
            if cell is None:
                continue
            kind, value = cell["type"], cell["value"]
            if kind == "literal":
                if cell.get("xml:lang"):
                    row[name] = {"type": kind, "value": value, "xml:lang": cell["xml:lang"]}
                elif cell.get("datatype", _XSD_STRING) != _XSD_STRING:
                    row[name] = {"type": kind, "value": value, "datatype": cell["datatype"]}
                else:
                    row[name] = {"type": kind, "value": value}
            elif kind in ("uri", "bnode"):
                row[name] = {"type": kind, "value": value}
            else:
                return None
        rows.append(row)
    doc = {"head": {"vars": wanted}, "results": {"bindings": rows}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def _text(value: Any, where: str) -> str:
    """``value`` if it is a string that UTF-8 can carry; else ``ValueError`` naming
    ``where`` (JSON can hold a lone surrogate, ``"\\ud800"``, that no output can write)."""
    if not isinstance(value, str):
        raise ValueError(f"{where} is not a string (it is a JSON {_json_kind(value)})")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"{where} holds a lone surrogate ({value[exc.start]!r}), which is not a character"
        ) from None
    return value


def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "null" if value is None else type(value).__name__


def spreadsheet_results(solutions: Any, fmt: str) -> bytes:
    """pyoxigraph SELECT ``solutions`` as W3C CSV or TSV (``fmt``) by the CLI's writer, so
    texts a spreadsheet would run as a formula are neutralised as ``rolegraph query``'s are
    (``serve``'s /sparql uses this for text/csv and text/tab-separated-values)."""
    sink = io.BytesIO()
    write_spreadsheet_results(solutions, fmt, sink)
    return sink.getvalue()


def write_spreadsheet_results(solutions: Any, fmt: str, sink: IO[bytes], batch: int = 2000) -> None:
    """:func:`spreadsheet_results` written to ``sink`` ``batch`` rows at a time, as the
    solutions come, so an answer streams (the same bytes, whatever the batch)."""
    import itertools

    names = [v.value for v in solutions.variables]
    rows = iter(solutions)
    first = True
    while True:
        some = list(itertools.islice(rows, batch))
        if not some and not first:
            return
        text = from_oxigraph(some, names).format(fmt)
        # Every batch's text starts with the header line; only the first keeps it.
        sink.write((text if first else text.split("\n", 1)[1]).encode("utf-8"))
        first = False


def from_sparql_json(doc: Any) -> ResultTable:
    """A table from a W3C SPARQL JSON results document (as parsed JSON).

    Anything not in that shape (a non-string ``datatype``, a lone surrogate in a value, a
    variable that is not a string) raises ``ValueError`` naming where
    (``results.bindings[3].x.datatype``)."""
    if not isinstance(doc, dict) or "head" not in doc or "results" not in doc:
        raise ValueError("not SPARQL JSON results (no 'head' and 'results')")
    head, results = doc["head"], doc["results"]
    if not isinstance(head, dict) or not isinstance(head.get("vars", []), list):
        raise ValueError("'head' is not an object with a 'vars' list")
    names = [_text(n, f"head.vars[{i}]") for i, n in enumerate(head.get("vars", []))]
    if len(set(names)) != len(names):
        raise ValueError("head.vars names a variable twice")
    if not isinstance(results, dict) or not isinstance(results.get("bindings", []), list):
        raise ValueError("'results' is not an object with a 'bindings' list")
    rows: list[list[Term | None]] = []
    for i, binding in enumerate(results.get("bindings", [])):
        if not isinstance(binding, dict):
            raise ValueError(f"results.bindings[{i}] is not an object")
        row: list[Term | None] = []
        for name in names:
            b = binding.get(name)
            if b is None:
                row.append(None)
                continue
            where = f"results.bindings[{i}].{name}"
            if not isinstance(b, dict) or not isinstance(b.get("value"), str):
                raise ValueError(f"{where} is not a term with a string 'value'")
            value = _text(b["value"], f"{where}.value")
            kind = b.get("type")
            if kind in ("uri", "bnode"):
                row.append(Term(kind, value))
            elif kind in ("literal", "typed-literal"):
                datatype = b.get("datatype")
                lang = b.get("xml:lang")
                row.append(
                    Term.literal(
                        value,
                        None if datatype is None else _text(datatype, f"{where}.datatype"),
                        None if lang is None else _text(lang, f"{where}.xml:lang"),
                    )
                )
            elif isinstance(kind, str):
                raise ValueError(f"{where} has an unknown term type {kind[:40]!r}")
            else:
                raise ValueError(f"{where} has a 'type' that is not a string")
        rows.append(row)
    return ResultTable(names, rows)
