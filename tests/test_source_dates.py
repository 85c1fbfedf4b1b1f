"""Dates decide between sources: an older source never overrides or extends a newer one.

The page of 31 July 2023 (``fixtures/pages/govuk-2023-software-developer.txt``) gives the
Apprentice developer "Modern standards approach", renamed "Modern development standards"
in November 2024; combined with a newer export, the build has exactly the export's
requirements and the report lists each of the page's facts it did not use.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolegraph.cli import cli
from rolegraph.combine.dates import check_date
from rolegraph.combine.framework import load_framework
from rolegraph.errors import OptionError
from rolegraph.model.records import Framework
from rolegraph.model.report import ImportReport

FIXTURES = Path(__file__).parent / "fixtures"
PAGE_2023 = FIXTURES / "pages" / "govuk-2023-software-developer.txt"
PAGE_2024 = FIXTURES / "pages" / "site-2024-software-developer.txt"
EXPORT = FIXTURES / "export" / "role-content.csv"
ROLE = "Software developer"


def requirements(fw: Framework, role: str = ROLE) -> set[tuple[str, str, str | None, str | None]]:
    return {(q.level, q.skill, q.tier, q.descriptor) for q in fw.requirements if q.role == role}


def older_lines(report: ImportReport) -> list[str]:
    return [e.message for e in report.entries if e.category == "older"]


def build(
    roles: Path, pages: list[Path], *, export_date: str | None = None, release: str | None = None
) -> tuple[Framework, ImportReport]:
    report = ImportReport()
    fw = load_framework(
        roles=roles, pages=pages, report=report, export_date=export_date, release=release
    )
    return fw, report


def test_an_older_page_with_a_newer_export_gives_exactly_the_exports_requirements() -> None:
    alone, _ = build(EXPORT, [])
    fw, report = build(EXPORT, [PAGE_2023])
    assert requirements(fw) == requirements(alone)
    assert "Modern standards approach" not in {s.name for s in fw.skills}
    newer = "role-content.csv (undated export, taken as the newest) is newer"
    old = "govuk-2023-software-developer.txt of 2023-07-31"
    assert older_lines(report) == [
        f"older source, not used: the descriptor of 'Apprentice developer' x "
        f"'Availability and capacity management' at awareness ({old}; {newer})",
        f"older source, not used: the descriptor of 'Apprentice developer' x "
        f"'Information security' at awareness ({old}; {newer})",
        f"older source, not used: 'Apprentice developer' x 'Modern standards approach' at "
        f"awareness ({old}; {newer})",
        f"older source, not used: skill 'Modern standards approach', which no newer source "
        f"names ({old})",
    ]
    assert report.older_sources == ["govuk-2023-software-developer.txt"]
    # The page's three skill rows are reported (set aside), not used: the counts reconcile.
    (stats,) = [f for f in report.files if f.file == "govuk-2023-software-developer.txt"]
    counts = (stats.rows_read, stats.rows_used, stats.rows_merged, stats.rows_reported)
    assert counts == (3, 0, 0, 3)
    # What the export cannot say is still the page's: the stated order and the grades.
    (level,) = fw.levels_of(ROLE)
    assert (level.grades, level.rank_basis) == (
        ("AO (Administrative Officer)", "EO (Executive Officer)"),
        "stated",
    )
    assert report.reconciles


def test_the_export_dated_older_than_the_page_gives_way_to_the_page() -> None:
    """With --export-date before the page's date, the page is the newer source."""
    page_alone, same = build(EXPORT, [PAGE_2024], export_date="2025-01")  # same facts, newer
    # The 2024 page says what the newer export says: its rows count as merged, none reported.
    (stats,) = [f for f in same.files if f.file == PAGE_2024.name]
    assert (stats.rows_read, stats.rows_used, stats.rows_merged, stats.rows_reported) == (
        3,
        0,
        3,
        0,
    )
    assert older_lines(same) == []
    fw, report = build(EXPORT, [PAGE_2023], export_date="2023-01-15")
    assert {(lv, s, t) for lv, s, t, _ in requirements(fw)} == {
        ("Apprentice developer", "Availability and capacity management", "awareness"),
        ("Apprentice developer", "Information security", "awareness"),
        ("Apprentice developer", "Modern standards approach", "awareness"),
    }
    lines = older_lines(report)
    assert (
        "older source, not used: 'Apprentice developer' x 'Modern development standards' at "
        "awareness (role-content.csv of 2023-01-15; govuk-2023-software-developer.txt of "
        "2023-07-31 is newer)"
    ) in lines
    assert report.older_sources == ["role-content.csv"]
    # The 2024 page is older than an export of January 2025: the export's requirements.
    assert {s for _, s, _, _ in requirements(page_alone)} == {
        "Availability and capacity management",
        "Information security",
        "Modern development standards",
    }


def test_sources_of_the_same_date_are_decided_by_precedence() -> None:
    fw, report = build(EXPORT, [PAGE_2023], export_date="2023-07-31")
    assert older_lines(report) == []
    # Neither is older: the page adds its skill (the behaviour before dates decided).
    assert "Modern standards approach" in {s for _, s, _, _ in requirements(fw)}


