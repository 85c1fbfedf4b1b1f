"""The explorer in real headless Chromium (/usr/bin/chromium, driven by Playwright).

Each page must draw with no console error and no request other than file: and data:,
hold the nodes and edges the sources say it should (counted from the CSV export with
the csv module), keep labels apart, react to search and filters, and show markup in
the data as text without running it.

Screenshots for the README: ``ROLEGRAPH_SCREENSHOTS=docs scripts/check -k browser``
writes docs/viz-<view>.png.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conftest import EXPLORER_VIEWS
from helpers.vizfacts import EVIL_FAMILY, EVIL_ROLE, EVIL_SKILL, Facts, evil_framework, from_csv
from rolegraph.explorer.page import build_explorer, write_html
from rolegraph.graph.build import build_graph

pytestmark = pytest.mark.browser

ROLE = "Data scientist"
SKILL = "Data science innovation"
VIEWS = EXPLORER_VIEWS


@dataclass
class Loaded:
    page: Any
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def js(self, code: str, arg: Any = None) -> Any:
        return self.page.evaluate(code, arg)

    def counts(self) -> tuple[int, int]:
        n, e = self.js("() => [window.rolegraph.nodes.length, window.rolegraph.edges.length]")
        return int(n), int(e)

    def visible(self) -> tuple[set[str], set[str]]:
        v = self.js("() => window.rolegraph.visible()")
        return set(v["nodes"]), set(v["edges"])

    def items(self, which: str) -> dict[str, dict[str, Any]]:
        rows = self.js(
            "(which) => window.rolegraph[which].get().map(x => "
            "({id: x.id, label: x.label, kind: x.kind, from: x.from, to: x.to, "
            "tier: x.tier, family: x.family, shared: x.shared}))",
            which,
        )
        return {r["id"]: r for r in rows}


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[[Path], Loaded]]:
    """Open a page in a fresh context that refuses (and records) every request that is
    not file: or data:, and records console errors and uncaught exceptions."""
    contexts: list[Any] = []

    def load(path: Path) -> Loaded:
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        loaded = Loaded(page)

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(("file:", "data:")):
                r.continue_()
            else:
                loaded.blocked.append(url)
                r.abort()

        context.route("**/*", route)
        page.on("request", lambda req: loaded.requests.append(req.url))
        page.on("console", lambda m: loaded.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: loaded.errors.append(str(exc)))
        page.goto(path.as_uri())
        page.wait_for_selector("html[data-ready='true']", state="attached", timeout=20_000)
        return loaded

    yield load
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def facts(role_csv: Path, skill_csv: Path) -> Facts:
    return from_csv(role_csv, skill_csv)


@pytest.fixture(scope="module")
def pages(explorer_pages: dict[str, Path]) -> dict[str, Path]:
    """The four views of the whole framework (conftest: written once per session)."""
    return explorer_pages


def expected_counts(view: str, facts: Facts) -> tuple[int, int]:
    """Nodes and edges of each view, from the CSV export alone."""
    if view == "framework":
        families = set(facts.family.values())
        return (
            len(families) + len(facts.family) + len(facts.skills),
            len(facts.family) + sum(len(t) for t in facts.tiers.values()),
        )
    if view == "overlap":
        return len(facts.family), len(facts.pairs())
    if view == "role":
        levels = [lv for (r, lv) in facts.levels if r == ROLE]
        related = [o for o in facts.tiers if o != ROLE and facts.uses(o) & facts.uses(ROLE)]
        nodes = 1 + len(levels) + len(facts.uses(ROLE)) + len(related)
        edges = (
            len(levels)
            + sum(len(facts.levels[(ROLE, lv)]) for lv in levels)
            + sum(len(facts.uses(o) & facts.uses(ROLE)) for o in related)
        )
        return nodes, edges
    needing = {k: n[SKILL] for k, n in facts.levels.items() if SKILL in n}
    tiers = {t for t in needing.values() if t} | facts.described_tiers[SKILL]
    return 1 + len(tiers) + len(needing), len(tiers) + len(needing)


def overlapping_labels(loaded: Loaded) -> list[tuple[str, str]]:
    """Pairs of visible nodes whose drawn boxes (node and label) intersect."""
    result: list[list[str]] = loaded.js(
        """() => {
            const r = window.rolegraph;
            const ids = r.visible().nodes;
            const boxes = ids.map(id => [id, r.network.getBoundingBox(id)]);
            const out = [];
            for (let i = 0; i < boxes.length; i++) {
                for (let j = i + 1; j < boxes.length; j++) {
                    const a = boxes[i][1], b = boxes[j][1];
                    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
                        out.push([boxes[i][0], boxes[j][0]]);
                    }
                }
            }
            return out;
        }"""
    )
    return [(a, b) for a, b in result]


def ink(loaded: Loaded) -> float:
    """The share of the network canvas that is not background: something was drawn."""
    return float(
        loaded.js(
            """() => {
                const c = document.querySelector('#rg-network canvas');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let inked = 0;
                for (let i = 0; i < d.length; i += 4) {
                    if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) inked++;
                }
                return inked / (d.length / 4);
            }"""
        )
    )


def assert_offline_and_clean(loaded: Loaded) -> None:
    assert loaded.errors == []
    assert loaded.blocked == []
    assert loaded.requests and all(u.startswith(("file:", "data:")) for u in loaded.requests)


@pytest.mark.framework
@pytest.mark.parametrize("view", list(VIEWS))
def test_each_view_draws_offline_with_the_expected_network(
    view: str,
    pages: dict[str, Path],
    facts: Facts,
    open_page: Callable[[Path], Loaded],
    tmp_path: Path,
) -> None:
    loaded = open_page(pages[view])
    assert_offline_and_clean(loaded)
    assert loaded.counts() == expected_counts(view, facts)
    # Labels are drawn in the embedded font, the one the layout measured them in.
    assert loaded.js("() => document.fonts.check('16px RolegraphSans')") is True
    assert ink(loaded) > 0.01
    assert overlapping_labels(loaded) == []
    shot = tmp_path / f"viz-{view}.png"
    loaded.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    target = os.environ.get("ROLEGRAPH_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        (Path(target) / shot.name).write_bytes(shot.read_bytes())


@pytest.mark.framework
def test_search_and_filters_change_what_is_visible(
    pages: dict[str, Path], facts: Facts, open_page: Callable[[Path], Loaded]
) -> None:
    loaded = open_page(pages["overlap"])
    page = loaded.page
    nodes = loaded.items("nodes")
    edges = loaded.items("edges")
    label = {i: n["label"] for i, n in nodes.items()}
    default = int(loaded.js("() => window.rolegraph.state.minShared"))
    strong = facts.pairs(default)

    def pair(edge_id: str) -> frozenset[str]:
        return frozenset((label[edges[edge_id]["from"]], label[edges[edge_id]["to"]]))

    shown_nodes, shown_edges = loaded.visible()
    assert len(shown_nodes) == len(facts.family)
    assert {pair(e) for e in shown_edges} == strong and len(strong) < len(facts.pairs())

    # Search: the matches and their neighbours along visible links.
    page.fill("#rg-search", "scientist")
    shown_nodes, shown_edges = loaded.visible()
    neighbours = {next(iter(p - {ROLE})) for p in strong if ROLE in p}
    assert {label[n] for n in shown_nodes} == {ROLE} | neighbours
    assert {pair(e) for e in shown_edges} == {p for p in strong if ROLE in p}
    assert page.text_content("#rg-search-status") == "1 match, shown with their links"
    page.fill("#rg-search", "")
    assert len(loaded.visible()[0]) == len(facts.family)

    # A family unticked: its roles and their links go.
    page.uncheck("#rg-families input[value='Data']")
    shown_nodes, shown_edges = loaded.visible()
    data_roles = {r for r, f in facts.family.items() if f == "Data"}
    assert {label[n] for n in shown_nodes} == set(facts.family) - data_roles
    assert {pair(e) for e in shown_edges} == {p for p in strong if not p & data_roles}
    page.check("#rg-families input[value='Data']")

    # A minimum tier: only skills both roles need at expert count.
    page.select_option("#rg-min-tier", "4")
    assert {pair(e) for e in loaded.visible()[1]} == facts.pairs(default, tier=4)
    page.select_option("#rg-min-tier", "0")

    # The weak links, shown on request.
    page.click("#rg-show-weak")
    assert {pair(e) for e in loaded.visible()[1]} == facts.pairs()
    assert page.text_content("#rg-counts") == (
        f"Showing {len(facts.family)} of {len(facts.family)} nodes and "
        f"{len(facts.pairs())} of {len(facts.pairs())} links."
    )
    assert loaded.errors == [] and loaded.blocked == []


@pytest.mark.framework
def test_minimum_tier_in_the_framework_view(
    pages: dict[str, Path], facts: Facts, open_page: Callable[[Path], Loaded]
) -> None:
    loaded = open_page(pages["framework"])
    nodes, edges = loaded.items("nodes"), loaded.items("edges")
    loaded.page.select_option("#rg-min-tier", "4")
    shown_nodes, shown_edges = loaded.visible()
    expert = {(r, s) for r, tiers in facts.tiers.items() for s, t in tiers.items() if t == 4}
    got = {
        (nodes[edges[e]["from"]]["label"], nodes[edges[e]["to"]]["label"])
        for e in shown_edges
        if edges[e]["kind"] == "needs"
    }
    assert got == expert
    assert {nodes[n]["label"] for n in shown_nodes if nodes[n]["kind"] == "skill"} == {
        s for _, s in expert
    }
    # Families and roles stay, to keep one's bearings.
    assert sum(1 for n in shown_nodes if nodes[n]["kind"] == "role") == len(facts.family)


@pytest.mark.framework
def test_left_out_nodes_are_listed_on_the_page(
    full_build: Any, open_page: Callable[[Path], Loaded], tmp_path: Path
) -> None:
    explorer = build_explorer(full_build[2], "framework", max_nodes=60)
    loaded = open_page(write_html(explorer, tmp_path / "capped.html"))
    assert_offline_and_clean(loaded)
    assert loaded.counts()[0] == 60
    page = loaded.page
    assert page.is_visible("#rg-note")
    assert (page.text_content("#rg-note") or "").startswith(
        f"This explorer does not show everything. Showing 60 of {explorer.total_nodes} nodes"
    )
    items = page.eval_on_selector_all("#rg-note li", "els => els.map(e => e.textContent)")
    assert items == [f"{label} ({kind})" for kind, label in explorer.dropped_nodes]
    assert len(items) == explorer.total_nodes - 60


def test_markup_in_the_data_shows_as_text_and_never_runs(
    open_page: Callable[[Path], Loaded], tmp_path: Path
) -> None:
    graph = build_graph(evil_framework())
    views: list[tuple[str, dict[str, Any]]] = [
        ("framework", {}),
        ("overlap", {}),
        ("role", {"role": EVIL_ROLE}),
        ("skill", {"skill": EVIL_SKILL}),
        ("framework", {"max_nodes": 3}),
    ]
    for k, (view, kw) in enumerate(views):
        explorer = build_explorer(graph, view, **kw)
        loaded = open_page(write_html(explorer, tmp_path / f"{k}.html"))
        page = loaded.page
        assert_offline_and_clean(loaded)
        assert loaded.js("() => typeof window.__xss") == "undefined"
        assert loaded.js("() => document.querySelectorAll('img, iframe, script[src]').length") == 0
        assert loaded.js("() => document.querySelectorAll('[onerror], [onload]').length") == 0
        assert page.title() == explorer.title
        assert page.text_content("#rg-title") == explorer.title
        data_labels = loaded.js(
            "() => Array.from(document.querySelectorAll('#rg-labels option'), o => o.value)"
        )
        assert sorted(data_labels) == sorted({n["label"] for n in explorer.nodes})
        if "max_nodes" in kw:
            note = page.text_content("#rg-note") or ""
            assert any(label in note for _, label in explorer.dropped_nodes)
            continue
        families = page.text_content("#rg-families") or ""
        if view != "skill":
            assert EVIL_FAMILY in families
        # Hover over the node with the markup-laden name: its tooltip is plain text.
        target = next(
            n
            for n in explorer.nodes
            if n["label"] in (EVIL_ROLE, EVIL_SKILL, "Senior " + EVIL_ROLE)
        )
        x, y = loaded.js(
            """(id) => {
                const r = window.rolegraph;
                const p = r.network.canvasToDOM(r.network.getPosition(id));
                const b = document.getElementById('rg-network').getBoundingClientRect();
                return [p.x + b.left, p.y + b.top];
            }""",
            target["id"],
        )
        page.mouse.move(x, y)
        page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
        tip = loaded.js(
            "() => { const t = document.querySelector('div.vis-tooltip');"
            " return [t.innerText, t.querySelectorAll('*:not(br)').length]; }"
        )
        assert tip[0].splitlines() == target["title"].splitlines()
        assert tip[1] == 0
        assert loaded.js("() => typeof window.__xss") == "undefined"
        assert loaded.errors == []
