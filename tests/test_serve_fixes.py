"""Defects found by testing the merged ``rolegraph serve``, each pinned against a real
server (``rolegraph serve`` on 127.0.0.1, see tests/helpers/servers.py)."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import free_port
from helpers.servers import get, load_oxigraph, oxigraph, serving

RANK_LINE = (
    "rolegraph: error: tier <https://w3id.org/rolegraph/id/tier/expert> has rank '3.5', "
    "which is not an integer (fix the graph; 'rolegraph validate --graph GRAPH' lists "
    "every problem)"
)


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled graph as a Turtle file."""
    path = tmp_path_factory.mktemp("graph") / "g.ttl"
    subprocess.run(
        [sys.executable, "-m", "rolegraph", "export", "-o", str(path)],
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture(scope="module")
def base(graph_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(["-g", str(graph_file)], tmp_path_factory.mktemp("serve")) as url:
        yield url


def bad_rank(graph_file: Path, tmp: Path) -> Path:
    text = graph_file.read_text(encoding="utf-8")
    assert "\trg:rank 4 ." in text
    bad = tmp / "bad.ttl"
    bad.write_text(text.replace("\trg:rank 4 .", "\trg:rank 3.5 ."), encoding="utf-8")
    return bad


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_refuses_a_graph_the_pages_cannot_read_at_start(
    graph_file: Path, tmp_path: Path, workers: str
) -> None:
    bad = bad_rank(graph_file, tmp_path)
    port = str(free_port())
    done = subprocess.run(
        [
            sys.executable,
            *("-m", "rolegraph", "serve", "-g", str(bad)),
            "--port",
            port,
            "--workers",
            workers,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == RANK_LINE
    assert "Serving" not in done.stdout + done.stderr


def test_serve_refuses_an_endpoint_whose_graph_the_pages_cannot_read(
    graph_file: Path, tmp_path: Path
) -> None:
    load_oxigraph(tmp_path / "db", bad_rank(graph_file, tmp_path))
    with oxigraph(tmp_path / "db") as store:
        for workers in ("1", "2"):
            done = subprocess.run(
                [
                    sys.executable,
                    *("-m", "rolegraph", "serve", "--endpoint", store + "/query"),
                    "--port",
                    str(free_port()),
                    "--workers",
                    workers,
                ],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert (done.returncode, done.stderr.strip()) == (1, RANK_LINE)


def test_create_app_raises_the_same_error(graph_file: Path, tmp_path: Path) -> None:
    from rolegraph.errors import DataInvalid
    from rolegraph.serve import create_app

    with pytest.raises(DataInvalid, match=r"has rank '3\.5', which is not an integer"):
        create_app(bad_rank(graph_file, tmp_path))


def text(base: str, path: str) -> tuple[int, str]:
    status, _, body = get(base + path, accept="text/plain")
    return status, body.decode("utf-8")


def test_web_errors_name_the_services_pages_not_commands(base: str) -> None:
    assert text(base, "/explorer?role=nobody") == (
        404,
        "no role named 'nobody' (/queries/families lists the roles)\n",
    )
    assert text(base, "/queries/nothing") == (
        404,
        "no saved query named 'nothing' (/queries lists them)\n",
    )
    for path in ("/explorer?role=nobody", "/queries/nothing", "/id/role/nobody"):
        _, page = text(base, path)
        assert "rolegraph " not in page and "--graph" not in page, page


def test_the_web_spelling_of_every_next_step_is_no_command() -> None:
    from rolegraph.serve.spelling import WEB_SPELLING
    from rolegraph.spelling import PLAIN_ADVICE

    for key in PLAIN_ADVICE:
        said = WEB_SPELLING.advice(key, "x")
        assert "rolegraph" not in said and "--" not in said, (key, said)


SPARQL_QUERY = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"
E_ACUTE = 'ASK { FILTER ("\xe9" = "\\u00E9") }'


def post(base: str, body: bytes, ctype: str) -> tuple[int, str]:
    status, _, answer = get(
        base + "/sparql",
        accept="application/sparql-results+json, text/plain;q=0.5",
        data=body,
        method="POST",
        content_type=ctype,
    )
    return status, answer.decode("utf-8")


@pytest.mark.parametrize(
    ("body", "ctype", "want"),
    [
        # the declared charset is honoured
        (E_ACUTE.encode("iso-8859-1"), f"{SPARQL_QUERY}; charset=iso-8859-1", (200, "true")),
        (E_ACUTE.encode("utf-16"), f"{SPARQL_QUERY}; charset=UTF-16", (200, "true")),
        (E_ACUTE.encode("utf-8"), SPARQL_QUERY, (200, "true")),
        (
            ("query=" + E_ACUTE).encode("latin-1"),
            f"{FORM}; charset=latin-1",
            (200, "true"),
        ),
        (b"query=" + urllib.parse.quote(E_ACUTE).encode(), FORM, (200, "true")),
        # bytes not in it: one line, never U+FFFD standing in
        (
            b"\xff\xfeSELECT",
            SPARQL_QUERY,
            (
                400,
                "the query is not UTF-8: byte 0xff at offset 0 (send UTF-8, or name the "
                "body's charset in Content-Type)",
            ),
        ),
        (
            E_ACUTE.encode("iso-8859-1"),
            SPARQL_QUERY,
            (
                400,
                "the query is not UTF-8: byte 0xe9 at offset 15 (send UTF-8, or name the "
                "body's charset in Content-Type)",
            ),
        ),
        (
            b"query=ASK%7B%7D%FF",
            FORM,
            (
                400,
                "the form is not UTF-8: byte 0xff at offset 5 (send UTF-8, or name the "
                "body's charset in Content-Type)",
            ),
        ),
        (
            b"query=ASK{}\xff",
            FORM,
            (
                400,
                "the form is not UTF-8: byte 0xff at offset 11 (send UTF-8, or name the "
                "body's charset in Content-Type)",
            ),
        ),
        (
            b"ASK {}",
            f"{SPARQL_QUERY}; charset=klingon",
            (415, "unknown charset 'klingon' in Content-Type: send the query as UTF-8"),
        ),
        (
            b"ASK {}",
            f"{SPARQL_QUERY}; charset=base64",
            (415, "unknown charset 'base64' in Content-Type: send the query as UTF-8"),
        ),
    ],
)
def test_a_post_body_is_read_in_its_charset_or_refused(
    base: str, body: bytes, ctype: str, want: tuple[int, str]
) -> None:
    status, answer = post(base, body, ctype)
    if status == 200:
        answer = "true" if '"boolean":true' in answer.replace(" ", "") else answer
    assert (status, answer.strip()) == want


def multipart(fields: dict[str, str], file: tuple[str, bytes] | None) -> tuple[bytes, str]:
    """A multipart/form-data body (as a browser's form sends it) and its Content-Type."""
    boundary = "rolegraph-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    if file is not None:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="profile"; '
            f'filename="{file[0]}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + file[1] + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


SAM = b"name: Sam\nskills:\n  Data ethics and privacy: working\n"


def heading(page: bytes) -> str:
    found = re.search(r"<h1>(.*?)</h1>", page.decode("utf-8"))
    assert found, page[:200]
    return found.group(1)


@pytest.mark.parametrize(
    ("fields", "file", "want"),
    [
        ({"name": ""}, ("sam.yaml", SAM), "The levels most like Sam’s skills"),
        (
            {"name": "Alex <b>", "skill:Data ethics and privacy": "working"},
            None,
            "The levels most like Alex &lt;b&gt;’s skills",
        ),
        ({"skill:Data ethics and privacy": "working"}, None, "The levels most like your skills"),
    ],
)
def test_the_assess_page_names_the_person(
    base: str, fields: dict[str, str], file: tuple[str, bytes] | None, want: str
) -> None:
    body, ctype = multipart(fields, file)
    status, _, page = get(base + "/assess", data=body, method="POST", content_type=ctype)
    assert status == 200, page[:300]
    assert heading(page) == want


def test_assess_refuses_a_form_name_with_an_uploaded_profile(base: str) -> None:
    body, ctype = multipart({"name": "Alex"}, ("sam.yaml", SAM))
    status, _, answer = get(
        base + "/assess", accept="text/plain", data=body, method="POST", content_type=ctype
    )
    assert (status, answer.decode()) == (
        400,
        "name: an uploaded profile names its person itself: leave the name empty, or pick "
        "tiers in the form instead of uploading a file\n",
    )


def test_an_assess_form_is_read_in_its_charset_or_refused(base: str) -> None:
    name = "Zoë".encode("iso-8859-1")
    body = b"name=" + name + b"&skill%3AData+ethics+and+privacy=working"
    ctype = f"{FORM}; charset=iso-8859-1"
    status, _, page = get(base + "/assess", data=body, method="POST", content_type=ctype)
    assert (status, heading(page)) == (200, "The levels most like Zoë’s skills")
    status, _, answer = get(
        base + "/assess", accept="text/plain", data=body, method="POST", content_type=FORM
    )
    assert (status, answer.decode()) == (
        400,
        "the form is not UTF-8: byte 0xeb at offset 7 (send UTF-8, or name the body's "
        "charset in Content-Type)\n",
    )


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (
            "/explorer?view=framework",
            "view: /explorer takes no parameter 'view' (it takes role, skill)",
        ),
        (
            "/explorer?rol=x",
            "rol: /explorer takes no parameter 'rol' (did you mean role? it takes role, skill)",
        ),
        ("/explorer?role=a&role=b", "role: given more than once: give it once"),
        (
            "/id/role/machine-learning-engineer?evil=1",
            "evil: /id/ takes no parameter 'evil' (did you mean view? it takes view, format)",
        ),
        (
            "/id/role/machine-learning-engineer?format=json&format=ttl",
            "format: given more than once: give it once",
        ),
        (
            "/id/role/machine-learning-engineer?view=page&view=page",
            "view: given more than once: give it once",
        ),
        (
            "/assess?format=json",
            "format: GET /assess is the form; POST it (with format=json) for a JSON answer",
        ),
        (
            "/assess?fromat=json",
            "fromat: /assess takes no parameter 'fromat' (did you mean format? it takes name, "
            "target, top, role, profile, format and skill:SKILL for each skill's tier)",
        ),
        ("/assess?role=a&role=b", "role: given more than once: give it once"),
        ("/?evil=1", "evil: / takes no parameter 'evil' (it takes no parameters)"),
        ("/queries?x", "x: /queries takes no parameter 'x' (it takes no parameters)"),
        ("/favicon.ico?v=2", "v: /favicon.ico takes no parameter 'v' (it takes no parameters)"),
        (
            "/.well-known/void?fmt=ttl",
            "fmt: /.well-known/void takes no parameter 'fmt' (did you mean format? it takes format)",
        ),
        ("/shapes?format=ttl&format=nt", "format: given more than once: give it once"),
    ],
)
def test_every_route_applies_the_parameter_rules(base: str, path: str, line: str) -> None:
    assert text(base, path) == (400, line + "\n")


def test_the_parameters_routes_take_still_work(base: str) -> None:
    assert text(base, "/id/role/machine-learning-engineer?format=ttl")[0] == 200
    status, _, page = get(base + "/explorer?role=Machine+learning+engineer")
    assert status == 200 and b"<html" in page[:200].lower()
    assert text(base, "/explorer?role=")[0] == 200  # (blank: the overlap view)
