"""The CSV readers on tiny files in the official shape, quirk by quirk."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.minicsv import (
    ROLE_HEADER,
    SKILL_HEADER,
    role_rows,
    skill_rows,
    to_csv,
    write_pair,
)
from rolegraph.cli import cli
from rolegraph.combine.framework import load_framework
from rolegraph.errors import InputError
from rolegraph.model.records import Framework
from rolegraph.model.report import ImportReport


def load(tmp_path: Path, **kw: object) -> tuple[Framework, ImportReport]:
    roles, skills = write_pair(tmp_path)
    report = ImportReport()
    args = {"roles": roles, "skills": skills}
    args.update(kw)  # type: ignore[arg-type]
    fw = load_framework(**{k: v for k, v in args.items() if v is not None}, report=report)  # type: ignore[arg-type]
    return fw, report


def test_counts_and_reconciliation(tmp_path: Path) -> None:
    fw, report = load(tmp_path)
    # 8 analyst requirements + 2 Senior Civil Service requirements; the duplicate merged.
    assert len(fw.requirements) == 10
    assert {lv.name for lv in fw.levels} == {
        "Associate data analyst",
        "Data analyst",
        "Senior data analyst",
        "Chief data officer",
    }
    role_file = next(f for f in report.files if f.file == "role-content.csv")
    assert (role_file.rows_read, role_file.rows_used, role_file.rows_merged) == (11, 10, 1)
    assert report.reconciles


def test_duplicate_row_is_merged_and_named(tmp_path: Path) -> None:
    _, report = load(tmp_path)
    dup = [e for e in report.entries if e.category == "duplicate"]
    assert len(dup) == 1
    assert dup[0].rows == (5,)
    assert "duplicate of row 4" in dup[0].message


def test_invisible_characters_and_line_separators_are_removed(tmp_path: Path) -> None:
    fw, report = load(tmp_path)
    analyst = fw.role("Data analyst")
    assert analyst is not None and analyst.description is not None
    assert "\u2028" not in analyst.description
    assert analyst.description.startswith(
        "A data analyst turns data into insight.\n\nIn this role, you will:\n- collect data"
    )
    working = next(
        q for q in fw.requirements if q.level == "Data analyst" and q.skill == "Data analysis"
    )
    assert working.descriptor == "You can:\n- analyse data with help"
    kinds = {
        re.sub(r"^\d+ rows: ", "", e.message) for e in report.entries if e.category == "normalised"
    }
    assert {
        "removed line separator",
        "removed no-break space",
        "removed invisible character",
        "removed stray whitespace",
    } <= kinds


def test_trailing_space_in_level_name_gives_one_level(tmp_path: Path) -> None:
    fw, _ = load(tmp_path)
    names = [lv.name for lv in fw.levels if lv.role == "Data analyst"]
    assert names.count("Data analyst") == 1
    stats = [q for q in fw.requirements if q.skill == "Statistics"]
    assert {q.level for q in stats} == {"Data analyst", "Senior data analyst"}


def test_sentinels(tmp_path: Path) -> None:
    fw, report = load(tmp_path)
    skills = {s.name: s for s in fw.skills}
    assert skills["Data visualisation"].description is None  # "MISSING"
    assert skills["Statistics"].description is None  # empty
    assert skills["Data analysis"].undefined_tiers == ("expert",)
    assert skills["Statistics"].undefined_tiers == ("awareness", "practitioner")
    sentinel = " ".join(e.message for e in report.entries if e.category == "sentinel")
    assert "'MISSING' in Skill Description" in sentinel
    assert "NOT IN USE" in sentinel


def test_senior_civil_service_role(tmp_path: Path) -> None:
    fw, _ = load(tmp_path)
    cdo = fw.role("Chief data officer")
    assert cdo is not None and cdo.senior_civil_service
    levels = [lv for lv in fw.levels if lv.role == "Chief data officer"]
    assert [(lv.name, lv.rank) for lv in levels] == [("Chief data officer", 1)]
    reqs = [q for q in fw.requirements if q.role == "Chief data officer"]
    assert {q.tier for q in reqs} == {None}
    assert {q.descriptor for q in reqs} == {
        "You can:\n- set the organisation's data strategy",
        "You can:\n- lead data professions",
    }
    strategy = next(s for s in fw.skills if s.name == "Data strategy")
    assert strategy.untiered_descriptor == "You can:\n- set the organisation's data strategy"
    assert strategy.description is None


def test_levels_ordered_by_seniority_not_alphabet(tmp_path: Path) -> None:
    fw, _ = load(tmp_path)
    assert [lv.name for lv in fw.levels_of("Data analyst")] == [
        "Associate data analyst",
        "Data analyst",
        "Senior data analyst",
    ]
    assert {lv.rank_basis for lv in fw.levels_of("Data analyst")} == {"derived"}


def test_roles_list_disagreement_is_reported(tmp_path: Path) -> None:
    fw, report = load(tmp_path)
    mismatch = [e.message for e in report.entries if e.category == "mismatch"]
    assert any("'Performance analyst'" in m and "not in the role content" in m for m in mismatch)
    perf = fw.role("Performance analyst")
    assert perf is not None and perf.family == "Data"  # from data/role-families.csv


def test_roles_file_alone(tmp_path: Path) -> None:
    roles, _ = write_pair(tmp_path)
    fw = load_framework(roles=roles)
    skills = {s.name: s for s in fw.skills}
    # Only the tiers the roles use have descriptors.
    assert [t for t, _ in skills["Statistics"].descriptors] == ["working", "expert"]
    assert len(fw.requirements) == 10


def test_skills_file_alone(tmp_path: Path) -> None:
    _, skills = write_pair(tmp_path)
    fw = load_framework(skills=skills)
    assert fw.requirements == []
    assert {(x.role, x.skill) for x in fw.role_skills} >= {
        ("Data analyst", "Data analysis"),
        ("Performance analyst", "Statistics"),
        ("Chief data officer", "Data strategy"),
    }
    analysis = next(s for s in fw.skills if s.name == "Data analysis")
    assert [t for t, _ in analysis.descriptors] == ["awareness", "working", "practitioner"]


def test_report_written_as_json_and_markdown(tmp_path: Path, runner: CliRunner) -> None:
    roles, skills = write_pair(tmp_path)
    out = tmp_path / "g.ttl"
    for name in ("report.json", "report.md"):
        result = runner.invoke(
            cli,
            [
                "build",
                "--roles",
                str(roles),
                "--skills",
                str(skills),
                "-o",
                str(out),
                "--report",
                str(tmp_path / name),
                "-q",
            ],
        )
        assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["reconciles"] is True
    assert [f["rows_read"] for f in data["files"]] == [11, 5]
    md = (tmp_path / "report.md").read_text()
    assert "| role-content.csv | role content | 11 | 10 | 1 | 0 | yes |" in md


# Bad input: one clear message naming file, row and column; exit 2; no output file.


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def run_bad(runner: CliRunner, tmp_path: Path, roles: Path) -> str:
    out = tmp_path / "out.ttl"
    result = runner.invoke(cli, ["build", "--roles", str(roles), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert not out.exists()
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rolegraph: error: ")
    assert not list(tmp_path.glob(".out.ttl.*"))
    return lines[0]


def test_missing_column(tmp_path: Path, runner: CliRunner) -> None:
    header = [h for h in ROLE_HEADER if h != "Skill Level"]
    rows = [
        [c for h, c in zip(ROLE_HEADER, r, strict=True) if h != "Skill Level"] for r in role_rows()
    ]
    msg = run_bad(runner, tmp_path, write(tmp_path, "roles.csv", to_csv(header, rows)))
    assert "roles.csv, row 1: missing column 'Skill Level'" in msg


def test_renamed_column_gets_did_you_mean(tmp_path: Path, runner: CliRunner) -> None:
    header = ["Skill Tier" if h == "Skill Level" else h for h in ROLE_HEADER]
    msg = run_bad(runner, tmp_path, write(tmp_path, "roles.csv", to_csv(header, role_rows())))
    assert "missing column 'Skill Level'" in msg
    assert "did you mean" in msg


def test_column_names_are_matched_case_and_space_insensitively(tmp_path: Path) -> None:
    header = [" " + h.upper() for h in ROLE_HEADER]
    p = write(tmp_path, "roles.csv", to_csv(header, role_rows()))
    assert len(load_framework(roles=p).requirements) == 10


def test_empty_file(tmp_path: Path, runner: CliRunner) -> None:
    msg = run_bad(runner, tmp_path, write(tmp_path, "roles.csv", ""))
    assert "roles.csv is empty" in msg


def test_non_utf8_file_gets_a_hint(tmp_path: Path, runner: CliRunner) -> None:
    text = (
        to_csv(ROLE_HEADER, role_rows())
        .replace("insight", "insight \u00a3")
        .encode("cp1252", "replace")
    )
    msg = run_bad(runner, tmp_path, write(tmp_path, "roles.csv", text))
    assert "roles.csv is not UTF-8: byte 0xa3 on line 2" in msg
    assert "CSV UTF-8" in msg


def test_ragged_row(tmp_path: Path, runner: CliRunner) -> None:
    rows = role_rows()
    rows[4] = rows[4][:7]
    msg = run_bad(runner, tmp_path, write(tmp_path, "roles.csv", to_csv(ROLE_HEADER, rows)))
    assert (
        "roles.csv, row 6: has 7 cells but the header has 10, so 'Skill Level', "
        "'Skill Level Description' and 'Role Type' are missing (check the row" in msg
    )
    rows = role_rows()
    rows[4] = rows[4][:9]
    msg = run_bad(runner, tmp_path, write(tmp_path, "roles.csv", to_csv(ROLE_HEADER, rows)))
    assert "has 9 cells but the header has 10, so 'Role Type' is missing (check" in msg


def test_row_numbers_count_blank_lines_as_a_spreadsheet_does(
    tmp_path: Path, runner: CliRunner
) -> None:
    rows = role_rows()
    rows[2][7] = "Guru"
    text = to_csv(ROLE_HEADER, rows).splitlines(keepends=True)
    # Two blank lines after the header: the bad row is row 6 in a spreadsheet.
    bad = write(tmp_path, "roles.csv", text[0] + "\n\n" + "".join(text[1:]))
    msg = run_bad(runner, tmp_path, bad)
    assert "roles.csv, row 6, column 'Skill Level': unknown tier 'Guru'" in msg


def test_unknown_tier(tmp_path: Path, runner: CliRunner) -> None:
    rows = role_rows()
    rows[2][7] = "Guru"
    msg = run_bad(runner, tmp_path, write(tmp_path, "roles.csv", to_csv(ROLE_HEADER, rows)))
    assert "roles.csv, row 4, column 'Skill Level': unknown tier 'Guru'" in msg
    assert "Awareness, Working, Practitioner, Expert" in msg


def test_directory_instead_of_file(tmp_path: Path, runner: CliRunner) -> None:
    d = tmp_path / "folder.csv"
    d.mkdir()
    msg = run_bad(runner, tmp_path, d)
    assert "is a directory, not a role content CSV" in msg


def test_missing_file(tmp_path: Path, runner: CliRunner) -> None:
    msg = run_bad(runner, tmp_path, tmp_path / "nope.csv")
    assert "role content CSV not found" in msg


def test_unclosed_quote(tmp_path: Path, runner: CliRunner) -> None:
    text = to_csv(ROLE_HEADER, role_rows()) + 'Data,"Data analyst,broken\n'
    msg = run_bad(runner, tmp_path, write(tmp_path, "roles.csv", text))
    assert "roles.csv, row 13" in msg


def test_duplicate_header(tmp_path: Path, runner: CliRunner) -> None:
    header = [*ROLE_HEADER[:-1], "Role"]
    msg = run_bad(runner, tmp_path, write(tmp_path, "roles.csv", to_csv(header, role_rows())))
    assert "column 'Role' appears twice" in msg


def test_skills_file_given_as_roles(tmp_path: Path, runner: CliRunner) -> None:
    p = write(tmp_path, "skills.csv", to_csv(SKILL_HEADER, skill_rows()))
    msg = run_bad(runner, tmp_path, p)
    assert "missing columns" in msg and "Columns found" in msg


def test_extra_column_is_reported_not_silently_dropped(tmp_path: Path) -> None:
    header = [*ROLE_HEADER, "Notes"]
    rows = [[*r, "note"] for r in role_rows()]
    p = write(tmp_path, "roles.csv", to_csv(header, rows))
    report = ImportReport()
    load_framework(roles=p, report=report)
    ignored = [e for e in report.entries if e.category == "ignored"]
    assert ignored and ignored[0].column == "Notes" and ignored[0].severity == "warning"


def test_non_scs_row_with_not_in_use_is_skipped_and_reported(tmp_path: Path) -> None:
    rows = role_rows()
    rows[0][7] = "NOT IN USE"
    p = write(tmp_path, "roles.csv", to_csv(ROLE_HEADER, rows))
    report = ImportReport()
    fw = load_framework(roles=p, report=report)
    stats = report.files[0]
    assert (stats.rows_read, stats.rows_used, stats.rows_merged, stats.rows_reported) == (
        11,
        9,
        1,
        1,
    )
    assert report.reconciles
    skipped = [e for e in report.entries if e.category == "skipped"]
    assert skipped[0].rows == (2,) and skipped[0].severity == "warning"
    assert not any(
        q.level == "Associate data analyst" and q.skill == "Data analysis" for q in fw.requirements
    )


def test_conflicting_duplicate_is_reported(tmp_path: Path) -> None:
    rows = role_rows()
    clash = list(rows[2])
    clash[7] = "Expert"
    clash[8] = "You can:\n- do everything"
    rows.append(clash)
    p = write(tmp_path, "roles.csv", to_csv(ROLE_HEADER, rows))
    report = ImportReport()
    fw = load_framework(roles=p, report=report)
    assert report.files[0].rows_reported == 1 and report.reconciles
    kept = next(
        q for q in fw.requirements if q.level == "Data analyst" and q.skill == "Data analysis"
    )
    assert kept.tier == "working"


def test_library_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"roles\.csv is empty"):
        load_framework(roles=write(tmp_path, "roles.csv", "\n\n"))


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    text = to_csv(ROLE_HEADER, role_rows()).replace("\n", "\r\n")
    p = write(tmp_path, "roles.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    fw = load_framework(roles=p)
    assert len(fw.requirements) == 10
    assert all("\r" not in (q.descriptor or "") for q in fw.requirements)


def test_decomposed_accents_are_composed_and_reported(tmp_path: Path) -> None:
    rows = role_rows()
    rows[0][2] = rows[0][2] + " Cafe\u0301."
    roles = write(tmp_path, "roles.csv", to_csv(ROLE_HEADER, rows))
    report = ImportReport()
    fw = load_framework(roles=roles, report=report)
    role = fw.role(rows[0][1])
    assert role is not None and role.description is not None
    assert role.description.endswith(" Caf\u00e9.")
    said = [e.message for e in report.entries if e.category == "normalised"]
    assert any("composed accents written as a letter plus a combining mark" in m for m in said)


def test_a_file_cut_inside_a_character_is_said_to_be_cut(tmp_path: Path, runner: CliRunner) -> None:
    data = to_csv(ROLE_HEADER, role_rows()).encode("utf-8") + "Data,Caf\u00e9".encode()[:-1]
    msg = run_bad(runner, tmp_path, write(tmp_path, "roles.csv", data))
    assert "roles.csv ends in the middle of a character" in msg
    assert "it looks cut off" in msg


def test_skills_in_one_file_only_and_unlisted_roles_are_located(tmp_path: Path) -> None:
    """A skill only the skill descriptions have, a skill only the role content has, and a
    requirement whose role the skill's list leaves out: each reported with file and row."""
    roles = role_rows()
    extra = list(roles[0])
    extra[5], extra[6], extra[7] = "Data engineering", "Engineering data.", "Working"
    extra[8] = "You can:\n- build a pipeline"
    roles.append(extra)
    skills = skill_rows()
    skills.append(["Data storytelling", "Telling stories.", "", "", "", "", "Data analyst"])
    skills[1][6] = "Performance analyst"  # Data visualisation no longer lists Data analyst
    report = ImportReport()
    load_framework(
        roles=write(tmp_path, "roles.csv", to_csv(ROLE_HEADER, roles)),
        skills=write(tmp_path, "skills.csv", to_csv(SKILL_HEADER, skills)),
        report=report,
    )
    located = {(e.category, e.message): (e.file, e.rows, e.column) for e in report.entries}
    assert located[
        ("one-source", "skill 'Data storytelling' is in the skill descriptions only")
    ] == (
        "skills.csv",
        (len(skills) + 1,),
        "Roles that require Skill",
    )
    only_roles = located[("one-source", "skill 'Data engineering' is in the role content only")]
    assert only_roles[:2] == ("roles.csv", (len(roles) + 1,))
    unlisted = located[
        (
            "mismatch",
            "role 'Data analyst' requires skill 'Data visualisation' in the role content, but "
            "the skill descriptions do not list the role; the requirement is kept",
        )
    ]
    assert unlisted == ("skills.csv", (3,), "Roles that require Skill")
    assert report.reconciles


@pytest.mark.parametrize(("sep", "name"), [(";", "semicolons"), ("\t", "tabs")])
def test_another_separator_is_named(tmp_path: Path, runner: CliRunner, sep: str, name: str) -> None:
    text = "\n".join(sep.join(row) for row in [ROLE_HEADER, *role_rows()[:3]]) + "\n"
    msg = run_bad(runner, tmp_path, write(tmp_path, "roles.csv", text))
    assert f"roles.csv, row 1: the columns are separated by {name}, not commas" in msg
    assert "CSV UTF-8 (comma delimited)" in msg
