"""rolegraph diff: crafted releases reported exactly, and real material."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.minicsv import ROLE_HEADER, SKILL_HEADER, role_rows, skill_rows, to_csv, write_pair
from rolegraph.analysis.diff.compare import diff_sources
from rolegraph.cli import cli
from rolegraph.errors import InputError


def crafted(tmp_path: Path) -> tuple[Path, Path]:
    """Release 1 and release 2 of the tiny framework: 2 renames a skill, raises a tier,
    removes a level."""
    old = tmp_path / "r1"
    old.mkdir()
    write_pair(old)
    new = tmp_path / "r2"
    new.mkdir()
    rows = []
    for r in role_rows():
        r = [c.replace("Statistics", "Statistical methods") for c in r]
        if r[3] == "Associate data analyst":
            continue
        if r[3] == "Senior data analyst" and r[5] == "Data visualisation":
            r[7] = "Expert"
        rows.append(r)
    skills = [[c.replace("Statistics", "Statistical methods") for c in r] for r in skill_rows()]
    (new / "role-content.csv").write_text(to_csv(ROLE_HEADER, rows), encoding="utf-8")
    (new / "skill-descriptions.csv").write_text(to_csv(SKILL_HEADER, skills), encoding="utf-8")
    return old, new


def test_crafted_release_is_reported_exactly(tmp_path: Path) -> None:
    old, new = crafted(tmp_path)
    result = diff_sources(str(old), str(new))
    got = sorted((c.role, c.what, c.change, c.item, c.old, c.new) for c in result.changes)
    assert [c.note for c in result.changes if c.change == "renamed"] == ["by content, 100% alike"]
    assert got == sorted(
        [
            (
                "(framework)",
                "skill",
                "renamed",
                "Statistical methods",
                "Statistics",
                "Statistical methods",
            ),
            # The raised row carries its text to the expert tier, which had none.
            (
                "(framework)",
                "skill descriptor",
                "added",
                "Data visualisation at expert",
                None,
                "You can: - choose the right chart",
            ),
            ("Data analyst", "level", "removed", "Associate data analyst", None, None),
            (
                "Data analyst",
                "tier",
                "raised",
                "Senior data analyst: Data visualisation",
                "practitioner",
                "expert",
            ),
        ]
    )
    assert result.summary_lines() == [
        "(framework): 1 skill descriptor added, 1 skill renamed",
        "Data analyst: 1 level removed, 1 tier raised",
    ]


def test_same_release_has_no_changes(tmp_path: Path) -> None:
    old, _ = crafted(tmp_path)
    copy = tmp_path / "copy"
    shutil.copytree(old, copy)
    assert diff_sources(str(old), str(copy)).changes == []


def test_formats_and_graph_inputs(tmp_path: Path, runner: CliRunner) -> None:
    old, new = crafted(tmp_path)
    graph = tmp_path / "r2.ttl"
    assert (
        runner.invoke(
            cli,
            [
                "build",
                "-q",
                "--roles",
                str(new / "role-content.csv"),
                "--skills",
                str(new / "skill-descriptions.csv"),
                "-o",
                str(graph),
            ],
        ).exit_code
        == 0
    )
    table = runner.invoke(cli, ["diff", str(old), str(graph)])
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[:3] == [
        "Changes from r1 to r2.ttl: 4",
        "(framework): 1 skill descriptor added, 1 skill renamed",
        "Data analyst: 1 level removed, 1 tier raised",
    ]
    doc = json.loads(runner.invoke(cli, ["diff", str(old), str(graph), "-f", "json"]).stdout)
    assert doc["summary"] == {
        "(framework)": {"skill descriptor added": 1, "skill renamed": 1},
        "Data analyst": {"level removed": 1, "tier raised": 1},
    }
    md = runner.invoke(cli, ["diff", str(old), str(new), "-f", "md"]).stdout
    assert md.startswith(
        "# Changes from r1 to r2\n\n- (framework): 1 skill descriptor added, 1 skill renamed\n"
    )
    # A single role-content CSV works too.
    one = runner.invoke(
        cli, ["diff", str(old / "role-content.csv"), str(new / "role-content.csv"), "-f", "json"]
    )
    assert json.loads(one.stdout)["summary"]["Data analyst"] == {
        "level removed": 1,
        "tier raised": 1,
    }


def test_role_filter_and_bad_inputs(tmp_path: Path, runner: CliRunner) -> None:
    old, new = crafted(tmp_path)
    only = runner.invoke(
        cli, ["diff", str(old), str(new), "--role", "chief data officer", "-f", "json"]
    )
    assert json.loads(only.stdout)["changes"] == []
    miss = runner.invoke(cli, ["diff", str(old), str(new), "--role", "Data analist"])
    assert miss.exit_code == 2 and "did you mean 'Data analyst'" in miss.stderr
    gone = runner.invoke(cli, ["diff", str(old), str(tmp_path / "nope")])
    assert gone.exit_code == 2 and "not found" in gone.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = runner.invoke(cli, ["diff", str(old), str(empty)])
    assert (
        nothing.exit_code == 2
        and "holds no role content or skill descriptions CSV" in nothing.stderr
    )


def test_releases_in_a_store(tmp_path: Path, runner: CliRunner) -> None:
    old, new = crafted(tmp_path)
    store = tmp_path / "store"
    for name, folder in (("R1", old), ("R2", new)):
        args = [
            "build",
            "-q",
            "--roles",
            str(folder / "role-content.csv"),
            "--skills",
            str(folder / "skill-descriptions.csv"),
        ]
        assert runner.invoke(cli, [*args, "--store", str(store), "--release", name]).exit_code == 0
    result = runner.invoke(
        cli,
        [
            "diff",
            str(store),
            str(store),
            "--old-release",
            "R1",
            "--new-release",
            "R2",
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["Data analyst"] == {
        "level removed": 1,
        "tier raised": 1,
    }


# -- real material -----------------------------------------------------------------


def seed_descriptors(seed: Path) -> dict[tuple[str, str], str]:
    """(level, skill) -> the descriptor bullets, read from the seed text with regexes."""
    text = seed.read_text(encoding="utf-8")
    out: dict[tuple[str, str], str] = {}
    level = ""
    lines = [ln.strip() for ln in text.splitlines()]
    for i, ln in enumerate(lines):
        m = re.match(r"^\d\. (.+)$", ln)
        if m:
            level = m.group(1)
        if ln.startswith("Level: ") and level:
            skill = next(x for x in reversed(lines[:i]) if x)
            bullets = []
            for x in lines[i + 1 :]:
                if x.startswith("•"):
                    bullets.append(x.lstrip("• ").strip())
                elif bullets and x:
                    break
            out[(level, skill)] = " ".join(bullets)
    return out


@pytest.mark.framework
def test_seed_page_against_the_export(seed_page: Path, role_csv: Path, tmp_path: Path) -> None:
    rename = {"Ethics and privacy (data science)": "Data ethics and privacy"}
    seed = {(lv, rename.get(s, s)): d for (lv, s), d in seed_descriptors(seed_page).items()}
    with role_csv.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["Role"] == "Machine learning engineer"]
    export = {
        (r["Role Level"], r["Skill Name"]): " ".join(
            line.removeprefix("- ").strip()
            for line in r["Skill Level Description"].splitlines()[1:]
        )
        for r in rows
    }
    assert set(seed) == set(export) and len(seed) == 12
    expected = {
        f"{lv}: {s}"
        for (lv, s) in seed
        if " ".join(seed[(lv, s)].split()) != " ".join(export[(lv, s)].split())
    }
    assert len(expected) == 4
    folder = role_csv.parent
    result = diff_sources(str(seed_page), str(folder), role="Machine learning engineer")
    changed = {c.item for c in result.changes if c.what == "descriptor"}
    assert changed == expected
    assert {c.what for c in result.changes} == {"descriptor", "skill descriptor"}


@pytest.mark.framework
def test_software_developer_page_against_the_export(
    snapshot_dir: Path, role_csv: Path, tmp_path: Path
) -> None:
    """The page of 29 August 2025 and the export of the same vintage agree on every
    requirement (checked from the CSV text below), so the diff finds nothing; a copy of
    the page with one tier raised is reported exactly."""
    page = snapshot_dir / "software-developer.html"
    with role_csv.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["Role"] == "Software developer"]
    assert len({(r["Role Level"], r["Skill Name"]) for r in rows}) == 86
    result = diff_sources(str(page), str(role_csv.parent), role="Software developer")
    assert result.changes == []

    html = page.read_text(encoding="utf-8")
    # Raise Apprentice developer's "Information security" from awareness to working:
    # the first "Level: awareness" after that skill's name in the apprentice section.
    start = html.index("Information security")
    at = html.index("awareness", start)
    edited = html[:at] + "working" + html[at + len("awareness") :]
    copy = tmp_path / "software-developer.html"
    copy.write_text(edited, encoding="utf-8")
    changed = diff_sources(str(role_csv.parent), str(copy), role="Software developer")
    got = [(c.what, c.change, c.item, c.old) for c in changed.changes]
    # The raised tier, and (since the page now files the awareness text under working)
    # the skill's working descriptor, which differs from the export's.
    assert got == [
        ("tier", "raised", "Apprentice developer: Information security", "awareness"),
        ("skill descriptor", "changed", "Information security at working", got[1][3]),
    ]
    # Without --role, only the role the page describes is compared: the 51 roles and 178
    # skills the page does not give are not read as removed, and the output says so.
    whole = diff_sources(str(role_csv.parent), str(copy))
    assert [(c.what, c.change, c.item) for c in whole.changes] == [g[:3] for g in got]
    assert whole.compared_roles == ["Software developer"]
    assert (
        whole.render("table")
        .splitlines()[1]
        .startswith("Compared only 1 role both sides describe (Software developer)")
    )
    assert json.loads(whole.to_json())["compared_roles"] == ["Software developer"]
    # A role the page does not describe cannot be compared.
    with pytest.raises(InputError, match="Data scientist is not described by both sides"):
        diff_sources(str(role_csv.parent), str(copy), role="Data scientist")


def test_a_side_without_levels_is_refused(tmp_path: Path, runner: CliRunner) -> None:
    old, new = crafted(tmp_path)
    one = runner.invoke(
        cli, ["diff", str(old / "role-content.csv"), str(new / "skill-descriptions.csv")]
    )
    assert one.exit_code == 2
    assert (
        "skill-descriptions.csv has no role levels (is it only skill descriptions?), so every "
        "level of role-content.csv would look added or removed"
    ) in one.stderr
    # Two skill catalogues compare fine: the renamed skill is found by its texts.
    both = runner.invoke(
        cli,
        [
            "diff",
            str(old / "skill-descriptions.csv"),
            str(new / "skill-descriptions.csv"),
            "-f",
            "json",
        ],
    )
    assert both.exit_code == 0, both.output
    assert [(c["what"], c["change"], c["item"]) for c in json.loads(both.stdout)["changes"]] == [
        ("skill", "renamed", "Statistical methods")
    ]


def test_role_content_alone_against_both_files_is_no_change(tmp_path: Path) -> None:
    """The role content CSV gives only the tiers its levels use: the skill catalogue's
    other tiers are not 'added' by the skill descriptions CSV."""
    old, _ = crafted(tmp_path)
    # Only the skills CSV's lists name Performance analyst (a disagreement of the tiny
    # framework, which the import reports): that role is all the diff sees.
    only = [("role", "added", "Performance analyst")]
    forward = diff_sources(str(old / "role-content.csv"), str(old)).changes
    assert [(c.what, c.change, c.item) for c in forward] == only
    backward = diff_sources(str(old), str(old / "role-content.csv")).changes
    assert [(c.what, c.change, c.item) for c in backward] == [
        ("role", "removed", "Performance analyst")
    ]


def test_a_store_against_itself_is_refused(tmp_path: Path, runner: CliRunner) -> None:
    old, _ = crafted(tmp_path)
    store = tmp_path / "store"
    build = ["build", "-q", "--roles", str(old / "role-content.csv"), "--store", str(store)]
    assert runner.invoke(cli, build).exit_code == 0
    plain = runner.invoke(cli, ["diff", str(store), str(store)])
    assert plain.exit_code == 2
    assert "OLD and NEW are the same graph (the store store, which holds no releases)" in (
        plain.stderr
    )
    listed = runner.invoke(cli, ["releases", str(store)])
    assert (
        listed.exit_code == 0
        and "store holds no releases (built without --release" in listed.stderr
    )
    other = tmp_path / "released"
    build[-1] = str(other)
    assert runner.invoke(cli, [*build, "--release", "R1"]).exit_code == 0
    same = runner.invoke(
        cli, ["diff", str(other), str(other), "--old-release", "R1", "--new-release", "R1"]
    )
    assert same.exit_code == 2
    assert "OLD and NEW are the same graph (release R1 of the store released)" in same.stderr


@pytest.mark.framework
def test_the_export_alone_against_the_export_with_its_skill_catalogue(role_csv: Path) -> None:
    """The role content CSV gives only the tiers its levels use; the skill descriptions
    CSV gives every tier (30 of them no level uses). Those are not 'added'."""
    assert diff_sources(str(role_csv), str(role_csv.parent)).changes == []
