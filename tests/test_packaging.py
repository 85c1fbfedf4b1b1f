"""A plain (non-editable) install carries ontology/, queries/ and data/ and finds them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("rolegraph-*.whl")
    return built


def test_wheel_carries_the_resource_folders(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("ontology", "queries", "data"):
        source = sorted(str(p.relative_to(ROOT)) for p in (ROOT / folder).rglob("*") if p.is_file())
        packaged = sorted(
            n.removeprefix("rolegraph/_resources/")
            for n in names
            if n.startswith(f"rolegraph/_resources/{folder}/")
        )
        assert packaged == source, folder
    assert "rolegraph/cli/__init__.py" in names
    # The pages' templates, beside their module.
    templates = ROOT / "src" / "rolegraph" / "serve" / "templates"
    source = sorted(p.name for p in templates.iterdir() if p.is_file())
    packaged = sorted(
        n.removeprefix("rolegraph/serve/templates/")
        for n in names
        if n.startswith("rolegraph/serve/templates/")
    )
    assert packaged == source and "base.html" in packaged
    # The vendored SPARQL editor and its licence, served from the package (no CDN).
    static = ROOT / "src" / "rolegraph" / "serve" / "static"
    source = sorted(str(p.relative_to(static)) for p in static.rglob("*") if p.is_file())
    packaged = sorted(
        n.removeprefix("rolegraph/serve/static/")
        for n in names
        if n.startswith("rolegraph/serve/static/")
    )
    assert packaged == source
    assert {"yasgui/yasgui.min.js", "yasgui/yasgui.min.css", "yasgui/LICENSE"} <= set(packaged)


def test_installed_copy_runs_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "from rolegraph.model import paths; print(paths.resource_root())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()) == site / "rolegraph" / "_resources"
    stats = subprocess.run(
        [sys.executable, "-m", "rolegraph", "stats", "-f", "json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert '"requirements": 12' in stats.stdout
    valid = subprocess.run(
        [sys.executable, "-m", "rolegraph", "validate"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert valid.returncode == 0, valid.stderr
    page = subprocess.run(
        [
            sys.executable,
            "-c",
            "from rolegraph.serve import pages; import sys;"
            "sys.stdout.write(pages.environment().get_template('base.html').filename + '\\n');"
            "sys.stdout.write(pages.error_page('404 Not Found', '<x>').decode())",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    served = subprocess.run(
        [
            sys.executable,
            "-c",
            "from rolegraph.serve import static; import sys;"
            "sys.stdout.write(static.static('yasgui/LICENSE').body.decode())",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert served.stdout.startswith("The MIT License (MIT)")
    template, html = page.stdout.split("\n", 1)
    assert Path(template) == site / "rolegraph" / "serve" / "templates" / "base.html"
    assert "<h1>404 Not Found</h1>" in html and "<p>&lt;x&gt;</p>" in html