def test_a_release_name_that_is_a_date_dates_the_export() -> None:
    _, report = build(EXPORT, [PAGE_2023], release="2025-09")
    assert any("role-content.csv of 2025-09 is newer" in m for m in older_lines(report))


@pytest.mark.parametrize("bad", ["2025-13", "September 2025", "2025-02-30", ""])
def test_an_export_date_that_is_not_a_date_is_one_clear_error(bad: str) -> None:
    with pytest.raises(OptionError, match="is not a date"):
        check_date(bad)


def test_older_page_with_the_real_export(role_csv: Path) -> None:
    """The official export (../shared, September 2025) with the page of July 2023."""
    alone, _ = build(role_csv, [])
    fw, report = build(role_csv, [PAGE_2023])
    assert requirements(fw) == requirements(alone)
    assert len([q for q in fw.requirements if q.level == "Apprentice developer"]) == 7
    assert (
        "older source, not used: 'Apprentice developer' x 'Modern standards approach' at "
        "awareness (govuk-2023-software-developer.txt of 2023-07-31; role-content.csv "
        "(undated export, taken as the newest) is newer)"
    ) in older_lines(report)
    assert {q for q in requirements(fw) if "Modern standards" in q[1]} == set()


def test_cli_build_keeps_the_older_page_as_its_own_release(
    runner: CliRunner, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    report_file = tmp_path / "report.md"
    args = ["build", "--roles", str(EXPORT), "--page", str(PAGE_2023), "--store", str(store)]
    result = runner.invoke(
        cli,
        [*args, "--release", "2025-09", "--older-release", "2023-07", "--report", str(report_file)],
    )
    assert result.exit_code == 0, result.output
    assert "from the older sources (govuk-2023-software-developer.txt)" in result.stderr
    text = report_file.read_text(encoding="utf-8")
    assert "## Older sources, not used (4)" in text
    assert (
        "- **warning** older source, not used: 'Apprentice developer' x 'Modern standards "
        "approach' at awareness (govuk-2023-software-developer.txt of 2023-07-31; "
        "role-content.csv of 2025-09 is newer) (govuk-2023-software-developer.txt, line 64)"
    ) in text
    listing = json.loads(runner.invoke(cli, ["releases", str(store), "-f", "json"]).stdout)
    assert [(r["release"], r["sources"]) for r in listing] == [
        ("2023-07", ["govuk-2023-software-developer.txt"]),
        ("2025-09", ["govuk-2023-software-developer.txt", "role-content.csv"]),
    ]

    # The older release holds the page's own facts, the renamed skill among them; the
    # newer release only the export's.
    def level_skills(release: str) -> str:
        args = ["query", "level-skills", "--graph", str(store), "--release", release]
        answer = runner.invoke(cli, [*args, "--param", "level=Apprentice developer", "-f", "csv"])
        assert answer.exit_code == 0, answer.output
        return answer.stdout

    assert "Modern standards approach" in level_skills("2023-07")
    assert "Modern development standards" not in level_skills("2023-07")
    assert "Modern development standards" in level_skills("2025-09")
    assert "Modern standards approach" not in level_skills("2025-09")


def test_cli_older_release_needs_a_store_and_a_release(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli,
        ["build", "--roles", str(EXPORT), "--older-release", "old", "-o", str(tmp_path / "g.ttl")],
    )
    assert result.exit_code == 2
    assert "--older-release keeps the older sources as a release of a store" in result.stderr
    assert "give --store DIR and --release NAME too" in result.stderr
    assert not (tmp_path / "g.ttl").exists()
    bad = runner.invoke(cli, ["build", "--roles", str(EXPORT), "--export-date", "soon"])
    assert bad.exit_code == 2
    assert "'soon' is not a date" in bad.stderr


def test_an_undated_page_of_the_older_govuk_layout_adds_nothing_to_the_export() -> None:
    """GOV.UK's layout before 2023 lists the role's skills, with descriptions; undated, it
    is older than the export: none of it is used, all of it is reported."""
    page = FIXTURES / "pages" / "govuk-2020-guidance-software-developer.html"
    alone, _ = build(EXPORT, [])
    fw, report = build(EXPORT, [page])
    assert requirements(fw) == requirements(alone)
    assert fw.role_skills == []
    assert {s.name: s.description for s in fw.skills} == {s.name: None for s in alone.skills}
    old = "govuk-2020-guidance-software-developer.html (no date)"
    newer = "role-content.csv (undated export, taken as the newest) is newer"
    assert older_lines(report) == [
        f"older source, not used: the description of role 'Software developer' ({old}; {newer})",
        f"older source, not used: 'Software developer' uses the skill 'Modern standards "
        f"approach' ({old}; {newer})",
        f"older source, not used: 'Software developer' uses the skill 'Programming and build "
        f"(software engineering)' ({old}; {newer})",
        f"older source, not used: the description of skill 'Availability and capacity "
        f"management' ({old})",
        f"older source, not used: the description of skill 'Information security' ({old})",
        f"older source, not used: skill 'Modern standards approach', which no newer source "
        f"names ({old})",
        f"older source, not used: skill 'Programming and build (software engineering)', which "
        f"no newer source names ({old})",
    ]
