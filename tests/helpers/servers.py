"""Real servers for tests, on 127.0.0.1: ``rolegraph serve`` and the Oxigraph server, each
a process started here and stopped at the end; and a small HTTP client."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import free_port, oxigraph_executable


def _wait(proc: subprocess.Popen[bytes], url: str, what: str) -> None:
    """Until ``url`` answers; a failure naming ``what`` (with its stderr) if it never does."""
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                r.read()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                err = proc.stderr.read().decode() if proc.stderr else ""
                pytest.fail(f"{what} did not start: {err}")
            time.sleep(0.1)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@contextlib.contextmanager
def serving(args: list[str], cwd: Path) -> Iterator[str]:
    """``rolegraph serve ARGS`` on a free port; its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rolegraph", "serve", "--port", str(port), *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    _wait(proc, base + "/ontology", "rolegraph serve")
    try:
        yield base
    finally:
        _stop(proc)


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
    proc = subprocess.Popen(
        [
            oxigraph_executable(),
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    _wait(proc, f"{base}/query?query=ASK%7B%7D", "the oxigraph server")
    try:
        yield base
    finally:
        _stop(proc)


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
