"""The import report: every row read is used, merged or named here.

Counts reconcile per file: ``rows read = rows used + rows merged + rows reported``.
The report renders as Markdown (for people) or JSON (for programs), deterministically.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from rolegraph.util.render import md_text as _md
from rolegraph.util.text import plural

if TYPE_CHECKING:
    from rolegraph.model.records import Origin

Severity = Literal["info", "warning"]

#: Categories in the order the Markdown report shows them.
CATEGORIES: dict[str, str] = {
    "skipped": "Rows not used",
    "duplicate": "Duplicate rows merged",
    "sentinel": "Sentinel values interpreted",
    "interpreted": "Other interpretations",
    "normalised": "Text normalised",
    "mismatch": "Files disagree",
    "disagreement": "Sources disagree",
    "older": "Older sources, not used",
    "one-source": "Described in one file only",
    "order": "Level order",
    "alias": "Names reconciled",
    "lookalike": "Look-alike names",
    "ignored": "Ignored input",
    "missing": "Missing from a source",
}


@dataclass(frozen=True, slots=True)
class Entry:
    category: str
    message: str
    file: str = ""
    rows: tuple[int, ...] = ()
    column: str | None = None
    severity: Severity = "info"
    #: Lines of a page (rows are for tables).
    lines: tuple[int, ...] = ()

    def where(self) -> str:
        parts = [self.file] if self.file else []
        if self.rows:
            parts.append(("row " if len(self.rows) == 1 else "rows ") + row_ranges(self.rows))
        if self.lines:
            parts.append(("line " if len(self.lines) == 1 else "lines ") + row_ranges(self.lines))
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)


@dataclass
class FileStats:
    file: str
    kind: str
    rows_read: int = 0
    rows_used: int = 0
    rows_merged: int = 0
    rows_reported: int = 0

    def count(self, outcome: str) -> None:
        """One more row read, and what became of it: ``"used"``, ``"merged"`` or (any
        other outcome) reported."""
        self.rows_read += 1
        if outcome == "used":
            self.rows_used += 1
        elif outcome == "merged":
            self.rows_merged += 1
        else:
            self.rows_reported += 1

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.rows_used + self.rows_merged + self.rows_reported


@dataclass
class ImportReport:
    files: list[FileStats] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    #: Roles whose derived level order is doubtful -> the reasons.
    uncertain_orders: dict[str, list[str]] = field(default_factory=dict)
    #: Sources older than another that describes the same role, some of whose facts were
    #: set aside (combine/dates.py).
    older_sources: list[str] = field(default_factory=list)

    def add(
        self,
        category: str,
        message: str,
        *,
        file: str = "",
        rows: tuple[int, ...] | list[int] | int = (),
        column: str | None = None,
        severity: Severity = "info",
        lines: tuple[int, ...] | list[int] | int = (),
    ) -> None:
        rows = (rows,) if isinstance(rows, int) else tuple(rows)
        lines = (lines,) if isinstance(lines, int) else tuple(lines)
        self.entries.append(Entry(category, message, file, rows, column, severity, lines))

    def at(
        self,
        category: str,
        message: str,
        origin: Origin | None,
        *,
        severity: Severity = "info",
    ) -> None:
        """An entry located where ``origin`` says (file, row or line, column)."""
        if origin is None:
            self.add(category, message, severity=severity)
            return
        self.add(
            category,
            message,
            file=origin.source,
            rows=origin.row or (),
            column=origin.column,
            severity=severity,
            lines=origin.line or (),
        )

    def file(self, name: str, kind: str) -> FileStats:
        stats = FileStats(name, kind)
        self.files.append(stats)
        return stats

    @property
    def reconciles(self) -> bool:
        return all(f.reconciles for f in self.files)

    def warnings(self) -> list[Entry]:
        return [e for e in self.entries if e.severity == "warning"]

    def count(self, category: str) -> int:
        return sum(1 for e in self.entries if e.category == category)

    def summary(self) -> dict[str, int]:
        return dict(sorted(Counter(e.category for e in self.entries).items()))

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": [{**asdict(f), "reconciles": f.reconciles} for f in self.files],
            "totals": dict(self.totals),
            "summary": self.summary(),
            "reconciles": self.reconciles,
            "uncertain_level_orders": dict(self.uncertain_orders),
            "entries": [
                {k: v for k, v in asdict(e).items() if v not in (None, "", ())}
                for e in self.entries
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_markdown(self) -> str:
        out = ["# rolegraph import report", ""]
        if self.files:
            out += [
                "| file | kind | rows read | used | merged | reported | reconciles |",
                "|---|---|---:|---:|---:|---:|---|",
            ]
            for f in self.files:
                out.append(
                    f"| {_md(f.file)} | {_md(f.kind)} | {f.rows_read} | {f.rows_used} | "
                    f"{f.rows_merged} | {f.rows_reported} | {'yes' if f.reconciles else 'NO'} |"
                )
            out.append("")
        if self.totals:
            out += ["## Graph", ""]
            out += [f"- {_md(k)}: {v}" for k, v in self.totals.items()]
            out.append("")
        if self.uncertain_orders:
            out += [
                "## Roles whose level order is uncertain "
                f"({plural(len(self.uncertain_orders), 'warning')})",
                "",
            ]
            for role, reasons in self.uncertain_orders.items():
                out.append(f"- {_md(role)}: " + "; ".join(_md(r) for r in reasons))
            out.append("")
        by_cat: dict[str, list[Entry]] = {}
        for e in self.entries:
            if e.category == "order" and ": order uncertain: " in e.message:
                continue  # listed, by role, in the section above
            by_cat.setdefault(e.category, []).append(e)
        for cat in [*CATEGORIES, *sorted(set(by_cat) - set(CATEGORIES))]:
            entries = by_cat.get(cat)
            if not entries:
                continue
            rows = len({(e.file, r) for e in entries for r in e.rows})
            count = (
                f"{plural(len(entries), 'note')}, {plural(rows, 'row')}"
                if rows > len(entries)
                else str(len(entries))
            )
            out += [f"## {CATEGORIES.get(cat, cat)} ({count})", ""]
            for e in entries:
                where = e.where()
                flag = "**warning** " if e.severity == "warning" else ""
                out.append(f"- {flag}{_md(e.message)}" + (f" ({_md(where)})" if where else ""))
            out.append("")
        return "\n".join(out).rstrip() + "\n"


def row_ranges(rows: tuple[int, ...] | list[int]) -> str:
    """``(2, 3, 4, 9)`` -> ``"2-4, 9"``."""
    out: list[str] = []
    ordered = sorted(set(rows))
    start = prev = ordered[0]
    for r in [*ordered[1:], None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if r is not None:
            start = prev = r
    return ", ".join(out)
