"""Real servers for tests, on 127.0.0.1: any server process started and waited for
(:func:`running`, the one way the tests start one), ``rolegraph serve``, the Oxigraph
server and Virtuoso; and a small HTTP client."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from conftest import free_port, oxigraph_executable, virtuoso_executable


@contextlib.contextmanager
def running(
    argv: list[str],
    url: str,
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    wait: float = 60,
) -> Iterator[subprocess.Popen[bytes]]:
    """``argv`` started (in ``cwd``, with ``env`` added to this environment), once ``url``
    answers (any HTTP status); stopped at the end. Its stderr is a pipe: read it after
    the end, or the test fails with it when it does not start."""
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    r.read()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    pytest.fail(f"{' '.join(argv[:4])} did not start: {err}")
                time.sleep(0.1)
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def serving(args: list[str], cwd: Path) -> Iterator[str]:
    """``rolegraph serve ARGS`` on a free port; its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "rolegraph", "serve", "--port", str(port), *args]
    with running(argv, base + "/ontology", cwd=cwd):
        yield base


def load_oxigraph(location: Path, data: Path, graph: str | None = None) -> None:
    """Load the RDF file ``data`` into the Oxigraph store at ``location`` (into ``graph``)."""
    subprocess.run(
        [
            oxigraph_executable(),
            "load",
            "--location",
            str(location),
            "--file",
            str(data),
            *(["--graph", graph] if graph else []),
        ],
        check=True,
        capture_output=True,
    )


@contextlib.contextmanager
def oxigraph(location: Path, port: int | None = None, *extra: str) -> Iterator[str]:
    """The Oxigraph server over the store at ``location`` on ``port`` (a free one by
    default); its base URL (``/query`` is its SPARQL endpoint)."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    argv = [oxigraph_executable(), "serve", "--location", str(location)]
    argv += ["--bind", f"127.0.0.1:{port}", *extra]
    with running(argv, f"{base}/query?query=ASK%7B%7D"):
        yield base


#: a fresh Virtuoso database in the current folder, listening on loopback only: the
#: Debian package's defaults cut to what the tests need (no checkpoints while it runs, no
#: plugins, no VAD folder), with room for every saved query's answer
VIRTUOSO_INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 0
CaseMode = 2
AllowOSCalls = 0
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledDavVSP = 0
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
"""

#: the administrator of a fresh Virtuoso database (Debian's package creates it so); it may
#: write through the Digest-protected /sparql-auth and /sparql-graph-crud-auth
VIRTUOSO_USER = ("dba", "dba")


@contextlib.contextmanager
def virtuoso(folder: Path) -> Iterator[str]:
    """Virtuoso (``virtuoso-t``) over a new database in ``folder``, its HTTP and SQL ports
    free ones on 127.0.0.1; its base URL (``/sparql`` queries, ``/sparql-auth`` takes
    SPARQL Update and ``/sparql-graph-crud-auth`` the Graph Store Protocol, with Digest)."""
    http_port, sql_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(
        VIRTUOSO_INI.format(http_port=http_port, sql_port=sql_port), encoding="utf-8"
    )
    base = f"http://127.0.0.1:{http_port}"
    argv = [virtuoso_executable(), "+foreground", "+configfile", "virtuoso.ini"]
    with running(argv, f"{base}/sparql?query=ASK%7B%7D", cwd=folder):
        yield base


def get(
    url: str,
    accept: str | None = None,
    data: bytes | None = None,
    method: str | None = None,
    content_type: str | None = None,
) -> tuple[int, str, bytes]:
    """(status, Content-Type, body) of a request; an HTTP error status is an answer too."""
    headers = {"Accept": accept} if accept else {}
    if content_type:
        headers["Content-Type"] = content_type
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()
