"""The pages of `rolegraph serve` are Jinja2 templates: data is escaped and never
evaluated in any of them, and their links work behind a reverse proxy's path prefix."""

from __future__ import annotations

import asyncio
import concurrent.futures
import html.parser
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import jinja2
import pytest

from conftest import free_port
from helpers.minicsv import ROLE_HEADER, role_rows, to_csv
from helpers.servers import running
from rolegraph.combine.framework import load_framework
from rolegraph.graph.build import build_graph
from rolegraph.graph.store import RoleGraph
from rolegraph.serve import pages
from rolegraph.serve.pages import MAX_ROWS, Answer, Cell
from rolegraph.serve.server import create_app

#: markup and a Jinja expression, in every value a page shows
MARK = "<img src=x onerror=alert(1)> {{7*7}}"
SHOWN = "&lt;img src=x onerror=alert(1)&gt; {{7*7}}"
PREFIX = "/rolegraph"


def template_names() -> set[str]:
    folder = resources.files("rolegraph.serve") / "templates"
    return {p.name for p in folder.iterdir() if p.name.endswith(".html")}


#: a link whose text and target are the marker
link = Cell(MARK, "/id/" + MARK)
#: a text of the framework: a paragraph and a list
TEXT = [("p", MARK), ("ul", [MARK, MARK])]


def people_contexts() -> dict[str, dict[str, Any]]:
    """The contexts of the pages for people and of the tools (:mod:`rolegraph.serve.people`,
    :mod:`.tools`, :mod:`.assess`)."""
    choices = [(MARK, [MARK])]
    gap_row = {
        "status": "gap",
        "skill": link,
        "has": MARK,
        "needs": MARK,
        "steps": 1,
        "descriptor": TEXT,
    }
    return {
        "role.html": {
            "title": MARK,
            "iri": MARK,
            "family": link,
            "description": TEXT,
            "official": MARK,
            "tracks": [
                {"name": "main", "levels": [{"n": 1, "level": link, "grades": MARK, "skills": 3}]},
                {
                    "name": MARK,
                    "levels": [
                        {"n": 1, "level": link, "beside": MARK, "grades": MARK, "skills": 3}
                    ],
                },
            ],
            "count": 2,
            "derived": True,
            "steps": [
                {
                    "across": True,
                    "lower": MARK,
                    "higher": link,
                    "changes": [{"change": MARK, "skill": link, "before": MARK, "after": MARK}],
                    "unchanged": 2,
                    "gap": MARK,
                }
            ],
            "similar": [{"role": link, "family": MARK, "similarity": MARK, "shared": 1}],
            "similar_all": MARK,
            "explore": link,
        },
        "level.html": {
            "title": MARK,
            "iri": MARK,
            "role": link,
            "position": MARK,
            "grades": MARK,
            "description": TEXT,
            "previous": link,
            "beside": link,
            "next": link,
            "groups": [{"tier": MARK, "skills": [{"skill": link, "descriptor": TEXT}]}],
            "count": 1,
            "choices": choices,
            "explore": link,
        },
        "skill.html": {
            "title": MARK,
            "iri": MARK,
            "description": TEXT,
            "tiers": [
                {"tier": MARK, "state": "defined", "descriptor": TEXT},
                {"tier": MARK, "state": "undefined", "descriptor": []},
            ],
            "untiered": TEXT,
            "needed": [{"role": link, "level": link, "tier": MARK}],
            "roles": 1,
            "explore": link,
        },
        "family.html": {
            "title": MARK,
            "iri": MARK,
            "description": TEXT,
            "roles": [{"role": link, "levels": 1, "skills": 2}],
        },
        "gap.html": {
            "title": MARK,
            "source": MARK,
            "target": MARK,
            "choices": choices,
            "summary": MARK,
            "target_name": MARK,
            "steps": 1,
            "rows": [gap_row],
            "path": MARK,
            "json": MARK,
        },
        "path.html": {
            "title": MARK,
            "source": MARK,
            "target": MARK,
            "choices": choices,
            "found": True,
            "cost": 1,
            "moves": [
                {
                    "n": 1,
                    "kind": MARK,
                    "source": MARK,
                    "target": MARK,
                    "cost": 1,
                    "rows": [gap_row],
                    "gap": MARK,
                }
            ],
            "json": MARK,
        },
        "similar.html": {
            "title": MARK,
            "role": MARK,
            "choices": [MARK],
            "found": True,
            "rows": [
                {
                    "rank": 1,
                    "role": link,
                    "family": MARK,
                    "similarity": MARK,
                    "shared": 1,
                    "skills": 2,
                    "compare": MARK,
                }
            ],
            "json": MARK,
        },
        "compare.html": {
            "title": MARK,
            "a": MARK,
            "b": MARK,
            "choices": [MARK],
            "found": True,
            "names": (MARK, MARK),
            "similarity": MARK,
            "shared": [{"link": link, "a": MARK, "b": MARK}],
            "only": [{"name": MARK, "rows": [{"link": link, "tier": MARK}]}],
            "json": MARK,
        },
        "assess.html": {
            "title": MARK,
            "privacy": MARK,
            "role": MARK,
            "roles": [MARK],
            "skills": [{"field": MARK, "id": MARK, "name": MARK, "chosen": MARK}],
            "tiers": [MARK],
            "choices": choices,
            "target": MARK,
            "name": MARK,
            "top": MARK,
            "max_upload": MARK,
            "matches": [
                {
                    "rank": 1,
                    "level": link,
                    "role": MARK,
                    "similarity": MARK,
                    "coverage": MARK,
                    "steps": 1,
                }
            ],
            "gap": {"summary": MARK, "target": MARK, "rows": [gap_row]},
            "team": {
                "covered": 1,
                "skills": [
                    {
                        "status": MARK,
                        "skill": MARK,
                        "needs": MARK,
                        "best": MARK,
                        "short": 1,
                        "holders": [MARK],
                    }
                ],
            },
            "people": 2,
            "notes": [MARK],
        },
    }


