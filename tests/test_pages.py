"""Reading the framework's web pages, on tiny pages in the site's shape (``minipages``)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import minipages as mp
from helpers.minicsv import write_pair
from rolegraph.cli import cli
from rolegraph.combine.framework import load_framework
from rolegraph.errors import InputError
from rolegraph.model.records import Framework
from rolegraph.model.report import ImportReport
from rolegraph.sources.csv_export import read_role_content, read_skill_descriptions
from rolegraph.sources.pages import page_kind, parse_page, read_page
from rolegraph.sources.pages.tree import block_text, parse_html


def read(text: str, label: str = "page.html") -> tuple[Framework, ImportReport]:
    report = ImportReport()
    return parse_page(text, report, label=label), report


def facts(fw: Framework) -> set[tuple[object, ...]]:
    """Every fact of a page's records, to compare a cut-off page with the whole one."""
    out: set[tuple[object, ...]] = set()
    for r in fw.roles:
        out.add(("role", r.name, r.family, r.description))
    for lv in fw.levels:
        out.add(("level", lv.name, lv.rank, lv.description))
        out |= {("grade", lv.name, g) for g in lv.grades}
    for q in fw.requirements:
        out.add(("requirement", q.level, q.skill, q.tier, q.descriptor))
    for s in fw.skills:
        out.add(("skill", s.name, s.description, s.untiered_descriptor))
        out |= {("descriptor", s.name, t, d) for t, d in s.descriptors}
        out |= {("undefined", s.name, t) for t in s.undefined_tiers}
    for sh in fw.shared:
        # One fact per shared skill: a row cut after a whole skill line states fewer.
        out |= {("shared", sh.other_role, skill) for skill in sh.skills}
    for x in fw.role_skills:
        out.add(("listed", x.role, x.skill))
    for src in fw.sources:
        out |= {("note", *n) for n in src.change_notes}
        for name in ("title", "url", "published", "updated", "description"):
            out.add(("source", name, getattr(src, name)))
    return out


def unknown(part: set[tuple[object, ...]], whole: set[tuple[object, ...]]) -> set[object]:
    """Facts of ``part`` the whole page does not state; a fact left empty is not one."""
    return {f for f in part - whole if f[-1] is not None}


# The role page as HTML -------------------------------------------------------------


def test_html_role_page_levels_grades_and_skills() -> None:
    fw, report = read(mp.role_page_html())
    assert [(lv.name, lv.rank, lv.rank_basis) for lv in fw.levels] == [
        ("Associate data analyst", 1, "stated"),
        ("Data analyst", 2, "stated"),
        ("Senior data analyst", 3, "stated"),
    ]
    assert [lv.grades for lv in fw.levels] == [
        ("EO (Executive Officer)",),
        ("HEO (Higher Executive Officer)", "SEO (Senior Executive Officer)"),
        (),
    ]
    assert [(q.level, q.skill, q.tier) for q in fw.requirements] == [
        ("Associate data analyst", "Data analysis", "awareness"),
        ("Associate data analyst", "Data visualisation", "working"),
        ("Data analyst", "Data analysis", "working"),
        ("Data analyst", "Data visualisation", "working"),
        ("Data analyst", "Statistics", "working"),
        ("Senior data analyst", "Data analysis", "practitioner"),
        ("Senior data analyst", "Data visualisation", "practitioner"),
        ("Senior data analyst", "Statistics", "expert"),
    ]
    # The zero-width space of the page text is gone; the hidden tier explanation is not read.
    working = fw.requirements[2]
    assert working.descriptor == "You can:\n- analyse data with help"
    assert all("ascending" not in (q.descriptor or "") for q in fw.requirements)
    stats = next(f for f in report.files if f.file == "page.html")
    assert (stats.kind, stats.rows_read, stats.rows_used) == ("role page", 8, 8)
    assert report.reconciles
    assert report.warnings() == []


