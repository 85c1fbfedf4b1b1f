"""The one place that knows where the project's resource folders live.

In an installed wheel, ``ontology/``, ``queries/`` and ``data/`` are carried inside
the package as ``rolegraph/_resources/...``. In a source checkout (editable
install, or running the tests) they are the top-level folders of the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rolegraph.errors import SourceError

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/rolegraph, or site-packages/rolegraph


@cache
def resource_root() -> Path:
    """The folder holding ``ontology/``, ``queries/`` and ``data/``."""
    packaged = _PACKAGE_DIR / "_resources"
    if (packaged / "ontology").is_dir():
        return packaged
    checkout = _PACKAGE_DIR.parent.parent
    if (checkout / "ontology").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout
    raise SourceError(
        f"cannot find rolegraph's resource folders (ontology/, queries/, data/) in "
        f"{packaged} or {checkout}",
        hint="reinstall rolegraph with 'pip install .' from a complete checkout",
    )


def ontology_dir() -> Path:
    return resource_root() / "ontology"


def queries_dir() -> Path:
    return resource_root() / "queries"


def data_dir() -> Path:
    return resource_root() / "data"


def ontology_file() -> Path:
    return ontology_dir() / "rolegraph.ttl"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def context_file() -> Path:
    return ontology_dir() / "context.jsonld"


def aliases_file() -> Path:
    return data_dir() / "aliases.csv"


def families_file() -> Path:
    return data_dir() / "role-families.csv"


def bundled_files() -> list[Path]:
    """The bundled role data (YAML, one file per role page), sorted by name."""
    return sorted((data_dir() / "roles").glob("*.yaml"))
