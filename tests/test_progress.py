"""The progress bar: on stderr when it is a terminal, silenced by --quiet, absent in pipes."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from helpers.minicsv import write_pair


def run_on_a_terminal(args: list[str], cwd: Path) -> str:
    """Run rolegraph with stderr on a pseudo-terminal; return what the terminal saw."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rolegraph", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=follower,
        stdin=subprocess.DEVNULL,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    assert proc.returncode == 0
    return b"".join(chunks).decode()


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    roles, skills = write_pair(tmp_path)
    seen = run_on_a_terminal(
        ["build", "--roles", str(roles), "--skills", str(skills), "-o", "g.ttl"], tmp_path
    )
    assert "role-content.csv [##############################] 11/11 rows" in seen
    assert "skill-descriptions.csv [" in seen


def test_quiet_silences_it(tmp_path: Path) -> None:
    roles, _skills = write_pair(tmp_path)
    seen = run_on_a_terminal(["build", "--roles", str(roles), "-o", "g.ttl", "--quiet"], tmp_path)
    assert seen == ""


def test_no_progress_bar_in_a_pipe(tmp_path: Path) -> None:
    roles, _ = write_pair(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "rolegraph", "build", "--roles", str(roles), "-o", "g.ttl"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "[#" not in result.stderr
    assert result.stderr.startswith("Built ")
