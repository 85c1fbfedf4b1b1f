"""Defects found by testing the merged ``rolegraph serve`` that show in a browser: the
SPARQL editor (YASGUI) and the pages in headless Chromium, against a real server."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from helpers.servers import get, serving

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``rolegraph serve`` over the bundled graph, written to a file."""
    folder = tmp_path_factory.mktemp("fixes-b")
    graph = folder / "g.ttl"
    subprocess.run(
        [sys.executable, "-m", "rolegraph", "export", "-o", str(graph)],
        check=True,
        capture_output=True,
    )
    with serving(["--graph", str(graph)], folder) as base:
        yield base


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        yield context.new_page()
    finally:
        context.close()


def csv_rows(server: str, name: str) -> int:
    status, _, body = get(f"{server}/queries/{name}?format=csv")
    assert status == 200, body
    return len(list(csv.reader(io.StringIO(body.decode("utf-8"))))) - 1


def unbound_rows(server: str, name: str) -> int:
    """The rows of the saved query's text run with its parameters left unbound."""
    from rolegraph.sparql.catalogue import load_catalogue, with_default_prefixes

    text = with_default_prefixes(load_catalogue()[name].sparql)
    status, _, body = get(
        server + "/sparql",
        accept="text/csv",
        data=urllib.parse.urlencode({"query": text}).encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert status == 200, body
    return len(list(csv.reader(io.StringIO(body.decode("utf-8"))))) - 1


@pytest.mark.parametrize("name", ["level-skills", "role-levels", "skill-ladder"])
def test_a_saved_query_example_runs_with_its_default_parameters(
    page: Any, server: str, name: str
) -> None:
    want = csv_rows(server, name)
    assert want > 0
    page.goto(server + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.get_by_role("button", name=name, exact=True).click()
    assert "VALUES (" in page.evaluate("rolegraphYasgui.getTab().getQuery()")
    page.click(".tabPanel.active .yasqe_queryButton")
    page.wait_for_selector(".tabPanel.active .yasr table tbody tr")
    info = page.inner_text(".tabPanel.active .yasr_response_chip")
    assert re.match(rf"{want} results?\b", info), (info, want)


def test_the_level_skills_example_unbound_would_answer_otherwise(server: str) -> None:
    """(So the browser test above can fail: unbound, the text answers every level.)"""
    assert unbound_rows(server, "level-skills") > csv_rows(server, "level-skills")


@pytest.mark.parametrize(
    "path",
    ["/", "/id/role/machine-learning-engineer", "/explorer", "/sparql", "/queries", "/gap"],
)
def test_a_page_load_asks_for_nothing_missing(page: Any, server: str, path: str) -> None:
    """No 404 (the favicon was one on every page) and no console error, in Chromium."""
    errors: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    assert (failed, errors) == ([], [])


def test_the_favicon_is_the_packaged_icon(server: str) -> None:
    from importlib import resources

    packaged = (resources.files("rolegraph.serve") / "static" / "favicon.ico").read_bytes()
    status, ctype, body = get(server + "/favicon.ico")
    assert (status, ctype, body) == (200, "image/x-icon", packaged)
    assert packaged[:4] == b"\x00\x00\x01\x00"  # an ICO file
