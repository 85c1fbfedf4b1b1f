"""Keys given twice in a YAML mapping: PyYAML keeps the last value silently, so every YAML
reader in ``sources/`` refuses a repeated key with both lines named instead."""

from __future__ import annotations

from typing import Any

from rolegraph.errors import SourceError


def repeated_key(node: Any) -> tuple[str, int, int] | None:
    """The first key of a YAML mapping node given again: (key, line, first line), 1-based."""
    import yaml

    first: dict[str, int] = {}
    for key, _value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        line = key.start_mark.line + 1
        if key.value in first:
            return key.value, line, first[key.value]
        first[key.value] = line
    return None


def refuse_repeated_key(node: Any, label: str, hint: str) -> None:
    """Raise an InputError naming the line of a mapping node's first repeated key."""
    found = repeated_key(node)
    if found is not None:
        key, line, was = found
        raise SourceError(
            f"{label}, line {line}: {key!r} is given again (first at line {was})", hint=hint
        )


def unique_key_loader(label: str, hint: str) -> Any:
    """A ``yaml.SafeLoader`` class that refuses a repeated key at any level, naming ``label``
    (the file) and its line."""
    import yaml

    class _Loader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            refuse_repeated_key(node, label, hint)
            return super().construct_mapping(node, deep=deep)

    return _Loader


__all__ = ["refuse_repeated_key", "repeated_key", "unique_key_loader"]
