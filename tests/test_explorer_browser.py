"""The explorer's selection in real headless Chromium: a click lists the node's neighbours
with the tiers the CSV export gives, two roles are compared skill by skill, the state
lives in the URL fragment, nothing is hidden under the panel, the search says what it
finds, axe-core finds no serious violation, it works by keyboard, and when served each
node links to its page. What the pages should show is read from the export with the csv
module (tests/helpers/vizfacts.py), never from rolegraph."""

from __future__ import annotations

import os
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import EXPLORER_VIEWS
from helpers.axerun import serious_violations
from helpers.servers import serving
from helpers.vizfacts import Facts, from_csv
from rolegraph.explorer.page import build_explorer, write_html
from rolegraph.model.vocab import TIERS, slugify

pytestmark = pytest.mark.browser

ROLE = "Data scientist"
OTHER = "Machine learning engineer"
LEVEL = "Lead data scientist"
SKILL = "Data science innovation"
VIEWS = EXPLORER_VIEWS
Opener = Callable[..., Any]


def rid(name: str) -> str:
    return "role/" + slugify(name)


def tier(rank: int | None) -> str:
    return TIERS[rank - 1] if rank else "no tier given"


def highest(facts: Facts, role: str) -> dict[str, int | None]:
    """Each skill of ``role`` -> the highest tier any of its levels needs (None: none given)."""
    out: dict[str, int | None] = {}
    for (r, _), needs in facts.levels.items():
        if r == role:
            for s, t in needs.items():
                best = out.get(s)
                out[s] = t if best is None or (t is not None and t > best) else best
    return out


@pytest.fixture(scope="module")
def facts(role_csv: Path, skill_csv: Path) -> Facts:
    return from_csv(role_csv, skill_csv)


@pytest.fixture(scope="module")
def pages(explorer_pages: dict[str, Path]) -> dict[str, Path]:
    """The four views of the whole framework (conftest: written once per session)."""
    return explorer_pages


@pytest.fixture
def open_page(browser: Any) -> Iterator[Opener]:
    """Open a URL at a viewport size; the page must draw with no console error and no
    request but file: and data: (and the server's own, when served)."""
    contexts: list[Any] = []

    def load(url: str, width: int = 1280, height: int = 720, own: str = "") -> Any:
        context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        blocked: list[str] = []

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(("file:", "data:")) or (own and url.startswith(own)):
                r.continue_()
            else:
                blocked.append(url)
                r.abort()

        context.route("**/*", route)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        page.wait_for_selector("html[data-ready='true']", state="attached", timeout=20_000)
        page.errors, page.blocked = errors, blocked
        return page

    yield load
    for context in contexts:
        context.close()


def click_node(page: Any, node: str, modifier: str | None = None) -> None:
    """A real mouse click at the node's place on the canvas."""
    x, y = page.evaluate(
        """(id) => {
            const r = window.rolegraph;
            const p = r.network.canvasToDOM(r.network.getPosition(id));
            const b = document.getElementById('rg-network').getBoundingClientRect();
            return [p.x + b.left, p.y + b.top];
        }""",
        node,
    )
    if modifier:
        page.keyboard.down(modifier)
    page.mouse.click(x, y)
    if modifier:
        page.keyboard.up(modifier)


def listed(page: Any, heading_start: str) -> dict[str, str]:
    """A list in the details panel, by the start of its heading: name -> note."""
    return dict(
        page.evaluate(
            """(start) => {
                const g = Array.from(document.querySelectorAll('#rg-details .rg-group'))
                    .find(x => x.querySelector('h3').textContent.startsWith(start));
                return g ? Array.from(g.querySelectorAll('li'), li =>
                    [li.firstChild.textContent, li.querySelector('.rg-tier')?.textContent || ''])
                    : [];
            }""",
            heading_start,
        )
    )


def in_sight(page: Any, selector: str) -> bool:
    """The element is drawn inside the window and inside the panel's shown area."""
    return bool(
        page.evaluate(
            """(sel) => {
                const e = document.querySelector(sel).getBoundingClientRect();
                const p = document.getElementById('rg-panel').getBoundingClientRect();
                return e.height > 0 && e.top >= p.top && e.bottom <= Math.min(p.bottom, innerHeight)
                    && e.left >= p.left && e.right <= p.right;
            }""",
            selector,
        )
    )