def contexts() -> dict[str, dict[str, Any]]:
    """Each page template's context, every text in it the marker (a link's target too)."""
    cells: list[list[Cell | None]] = [
        [Cell(MARK, "/id/" + MARK), Cell(MARK), Cell(MARK + "\n" + MARK, pre=True), None]
    ]
    capped = Answer([MARK, MARK, MARK, MARK], cells * 2, MAX_ROWS + 1, MARK)
    field = {"name": MARK, "type": MARK, "description": MARK, "value": MARK, "options": [MARK]}
    return {
        "base.html": {"title": MARK, "body": MARK},
        "error.html": {"title": MARK, "message": MARK},
        "home.html": {
            "title": MARK,
            "release": MARK,
            "stats": [(MARK, MARK)],
            "families": [{"family": Cell(MARK, "/id/family/" + MARK), "roles": [link, Cell(MARK)]}],
        },
        **people_contexts(),
        "ontology.html": {
            "title": MARK,
            "terms": [{"id": MARK, "kind": MARK, "label": MARK, "definition": MARK}],
        },
        "resource.html": {
            "title": MARK,
            "iri": MARK,
            "explore": Cell(MARK, "/explorer?role=" + MARK),
            "properties": cells,
            "links": cells,
            "more": 7,
        },
        "queries.html": {
            "title": MARK,
            "queries": [{"name": MARK, "summary": MARK, "params": MARK}],
        },
        "saved_query.html": {
            "title": MARK,
            "description": MARK,
            "fields": [field],
            "problem": MARK,
            "answer": capped,
            "sparql": MARK,
        },
        "sparql.html": {"title": MARK, "query": MARK, "boolean": True, "answer": capped},
        "sparql_editor.html": {"title": MARK, "endpoint": MARK, "config": MARK, "query": MARK},
        "catalog.html": {
            "title": MARK,
            "dataset": MARK,
            "dataset_title": MARK,
            "licence": MARK,
            "publisher": MARK,
            "dates": [(MARK, MARK)],
            "downloads": [(MARK, MARK, MARK, 7)],
            "triples": 7,
            "classes": 7,
            "properties": 7,
        },
        "release.html": {
            "title": MARK,
            "iri": MARK,
            "name": MARK,
            "date": MARK,
            "triples": 7,
            "served": True,
            "sources": [MARK],
        },
        "shapes.html": {"title": MARK, "shapes": [(MARK, MARK, [(MARK, MARK), (MARK, None)])]},
    }


