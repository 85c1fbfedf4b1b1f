"""Shared fixtures.

Integration tests use the official export in ../shared/framework/. On a user's clone
without it they are skipped with a reason; in CI (CI=true) a missing copy fails.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
# The benchmarks' helpers say where ../shared is and how Chromium starts: one place.
sys.path.insert(0, str(ROOT / "benchmarks"))
from common import CHROMIUM, CHROMIUM_ARGS, shared_folder  # noqa: E402

SHARED = shared_folder()
FRAMEWORK = SHARED / "framework"
ROLE_CSV = FRAMEWORK / "role-content.csv"
SKILL_CSV = FRAMEWORK / "skill-descriptions.csv"
SNAPSHOT = FRAMEWORK / "other-snapshots" / "Planning-Inspectorate__2025-09-15"
SEED = SHARED / "seeds" / "000_8f440ef26aa17d85.txt"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# The tests say which graph each command reads: a default graph set in the shell
# running them ($ROLEGRAPH_GRAPH) must not answer instead of the bundled data.
os.environ.pop("ROLEGRAPH_GRAPH", None)


def need(path: Path) -> Path:
    """``path`` from ../shared, or a skip (a failure in CI) when it is missing."""
    if not path.exists():
        message = f"{path} is missing (the official framework files live in ../shared)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def role_csv() -> Path:
    return need(ROLE_CSV)


@pytest.fixture(scope="session")
def skill_csv() -> Path:
    return need(SKILL_CSV)


@pytest.fixture(scope="session")
def seed_page() -> Path:
    return need(SEED)


@pytest.fixture(scope="session")
def snapshot_dir() -> Path:
    return need(SNAPSHOT)


@pytest.fixture(scope="session")
def full_build(role_csv: Path, skill_csv: Path) -> Iterator[object]:
    """(framework, report, graph) built from the whole official export, once per session."""
    from rolegraph.combine.framework import load_framework
    from rolegraph.graph.build import build_graph
    from rolegraph.model.report import ImportReport

    report = ImportReport()
    framework = load_framework(roles=role_csv, skills=skill_csv, report=report)
    yield framework, report, build_graph(framework)


@pytest.fixture(scope="session")
def full_graph_file(
    full_build: tuple[object, object, object], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The full framework as a Turtle file (what `rolegraph build -o` writes)."""
    from rolegraph.graph.export import write

    path = tmp_path_factory.mktemp("full") / "framework.ttl"
    write(full_build[2], path)  # type: ignore[arg-type]
    return path


#: the explorer's four views of the whole framework, as the browser tests open them
EXPLORER_VIEWS: dict[str, dict[str, str]] = {
    "framework": {},
    "overlap": {},
    "role": {"role": "Data scientist"},
    "skill": {"skill": "Data science innovation"},
}


@pytest.fixture(scope="session")
def explorer_pages(
    full_build: tuple[object, object, object], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """The four views of the whole framework, written once for every browser test."""
    from rolegraph.explorer.page import build_explorer, write_html

    folder = tmp_path_factory.mktemp("explorer")
    return {
        view: write_html(build_explorer(full_build[2], view, **kw), folder / f"{view}.html")  # type: ignore[arg-type]
        for view, kw in EXPLORER_VIEWS.items()
    }


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def oxigraph_executable() -> str:
    import shutil
    import sys

    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        message = "the oxigraph server is not installed (pip install oxigraph)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


def virtuoso_executable() -> str:
    """Debian's Virtuoso server (package virtuoso-opensource), or a skip (a failure in CI)."""
    import shutil

    found = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
    if not Path(found).exists():
        message = "Virtuoso is not installed (apt-get install virtuoso-opensource)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Virtuoso on 127.0.0.1 at free ports, over a fresh database; its base URL."""
    from helpers.servers import virtuoso  # it imports this module, so not at the top

    with virtuoso(tmp_path_factory.mktemp("virtuoso")) as base:
        yield base


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph SPARQL server on 127.0.0.1 at a free port; its base URL."""
    from helpers.servers import oxigraph  # it imports this module, so not at the top

    with oxigraph(tmp_path_factory.mktemp("oxigraph")) as base:
        yield base


#: Outcomes of the hardening suite (tests/test_hardening.py), printed at the end of the run.
HARDENING: dict[str, int] = {}


#: Counts that must stay 0: a run where one is not fails, whatever its tests said.
MUST_BE_ZERO = ("tracebacks", "unclear", "partial files", "silent drops", "attacks that worked")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if any(HARDENING.get(key, 0) for key in MUST_BE_ZERO) and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not HARDENING:
        return
    tr = terminalreporter
    tr.section("hardening summary")
    labels = {
        "inputs": "inputs tried",
        "accepted": "accepted (built, every row accounted for)",
        "clear errors": "clear errors (one line, exit 1 or 2)",
        "tracebacks": "internal errors: tracebacks, 'internal error' (must be 0)",
        "unclear": "errors that were not one clear line (must be 0)",
        "partial files": "partial files left (must be 0)",
        "silent drops": "rows lost without a report entry (must be 0)",
        "attacks": "attacks tried (injection, markup, traversal)",
        "attacks that worked": "attacks that worked (must be 0)",
        "faults": "faults injected (endpoint, disk, signal)",
    }
    for key, label in labels.items():
        if key in HARDENING or "must be 0" in label:
            tr.write_line(f"{label:<56} {HARDENING.get(key, 0):>6}")
    failed = [labels[key] for key in MUST_BE_ZERO if HARDENING.get(key, 0)]
    if failed:
        tr.write_line("hardening FAILED: " + "; ".join(failed), red=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole session (the Debian package, never a download)."""
    if not CHROMIUM.exists():
        message = f"headless Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