def test_html_role_page_description_shared_table_dates_and_navigation() -> None:
    fw, report = read(mp.role_page_html())
    (role,) = fw.roles
    assert role.name == "Data analyst"
    assert role.family == "Data"  # the side menu's heading above the current page's link
    assert role.description == mp.ROLE_TEXT
    assert fw.levels[0].description == (
        "An associate data analyst learns.\n\nAt this role level, you will:\n- learn"
    )
    assert [(s.other_role, s.skills) for s in fw.shared] == [
        ("Performance analyst", ("Data analysis", "Statistics")),
        ("Data scientist", ("Statistics",)),
    ]
    (source,) = fw.sources
    assert source.url == "https://ddat-capability-framework.service.gov.uk/role/data-analyst"
    assert (source.published, source.updated) == ("2019-05-01", "2025-03-12")
    assert source.change_notes == (
        ("2025-03-12", "The skill 'statistics' has been updated.\n\nGrades were added."),
        ("2019-05-01", "First published."),
    )
    ignored = [e.message for e in report.entries if e.category == "ignored"]
    assert ignored == [
        "'Senior Civil Service roles that data analyst could lead to' (Chief data officer): "
        "not part of the graph",
        # Around the content: skipped, each reported with its line.
        "the page's cookie notice, not part of the role page: 'Cookies on the framework We use "
        "cookies.'",
        "the page's site footer, not part of the role page: 'Support links All content is "
        "available under the Open Government Licence v3.0'",
    ]
    missing = [e.message for e in report.entries if e.category == "missing"]
    assert missing == ["the page shows no Civil Service grades for level(s) 'Senior data analyst'"]


def test_html_page_equals_the_csv_for_the_role(tmp_path: Path) -> None:
    """Same requirements, texts and descriptions as the tiny CSV export, after normalisation."""
    roles, _ = write_pair(tmp_path)
    csv = read_role_content(roles, ImportReport())
    page, _ = read(mp.role_page_html())

    def requirements(fw: Framework) -> set[tuple[str, str, str | None, str | None]]:
        return {
            (q.level.strip(), q.skill, q.tier, q.descriptor)
            for q in fw.requirements
            if q.role == "Data analyst"
        }

    assert requirements(page) == requirements(csv)
    csv_levels = {lv.name: lv.description for lv in csv.levels}
    assert {lv.name: lv.description for lv in page.levels} == {
        n: d for n, d in csv_levels.items() if n in mp.LEVELS
    }
    assert page.roles[0].description == next(
        r.description for r in csv.roles if r.name == "Data analyst"
    )


def test_text_form_gives_the_same_records_as_html() -> None:
    html, _ = read(mp.role_page_html())
    text, report = read(mp.role_page_text(), "page.txt")
    assert page_kind(mp.role_page_text(), "page.txt") == "role-text"
    assert text.levels == html.levels
    assert text.requirements == html.requirements
    assert text.skills == html.skills
    assert text.shared == html.shared
    assert [r.description for r in text.roles] == [r.description for r in html.roles]
    assert text.sources[0].change_notes == html.sources[0].change_notes
    assert (text.sources[0].published, text.sources[0].updated) == ("2019-05-01", "2025-03-12")
    assert report.warnings() == []


def test_block_text_renders_the_exports_form() -> None:
    doc = parse_html(
        "<div><p>Intro.</p><p></p><p>You can:</p><ul><li>a <b>bold</b>\n  move</li>"
        "<li>b<ul><li>nested</li></ul></li></ul><p>After.</p><p></p><p></p></div>"
    )
    div = doc.find(lambda n: n.tag == "div")
    assert div is not None
    assert block_text(div.children) == "Intro.\n\nYou can:\n- a bold move\n- b\n- nested\nAfter."