@pytest.mark.framework
@pytest.mark.parametrize("size", [(1280, 720), (1400, 900)])
def test_a_click_lists_a_roles_skills_with_tiers_in_sight(
    size: tuple[int, int], pages: dict[str, Path], facts: Facts, open_page: Opener
) -> None:
    page = open_page(pages["framework"].as_uri(), *size)
    click_node(page, rid(ROLE))
    details = page.locator("#rg-details")
    assert details.is_visible()
    # The name once, as the heading; the skills listed with their tiers, not counted.
    assert page.text_content("#rg-details h2") == ROLE
    text = details.inner_text()
    assert page.locator("#rg-details h2").count() == 1
    assert page.inner_text("#rg-details .rg-facts").splitlines()[0] != ROLE
    assert text.count(ROLE) == 1 + text.count(f"{ROLE},")  # a level of the same name
    assert "Uses 8 skills" not in text
    want = {s: tier(t) for s, t in highest(facts, ROLE).items()}
    assert len(want) == 8
    assert listed(page, "Skills") == want
    # Highlighted: the role, its family and its skills; the rest dimmed.
    highlighted = set(page.evaluate("() => window.rolegraph.highlighted"))
    skill_ids = {"skill/" + slugify(s) for s in want}
    assert highlighted == {rid(ROLE), "family/data"} | skill_ids
    dimmed = page.evaluate(
        "() => window.rolegraph.nodes.get().filter(n => n.opacity < 1).map(n => n.id)"
    )
    assert set(dimmed) == set(page.evaluate("() => window.rolegraph.visible().nodes")) - (
        highlighted
    )
    # At 1280x720 (and 1400x900) the heading and the whole skills list are in sight.
    assert in_sight(page, "#rg-details h2")
    assert in_sight(page, "#rg-details .rg-group li:last-child")
    assert page.evaluate("() => document.getElementById('rg-panel').scrollTop") == 0
    assert page.errors == [] and page.blocked == []


@pytest.mark.framework
def test_a_click_on_a_skill_lists_its_roles_with_tiers(
    pages: dict[str, Path], facts: Facts, open_page: Opener
) -> None:
    page = open_page(pages["framework"].as_uri())
    click_node(page, "skill/" + slugify(SKILL))
    want = {r: tier(highest(facts, r)[SKILL]) for r in facts.tiers if SKILL in facts.tiers[r]}
    assert want and listed(page, "Linked roles") == want
    assert in_sight(page, "#rg-details h2")
    # A listed role is a button: it selects that role.
    page.click(f"#rg-details button[data-node='{rid(ROLE)}']")
    assert page.text_content("#rg-details h2") == ROLE


@pytest.mark.framework
def test_a_level_lists_the_tiers_it_needs(
    pages: dict[str, Path], facts: Facts, open_page: Opener
) -> None:
    page = open_page(pages["role"].as_uri())
    level = "level/" + slugify(ROLE) + "--" + slugify(LEVEL)
    assert page.evaluate("(id) => window.rolegraph.nodes.get(id) !== null", level)
    click_node(page, level)
    assert page.text_content("#rg-details h2") == LEVEL
    assert listed(page, "Skills") == {s: tier(t) for s, t in facts.levels[(ROLE, LEVEL)].items()}
    assert listed(page, "Linked role levels") == {
        "Data scientist": "previous level",
        "Principal data scientist": "next level",
    }
    # Two levels compared: what the step up changes, skill by skill.
    up = "Principal data scientist"
    click_node(page, level.replace(slugify(LEVEL), slugify(up)), "Control")
    assert page.text_content("#rg-details h2") == f"Compare {LEVEL} and {up}"
    a, b = facts.levels[(ROLE, LEVEL)], facts.levels[(ROLE, up)]
    rows = page.eval_on_selector_all(
        "#rg-details table tbody tr",
        "trs => trs.map(tr => Array.from(tr.children, c => c.textContent))",
    )
    assert rows == [[s, tier(a[s]), tier(b[s])] for s in sorted(set(a) & set(b), key=str.lower)]
    assert listed(page, f"Only {up}") == {s: tier(t) for s, t in b.items() if s not in a}


