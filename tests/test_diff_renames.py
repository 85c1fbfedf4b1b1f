"""rolegraph diff of a role renamed in one file only (issue 19): the role CSV renames
it, the skill CSV's "Roles that require Skill" still lists the old name. The rename is
found by content; a role added whole lists its levels."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.minicsv import ROLE_HEADER, role_rows, to_csv, write_pair
from rolegraph.analysis.diff.compare import diff_sources
from rolegraph.cli import cli

NOTE = "by content, 100% alike; old name left without levels"


def renamed_in_roles_only(tmp_path: Path, rename: dict[str, str]) -> tuple[Path, Path]:
    """Two releases of the tiny framework; the second renames roles in the role CSV's
    Role column only (its skill CSV is the first's)."""
    old, new = tmp_path / "r1", tmp_path / "r2"
    old.mkdir()
    new.mkdir()
    write_pair(old)
    _, skills = write_pair(new)
    rows = [[rename.get(r[1], r[1]) if i == 1 else c for i, c in enumerate(r)] for r in role_rows()]
    (new / "role-content.csv").write_text(to_csv(ROLE_HEADER, rows), encoding="utf-8")
    assert "Data analyst" in skills.read_text(encoding="utf-8")
    return old, new


def rows_of(result: object) -> list[tuple[str, str, str, str | None, str | None, str | None]]:
    return [(c.role, c.what, c.change, c.old, c.new, c.note) for c in result.changes]  # type: ignore[attr-defined]


def test_a_role_renamed_in_the_role_file_only_is_one_rename(tmp_path: Path) -> None:
    old, new = renamed_in_roles_only(tmp_path, {"Data analyst": "Insight analyst"})
    result = diff_sources(str(old), str(new))
    assert rows_of(result) == [
        ("Insight analyst", "role", "renamed", "Data analyst", "Insight analyst", NOTE)
    ]
    # Its levels, requirements and texts are the same: nothing else changed.
    assert result.summary_lines() == ["Insight analyst: 1 role renamed"]
    # And back: the old name had no levels in the later release's role file.
    back = diff_sources(str(new), str(old))
    assert rows_of(back) == [
        (
            "Data analyst",
            "role",
            "renamed",
            "Insight analyst",
            "Data analyst",
            "by content, 100% alike",
        )
    ]


def test_a_role_added_whole_lists_its_levels(tmp_path: Path) -> None:
    """Without the old role to pair with (the skill CSV is the new one's too), the role is
    added: and its levels are reported, in rank order, not only "1 role added"."""
    old, new = renamed_in_roles_only(tmp_path, {"Data analyst": "Insight analyst"})
    (old / "role-content.csv").write_text(
        to_csv(ROLE_HEADER, [r for r in role_rows() if r[1] != "Data analyst"]),
        encoding="utf-8",
    )
    result = diff_sources(str(old), str(new))
    assert [(c.role, c.what, c.change, c.item) for c in result.changes] == [
        ("Insight analyst", "role", "added", "Insight analyst"),
        ("Insight analyst", "level", "added", "Associate data analyst"),
        ("Insight analyst", "level", "added", "Data analyst"),
        ("Insight analyst", "level", "added", "Senior data analyst"),
    ]
    assert result.summary_lines() == ["Insight analyst: 3 levels added, 1 role added"]


def test_diff_cli_shows_the_rename(tmp_path: Path) -> None:
    old, new = renamed_in_roles_only(tmp_path, {"Data analyst": "Insight analyst"})
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "-f", "json"])
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)["changes"]
    assert [(c["what"], c["change"], c["old"], c["new"], c["note"]) for c in changes] == [
        ("role", "renamed", "Data analyst", "Insight analyst", NOTE)
    ]


@pytest.mark.framework
def test_a_role_renamed_in_the_export_role_file(
    role_csv: Path, skill_csv: Path, tmp_path: Path
) -> None:
    """The official export, Data engineer renamed in role-content.csv alone."""
    new = tmp_path / "new"
    new.mkdir()
    with role_csv.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    renamed = 0
    for row in rows[1:]:
        if row[1].strip() == "Data engineer":
            row[1] = "Data pipeline engineer"
            renamed += 1
    assert renamed > 0
    with (new / "role-content.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    (new / "skill-descriptions.csv").write_bytes(skill_csv.read_bytes())
    assert "Data engineer" in skill_csv.read_text(encoding="utf-8-sig")
    result = diff_sources(str(role_csv.parent), str(new))
    assert rows_of(result) == [
        (
            "Data pipeline engineer",
            "role",
            "renamed",
            "Data engineer",
            "Data pipeline engineer",
            NOTE,
        )
    ]
