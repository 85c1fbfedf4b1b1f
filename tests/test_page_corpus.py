"""Every page of the corpus gives exactly its hand-written records.

``tests/fixtures/pages/`` holds excerpts of real framework pages (Crown copyright, OGL
v3.0; the source of each is named in its YAML): GOV.UK guidance (2020-2024), the framework
site's redesigned page (2024-2026) and its "Contents" layout (2021-2025), as HTML and as
copied text, most cut mid-page. Beside each, ``NAME.yaml`` says by hand what the page
shows: the role, its dates and description, each level's description, grades and skills
with their tiers and descriptors, and what around the content is ignored. What is there
is read; nothing is invented.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from rolegraph.model.records import Framework
from rolegraph.model.report import ImportReport
from rolegraph.sources.pages import parse_page, read_page

CORPUS = Path(__file__).parent / "fixtures" / "pages"
PAGES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".html"))
BANNER_TEXT = (
    "Skip to main content\nGovernment Digital and Data Profession Capability Framework\n\n"
    "Complete our 3 minute feedback survey to help us improve the framework.\n\n"
)
BANNER_HTML = (
    '<a href="#main-content" class="govuk-skip-link">Skip to main content</a>'
    '<header class="govuk-header"><a href="/" class="govuk-header__service-name">'
    "Government Digital and Data Profession Capability Framework</a></header>"
    '<div class="govuk-phase-banner"><p class="govuk-phase-banner__content">'
    '<strong class="govuk-tag">Beta</strong><span class="govuk-phase-banner__text">'
    'Complete our 3 minute <a class="govuk-link" href="/survey">feedback survey</a> to help '
    "us improve the framework.</span></p></div>"
)


def expected(page: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(page.with_name(page.name + ".yaml").read_text())
    return data


def records(fw: Framework) -> dict[str, Any]:
    """What the page gave, in the shape of the hand-written YAML."""
    (role,) = fw.roles
    (source,) = fw.sources
    levels = []
    for lv in sorted(fw.levels, key=lambda lv: lv.rank or 0):
        reqs = [q for q in fw.requirements if q.level == lv.name]
        levels.append(
            {
                "name": lv.name,
                "grades": list(lv.grades),
                "description": lv.description,
                "skills": {q.skill: q.tier for q in reqs},
                "descriptors": {q.skill: q.descriptor for q in reqs if q.descriptor},
            }
        )
    described = {s.name: s.description for s in fw.skills}
    return {
        "role": role.name,
        "family": role.family,
        "published": source.published,
        "updated": source.updated,
        "description": role.description,
        "role_skills": {x.skill: described[x.skill] for x in fw.role_skills},
        "levels": levels,
    }


def wanted(want: dict[str, Any]) -> dict[str, Any]:
    keys = ("role", "family", "published", "updated", "description", "levels")
    out = {k: want[k] for k in keys}
    out["role_skills"] = want.get("role_skills", {})
    out["levels"] = [{"descriptors": {}, **lv} for lv in want["levels"]]
    return out


def test_the_corpus_has_every_layout_as_html_and_as_text() -> None:
    kinds = {(expected(p)["layout"], p.suffix) for p in PAGES}
    assert kinds == {
        (layout, suffix) for layout in ("govuk", "site", "contents") for suffix in (".txt", ".html")
    }
    assert all(p.with_name(p.name + ".yaml").exists() for p in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_gives_exactly_its_hand_written_records(page: Path) -> None:
    want = expected(page)
    report = ImportReport()
    fw = read_page(page, report)
    assert records(fw) == wanted(want)
    # Banners, the site's header and footer, cookie notices: skipped, each reported.
    ignored = [e.message for e in report.entries if e.category == "ignored"]
    for text in want.get("ignored", []):
        assert any(repr(text)[1:-1] in m for m in ignored), (text, ignored)
    if not want.get("ignored"):
        assert not [m for m in ignored if "not part of the role page" in m]
    # What the page shows but cannot give (a row cut short, a row without its name).
    unused = [e.message for e in report.entries if e.category in ("skipped", "missing")]
    for text in want.get("not_used", []):
        assert any(text in m for m in unused), (text, unused)
    # Levels the contents list announces but the excerpt stops before.
    found = [lv["name"] for lv in want["levels"]]
    missing = [n for n in want.get("announced_levels", []) if n not in found]
    listed = [m for m in unused if m.startswith("levels listed in the page's contents")]
    assert listed == (
        [
            "levels listed in the page's contents but not found on the page: "
            + ", ".join(repr(n) for n in missing)
        ]
        if missing
        else []
    )
    # Grades are never part of a level's description.
    for lv in fw.levels:
        assert "job grade" not in (lv.description or "")
        assert not any(g in (lv.description or "") for g in lv.grades)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_with_the_current_sites_banner_gives_the_same_records(page: Path) -> None:
    """Text copied from the site today starts with its header and banner; HTML has them
    before the content. Either way the records are the page's, and the banner is reported."""
    text = page.read_text(encoding="utf-8")
    if page.suffix == ".html":
        text = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + BANNER_HTML, text, count=1)
    else:
        text = BANNER_TEXT + text
    report = ImportReport()
    fw = parse_page(text, report, label=page.name)
    assert records(fw) == wanted(expected(page))
    ignored = [e.message for e in report.entries if e.category == "ignored"]
    assert any("Complete our 3 minute feedback survey" in m for m in ignored)


