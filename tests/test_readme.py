"""The README is the front door: its commands and the CLI must agree."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest

from rolegraph.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(text: str, kinds: tuple[str, ...] = ("sh", "console", "bash", "")) -> list[str]:
    """The fenced code blocks of those kinds (fences paired in order)."""
    blocks = re.findall(r"^```(\w*)\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)
    return [body for kind, body in blocks if kind in kinds]


def run_readme_command(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A README command line, run as ``python -m rolegraph ...`` in ``cwd``; it must succeed."""
    argv = shlex.split(command)
    assert argv[0].endswith("rolegraph"), argv
    result = subprocess.run(
        [sys.executable, "-m", "rolegraph", *argv[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, (command, result.stderr)
    return result


def reference_rows() -> dict[str, str]:
    """Command name -> its row in the CLI reference table."""
    rows = {}
    for line in README.splitlines():
        m = re.match(r"\| `rolegraph (\w[\w-]*)(.*?)` \|", line)
        if m:
            rows[m.group(1)] = m.group(2)
    return rows


#: every command, loaded (the group loads a command's module only when it runs)
COMMANDS = {name: cli.get_command(None, name) for name in cli.list_commands(None)}
assert all(COMMANDS.values())


def test_every_command_is_in_the_reference() -> None:
    assert set(reference_rows()) == set(COMMANDS), set(COMMANDS) ^ set(reference_rows())


def test_every_documented_option_exists() -> None:
    for name, usage in reference_rows().items():
        command = COMMANDS[name]
        assert command is not None
        known = {
            opt
            for p in command.params
            for opt in getattr(p, "opts", []) + getattr(p, "secondary_opts", [])
        }
        documented = set(re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", usage.replace("\\|", "|")))
        assert documented <= known, (name, documented - known)


def test_every_option_is_documented() -> None:
    for name, usage in reference_rows().items():
        command = COMMANDS[name]
        assert command is not None
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                longest = max(param.opts, key=len)
                assert longest in usage or any(o in usage for o in param.opts), (name, longest)


def test_commands_in_code_blocks_exist() -> None:
    for block in code_blocks(README):
        for m in re.finditer(r"(?:^|[\s/&|])rolegraph\s+([a-z][\w-]*)", block):
            assert m.group(1) in COMMANDS, m.group(0)


def test_the_test_command_is_what_ci_runs() -> None:
    blocks = code_blocks(README)
    test_command = next(b.strip() for b in blocks if "scripts/check" in b)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/check" in ci
    assert '-e ".[dev]"' in test_command and '-e ".[dev]"' in ci


def test_the_first_command_runs_and_prints_what_the_readme_shows(tmp_path: Path) -> None:
    """The README's first command, after its install step, on the bundled data; its output
    is the sample the README shows (lines before "..." of each part, in order)."""
    first = code_blocks(README)[0].strip()
    steps = [s.strip() for s in first.split("&&")]
    assert steps[0].startswith("python3 -m venv") and "pip install" in steps[1]
    printed = []
    for step in steps[2:]:
        result = run_readme_command(step, tmp_path)
        printed += (result.stderr + result.stdout).splitlines()
    assert (tmp_path / "ml-engineer.html").exists()
    sample = next(b for b in code_blocks(README) if b.startswith("Built "))
    shown = [line for line in sample.splitlines() if line.strip() != "..."]
    missing = [line for line in shown if line not in printed]
    assert missing == []


def test_every_saved_query_is_documented() -> None:
    from rolegraph.sparql.catalogue import load_catalogue

    for name, q in load_catalogue().items():
        row = next((line for line in README.splitlines() if line.startswith(f"| `{name}` |")), None)
        assert row is not None, name
        assert q.summary in row, name
        for p in q.params:
            assert f"`{p.name}` ({p.type}, default *{p.default}*)" in row, (name, p.name)


@pytest.mark.framework
def test_every_console_example_prints_what_the_readme_shows(tmp_path: Path) -> None:
    """Each ```console block, run in a folder where framework/ is the official export
    and framework.ttl its graph: what it shows (up to a "...") is what is printed."""
    from conftest import FRAMEWORK, need

    need(FRAMEWORK / "role-content.csv")
    (tmp_path / "framework").symlink_to(FRAMEWORK, target_is_directory=True)

    run_readme_command(
        "rolegraph build -q --roles framework/role-content.csv "
        "--skills framework/skill-descriptions.csv -o framework.ttl",
        tmp_path,
    )
    blocks = code_blocks(README, ("console",))
    assert len(blocks) >= 4
    for block in blocks:
        lines = block.splitlines()
        commands = [ln.removeprefix("$ ") for ln in lines if ln.startswith("$ ")]
        if not commands:
            continue  # a sample of output alone (the first command's, checked above)
        shown = [ln for ln in lines if not ln.startswith("$ ")]
        if "..." in shown:
            shown = shown[: shown.index("...")]
        printed = "".join(run_readme_command(c, tmp_path).stdout for c in commands).splitlines()
        assert [ln.rstrip() for ln in printed[: len(shown)]] == [ln.rstrip() for ln in shown], (
            commands
        )
