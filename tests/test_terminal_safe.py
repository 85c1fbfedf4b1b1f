"""Text for people never drives the terminal: escape sequences (CSI, OSC, DCS...) and
C0/C1 control characters from the data or from a store are removed from tables, reports
and messages; CSV, TSV and JSON keep the data as it is."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rolegraph.cli import cli
from rolegraph.util.render import md_text, render
from rolegraph.util.text import printable

ROLE = "Machine learning engineer"
#: a window title (OSC ended by BEL), a colour (CSI), a NUL, an 8-bit CSI clearing the
#: screen, a hyperlink (OSC 8 ended by ESC \), a DCS string and a carriage return
HOSTILE = (
    "Machine \x1b]0;PWNED\x07\x1b[31mlearning\x00\x9b2J "
    "\x1b]8;;http://x.test\x1b\\engineer\x1b]8;;\x1b\\\x1bP1$r\x1b\\\r"
)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (HOSTILE, ROLE),
        ("Data \x1b]0;PWNED\x07\x1b[31mscientist", "Data scientist"),
        ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
        ("a\x1bcb\x7fc\x85d\x1b(Be", "abcde"),  # reset, DEL, NEL, a charset switch
        ("unended \x1b]0;title", "unended "),  # a terminal would swallow the rest too
        ("Café ‘quoted’", "Café ‘quoted’"),
    ],
)
def test_printable_removes_what_a_terminal_acts_on(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_tables_align_and_markdown_is_clean() -> None:
    table = render(["role", "n"], [[HOSTILE, 2], ["Data scientist", 10]], "table")
    assert table == (
        "role                        n\n"
        "-------------------------  --\n"
        "Machine learning engineer   2\n"
        "Data scientist             10\n"
    )
    assert md_text(HOSTILE) == ROLE
    # Data formats keep the data.
    assert json.loads(render(["role"], [[HOSTILE]], "json")) == [{"role": HOSTILE}]


@pytest.fixture(scope="module")
def hostile_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("esc")
    plain = folder / "plain.nt"
    built = CliRunner().invoke(cli, ["build", "-o", str(plain)])
    assert built.exit_code == 0, built.output
    text = plain.read_text("utf-8")
    escaped = HOSTILE.encode("unicode_escape").decode("ascii").replace("\\x", "\\u00")
    assert f'"{ROLE}"@en' in text
    (folder / "esc.nt").write_text(text.replace(f'"{ROLE}"@en', f'"{escaped}"@en'), "utf-8")
    return folder / "esc.nt"


def test_commands_print_no_control_characters(hostile_graph: Path) -> None:
    runner = CliRunner()
    families = runner.invoke(cli, ["query", "families", "-g", str(hostile_graph)])
    assert families.exit_code == 0, families.output
    assert "Data                  Machine learning engineer                      2\n" in (
        families.stdout
    )
    similar = runner.invoke(
        cli, ["similar", "Senior machine learning engineer", "-g", str(hostile_graph)]
    )
    assert similar.exit_code == 0, similar.output
    diff = runner.invoke(cli, ["diff", str(hostile_graph), str(hostile_graph)])
    assert diff.exit_code == 0, diff.output
    for out in (families.stdout, similar.stdout, diff.stdout, similar.stderr):
        assert printable(out) == out, repr(out)
    assert f"   1  Lead machine learning engineer  {ROLE}       0.818" in similar.stdout
    # CSV is data: the label as the graph holds it.
    csv = runner.invoke(cli, ["query", "families", "-g", str(hostile_graph), "-f", "csv"])
    assert csv.exit_code == 0 and f'Data,"{HOSTILE}",2' in csv.stdout


class _Quiet(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@pytest.fixture
def refusing_store() -> Iterator[str]:
    """A store on 127.0.0.1 that refuses every update with a body of bytes 0 to 255."""
    body = bytes(range(256))

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(400)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = _Quiet(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_stores_quoted_answer_reaches_the_terminal_clean(refusing_store: str) -> None:
    url = refusing_store + "/update"
    result = CliRunner().invoke(cli, ["publish", "--endpoint", url, "--protocol", "update"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and printable(lines[0]) == lines[0], repr(result.stderr)
    # The 94 printable ASCII characters (the space before them trimmed), then U+FFFD for
    # bytes 128-255 (not UTF-8) up to the 159 characters quoted; the controls removed.
    shown = bytes(range(33, 127)).decode("ascii") + "\ufffd" * 65 + "…"
    assert lines[0] == (
        f"rolegraph: error: the store {url} refused the data: HTTP 400 Bad Request ("
        f"{shown}) (the store's answer says what it refused)"
    )
