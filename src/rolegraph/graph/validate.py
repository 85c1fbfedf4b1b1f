"""SHACL validation of a graph against ``ontology/shapes.ttl``.

pySHACL checks the core constraints on an rdflib copy of the graph. The shapes'
SHACL-SPARQL constraints run in one pass each on Oxigraph: pySHACL's rdflib engine
runs them once per focus node, 30 s on the full framework instead of 0.1 s. Each
such query binds ``$this`` in its first pattern, so one unbound pass joined with
the focus nodes is the same as pre-binding ``$this`` per node (see shapes.ttl).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rolegraph.errors import SourceError
from rolegraph.graph.store import quiet_rdflib
from rolegraph.model import paths
from rolegraph.util.text import plural

if TYPE_CHECKING:
    import rdflib

    from rolegraph.graph.store import RoleGraph

SH = "http://www.w3.org/ns/shacl#"
_THIS = re.compile(r"\$this\b")
_TEMPLATE = re.compile(r"\{[?$](\w+)\}")


@dataclass(frozen=True)
class Finding:
    severity: str
    focus: str
    focus_label: str
    message: str
    path: str = ""
    value: str = ""

    def line(self) -> str:
        where = f"{self.focus_label} <{self.focus}>" if self.focus_label else f"<{self.focus}>"
        extra = f" [{self.path}]" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: {where}: {self.message}{extra}{value}"


@dataclass
class ValidationReport:
    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    triples: int = 0

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]

    def to_text(self) -> str:
        head = (
            f"Conforms: {plural(self.triples, 'triple')} checked, "
            f"{plural(len(self.warnings), 'warning')}."
            if self.conforms
            else f"Does not conform: {plural(len(self.violations), 'violation')}, "
            f"{plural(len(self.warnings), 'warning')} in {plural(self.triples, 'triple')}."
        )
        return "\n".join([head, *(f.line() for f in self.findings)]) + "\n"


@dataclass(frozen=True)
class _SparqlConstraint:
    target_class: str
    select: str
    message: str
    severity: str


def _split_shapes(shapes: rdflib.Graph) -> list[_SparqlConstraint]:
    """Take the SPARQL constraints out of ``shapes`` (in place) and return them."""
    import rdflib

    sh = rdflib.Namespace(SH)
    found = []
    for shape, constraint in list(shapes.subject_objects(sh.sparql)):
        select = str(shapes.value(constraint, sh.select))
        prologue = "".join(
            f"PREFIX {shapes.value(decl, sh.prefix)}: <{shapes.value(decl, sh.namespace)}>\n"
            for source in shapes.objects(constraint, sh.prefixes)
            for decl in shapes.objects(source, sh.declare)
        )
        severity = shapes.value(shape, sh.severity) or sh.Violation
        message = str(shapes.value(constraint, sh.message) or "does not conform")
        for cls in shapes.objects(shape, sh.targetClass):
            found.append(
                _SparqlConstraint(
                    str(cls),
                    prologue + _THIS.sub("?this", select),
                    message,
                    str(severity).rsplit("#", 1)[-1],
                )
            )
        shapes.remove((shape, sh.sparql, constraint))
    return found


def validate(graph: RoleGraph, shapes: Path | None = None) -> ValidationReport:
    """Validate ``graph``; raises :class:`InputError` only if validation cannot run.

    rdflib logs a traceback (and warns) for each ill-typed literal it meets (a rank
    ``"abc"^^xsd:integer``); the shapes report such values, so rdflib's own output is
    silenced here: only the report is shown."""

    with quiet_rdflib():
        return _validate(graph, shapes)


def _validate(graph: RoleGraph, shapes: Path | None) -> ValidationReport:
    import pyshacl
    import rdflib

    shapes_path = shapes or paths.shapes_file()
    shapes_graph = rdflib.Graph()
    try:
        shapes_graph.parse(shapes_path, format="turtle")
    except Exception as exc:  # rdflib raises many parser exception types
        raise SourceError(f"cannot read the SHACL shapes {shapes_path}: {exc}") from None
    sparql_constraints = _split_shapes(shapes_graph)
    data = graph.to_rdflib()
    try:
        _conforms, results, _text = pyshacl.validate(
            data, shacl_graph=shapes_graph, inference="none", allow_warnings=True
        )
    except Exception as exc:  # pySHACL's own errors have no common base class
        raise SourceError(f"SHACL validation could not run: {exc}") from None
    sh = rdflib.Namespace(SH)
    labels = {str(s): str(o) for s, o in data.subject_objects(rdflib.RDFS.label)}
    findings = []
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = str(results.value(result, sh.focusNode))
        severity = str(results.value(result, sh.resultSeverity)).rsplit("#", 1)[-1]
        message = str(results.value(result, sh.resultMessage) or "does not conform")
        path = results.value(result, sh.resultPath)
        value = results.value(result, sh.value)
        findings.append(
            Finding(
                severity,
                focus,
                labels.get(focus, ""),
                message,
                data.namespace_manager.normalizeUri(path)
                if isinstance(path, rdflib.URIRef)
                else "",
                str(value) if value is not None else "",
            )
        )
    for constraint in sparql_constraints:
        try:
            rows = _sparql_rows(graph, constraint)
        except Exception as exc:
            raise SourceError(f"a SPARQL constraint of the shapes could not run: {exc}") from None
        for row in rows:
            node = row["this"] or ""
            message = _fill(constraint.message, row, labels)
            findings.append(Finding(constraint.severity, node, labels.get(node, ""), message))
    findings = sorted(
        set(findings),
        key=lambda f: (f.severity != "Violation", f.focus, f.message, f.path, f.value),
    )
    violations = any(f.severity == "Violation" for f in findings)
    return ValidationReport(not violations, findings, len(data))


def _sparql_rows(graph: RoleGraph, constraint: _SparqlConstraint) -> list[dict[str, str | None]]:
    import pyoxigraph as ox

    focus = {
        t.subject.value
        for t in graph.pattern(
            None,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(constraint.target_class),
        )
        if isinstance(t.subject, ox.NamedNode)
    }
    solutions = graph.query(constraint.select)
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        values = {n: (None if solution[n] is None else solution[n].value) for n in names}
        if values.get("this") in focus:
            rows.append(values)
    return rows


def _fill(template: str, row: dict[str, str | None], labels: dict[str, str]) -> str:
    """Fill a sh:message's {?var} placeholders from a result row."""
    return _TEMPLATE.sub(lambda m: _display(row.get(m.group(1)), labels), template)


def _display(value: str | None, labels: dict[str, str]) -> str:
    if value is None:
        return "(none)"
    label = labels.get(value)
    return f"{label} <{value}>" if label else value