@pytest.mark.framework
def test_a_tier_shows_what_it_means_and_who_needs_it(
    pages: dict[str, Path], facts: Facts, skill_csv: Path, open_page: Opener
) -> None:
    import csv

    with skill_csv.open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Skill Name"].strip() == SKILL)
    page = open_page(pages["skill"].as_uri())
    click_node(page, "tier/expert")
    assert page.text_content("#rg-details h2") == "Expert"
    # The "You can: ..." descriptor stays in the details (only lists are replaced).
    text = page.inner_text("#rg-details .rg-facts")
    assert row["Expert"].splitlines()[:2] == text.splitlines()[1:3]
    want = {lv: "expert" for (_, lv), needs in facts.levels.items() if needs.get(SKILL) == 4}
    assert want and listed(page, "Linked role levels") == want


@pytest.mark.framework
def test_two_roles_are_compared_by_ctrl_click_and_by_keyboard(
    pages: dict[str, Path], facts: Facts, open_page: Opener
) -> None:
    a, b = highest(facts, ROLE), highest(facts, OTHER)
    shared = sorted(set(a) & set(b), key=str.lower)
    assert shared  # the pair the overlap view links
    rows = [[s, tier(a[s]), tier(b[s])] for s in shared]
    only_a = {s: tier(t) for s, t in a.items() if s not in b}
    only_b = {s: tier(t) for s, t in b.items() if s not in a}

    def check(page: Any) -> None:
        assert page.text_content("#rg-details h2") == f"Compare {ROLE} and {OTHER}"
        got = page.eval_on_selector_all(
            "#rg-details table tbody tr",
            "trs => trs.map(tr => Array.from(tr.children, c => c.textContent))",
        )
        assert got == rows
        assert page.eval_on_selector_all(
            "#rg-details thead th", "ths => ths.map(t => t.textContent)"
        ) == ["Skill", ROLE, OTHER]
        assert listed(page, f"Only {ROLE}") == only_a
        assert listed(page, f"Only {OTHER}") == only_b
        assert page.evaluate("() => window.rolegraph.state.selected") == [rid(ROLE), rid(OTHER)]
        assert in_sight(page, "#rg-details table tbody tr:last-child")

    page = open_page(pages["overlap"].as_uri())
    click_node(page, rid(ROLE))
    click_node(page, rid(OTHER), "Control")
    check(page)
    assert page.errors == []
    target = os.environ.get("ROLEGRAPH_SCREENSHOTS")  # the README's picture of it
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.mouse.move(940, 90)
        page.mouse.move(945, 95)
        page.evaluate("() => document.activeElement.blur()")
        page.wait_for_selector("div.vis-tooltip", state="hidden")
        page.screenshot(path=str(Path(target) / "viz-compare.png"))

    # By keyboard: search, Enter, then "Compare with" by typing the other name.
    page = open_page(pages["overlap"].as_uri())
    page.focus("#rg-search")
    page.keyboard.type(ROLE)
    page.keyboard.press("Enter")
    assert page.text_content("#rg-details h2") == ROLE
    page.focus("#rg-compare-with")
    page.keyboard.type(OTHER)
    check(page)
    # Escape clears the selection; the dimmed nodes come back.
    page.keyboard.press("Escape")
    assert page.is_hidden("#rg-details")
    assert page.evaluate("() => window.rolegraph.nodes.get().every(n => n.opacity === 1)")


