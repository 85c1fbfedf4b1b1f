"""The error tree: drawn where it is defined, precise where raised, mapped to exit codes once."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from rolegraph import errors
from rolegraph.cli.exits import DATA_INVALID, ERROR, exit_code
from rolegraph.errors import (
    DataInvalid,
    InputError,
    NotFound,
    OptionError,
    OutputError,
    QueryError,
    RemoteError,
    RolegraphError,
    SourceError,
)
from rolegraph.util.files import check_output_path
from rolegraph.util.tables import read_table

SRC = Path(errors.__file__).parent


def error_classes() -> list[type[RolegraphError]]:
    return [
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, RolegraphError) and cls.__module__ == errors.__name__
    ]


def test_the_drawn_tree_names_every_class_under_its_parent() -> None:
    doc = errors.__doc__ or ""
    drawn: dict[str, int] = {}
    for line in doc.splitlines():
        match = re.match(r"    ([│ ]*(?:├── |└── )?)([A-Z]\w+)  ", line)
        if match:
            drawn[match.group(2)] = len(match.group(1))
    assert sorted(drawn) == sorted(cls.__name__ for cls in error_classes())
    for cls in error_classes():
        if cls is RolegraphError:
            continue
        (parent,) = cls.__bases__
        assert drawn[cls.__name__] == drawn[parent.__name__] + 4, cls.__name__


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (DataInvalid("bad"), DATA_INVALID),
        (SourceError("bad"), ERROR),
        (OptionError("bad"), ERROR),
        (OutputError("bad"), ERROR),
        (NotFound("role", "x"), ERROR),
        (QueryError("bad"), ERROR),
        (RemoteError("bad"), ERROR),
    ],
)
def test_each_error_maps_to_one_exit_code(error: RolegraphError, code: int) -> None:
    assert exit_code(error) == code


def test_exit_codes_are_set_only_by_the_error_tree() -> None:
    setters = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if re.search(r"^\s*exit_code = ", path.read_text("utf-8"), re.M)
    )
    assert setters == ["errors.py"]


def test_input_errors_are_raised_as_what_went_wrong() -> None:
    """``InputError`` is the family, never the error: each raise says source, option or output."""
    bare = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "InputError"
            ):
                bare.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert bare == []


def test_a_csv_row_error_carries_its_file_and_row(tmp_path: Path) -> None:
    path = tmp_path / "roles.csv"
    path.write_text("Role,Skill\nanalyst,python\nanalyst\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_table(path, required=["Role", "Skill"])
    assert (caught.value.path, caught.value.row, caught.value.column) == (path, 3, None)
    assert str(caught.value).startswith("roles.csv, row 3: has 1 cells but the header has 2")


def test_a_missing_column_carries_its_name(tmp_path: Path) -> None:
    path = tmp_path / "roles.csv"
    path.write_text("Role,Skil\nanalyst,python\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_table(path, required=["Role", "Skill"])
    assert (caught.value.row, caught.value.column) == (1, "Skill")
    assert isinstance(caught.value, InputError)


def test_an_output_error_carries_its_path(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught:
        check_output_path(tmp_path)
    assert caught.value.path == tmp_path
    assert str(caught.value) == f"{tmp_path} is a directory (give a file name for the output)"