def test_every_template_escapes_its_values_and_evaluates_none_of_them() -> None:
    names = template_names()
    assert names - {"_macros.html"} == set(contexts())  # a new page template is tested here
    for name, context in contexts().items():
        page = pages.render(name, **context).decode()
        assert "<img" not in page and "49" not in page, name
        # Every value is shown, escaped; the frame's title is the page's.
        shown = page.count(SHOWN)
        texts = sum(1 for v in context.values() if not isinstance(v, int))  # bool is int
        assert shown >= texts + 1, (name, shown)
        assert f"<title>{SHOWN}</title>" in page and f"<h1>{SHOWN}</h1>" in page, name
    # The caps are visible markers.
    saved = pages.render("saved_query.html", **contexts()["saved_query.html"]).decode()
    assert '<strong class="cap">The first 5,000 of 5,001 rows are shown</strong>' in saved
    endpoint = pages.render("sparql.html", **contexts()["sparql.html"]).decode()
    assert 'colspan="4" class="cap">The first 5,000 rows are shown' in endpoint
    # Quotes are escaped as html.escape writes them, in text and in attributes.
    quoted = pages.render("error.html", title="t", message="'\"").decode()
    assert "<p>&#x27;&quot;</p>" in quoted
    # A value the template does not give is an error, not an empty string.
    with pytest.raises(jinja2.UndefinedError, match="'message' is undefined"):
        pages.render("error.html", title="t")


def test_the_templates_are_read_once() -> None:
    env = pages.environment()
    assert env is pages.environment() and env.auto_reload is False
    pages.render("error.html", title="t", message="m")
    assert env.get_template("error.html") is env.get_template("error.html")


def poisoned_graph(tmp: Path) -> RoleGraph:
    """The tiny framework with the marker after every text field."""
    rows = [
        [
            f"{c} {MARK}" if c and c != "NOT IN USE" and i not in (7, 9) else c
            for i, c in enumerate(r)
        ]
        for r in role_rows()
    ]
    roles = tmp / "role-content.csv"
    roles.write_text(to_csv(ROLE_HEADER, rows), encoding="utf-8")
    return build_graph(load_framework(roles=roles))


def test_served_pages_show_data_as_text(tmp_path: Path) -> None:
    """The real app over a graph whose every label is the marker, in-process."""
    app = create_app(poisoned_graph(tmp_path), max_queries=1)

    def fetch(paths: list[str]) -> dict[str, httpx.Response]:
        async def requests() -> dict[str, httpx.Response]:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
                return {p: await c.get(p, headers={"Accept": "text/html"}) for p in paths}

        # On a thread of its own: the session's browser may hold this thread's loop.
        with concurrent.futures.ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, requests()).result()

    level = urllib.parse.quote(f"Senior data analyst {MARK}")
    query = urllib.parse.quote(f'SELECT ?x WHERE {{ BIND("{MARK}" AS ?x) }}')
    try:
        home = fetch(["/"])["/"].text
        role = next(p for p in LinkParser.of(home) if p.startswith("/id/role/"))
        paths = [
            "/",
            role,
            f"/queries/level-skills?run=1&level={level}",
            f"/queries/level-skills?run=1&level={urllib.parse.quote(MARK)}",
            f"/sparql?query={query}",
            "/nothing/" + urllib.parse.quote(MARK),
        ]
        got = fetch(paths)
    finally:
        app.state.rolegraph.backend.close()
    assert [got[p].status_code for p in paths] == [200, 200, 200, 404, 200, 404]
    for path, response in got.items():
        assert response.headers["content-type"].startswith("text/html"), path
        assert "<img" not in response.text and SHOWN in response.text, path