def test_a_copied_pages_footer_is_skipped_and_reported() -> None:
    page = CORPUS / "site-2025-delivery-manager.txt"
    whole = page.read_text(encoding="utf-8").rsplit("\n", 2)[0]  # up to the cut skill name
    footer = "\nIs this page useful?\nYes\nNo\nReport a problem with this page\n"
    report = ImportReport()
    fw = parse_page(BANNER_TEXT + whole + footer, report, label="copied.txt")
    (footer_entry,) = [e for e in report.entries if "page footer" in e.message]
    assert footer_entry.message == (
        "the page footer, not part of the role page: 'Is this page useful?'"
    )
    assert len(footer_entry.lines) == 4
    # With its footer the page is whole: no row is cut, the two skills are read.
    assert {q.skill for q in fw.requirements} == {
        "Agile and Lean practices",
        "Commercial management",
    }
    assert not any("cut" in e.message for e in report.entries)


MOST_OFTEN = "This role level is most often performed at the Civil Service job grade of:"
GRADE_WORDINGS = [
    MOST_OFTEN,
    "This role level is often performed at the Civil Service job grade of:",
    "This role level is often performed at the Civil Service job grades:",
    "This role level is usually performed at the Civil Service job grade of:",
    "Civil Service job grades:",
    "Grades:",
    # The link breaks the sentence over lines when copied from a browser.
    "This role level is often performed at the\nCivil Service job grade\nof:",
]


@pytest.mark.parametrize("wording", GRADE_WORDINGS)
@pytest.mark.parametrize("form", ["text", "html", "text without bullets"])
def test_grades_in_every_wording_never_in_the_description(wording: str, form: str) -> None:
    from helpers import minipages as mp

    if form == "html":
        linked = wording.replace("\n", " ").replace(
            "Civil Service job grade",
            "<a class='govuk-link' href='/job-grades'>Civil Service job grade</a>",
        )
        page = re.sub(
            r"This role level is most often performed at the\s*<a[^>]*>Civil Service job grade</a>\s*of:",
            lambda _: linked,
            mp.role_page_html(),
        )
        assert linked in page
    else:
        page = mp.role_page_text().replace(MOST_OFTEN, wording)
        if form == "text without bullets":
            page = page.replace("  • HEO", "HEO").replace("  • SEO", "SEO").replace("  • EO", "EO")
    fw = parse_page(page, ImportReport(), label="page")
    got = {lv.name: (lv.grades, lv.description) for lv in fw.levels}
    plain = mp.role_page_html() if form == "html" else mp.role_page_text()
    usual = {lv.name: lv.description for lv in parse_page(plain, ImportReport(), label="p").levels}
    assert got == {name: (tuple(mp.GRADES[name]), usual[name]) for name in mp.LEVELS}
    assert not any("grade" in (d or "").lower() for d in usual.values())


def test_cli_builds_from_text_copied_from_the_site_today(runner: Any, tmp_path: Path) -> None:
    """`build --page` with the site's text as a person copies it: banner and header first."""
    from rolegraph.cli import cli

    page = tmp_path / "delivery-manager.txt"
    page.write_text(BANNER_TEXT + (CORPUS / "site-2025-delivery-manager.txt").read_text())
    out, report = tmp_path / "g.ttl", tmp_path / "report.json"
    args = ["build", "--page", str(page), "-o", str(out), "--report", str(report)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "1 role, 1 role level" in result.stderr
    entries = json.loads(report.read_text())["entries"]
    ignored = [e for e in entries if e["category"] == "ignored"]
    assert [(e["message"], e["lines"]) for e in ignored][:2] == [
        (
            "before the role's title (a banner, site header, cookie notice or breadcrumbs), "
            "not part of the role page: 'Skip to main content'",
            [1],
        ),
        (
            "before the role's title (a banner, site header, cookie notice or breadcrumbs), "
            "not part of the role page: 'Government Digital and Data Profession Capability "
            "Framework'",
            [2],
        ),
    ]
    assert "Agile and Lean practices" in out.read_text()