def test_forgiving_tree_closes_what_a_browser_closes() -> None:
    doc = parse_html(
        "<table><tr><td>1<td>2<tr><td>3</table><p>a<p>b</p></p><ul><li>x<li>y</ul></span>"
    )
    rows = doc.find_all(lambda n: n.tag == "tr")
    assert [[c.text() for c in r.find_all(lambda n: n.tag == "td")] for r in rows] == [
        ["1", "2"],
        ["3"],
    ]
    assert [p.text() for p in doc.find_all(lambda n: n.tag == "p")] == ["a", "b"]
    assert [li.text() for li in doc.find_all(lambda n: n.tag == "li")] == ["x", "y"]
    assert [t for t, _ in doc.stray_end_tags] == ["p", "span"]
    assert doc.unclosed == []
    cut = parse_html("<html><body><div><table><tr><td>half")
    assert [n.tag for n in cut.unclosed] == ["div", "table", "tr", "td"]


# The Skills A to Z page --------------------------------------------------------------


def test_skills_page_equals_the_skills_csv(tmp_path: Path) -> None:
    _, skills_csv = write_pair(tmp_path)
    csv = read_skill_descriptions(
        skills_csv, ImportReport(), ["Data analyst", "Performance analyst", "Chief data officer"]
    )
    page, report = read(mp.skills_page_html(), "skills.html")
    assert page_kind(mp.skills_page_html(), "skills.html") == "skills-html"
    assert {s.name: s for s in page.skills} == {s.name: s for s in csv.skills}
    assert {(x.role, x.skill) for x in page.role_skills} == {
        (x.role, x.skill) for x in csv.role_skills
    }
    stats = next(f for f in report.files if f.file == "skills.html")
    assert (stats.kind, stats.rows_read, stats.rows_used) == ("skills page", 5, 5)
    sentinel = [e for e in report.entries if e.category == "sentinel"]
    assert [e.message for e in sentinel] == [
        "5 tiers: 'This skill level is currently not defined.': the tier is marked not defined"
    ]
    assert len(sentinel[0].lines) == 5


def test_skills_page_senior_civil_service_skills() -> None:
    page, report = read(mp.skills_page_html(), "skills.html")
    skills = {s.name: s for s in page.skills}
    for name in ("Data strategy", "Data leadership"):  # heading form; empty level rows form
        assert skills[name].descriptors == ()
        assert skills[name].undefined_tiers == ()
        assert skills[name].description is None
        assert (skills[name].untiered_descriptor or "").startswith("You can:\n- ")
    interpreted = [e.message for e in report.entries if e.category == "interpreted"]
    assert "a Senior Civil Service skill shown with empty skill level rows" in interpreted
    # An empty level row is not "missing" for a Senior Civil Service skill.
    assert not any("no descriptor for tier" in e.message for e in report.entries)


