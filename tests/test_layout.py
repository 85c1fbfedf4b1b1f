"""The package layout: imports point down the data flow, modules and functions stay small.

Every import statement in ``src/rolegraph`` is read (top level, inside functions and under
``TYPE_CHECKING``), so a function-local import cannot hide a cycle. The layer order is the
one ``docs/architecture.md`` draws.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "rolegraph"

# Lower layers first; a module may import its own layer and the layers below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "spelling", "version"),
    ("util",),
    ("model",),
    ("sources",),
    ("combine",),
    ("sparql",),
    ("graph",),
    ("analysis",),
    ("explorer",),
    ("serve",),
    ("cli",),
    ("__init__", "__main__"),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}

MAX_TOP_LEVEL_MODULES = 8
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 100


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(SRC.rglob("*.py"))}


def own_imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every rolegraph module ``name`` imports, with the line, resolving relative imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "rolegraph":
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] != "rolegraph":
                continue
            for alias in node.names:
                yield f"{target}.{alias.name}", node.lineno


def resolve(target: str, known: dict[str, Path]) -> str:
    """The module an import names (``from m import f`` names ``m``; ``from p import m`` names ``p.m``)."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target


def layer(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def import_graph() -> dict[str, dict[str, int]]:
    known = modules()
    edges: dict[str, dict[str, int]] = {}
    for name, path in known.items():
        targets = edges.setdefault(name, {})
        for target, line in own_imports(name, path):
            module = resolve(target, known)
            if module and module != name:
                targets.setdefault(module, line)
    return edges


def test_every_layer_is_ranked() -> None:
    unranked = sorted({layer(name) for name in modules()} - RANK.keys())
    assert unranked == [], f"add {unranked} to LAYERS and docs/architecture.md"


def test_no_import_points_up_the_flow() -> None:
    upward = [
        f"{name}:{line} imports {target} ({layer(target)} is above {layer(name)})"
        for name, targets in import_graph().items()
        for target, line in targets.items()
        if RANK[layer(target)] > RANK[layer(name)]
    ]
    assert upward == []


def test_no_import_cycle() -> None:
    import networkx as nx

    edges = import_graph()
    graph = nx.DiGraph([(name, target) for name, targets in edges.items() for target in targets])
    # A package's __init__ re-exporting its own submodules is not a cycle worth flagging:
    # the submodule never needs the package body. Everything else is.
    cycles = [
        cycle
        for cycle in nx.simple_cycles(graph)
        if not any(
            b.startswith(a + ".") or a.startswith(b + ".")
            for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True)
        )
    ]
    assert sorted(" -> ".join(c) for c in cycles) == []


