"""Pages given as URLs, served by a real HTTP server on 127.0.0.1 started by the test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import free_port
from helpers import minipages as mp
from rolegraph.cli import cli
from rolegraph.combine.framework import load_framework
from rolegraph.errors import InputError, RemoteError
from rolegraph.model.report import ImportReport
from rolegraph.sources.fetch import fetch
from rolegraph.sources.pages import read_page

#: Released when the tests are over, so handlers that hang stop hanging.
RELEASE = threading.Event()

PAGES: dict[str, tuple[str, bytes]] = {
    "/role/data-analyst": ("text/html; charset=utf-8", mp.role_page_html().encode()),
    "/skills": ("text/html", mp.skills_page_html().encode()),
    "/data-analyst.txt": ("text/plain; charset=utf-8", mp.role_page_text().encode()),
    "/job-grades": (
        "text/html",
        b"<html><body><h1>Civil Service job grades</h1><p>AO</p></body></html>",
    ),
    "/logo.png": ("image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    "/latin1": (
        "text/html; charset=iso-8859-1",
        mp.role_page_html().replace("—", "-").encode("latin-1", "xmlcharrefreplace"),
    ),
}


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that time out break pipes; a traceback from this thread would land in a
        later test's captured stderr."""


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        if self.path == "/slow":
            RELEASE.wait(30)  # answers nothing until the test is over
            return
        if self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><body>")
            while not RELEASE.wait(0.02):  # a byte every 20 ms, for ever
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
            return
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/role/data-analyst")
            self.end_headers()
            return
        found = PAGES.get(self.path)
        if found is None:
            self.send_error(404, "Not Found")
            return
        content_type, body = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 at a free port; its base URL."""
    RELEASE.clear()
    server = _QuietServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        RELEASE.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_a_role_page_by_url_gives_the_same_records_as_the_file(site: str, tmp_path: Path) -> None:
    path = tmp_path / "data-analyst.html"
    path.write_text(mp.role_page_html(), encoding="utf-8")
    url = f"{site}/role/data-analyst"
    by_url = read_page(url, ImportReport(), timeout=10)
    by_file = read_page(path, ImportReport())
    assert by_url.levels == by_file.levels
    assert by_url.requirements == by_file.requirements
    assert by_url.shared == by_file.shared
    assert by_url.sources[0].key == url
    assert by_url.sources[0].url == url  # the address it was read from
    assert by_url.sources[0].location == url


def test_skills_page_text_page_redirect_and_declared_charset(site: str) -> None:
    skills = read_page(f"{site}/skills", ImportReport(), timeout=10)
    assert len(skills.skills) == 5 and skills.sources[0].kind == "skills-page"
    text = read_page(f"{site}/data-analyst.txt", ImportReport(), timeout=10)
    assert [lv.name for lv in text.levels] == list(mp.LEVELS)
    moved = read_page(f"{site}/redirect", ImportReport(), timeout=10)
    assert moved.sources[0].url == f"{site}/role/data-analyst"
    latin = read_page(f"{site}/latin1", ImportReport(), timeout=10)
    assert latin.requirements == moved.requirements


@pytest.mark.parametrize(
    ("path", "error", "message"),
    [
        ("/nope", RemoteError, "/nope answered HTTP 404 Not Found"),
        ("/slow", RemoteError, "/slow did not answer within 0.3 s"),
        ("/drip", RemoteError, "/drip did not answer within 0.3 s"),
        ("/logo.png", RemoteError, "/logo.png answered image/png, not a web page"),
        ("/job-grades", InputError, "is not a framework role page nor the Skills A to Z page"),
    ],
)
def test_url_failures_are_one_clear_error(
    site: str, path: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        read_page(site + path, ImportReport(), timeout=0.3)
    assert message in str(caught.value)


def test_refused_connection() -> None:
    url = f"http://127.0.0.1:{free_port()}/role/data-analyst"
    with pytest.raises(RemoteError, match="connection refused"):
        fetch(url, timeout=5)


def test_a_page_bigger_than_the_limit_is_refused(site: str) -> None:
    with pytest.raises(RemoteError, match="answered more than 0 MB"):
        fetch(f"{site}/skills", timeout=10, max_bytes=1000)


def test_build_from_csv_and_a_url(site: str, tmp_path: Path) -> None:
    from helpers.minicsv import write_pair

    roles, skills = write_pair(tmp_path)
    report = ImportReport()
    fw = load_framework(
        roles=roles, skills=skills, pages=[f"{site}/role/data-analyst"], report=report, timeout=10
    )
    assert [(lv.name, lv.rank_basis) for lv in fw.levels_of("Data analyst")] == [
        ("Associate data analyst", "stated"),
        ("Data analyst", "stated"),
        ("Senior data analyst", "stated"),
    ]
    assert report.reconciles


def test_cli_url_time_out_is_one_line_and_exit_2(
    site: str, runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "g.ttl"
    result = runner.invoke(
        cli, ["build", "--page", f"{site}/slow", "--timeout", "0.3", "-o", str(out)]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"rolegraph: error: {site}/slow did not answer within 0.3 s "
        "(raise --timeout, or check the address and your connection)\n"
    )
    assert not out.exists()
    ok = runner.invoke(cli, ["build", "--page", f"{site}/role/data-analyst", "-o", str(out), "-q"])
    assert ok.exit_code == 0, ok.stderr
    turtle = out.read_text()
    assert (
        'rg:grade "HEO (Higher Executive Officer)" ,\n\t\t"SEO (Senior Executive Officer)"'
        in turtle
    )
