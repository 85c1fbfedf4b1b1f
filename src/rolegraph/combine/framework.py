"""Read every source the user gave and combine them into one framework.

:func:`load_framework` is the one entry point: it reads what it is given (the
bundled data when given nothing), combines it and orders the levels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from rolegraph.combine.aliases import Aliases, load_family_table
from rolegraph.combine.dates import EXPORT_KINDS, check_date
from rolegraph.combine.merge import combine
from rolegraph.errors import OptionError
from rolegraph.model.records import Framework
from rolegraph.model.report import ImportReport
from rolegraph.sources.bundled import load_bundled
from rolegraph.sources.csv_export import read_role_content, read_skill_descriptions
from rolegraph.sources.pages import read_page
from rolegraph.spelling import option

Progress = Callable[[str, int, int], None]


def load_framework(
    *,
    roles: Path | str | None = None,
    skills: Path | str | None = None,
    pages: Sequence[Path | str] = (),
    bundled: bool | None = None,
    report: ImportReport | None = None,
    progress: Progress | None = None,
    timeout: float = 20.0,
    release: str | None = None,
    export_date: str | None = None,
) -> Framework:
    """Read and combine sources; with no source at all, the bundled data.

    Dates first: what an older source says of a role a newer one describes is set aside
    and reported (:mod:`rolegraph.combine.dates`); ``export_date`` is the export's release
    date (``2025-09`` or ``2025-09-15``; else the release name if it is a date, else the
    export is taken as the newest). Then precedence on a disagreement: the role-content
    CSV, then the skill descriptions, then role pages, then the bundled data.
    ``bundled=None`` means "only if nothing else was given".
    """
    if export_date is not None:
        export_date = check_date(export_date)
    report = report if report is not None else ImportReport()
    aliases = Aliases.load()
    family_table = load_family_table()
    parts: list[Framework] = []
    known_roles: list[str] = []
    if roles is not None:
        part = read_role_content(roles, report, progress)
        known_roles = [r.name for r in part.roles]
        parts.append(part)
    if skills is not None:
        known = [
            *known_roles,
            *family_table,
            *(name for (kind, _), name in aliases.official.items() if kind == "role"),
        ]
        parts.append(read_skill_descriptions(skills, report, known, progress))
    if pages:
        for page in pages:
            parts.append(read_page(page, report, timeout=timeout))
    if bundled or (bundled is None and not parts):
        parts.extend(load_bundled())
    if not parts:
        raise OptionError(
            f"no source to build from ({option('no_bundled')}, and no {option('roles')}, "
            f"{option('skills')} or {option('page')})",
            hint=f"give the export's files, a role page, or leave out {option('no_bundled')}",
        )
    if release is not None:
        for part in parts:
            part.sources = [replace(s, release=release) for s in part.sources]
    if export_date is not None:
        for part in parts:
            part.sources = [
                replace(s, updated=export_date) if s.kind in EXPORT_KINDS else s
                for s in part.sources
            ]
    framework = combine(parts, report, aliases=aliases, families=family_table)
    report.totals = framework.counts()
    return framework