def test_few_modules_directly_in_the_package() -> None:
    top = sorted(path.name for path in SRC.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_no_module_is_too_long() -> None:
    long = {
        module_name(path): lines
        for path in SRC.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_is_too_long() -> None:
    long = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                if isinstance(node, ast.ClassDef):
                    continue
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > MAX_FUNCTION_LINES:
                    long[f"{module_name(path)}.{node.name}:{node.lineno}"] = size
    assert long == {}


@pytest.mark.parametrize("name", ["__init__", "__main__"])
def test_the_cli_and_api_entry_points_exist(name: str) -> None:
    assert (SRC / f"{name}.py").is_file()


# --- one definition of each thing ------------------------------------------------------


def source_texts() -> dict[str, str]:
    return {str(path.relative_to(SRC)): path.read_text("utf-8") for path in SRC.rglob("*.py")}


@pytest.mark.parametrize(
    ("needle", "home"),
    [
        ('"csv-role-content"', "model/records.py"),
        ('"csv-skill-descriptions"', "model/records.py"),
        ('"role-page"', "model/records.py"),
        ('"skills-page"', "model/records.py"),
        ("CATALOGUE_KINDS = ", "model/records.py"),
        ("get_close_matches", "util/text.py"),
        ("def sparql_prefixes", "model/vocab.py"),
        ("def short_iri", "model/vocab.py"),
    ],
)
def test_each_thing_is_defined_in_one_place(needle: str, home: str) -> None:
    holders = sorted(name for name, text in source_texts().items() if needle in text)
    assert holders == [home]


def test_no_module_spells_a_namespace_out_in_a_query() -> None:
    spelled = sorted(
        name for name, text in source_texts().items() if re.search(r"PREFIX \w+: <https?://", text)
    )
    assert spelled == []


def test_no_module_keeps_its_own_plural() -> None:
    assert sorted(name for name, text in source_texts().items() if "def _plural" in text) == []


# import name -> the distribution that provides it, where the two differ
DISTRIBUTIONS = {
    "yaml": "pyyaml",
    "fontTools": "fonttools",
    "SPARQLWrapper": "sparqlwrapper",
    "confusable_homoglyphs": "confusable-homoglyphs",
}


def test_every_third_party_import_is_a_declared_dependency() -> None:
    import sys
    import tomllib

    project = tomllib.loads((SRC.parent.parent / "pyproject.toml").read_text("utf-8"))
    declared = {
        re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0].lower()
        for spec in project["project"]["dependencies"]
    }
    imported: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {
        name
        for name in imported
        if name not in sys.stdlib_module_names and name not in {"rolegraph", "__future__"}
    }
    undeclared = sorted(
        name for name in third_party if DISTRIBUTIONS.get(name, name).lower() not in declared
    )
    assert undeclared == []


# Strings outside cli/ that look like flags but are not (an internal graph-name suffix).
NOT_FLAGS = {"--loading"}


def cli_text() -> re.Pattern[str]:
    """Every long flag of every command, and a quoted 'rolegraph COMMAND'."""
    import click

    from rolegraph.cli import cli
    from rolegraph.cli.group import COMMANDS

    flags: set[str] = set()
    with click.Context(cli) as ctx:
        for name in COMMANDS:
            command = cli.get_command(ctx, name)
            assert command is not None
            for param in command.params:
                flags.update(o for o in [*param.opts, *param.secondary_opts] if o.startswith("--"))
    alternatives = "|".join(re.escape(f) for f in sorted(flags, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])|'rolegraph [a-z]")


def docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def test_the_library_never_spells_a_flag_or_command() -> None:
    """Only cli/ speaks command line; the library names options and next steps through
    rolegraph.spelling (its own docstring shows examples)."""
    spoken = []
    pattern = cli_text()
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC)
        if relative.parts[0] == "cli" or relative.name == "spelling.py":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        skip = docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skip
                and node.value not in NOT_FLAGS
                and pattern.search(node.value)
            ):
                spoken.append(f"{relative}:{node.lineno}: {node.value[:60]!r}")
    assert spoken == []


def test_every_public_name_resolves() -> None:
    import rolegraph

    missing = [name for name in rolegraph.__all__ if getattr(rolegraph, name, None) is None]
    assert missing == []


#: The function-local imports of rolegraph's own code that are kept, each for a reason:
#: ``__main__`` loads the CLI so that Ctrl-C while it loads is one line; the others keep
#: a command from importing what it does not use (issue 20: ``--help`` imports no
#: command's helpers; a query on a graph file or store reads no sources, builds nothing
#: and imports no web client). The layer rules above see these imports too.
LAZY_IMPORTS = {
    ("rolegraph.__main__", "rolegraph.cli"),
    ("rolegraph.cli.group", "rolegraph.util.files"),
    ("rolegraph.cli.group", "rolegraph.util.text"),
    ("rolegraph.cli.query_cmds", "rolegraph.graph.publish"),
    ("rolegraph.cli.query_cmds", "rolegraph.sparql.remote"),
    ("rolegraph.graph.open", "rolegraph.combine.framework"),
    ("rolegraph.graph.open", "rolegraph.graph.build"),
    ("rolegraph.graph.open", "rolegraph.graph.releases"),
    ("rolegraph.graph.open", "rolegraph.model.report"),
}


def test_own_modules_are_imported_at_the_top() -> None:
    """A function-local import of rolegraph's own code hides the import graph from a
    reader; the ones kept are listed in :data:`LAZY_IMPORTS`."""
    local = []
    for name, path in modules().items():
        for function in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.ImportFrom)
                    and (node.level or (node.module or "").split(".")[0] == "rolegraph")
                ) or (
                    isinstance(node, ast.Import)
                    and any(a.name.split(".")[0] == "rolegraph" for a in node.names)
                ):
                    imported = (
                        node.module
                        if isinstance(node, ast.ImportFrom) and not node.level
                        else ",".join(a.name for a in node.names)
                    )
                    if (name, imported) not in LAZY_IMPORTS:
                        local.append(f"{name}:{node.lineno}")
    assert local == []
