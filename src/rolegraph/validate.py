"""SHACL validation of a graph against ``ontology/shapes.ttl`` with pySHACL."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rolegraph.errors import InputError

if TYPE_CHECKING:
    from rolegraph.store import RoleGraph

SH = "http://www.w3.org/ns/shacl#"


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
            f"Conforms: {self.triples} triples checked, {len(self.warnings)} warning(s)."
            if self.conforms
            else f"Does not conform: {len(self.violations)} violation(s), "
            f"{len(self.warnings)} warning(s) in {self.triples} triples."
        )
        return "\n".join([head, *(f.line() for f in self.findings)]) + "\n"


def validate(graph: RoleGraph, shapes: Path | None = None) -> ValidationReport:
    """Validate ``graph``; raises :class:`InputError` only if validation cannot run."""
    import pyshacl
    import rdflib

    from rolegraph import paths

    shapes_path = shapes or paths.shapes_file()
    shapes_graph = rdflib.Graph()
    try:
        shapes_graph.parse(shapes_path, format="turtle")
    except Exception as exc:  # rdflib raises many parser exception types
        raise InputError(f"cannot read the SHACL shapes {shapes_path}: {exc}") from None
    data = graph.to_rdflib()
    try:
        conforms, results, _text = pyshacl.validate(
            data,
            shacl_graph=shapes_graph,
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
    except Exception as exc:  # pySHACL's own errors have no common base class
        raise InputError(f"SHACL validation could not run: {exc}") from None
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
                data.namespace_manager.normalizeUri(path) if isinstance(path, rdflib.URIRef) else "",
                str(value) if value is not None else "",
            )
        )
    findings.sort(key=lambda f: (f.severity != "Violation", f.focus, f.message, f.path, f.value))
    return ValidationReport(bool(conforms), findings, len(data))