class LinkParser(html.parser.HTMLParser):
    """Every href and action of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [v for k, v in attrs if k in ("href", "action") and v is not None]

    @classmethod
    def of(cls, page: str) -> list[str]:
        parser = cls()
        parser.feed(page)
        return parser.links


@pytest.fixture(scope="module")
def behind_a_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """uvicorn running the app factory as a deployment does, mounted at /rolegraph: a
    proxy forwards /rolegraph/x as /x, and the app is told its root path."""
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "--factory", "rolegraph.serve:create_app"]
    argv += ["--root-path", PREFIX, "--host", "127.0.0.1", "--port", str(port)]
    base = f"http://127.0.0.1:{port}"
    with running(argv, base + "/", cwd=tmp_path_factory.mktemp("proxy")):
        yield base


def get(url: str, method: str = "GET", host: str | None = None) -> tuple[int, str]:
    headers = {"Accept": "text/html", **({"Host": host} if host else {})}
    req = urllib.request.Request(url, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.server
def test_links_start_with_the_root_path_behind_a_proxy(behind_a_proxy: str) -> None:
    construct = urllib.parse.quote(
        "CONSTRUCT WHERE { ?s a <https://w3id.org/rolegraph/ontology#Role> }"
    )
    requests = [
        ("/", "GET", None, 200),
        ("/queries", "GET", None, 200),
        ("/queries/level-skills?run=1", "GET", None, 200),
        ("/sparql", "GET", None, 200),
        (f"/sparql?query={construct}", "GET", None, 200),
        ("/id/role/machine-learning-engineer", "GET", None, 200),
        ("/id/level/machine-learning-engineer--senior-machine-learning-engineer", "GET", None, 200),
        ("/ontology", "GET", None, 200),
        (
            "/id/level/machine-learning-engineer--senior-machine-learning-engineer?view=triples",
            "GET",
            None,
            200,
        ),
        ("/id/family/data", "GET", None, 200),
        ("/id/skill/systems-integration", "GET", None, 200),
        (
            "/gap?from=Senior+machine+learning+engineer&to=Lead+machine+learning+engineer",
            "GET",
            None,
            200,
        ),
        (
            "/path?from=Senior+machine+learning+engineer&to=Lead+machine+learning+engineer",
            "GET",
            None,
            200,
        ),
        ("/similar?role=Machine+learning+engineer", "GET", None, 200),
        ("/compare?a=Machine+learning+engineer&b=Data+scientist", "GET", None, 200),
        ("/assess", "GET", None, 200),
        ("/nothing/here", "GET", None, 404),
        ("/", "PUT", None, 403),
        ("/", "GET", "evil.example", 421),
    ]
    own: set[str] = set()
    for path, method, host, status in requests:
        got, page = get(behind_a_proxy + path, method, host)
        assert got == status, path
        links = LinkParser.of(page)
        for link in links:
            if link.startswith(("https://", "http://")):
                continue
            if link.startswith(("?", "#", "data:")):  # the page in another format, a part of it
                continue
            assert link.startswith(PREFIX + "/"), (path, link)
            own.add(link)
    assert {f"{PREFIX}/{p}" for p in ("", "queries", "sparql", "explorer", "ontology")} <= own
    assert f"{PREFIX}/queries/level-skills" in own
    assert f"{PREFIX}/explorer?role=Machine+learning+engineer" in own
    assert f"{PREFIX}/ontology/shapes.ttl" in own
    assert sum(link.startswith(f"{PREFIX}/id/") for link in own) >= 20
    # Each of them, forwarded by the proxy without its prefix, is there.
    for link in sorted(own):
        status, _ = get(behind_a_proxy + link.removeprefix(PREFIX))
        assert status == 200, link


@pytest.mark.server
def test_the_explorer_links_nodes_under_the_root_path(behind_a_proxy: str) -> None:
    """The served explorer's link base is the service's /id/ under its root path."""
    import json
    import re

    status, page = get(behind_a_proxy + "/explorer")
    assert status == 200
    data = re.search(r'<script type="application/json" id="rg-data">(.*?)</script>', page, re.S)
    assert data is not None
    assert json.loads(data.group(1))["linkBase"] == PREFIX + "/id/"