@pytest.mark.framework
def test_the_url_fragment_reopens_the_same_state(pages: dict[str, Path], open_page: Opener) -> None:
    url = pages["overlap"].as_uri()
    page = open_page(url)
    # Change everything a link keeps: the selection, the filters, the camera.
    click_node(page, rid(ROLE))
    click_node(page, rid(OTHER), "Control")
    page.select_option("#rg-min-tier", "2")
    page.fill("#rg-min-shared", "1")
    page.dispatch_event("#rg-min-shared", "input")
    page.uncheck("#rg-families input[value='User-centred design']")
    page.evaluate(
        "() => { const n = window.rolegraph.network; n.moveTo({position: {x: 40, y: -25}, "
        "scale: 1.7, animation: false}); n.emit('zoom', {}); }"
    )
    page.wait_for_function("() => location.hash.includes('zoom=')")
    fragment = page.evaluate("() => location.hash")
    params = urllib.parse.parse_qs(fragment[1:])
    assert params == {
        "view": ["overlap"],
        "select": [rid(ROLE), rid(OTHER)],
        "tier": ["2"],
        "shared": ["1"],
        "hide": ["User-centred design"],
        "zoom": ["1.7"],
        "at": ["40,-25"],
    }
    before = page.evaluate("() => window.rolegraph.visible()")
    details = page.inner_text("#rg-details")

    # A new window, opened from the link: the same state.
    again = open_page(url + fragment)
    assert again.evaluate("() => window.rolegraph.visible()") == before
    assert again.inner_text("#rg-details") == details
    assert again.input_value("#rg-min-tier") == "2"
    assert again.input_value("#rg-min-shared") == "1"
    assert not again.is_checked("#rg-families input[value='User-centred design']")
    assert again.is_checked("#rg-families input[value='Data']")
    assert again.evaluate("() => window.rolegraph.network.getScale()") == pytest.approx(1.7)
    at = again.evaluate("() => window.rolegraph.network.getViewPosition()")
    assert (at["x"], at["y"]) == (pytest.approx(40), pytest.approx(-25))
    assert set(again.evaluate("() => window.rolegraph.highlighted")) >= {rid(ROLE), rid(OTHER)}

    # A search is kept too; a link naming a node the page lacks says so.
    link = url + "#view=overlap&q=scientist&select=role/nobody"
    third = open_page(link)
    assert third.input_value("#rg-search") == "scientist"
    assert third.text_content("#rg-search-status") == "1 match, shown with their links"
    assert third.text_content("#rg-link-status") == "Not on this page: role/nobody."
    assert third.is_hidden("#rg-details")


def test_a_hostile_fragment_changes_nothing(bundled_page: Path, open_page: Opener) -> None:
    """Names the page lacks, inherited keys and values out of range: ignored, and said."""
    bad = "#select=constructor&select=__proto__&tier=9&shared=x&zoom=-1&at=1&hide=toString"
    page = open_page(bundled_page.as_uri() + bad)
    assert page.errors == []
    assert page.text_content("#rg-link-status") == "Not on this page: constructor, __proto__."
    assert page.evaluate("() => window.rolegraph.state.selected") == []
    assert page.input_value("#rg-min-tier") == "0"
    assert page.is_hidden("#rg-details")
    assert page.eval_on_selector_all("#rg-families input", "bs => bs.every(b => b.checked)")
    assert page.evaluate("() => window.rolegraph.state.camera") is None


@pytest.mark.framework
@pytest.mark.parametrize("view", list(VIEWS))
def test_nothing_is_hidden_under_the_panel_at_1024x640(
    view: str, pages: dict[str, Path], open_page: Opener
) -> None:
    page = open_page(pages[view].as_uri(), 1024, 640)
    outside = page.evaluate(
        """() => {
            const r = window.rolegraph;
            const c = document.getElementById('rg-network').getBoundingClientRect();
            const p = document.getElementById('rg-panel').getBoundingClientRect();
            const out = [];
            for (const id of r.visible().nodes) {
                const b = r.network.getBoundingBox(id);
                const tl = r.network.canvasToDOM({x: b.left, y: b.top});
                const br = r.network.canvasToDOM({x: b.right, y: b.bottom});
                if (tl.x < 0 || tl.y < 0 || br.x > c.width || br.y > c.height
                    || br.x + c.left > p.left) out.push(id);
            }
            return out;
        }"""
    )
    assert outside == []


@pytest.mark.framework
def test_search_says_what_it_finds(pages: dict[str, Path], open_page: Opener) -> None:
    said = {
        "framework": "Search families, roles and skills",
        "overlap": "Search roles",
        "role": "Search roles, role levels and skills",
        "skill": "Search role levels, skills and tiers",
    }
    names = {
        "family": "Data",
        "role": OTHER,
        "level": LEVEL,
        "skill": SKILL,
        "tier": "Expert",
    }
    for view, label in said.items():
        page = open_page(pages[view].as_uri())
        assert page.text_content("label[for='rg-search']") == label
        kinds = page.evaluate(
            "() => [...new Set(window.rolegraph.nodes.get().map(n => n.kind))].sort()"
        )
        for kind in kinds:
            # Each kind the label names is found by its name.
            page.fill("#rg-search", names[kind])
            page.keyboard.press("Enter")
            found = page.evaluate("() => window.rolegraph.state.selected")
            assert (
                found
                and page.evaluate("(id) => window.rolegraph.nodes.get(id).kind", found[0]) == kind
            ), (view, kind)
        page.fill("#rg-search", SKILL if view == "overlap" else "no such name")
        assert (page.text_content("#rg-search-status") or "").startswith("No visible node")