# Dispatch and errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "page.html is empty"),
        (b"  \n\t\n", "page.html is empty"),
        (b"\x00\x01\x02<html>", "page.html looks like a binary file, not a web page"),
        (b"\xff\xfe<\x00h\x00", "page.html is UTF-16, not UTF-8"),
        (b"<html><p>caf\xe9</p>", "page.html is not UTF-8: byte 0xe9 on line 1"),
        (
            "<html><p>Data \u2014".encode()[:-1],
            "page.html ends in the middle of a character (line 1): it looks cut off",
        ),
        (
            b"<html><body><h1>Civil Service job grades</h1><p>AO, EO</p></body></html>",
            "page.html is not a framework role page nor the Skills A to Z page "
            "(its title is 'Civil Service job grades')",
        ),
        (b"<html><body><p>Just a paragraph.</p></body></html>", "it has no title"),
        (b"<<<>>><div><p", "page.html ends (line 1) inside <div> opened on line 1"),
        (b"Role Family,Role\nData,Data analyst\n", "page.html is a CSV file, not a page"),
        (b"Skills A to Z\n\nAccessibility\n", "the Skills A to Z page as text"),
        (
            b"Hello\n\nThis is a letter.\n",
            "page.html is not a role page: it does not start with a role's name",
        ),
    ],
)
def test_pages_of_another_kind_are_one_clear_error(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_page(path, ImportReport())
    assert expected in str(caught.value)


def test_missing_file_directory_and_other_schemes(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="page not found"):
        read_page(tmp_path / "nope.html", ImportReport())
    with pytest.raises(InputError, match="is a directory"):
        read_page(tmp_path, ImportReport())
    with pytest.raises(InputError, match="only http and https URLs"):
        read_page("ftp://example.org/role/x", ImportReport())


def test_text_role_page_cut_before_its_levels_keeps_the_role() -> None:
    text = mp.role_page_text()
    cut = text[: text.index("Data analyst role levels")]
    fw, report = read(cut, "cut.txt")
    assert [r.name for r in fw.roles] == ["Data analyst"]
    assert fw.levels == [] and fw.requirements == []
    assert any("lists no role levels" in e.message for e in report.warnings())


# Truncated pages: import what is there, report what is missing, never invent --------


def test_truncated_html_page_reports_and_keeps_only_whole_facts() -> None:
    page = mp.role_page_html()
    cut = page[: page.index("Level: practitioner") + 5]  # inside the Senior level's table
    fw, report = read(cut)
    assert [lv.name for lv in fw.levels] == list(mp.LEVELS)
    assert [q.level for q in fw.requirements].count("Senior data analyst") == 0
    messages = [e.message for e in report.warnings()]
    assert any(
        m.startswith("the page ends in its role levels (level 'Senior data analyst')")
        for m in messages
    )
    assert (
        "'Senior data analyst' x 'Data analysis': the page ends inside this skill's row; "
        "requirement not used" in messages
    )
    assert "the page ends inside level 'Senior data analyst': its skills may be incomplete" in (
        messages
    )
    assert report.reconciles


@pytest.mark.parametrize("which", ["role", "skills", "role as text"])
def test_every_cut_of_a_page_gives_a_subset_of_its_facts_or_a_clear_error(which: str) -> None:
    pages: dict[str, Callable[[], str]] = {
        "role": mp.role_page_html,
        "skills": mp.skills_page_html,
        "role as text": mp.role_page_text,
    }
    whole = pages[which]()
    full = read(whole)[0]
    all_facts = facts(full)
    errors = cuts = 0
    for cut in range(0, len(whole), 41 if which != "role as text" else 7):
        cuts += 1
        try:
            part, report = read(whole[:cut])
        except InputError as exc:
            errors += 1
            assert str(exc).startswith("page.html")
            continue
        assert unknown(facts(part), all_facts) == set(), cut
        assert report.reconciles
        if part.requirements != full.requirements or part.skills != full.skills:
            assert report.warnings(), cut  # what is missing is said
    assert 0 < errors < cuts


def test_malformed_markup_does_not_change_the_facts() -> None:
    whole = mp.role_page_html()
    rnd = random.Random(7)
    broken = whole.replace("</li>", "").replace("</p>", "", 40).replace("</td>", "</span></td>")
    assert facts(read(broken)[0]) == facts(read(whole)[0])
    # Stray end tags between the blocks change nothing either.
    pieces = whole.split("\n")
    for _ in range(20):
        pieces.insert(rnd.randrange(len(pieces)), "</em></span></b></i>")
    assert facts(read("\n".join(pieces))[0]) == facts(read(whole)[0])
    # A stray </div> that closes the main content early: read on from the title.
    early = whole.replace(
        '<h2 class="govuk-heading-l" id="role-levels">', '</div></div><h2 id="role-levels">'
    )
    fw, report = read(early)
    assert facts(fw) == facts(read(whole)[0])
    assert any("main content ends before its sections" in e.message for e in report.entries)


# Combining pages with the CSV -----------------------------------------------------------


def test_csv_and_page_page_supplies_order_and_grades(tmp_path: Path) -> None:
    roles, skills = write_pair(tmp_path)
    page = tmp_path / "data-analyst.html"
    page.write_text(mp.role_page_html(), encoding="utf-8")
    report = ImportReport()
    fw = load_framework(roles=roles, skills=skills, pages=[page], report=report)
    levels = fw.levels_of("Data analyst")
    assert [(lv.name, lv.rank, lv.rank_basis, lv.grades) for lv in levels] == [
        ("Associate data analyst", 1, "stated", ("EO (Executive Officer)",)),
        (
            "Data analyst",
            2,
            "stated",
            ("HEO (Higher Executive Officer)", "SEO (Senior Executive Officer)"),
        ),
        ("Senior data analyst", 3, "stated", ()),
    ]
    assert len(fw.requirements) == 10
    disagreements = [e for e in report.entries if e.category == "disagreement"]
    assert disagreements == []
    assert report.reconciles


def test_csv_and_page_disagreements_are_reported(tmp_path: Path) -> None:
    roles, _ = write_pair(tmp_path)
    reqs = mp.default_requirements()
    reqs[0] = ("Associate data analyst", "Data analysis", "working")  # a tier that differs
    del reqs[4]  # 'Data analyst' x 'Statistics' missing from the page
    reqs.append(("Data analyst", "Data science", "awareness"))  # a skill the CSV lacks
    page = tmp_path / "data-analyst.html"
    page.write_text(
        mp.role_page_html(
            requirements=reqs,
            levels=mp.LEVELS[:2],
            descriptors={("Data analyst", "Data science"): "You can:\n- say what it is"},
            stated_levels=3,
        ),
        encoding="utf-8",
    )
    report = ImportReport()
    # The export of the page's date: neither is older, so precedence decides (the CSV).
    fw = load_framework(roles=roles, pages=[page], report=report, export_date="2025-03-12")
    said = {e.message for e in report.entries if e.category == "disagreement"}
    assert any(
        re.fullmatch(
            r"'Associate data analyst' x 'Data analysis': tier differs between role-content.csv, "
            r"row \d+ and data-analyst.html, line \d+; kept 'awareness' from role-content.csv, "
            r"not 'working'",
            m,
        )
        for m in said
    ), said
    assert (
        "'Data analyst' needs 'Statistics' in another source but not in data-analyst.html" in said
    )
    assert (
        "'Data analyst' needs 'Data science' in another source but not in role-content.csv" in said
    )
    assert (
        "role 'Data analyst': level(s) 'Senior data analyst' in another source but not in "
        "data-analyst.html"
    ) in said
    missing = [e.message for e in report.entries if e.category == "missing"]
    assert "the page says there are 3 role levels but 2 were found" in missing
    # The CSV wins the tier; the page's order is kept for its levels, the third placed by name.
    tier = next(
        q.tier
        for q in fw.requirements
        if (q.level, q.skill) == ("Associate data analyst", "Data analysis")
    )
    assert tier == "awareness"
    assert [lv.name for lv in fw.levels_of("Data analyst")] == list(mp.LEVELS)
    assert {lv.rank_basis for lv in fw.levels_of("Data analyst")} == {"derived"}


def test_two_skill_catalogues_that_disagree(tmp_path: Path) -> None:
    _, skills = write_pair(tmp_path)
    page = tmp_path / "skills.html"
    page.write_text(
        mp.skills_page_html(drop_roles={"Statistics": "Performance analyst"}), encoding="utf-8"
    )
    report = ImportReport()
    load_framework(skills=skills, pages=[page], report=report)
    said = [e.message for e in report.entries if e.category == "disagreement"]
    assert said == [
        "skill 'Statistics': role 'Performance analyst' is listed as requiring it in another "
        "skill catalogue but not in skills.html"
    ]


# The command line -------------------------------------------------------------------------


def test_build_from_pages_alone(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "role.html").write_text(mp.role_page_html(), encoding="utf-8")
    (tmp_path / "skills.html").write_text(mp.skills_page_html(), encoding="utf-8")
    out = tmp_path / "g.ttl"
    args = ["build", "--page", str(tmp_path / "role.html"), "--page", str(tmp_path / "skills.html")]
    result = runner.invoke(cli, [*args, "-o", str(out), "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Built ")
    assert "3 role levels" in result.stderr and "5 skills" in result.stderr
    first = out.read_bytes()
    assert runner.invoke(cli, [*args, "-o", str(out), "-q"]).exit_code == 0
    assert out.read_bytes() == first  # deterministic
    text = first.decode()
    assert '"EO (Executive Officer)"' in text
    assert '"stated"' in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty.html is empty"),
        ("<html><body><h1>Cookies</h1></body></html>", "is not a framework role page"),
        ("<html><body><div><table><tr><td>", "ends (line 1) inside <td>"),
        ("<!DOCTYPE html><html><body><h1>Data analyst</h1><p>gone", "it looks truncated"),
    ],
)
def test_build_with_a_bad_page_is_one_line_and_exit_2(
    runner: CliRunner, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "empty.html"
    path.write_text(content, encoding="utf-8")
    out = tmp_path / "g.ttl"
    result = runner.invoke(cli, ["build", "--page", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("rolegraph: error: ") and message in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_build_with_a_truncated_page_warns_and_builds(runner: CliRunner, tmp_path: Path) -> None:
    page = mp.role_page_html()
    path = tmp_path / "cut.html"
    path.write_text(page[: page.index("id=l3")], encoding="utf-8")
    report = tmp_path / "report.md"
    result = runner.invoke(
        cli, ["build", "--page", str(path), "-o", str(tmp_path / "g.ttl"), "--report", str(report)]
    )
    assert result.exit_code == 0, result.stderr
    assert re.search(r"\d+ warnings? in the import report", result.stderr)
    text = report.read_text()
    assert "the page says there are 3 role levels but 2 were found (cut.html)" in text
    assert "levels listed in the page's contents but not found on the page: " in text


def test_text_form_with_split_table_header_and_broken_grades_sentence() -> None:
    """As a browser's "save as text" may give it: "Skill" / "Description" on two lines and
    the grades sentence broken where its link was."""
    text = mp.role_page_text().replace("Skill\tDescription", "Skill\n\nDescription")
    text = text.replace(
        "This role level is most often performed at the Civil Service job grade of:",
        "This role level is most often performed at the\nCivil Service job grade\nof:",
    )
    assert text != mp.role_page_text()
    split, report = read(text, "page.txt")
    whole, _ = read(mp.role_page_text(), "page.txt")
    assert facts(split) == facts(whole)
    assert report.warnings() == []


def test_a_stated_order_the_names_would_not_give_and_two_pages_that_disagree(
    tmp_path: Path,
) -> None:
    reordered = ("Data analyst", "Associate data analyst", "Senior data analyst")
    first = tmp_path / "a.html"
    first.write_text(mp.role_page_html(levels=reordered), encoding="utf-8")
    report = ImportReport()
    fw = load_framework(pages=[first], report=report)
    assert [lv.name for lv in fw.levels_of("Data analyst")] == list(reordered)
    order = [e.message for e in report.entries if e.category == "order"]
    assert order == [
        "role 'Data analyst': the stated order ('Data analyst', 'Associate data analyst', "
        "'Senior data analyst') is kept; the level names alone would have given "
        "'Associate data analyst', 'Data analyst', 'Senior data analyst'"
    ]
    second = tmp_path / "b.html"
    second.write_text(mp.role_page_html(), encoding="utf-8")
    report = ImportReport()
    fw = load_framework(pages=[first, second], report=report)
    assert [lv.name for lv in fw.levels_of("Data analyst")] == list(reordered)  # first wins
    said = [e.message for e in report.entries if e.category == "disagreement"]
    assert any(
        re.fullmatch(
            r"role 'Data analyst': level 'Data analyst' is number 1 in a.html, line \d+ but "
            r"number 2 in b.html, line \d+; kept 1",
            m,
        )
        for m in said
    ), said
