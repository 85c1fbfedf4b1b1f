"""The pages for people, the tools and the SPARQL editor of `rolegraph serve` in headless
Chromium, on the full official export: what a person sees agrees with the export and with
the CLI; the forms work from the keyboard; YASGUI runs a saved query with every request
going to 127.0.0.1; axe-core (tests/js) finds no serious or critical violation on any
page type."""

from __future__ import annotations

import csv
import re
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import IN_CI, ROOT
from helpers.people import DS, LDS, PROFILE, cli_json
from helpers.servers import serving

pytestmark = [pytest.mark.browser, pytest.mark.framework, pytest.mark.server]
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
LADDER = [
    "Trainee data scientist",
    "Associate data scientist",
    "Data scientist",
    "Lead data scientist",
    "Principal data scientist",
    "Head of data science",
]


@pytest.fixture(scope="module")
def server(full_graph_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(["--graph", str(full_graph_file)], tmp_path_factory.mktemp("people-b")) as base:
        yield base


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page of its own context (1280×800; CSP bypassed only where axe is injected)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def cells(page: Any, rows: str) -> list[list[str]]:
    """The text of each cell of the rows ``rows`` selects."""
    found: list[list[str]] = page.eval_on_selector_all(
        rows, "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
    )
    return found


def tab_to(page: Any, element_id: str, most: int = 400) -> None:
    """Press Tab until ``element_id`` has the focus (the form is reached by keyboard)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def pct(value: float) -> str:
    return f"{round(value * 100)}%"


# -- the done-when checks ---------------------------------------------------------------


def test_the_data_scientist_page_lists_its_six_levels_in_order(page: Any, server: str) -> None:
    page.goto(server + "/id/role/data-scientist")
    rows = cells(page, "#ladder tbody tr")
    assert [r[1] for r in rows] == LADDER
    assert [r[0] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    # Each step up says what it changes, and the family and the statements are a click away.
    assert page.locator("#steps ~ h3").count() == 5
    assert page.get_by_role("link", name="Data", exact=True).count() >= 1
    page.get_by_role("link", name="all statements").click()
    assert "view=triples" in page.url and page.locator("text=rg:usesSkill").count() >= 1


def test_the_lead_data_scientist_page_shows_each_skill_at_the_exports_tier(
    page: Any, server: str, role_csv: Path
) -> None:
    want = {}
    with role_csv.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if " ".join(row["Role"].split()) == DS and row["Role Level"].strip() == LDS:
                want[" ".join(row["Skill Name"].split())] = row["Skill Level"].strip().lower()
    page.goto(server + "/id/level/data-scientist--lead-data-scientist")
    shown = page.eval_on_selector_all(
        "dl.skills dt",
        "dts => dts.map(d => [d.querySelector('a').innerText, d.querySelector('.tag').innerText])",
    )
    assert want and dict(shown) == want and len(shown) == len(want)
    # Each skill's "You can: ..." descriptor is shown below it.
    assert page.locator("dl.skills dd", has_text="You can:").count() == len(want)


def test_the_gap_page_shows_the_skills_and_steps_of_rolegraph_gap(
    page: Any, server: str, full_graph_file: Path
) -> None:
    want = cli_json(full_graph_file, "gap", DS, LDS)
    page.goto(server + "/gap")
    tab_to(page, "from")
    page.select_option("#from", DS)
    tab_to(page, "to")
    page.select_option("#to", LDS)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("table.gap")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query) == {
        "from": [DS],
        "to": [LDS],
    }
    rows = cells(page, "table.gap tbody tr")
    assert rows == [
        [s["status"], s["skill"], s["has"] or "none", s["needs"] or "none", str(s["steps"])]
        for s in want["skills"]
    ]
    summary = page.inner_text("#summary")
    assert f"({want['steps']} tier steps)" in summary


def test_assess_filled_in_gives_the_ranking_of_rolegraph_assess(
    page: Any, server: str, full_graph_file: Path, tmp_path: Path
) -> None:
    profile = tmp_path / "me.yaml"
    profile.write_text("".join(f"{s}: {t}\n" for s, t in PROFILE.items()), encoding="utf-8")
    want = cli_json(full_graph_file, "assess", str(profile), "--target", LDS)
    page.goto(server + "/assess?" + urllib.parse.urlencode({"role": DS}))
    assert "Nothing you send is stored or logged" in page.inner_text("#privacy")
    for skill, tier in PROFILE.items():
        page.get_by_label(skill, exact=True).select_option(tier)
    page.select_option("#target", LDS)
    page.focus("#top")
    page.keyboard.press("Enter")  # submits the form, as Enter in a field does
    page.wait_for_selector("#matches")
    assert urllib.parse.urlsplit(page.url).query == ""  # the tiers went by POST
    rows = cells(page, "#matches tbody tr")
    assert rows == [
        [
            str(m["rank"]),
            m["level"],
            m["role"],
            pct(m["similarity"]),
            pct(m["coverage"]),
            str(m["missing_steps"]),
        ]
        for m in want["matches"]
    ]
    gap = cells(page, "#gap ~ table.gap tbody tr")
    assert [r[1] for r in gap] == [s["skill"] for s in want["gaps"][0]["skills"]]
    # The form comes back as it was filled in.
    assert page.get_by_label("Data engineering", exact=True).input_value() == "working"


def test_assess_takes_an_uploaded_profile_as_the_cli_does(
    page: Any, server: str, full_graph_file: Path, tmp_path: Path
) -> None:
    profile = tmp_path / "Sam.csv"
    profile.write_text(
        "skill,tier\n"
        + "".join(f"{s},{t}\n" for s, t in PROFILE.items()).replace(
            "Applied maths, statistics and scientific practices",
            '"Applied maths, statistics and scientific practices"',
        ),
        encoding="utf-8",
    )
    want = cli_json(full_graph_file, "assess", str(profile))
    page.goto(server + "/assess")
    page.set_input_files("#profile", str(profile))
    page.get_by_role("button", name="Assess").click()
    page.wait_for_selector("#matches")
    assert [r[1] for r in cells(page, "#matches tbody tr")] == [m["level"] for m in want["matches"]]


def test_yasgui_runs_a_saved_query_with_no_request_leaving_the_machine(
    page: Any, server: str, full_graph_file: Path
) -> None:
    from rolegraph.graph.open import open_graph
    from rolegraph.sparql.catalogue import load_catalogue, with_default_prefixes

    query = load_catalogue()["families"]
    expected = len(list(open_graph(full_graph_file).query(with_default_prefixes(query.sparql))))
    requests: list[str] = []

    def record(route: Any) -> None:
        requests.append(route.request.url)
        if urllib.parse.urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()

    page.context.route("**/*", record)
    page.goto(server + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    # The prefixes are filled in.
    text = page.evaluate("rolegraphYasgui.getTab().getQuery()")
    assert "PREFIX rg: <https://w3id.org/rolegraph/ontology#>" in text
    page.get_by_role("button", name="families", exact=True).click()
    assert page.evaluate("rolegraphYasgui.getTab().getQuery()") == with_default_prefixes(
        query.sparql
    )
    page.click(".tabPanel.active .yasqe_queryButton")
    page.wait_for_selector(".tabPanel.active .yasr table tbody tr")
    info = page.inner_text(".tabPanel.active .yasr_response_chip")
    assert re.match(rf"{expected} results?\b", info), info
    assert expected > 0 and requests
    assert all(urllib.parse.urlsplit(u).hostname == "127.0.0.1" for u in requests), requests
    assert any(u.endswith("/sparql") for u in requests[3:])  # the query went to this endpoint


# -- accessibility ----------------------------------------------------------------------


def axe_source() -> Path:
    if not AXE.exists():
        message = "axe-core is not installed (cd tests/js && npm ci)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return AXE


def serious(page: Any, axe: Path) -> list[Any]:
    """axe-core's serious and critical violations on the page as it is now."""
    page.add_script_tag(path=str(axe))
    found: list[Any] = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({id: v.id, impact: v.impact,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
    return found


def _submit_assess(page: Any) -> None:
    page.get_by_label("Data engineering", exact=True).select_option("working")
    page.select_option("#target", LDS)
    page.get_by_role("button", name="Assess").click()
    page.wait_for_selector("#matches")


def _load_yasgui(page: Any) -> None:
    """The editor loaded and its first query run (the results table checked too)."""
    page.wait_for_selector(".yasqe .CodeMirror")
    page.click(".tabPanel.active .yasqe_queryButton")
    page.wait_for_selector(".tabPanel.active .yasr table tbody tr")


def test_axe_finds_no_serious_violation_on_any_page_type(page: Any, server: str) -> None:
    axe = axe_source()
    q = urllib.parse.urlencode
    pages: dict[str, tuple[str, Callable[[Any], None] | None]] = {
        "home": ("/", None),
        "role": ("/id/role/data-scientist", None),
        "level": ("/id/level/data-scientist--lead-data-scientist", None),
        "skill": ("/id/skill/data-engineering", None),
        "family": ("/id/family/data", None),
        "statements": ("/id/role/data-scientist?view=triples", None),
        "gap": ("/gap?" + q({"from": DS, "to": LDS}), None),
        "path": ("/path?" + q({"from": LADDER[0], "to": LADDER[-1]}), None),
        "similar": ("/similar?" + q({"role": DS}), None),
        "compare": ("/compare?" + q({"a": DS, "b": "Machine learning engineer"}), None),
        "assess": ("/assess?" + q({"role": DS}), None),
        "assessed": ("/assess?" + q({"role": DS}), _submit_assess),
        "sparql": ("/sparql", _load_yasgui),
        "queries": ("/queries", None),
        "saved query": ("/queries/role-levels?" + q({"role": DS, "run": "1"}), None),
        "ontology": ("/ontology", None),
        "catalogue": ("/catalog", None),
        "shapes": ("/shapes", None),
        "sparql answer": ("/sparql?" + q({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"}), None),
        "not found": ("/id/role/nobody", None),
    }
    found = {}
    for name, (path, then) in pages.items():
        page.goto(server + path)
        if then is not None:
            then(page)
        violations = serious(page, axe)
        if violations:
            found[name] = violations
    assert found == {}
