"""The real pages (../shared): the seed, the Software developer page, Skills A to Z.

Expected values come from the official CSV export, read here with the csv module and
simple string handling, independently of rolegraph's readers.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolegraph.cli import cli
from rolegraph.combine.framework import load_framework
from rolegraph.model.records import Framework
from rolegraph.model.report import ImportReport
from rolegraph.sources.bundled import load_role_yaml
from rolegraph.sources.pages import read_page
from rolegraph.util.text import clean_text

pytestmark = pytest.mark.framework
ROOT = Path(__file__).resolve().parent.parent
TIERS = ["Awareness", "Working", "Practitioner", "Expert"]
NOT_DEFINED = "This skill level is currently not defined."


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def norm(text: str) -> str:
    return clean_text(text)[0]


@pytest.fixture(scope="module")
def developer_page(snapshot_dir: Path) -> Path:
    return snapshot_dir / "software-developer.html"


@pytest.fixture(scope="module")
def skills_page(snapshot_dir: Path) -> Path:
    return snapshot_dir / "skills-a-to-z.html"


@pytest.fixture(scope="module")
def developer(developer_page: Path) -> tuple[Framework, ImportReport]:
    report = ImportReport()
    return read_page(developer_page, report), report


@pytest.fixture(scope="module")
def skills(skills_page: Path) -> tuple[Framework, ImportReport]:
    report = ImportReport()
    return read_page(skills_page, report), report


@pytest.fixture(scope="module")
def developer_rows(role_csv: Path) -> list[dict[str, str]]:
    return [r for r in rows(role_csv) if r["Role"].strip() == "Software developer"]


# The seed and the bundled data ---------------------------------------------------------


def test_bundled_data_is_the_seed_fact_for_fact(seed_page: Path) -> None:
    """data/ is reproducible from the seed: the same records (origin aside, by design)."""
    report = ImportReport()
    seed = read_page(seed_page, report)
    bundled = load_role_yaml(ROOT / "data" / "roles" / "machine-learning-engineer.yaml")
    assert seed.roles == bundled.roles
    assert seed.levels == bundled.levels
    assert seed.skills == bundled.skills
    assert seed.requirements == bundled.requirements
    assert seed.shared == bundled.shared
    assert seed.families == bundled.families == []
    (a,), (b,) = seed.sources, bundled.sources
    assert replace(a, key="", location="") == replace(b, key="", location="")
    assert (len(seed.levels), len(seed.requirements), len(seed.shared)) == (2, 12, 5)
    assert report.warnings() == []


# The Software developer page ----------------------------------------------------------


def test_developer_levels_in_page_order(
    developer: tuple[Framework, ImportReport], developer_page: Path
) -> None:
    fw, _ = developer
    html = developer_page.read_text(encoding="utf-8")
    headings = re.findall(r"role-level-header\"[^>]*>\s*\d+\. ([^<]+?)\s*</h3>", html)
    assert len(headings) == 9
    assert [(lv.name, lv.rank, lv.rank_basis) for lv in fw.levels] == [
        (name, i, "stated") for i, name in enumerate(headings, start=1)
    ]


def test_developer_requirements_equal_the_csv(
    developer: tuple[Framework, ImportReport], developer_rows: list[dict[str, str]]
) -> None:
    fw, report = developer
    expected = {
        (r["Role Level"].strip(), r["Skill Name"].strip()): (
            r["Skill Level"].lower(),
            norm(r["Skill Level Description"]),
        )
        for r in developer_rows
    }
    got = {(q.level, q.skill): (q.tier, q.descriptor) for q in fw.requirements}
    assert len(got) == len(fw.requirements) == len(expected) == 86
    assert got == expected
    stats = next(f for f in report.files if f.file == "software-developer.html")
    assert (stats.rows_read, stats.rows_used, stats.rows_merged, stats.rows_reported) == (
        86,
        86,
        0,
        0,
    )


def test_developer_page_saved_as_text_reads_as_the_html_does(
    developer: tuple[Framework, ImportReport], snapshot_dir: Path, tmp_path: Path
) -> None:
    """The page's text as saved from the site (its title carries the site's name)."""
    text = (snapshot_dir / "software-developer.extracted.txt").read_text(encoding="utf-8")
    assert text.splitlines()[0].endswith(
        " - Government Digital and Data Profession Capability Framework"
    )
    saved = tmp_path / "software-developer.txt"
    saved.write_text(text, encoding="utf-8")
    fw = read_page(saved, ImportReport())
    html, _ = developer
    assert [r.name for r in fw.roles] == ["Software developer"]
    assert [lv.name for lv in fw.levels] == [lv.name for lv in html.levels]
    assert len(fw.levels) == 9
    assert {(q.level, q.skill, q.tier) for q in fw.requirements} == {
        (q.level, q.skill, q.tier) for q in html.requirements
    }
    assert len(fw.requirements) == 86


def test_developer_texts_equal_the_csv(
    developer: tuple[Framework, ImportReport], developer_rows: list[dict[str, str]]
) -> None:
    fw, _ = developer
    (role,) = fw.roles
    assert role.description == norm(developer_rows[0]["Role Description"])
    assert role.family == developer_rows[0]["Role Family"] == "Software development"
    levels = {r["Role Level"].strip(): norm(r["Role Level Description"]) for r in developer_rows}
    assert {lv.name: lv.description for lv in fw.levels} == levels


def test_developer_grades_dates_changes_and_shared_table(
    developer: tuple[Framework, ImportReport],
) -> None:
    fw, report = developer
    grades = {lv.name: lv.grades for lv in fw.levels}
    assert grades["Apprentice developer"] == (
        "AO (Administrative Officer)",
        "EO (Executive Officer)",
    )
    assert grades["Principal developer"] == ("G7 (Grade 7)", "G6 (Grade 6)")
    assert grades["Senior developer - management"] == ()
    assert sum(1 for g in grades.values() if g) == 6
    (source,) = fw.sources
    assert (source.published, source.updated) == ("2020-01-07", "2025-08-29")
    assert source.url == "https://ddat-capability-framework.service.gov.uk/role/software-developer"
    assert [d for d, _ in source.change_notes] == [
        "2025-08-29",
        "2024-11-30",
        "2023-07-31",
        "2020-01-07",
    ]
    assert source.change_notes[0][1].startswith(
        "The most common Civil Service job grades for principal developer have been updated"
    )
    assert source.change_notes[1][1].count("\n\n") == 4  # five paragraphs that day
    assert [(s.other_role, len(s.skills)) for s in fw.shared] == [
        ("Development operations (DevOps) engineer", 10),
        ("Infrastructure engineer", 4),
        ("Application operations engineer", 2),
        ("Command and control centre manager", 2),
        ("Content strategist", 2),
    ]
    assert report.warnings() == []


# The Skills A to Z page --------------------------------------------------------------------


def test_skills_page_equals_the_skills_csv(
    skills: tuple[Framework, ImportReport], skill_csv: Path
) -> None:
    fw, report = skills
    expected = rows(skill_csv)
    assert [s.name for s in fw.skills] == [r["Skill Name"].strip() for r in expected]
    assert len(fw.skills) == 188
    by_name = {s.name: s for s in fw.skills}
    undefined = 0
    for r in expected:
        skill = by_name[r["Skill Name"].strip()]
        tiers = {t.lower(): r[t].strip() for t in TIERS}
        if not any(tiers.values()):  # Senior Civil Service: one untiered descriptor
            assert skill.untiered_descriptor == norm(r["Skill Description"])
            assert skill.descriptors == () and skill.description is None
            continue
        assert dict(skill.descriptors) == {
            t: norm(v) for t, v in tiers.items() if v and v != NOT_DEFINED
        }
        assert skill.undefined_tiers == tuple(t for t, v in tiers.items() if v == NOT_DEFINED)
        undefined += len(skill.undefined_tiers)
        assert skill.description == (norm(r["Skill Description"]) or None)
    assert undefined == 60
    assert sum(1 for s in fw.skills if s.untiered_descriptor) == 22
    stats = next(f for f in report.files if f.file == "skills-a-to-z.html")
    assert (stats.rows_read, stats.rows_used) == (188, 188)
    assert report.warnings() == []


def test_skills_page_role_lists_equal_the_skills_csv(
    skills: tuple[Framework, ImportReport], skill_csv: Path
) -> None:
    fw, _ = skills
    expected = {
        r["Skill Name"].strip(): {n.strip() for n in r["Roles that require Skill"].split(",")}
        for r in rows(skill_csv)
    }
    got: dict[str, set[str]] = defaultdict(set)
    for x in fw.role_skills:
        got[x.skill].add(x.role)
    assert got == expected


# Combined with the CSV export ----------------------------------------------------------------


def test_csv_and_pages_order_grades_and_no_false_disagreements(
    role_csv: Path, skill_csv: Path, developer_page: Path, skills_page: Path
) -> None:
    report = ImportReport()
    fw = load_framework(
        roles=role_csv, skills=skill_csv, pages=[developer_page, skills_page], report=report
    )
    assert fw.counts() == {
        "families": 8,
        "roles": 52,
        "role levels": 205,
        "skills": 188,
        "requirements": 1809,
    }
    page = read_page(developer_page, ImportReport())
    levels = fw.levels_of("Software developer")
    assert [(lv.name, lv.rank, lv.rank_basis, lv.grades) for lv in levels] == [
        (lv.name, lv.rank, "stated", lv.grades) for lv in page.levels
    ]
    # The CSV's other roles keep their derived order.
    assert {lv.rank_basis for lv in fw.levels_of("Data scientist")} == {"derived"}
    # The pages agree with the export: nothing to report between them.
    assert [e.message for e in report.entries if e.category == "disagreement"] == []
    assert report.reconciles
    assert {f.file for f in report.files} >= {"software-developer.html", "skills-a-to-z.html"}


def test_csv_and_a_page_that_differs(role_csv: Path, developer_page: Path, tmp_path: Path) -> None:
    """Each kind of difference between the export and a page is in the report."""
    html = developer_page.read_text(encoding="utf-8")
    # A tier: the apprentice's 'Information security' at working instead of awareness.
    at = html.index(">Information security</a")
    tier = html.index("Level: awareness", at)
    html = html[:tier] + "Level: working" + html[tier + len("Level: awareness") :]
    # A skill the page lacks: the junior developer's 'Prototyping' row removed.
    junior = html.index("id=junior-developer")
    skill = html.index(">Prototyping</a", junior)
    start = html.rindex('<tr class="govuk-table__row">', 0, skill)
    html = html[:start] + html[html.index("</tr>", skill) + len("</tr>") :]
    # A grade, and a level the page lacks (the last one, with everything after it).
    html = html.replace("<li>G7 (Grade 7)</li>", "<li>G8 (Grade 8)</li>", 1)
    cut = html.index("id=principal-developer-management")
    html = (
        html[: html.rindex("<h3", 0, cut)]
        + html[html.index('<h2 class="govuk-heading-l" id="related-roles"') :]
    )
    page = tmp_path / "software-developer.html"
    page.write_text(html, encoding="utf-8")

    report = ImportReport()
    # The export of the page's vintage: neither is older, so precedence decides (the CSV).
    fw = load_framework(roles=role_csv, pages=[page], report=report, export_date="2025-08-29")
    said = [e.message for e in report.entries if e.category == "disagreement"]
    assert any(
        m.startswith("'Apprentice developer' x 'Information security': tier differs between ")
        and m.endswith("kept 'awareness' from role-content.csv, not 'working'")
        for m in said
    ), said
    assert (
        "'Junior developer' needs 'Prototyping' in another source but not in "
        "software-developer.html" in said
    )
    assert (
        "role 'Software developer': level(s) 'Principal developer - management' in another "
        "source but not in software-developer.html" in said
    )
    missing = [e.message for e in report.entries if e.category == "missing"]
    assert "the page says there are 9 role levels but 8 were found" in missing
    # The export wins the tier; the page gives the order of its 8 levels, the 9th by name.
    levels = fw.levels_of("Software developer")
    assert [lv.name for lv in levels][-1] == "Principal developer - management"
    assert {lv.rank_basis for lv in levels} == {"derived"}
    order = [e.message for e in report.entries if e.category == "order"]
    assert any("the page gives the order of 8 of 9 levels" in m for m in order)
    assert any("G8 (Grade 8)" in lv.grades for lv in levels)  # the page alone gives grades


def test_cli_build_from_csv_and_pages_is_deterministic(
    runner: CliRunner,
    role_csv: Path,
    skill_csv: Path,
    developer_page: Path,
    skills_page: Path,
    tmp_path: Path,
) -> None:
    args = ["build", "--roles", str(role_csv), "--skills", str(skill_csv)]
    args += ["--page", str(developer_page), "--page", str(skills_page), "-q"]
    first = runner.invoke(cli, [*args, "-o", str(tmp_path / "a.ttl")])
    second = runner.invoke(cli, [*args, "-o", str(tmp_path / "b.ttl")])
    assert first.exit_code == second.exit_code == 0, first.stderr
    a, b = (tmp_path / "a.ttl").read_bytes(), (tmp_path / "b.ttl").read_bytes()
    assert a == b
    text = a.decode()
    assert 'rg:grade "G6 (Grade 6)" ,\n\t\t"G7 (Grade 7)"' in text
    assert 'dcterms:modified "2025-08-29"^^xsd:date' in text


def test_pages_alone_build_and_validate(developer_page: Path, skills_page: Path) -> None:
    from rolegraph.graph.build import build_graph
    from rolegraph.graph.validate import validate

    report = ImportReport()
    fw = load_framework(pages=[developer_page, skills_page], report=report)
    assert len(fw.skills) == 188
    assert [lv.rank_basis for lv in fw.levels] == ["stated"] * 9
    result = validate(build_graph(fw))
    assert result.conforms, result.to_text()[:2000]


@pytest.mark.parametrize(("which", "step"), [("seed", 7), ("developer", 29)])
def test_every_cut_of_the_real_text_pages_invents_nothing(
    which: str, step: int, seed_page: Path, snapshot_dir: Path
) -> None:
    """The pages as text, cut every few bytes (mid-word, mid-line, mid-row): what is read
    is a subset of what the whole page says, every row is accounted for, and a cut that
    loses something says so."""
    from rolegraph.errors import InputError
    from rolegraph.sources.pages import parse_page
    from test_pages import facts, unknown

    path = seed_page if which == "seed" else snapshot_dir / "software-developer.extracted.txt"
    whole = path.read_text(encoding="utf-8")
    full = parse_page(whole, ImportReport(), label="page.txt")
    all_facts = facts(full)
    read = errors = 0
    for cut in range(0, len(whole), step):
        report = ImportReport()
        try:
            part = parse_page(whole[:cut], report, label="page.txt")
        except InputError:
            errors += 1
            continue
        read += 1
        assert unknown(facts(part), all_facts) == set(), cut
        assert report.reconciles, cut
        if part.requirements != full.requirements:
            assert report.warnings(), cut
    assert read > errors > 0
