"""What a diff finds: each :class:`Change`, and the :class:`Diff` that holds them.

The last step of ``rolegraph diff``: :func:`rolegraph.analysis.diff.compare.compare`
assembles the changes into a :class:`Diff`, which summarises them and renders them as a
table, Markdown, CSV, TSV or JSON for the command to print.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass

from rolegraph.util.render import md_text, render
from rolegraph.util.text import plural, printable


@dataclass(frozen=True)
class Change:
    """One change: to ``item`` (of kind ``what``), filed under ``role``."""

    role: str
    what: str
    change: str
    item: str
    old: str | None = None
    new: str | None = None
    #: how a rename was recognised ("by name", "by content, 80% alike")
    note: str | None = None


FRAMEWORK_WIDE = "(framework)"
#: Irregular plurals of the kinds of change (a level's grades are one set).
_PLURALS = {"grades": "grades", "family": "families"}


@dataclass
class Diff:
    """All the changes from release ``old`` to release ``new``, and how to show them."""

    old: str
    new: str
    changes: list[Change]
    #: the roles compared, when a side gives only some roles (None: all of them)
    compared_roles: list[str] | None = None

    @property
    def scope_line(self) -> str | None:
        """Says which roles were compared, when not all were."""
        if self.compared_roles is None:
            return None
        if not self.compared_roles:
            return "No role is compared: the two sides describe no role in common."
        names = ", ".join(self.compared_roles)
        return (
            f"Compared only {plural(len(self.compared_roles), 'role')} both sides describe "
            f"({names}): a role page gives its own role's levels, not the others'."
        )

    def summary(self) -> dict[str, dict[str, int]]:
        """role (or "(framework)" for skills) -> counts of each kind of change."""
        out: dict[str, Counter[str]] = {}
        for c in self.changes:
            out.setdefault(c.role, Counter())[f"{c.what} {c.change}"] += 1
        ordered = sorted(out.items(), key=lambda kv: (kv[0] != FRAMEWORK_WIDE, kv[0]))
        return {role: dict(sorted(counts.items())) for role, counts in ordered}

    def summary_lines(self) -> list[str]:
        lines = []
        for role, counts in self.summary().items():
            parts = []
            for kind, n in counts.items():
                what, _, change = kind.rpartition(" ")
                parts.append(f"{plural(n, what, _PLURALS.get(what))} {change}")
            lines.append(f"{role}: {', '.join(parts)}")
        return lines

    def to_json(self) -> str:
        doc = {
            "old": self.old,
            "new": self.new,
            "compared_roles": self.compared_roles,
            "summary": self.summary(),
            "changes": [asdict(c) for c in self.changes],
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    def render(self, fmt: str) -> str:
        if fmt == "json":
            return self.to_json()
        headers = ["role", "what", "change", "item", "old", "new", "note"]
        rows: list[list[str | int | float | None]] = [
            [c.role, c.what, c.change, c.item, c.old, c.new, c.note] for c in self.changes
        ]
        if fmt in ("csv", "tsv"):
            return render(headers, rows, fmt)
        if not any(c.note for c in self.changes):  # no renames: no empty column
            headers, rows = headers[:-1], [r[:-1] for r in rows]
        if fmt == "md":
            out = [f"# {md_text(f'Changes from {self.old} to {self.new}')}", ""]
            out += [md_text(self.scope_line), ""] if self.scope_line else []
            out += [f"- {md_text(line)}" for line in self.summary_lines()] or ["No changes."]
            out += ["", render(headers, rows, "md")] if rows else []
            return "\n".join(out).rstrip() + "\n"
        head = f"Changes from {self.old} to {self.new}: {len(self.changes)}\n"
        head += f"{self.scope_line}\n" if self.scope_line else ""
        summary = "\n".join(self.summary_lines())
        body = render(headers, rows, "table", max_width=64) if rows else ""
        return printable(head + (summary + "\n\n" if summary else "No changes.\n")) + body