@pytest.mark.framework
@pytest.mark.parametrize("view", list(VIEWS))
def test_axe_finds_no_serious_violation(
    view: str, pages: dict[str, Path], open_page: Opener
) -> None:
    page = open_page(pages[view].as_uri())
    assert serious_violations(page) == []
    # With details open, and (where two roles are on the page) a comparison.
    first = {"framework": rid(ROLE), "overlap": rid(ROLE), "role": rid(ROLE)}.get(view)
    if first is None:
        first = "skill/" + slugify(SKILL)
    page.evaluate("(id) => window.rolegraph.select([id], {})", first)
    assert serious_violations(page) == []
    if view != "skill":
        page.evaluate("(ids) => window.rolegraph.select(ids, {})", [rid(ROLE), rid(OTHER)])
        assert page.text_content("#rg-details h2") == f"Compare {ROLE} and {OTHER}"
        assert serious_violations(page) == []


def test_axe_reports_what_it_finds(browser: Any) -> None:
    """The check above can fail: a field with no label is a critical violation."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<!DOCTYPE html><html lang='en'><title>t</title><main><input></main></html>")
    try:
        found = serious_violations(page)
    finally:
        context.close()
    assert [line.split(" ")[0] for line in found] == ["label"]


def test_every_control_is_reached_by_tab(bundled_page: Path, open_page: Opener) -> None:
    page = open_page(bundled_page.as_uri())
    page.evaluate("() => window.rolegraph.select(['role/machine-learning-engineer'], {})")
    reached = []
    page.focus("#rg-search")
    for _ in range(40):
        reached.append(
            page.evaluate("() => document.activeElement.id || document.activeElement.tagName")
        )
        page.keyboard.press("Tab")
    for control in ("rg-search", "rg-compare-with", "rg-min-tier", "rg-families-all"):
        assert control in reached
    # A listed skill, by keyboard: Tab to it, Enter selects it.
    page.focus("#rg-details button.rg-link")
    name = page.evaluate("() => document.activeElement.textContent")
    page.keyboard.press("Enter")
    assert page.text_content("#rg-details h2") == name


@pytest.fixture(scope="module")
def bundled_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from rolegraph.combine.framework import load_framework
    from rolegraph.graph.build import build_graph

    graph = build_graph(load_framework())
    folder = tmp_path_factory.mktemp("bundled-explore")
    return write_html(build_explorer(graph, "framework"), folder / "framework.html")


def test_the_file_links_nowhere_and_the_served_page_links_each_node_to_its_page(
    bundled_page: Path, open_page: Opener, tmp_path: Path
) -> None:
    page = open_page(bundled_page.as_uri())
    page.evaluate("() => window.rolegraph.select(['role/machine-learning-engineer'], {})")
    assert page.eval_on_selector_all("#rg-details a", "as => as.length") == 0

    with serving([], tmp_path) as base:
        # A node of every kind the served views draw links to a page that names it
        # (but the skill view's "no tier given", which is no resource).
        for view in ("role=Machine+learning+engineer", "skill=Systems+integration", ""):
            served = open_page(f"{base}/explorer?{view}", own=base)
            assert served.errors == [] and served.blocked == []
            nodes = served.evaluate(
                "() => window.rolegraph.nodes.get().map(n => [n.id, n.kind, n.label])"
            )
            tried: set[str] = set()
            for node, kind, label in nodes:
                if node == "tier/none":
                    served.evaluate("(id) => window.rolegraph.select([id], {})", node)
                    assert served.locator("#rg-details a").count() == 0
                    continue
                if kind in tried:
                    continue  # one of each kind: the pages are tested in test_serve
                tried.add(kind)
                served.evaluate("(id) => window.rolegraph.select([id], {})", node)
                href = served.get_attribute("#rg-details a.rg-page-link", "href")
                assert href == "/id/" + node
                with urllib.request.urlopen(base + href, timeout=10) as reply:
                    assert reply.status == 200
                    assert label in reply.read().decode()
            assert {kind for _, kind, _ in nodes} >= ({"role"} if not view else {"level"})
        # A click on the link opens the page.
        role = nodes[0][0]
        served.evaluate("(id) => window.rolegraph.select([id], {})", role)
        served.click("#rg-details a.rg-page-link")
        served.wait_for_load_state()
        assert served.url == base + "/id/" + role
