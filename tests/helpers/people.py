"""What the tests of the served pages for people share: the levels they ask about, a
person's profile, and the CLI's JSON answer to compare the served one with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from rolegraph.cli import cli

DS, LDS = "Data scientist", "Lead data scientist"
#: a person's profile, as a YAML file for the CLI and as the form's tiers
PROFILE = {
    "Applied maths, statistics and scientific practices": "practitioner",
    "Data engineering": "working",
    "Data ethics and privacy": "working",
    "Programming and build (data science)": "practitioner",
    "Understanding product delivery": "awareness",
}


def cli_json(graph: Path, *args: str) -> Any:
    """``rolegraph ARGS --graph GRAPH --format json``, parsed."""
    result = CliRunner().invoke(cli, [*args, "--graph", str(graph), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
