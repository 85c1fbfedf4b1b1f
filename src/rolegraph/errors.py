"""The exception tree. Library code raises these; only the CLI prints them.

    RolegraphError             anything rolegraph raises on purpose: a message and a hint
    ├── InputError             what the user gave cannot be used (not raised itself)
    │   ├── SourceError        a file or folder to read is missing, unreadable or malformed
    │   │                      (.path, .row, .column where known)
    │   ├── OptionError        an option or parameter has a value that cannot work (.option)
    │   ├── OutputError        an output cannot be written where it was asked for (.path)
    │   └── NotFound           a name (role, level, skill, query, release) matches nothing
    │                          (.kind, .name, .suggestions)
    ├── QueryError             a saved or ad-hoc SPARQL query is broken, or its parameters
    ├── RemoteError            a remote endpoint or URL refused, timed out or answered nonsense
    └── DataInvalid            the data was read but does not conform (SHACL, consistency)

Every message says what went wrong *and* what to do about it. Which exit code each class
ends a command with is its ``exit_code``, set here and nowhere else (the CLI reads it
through :func:`rolegraph.cli.exits.exit_code`): ``DataInvalid`` is 1 ("the data is
invalid"), every other error 2 ("the tool could not do its job").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rolegraph.spelling import spell

if TYPE_CHECKING:  # pathlib is imported when an error names a path (not by --help)
    from pathlib import Path


def _path(path: str | Path | None) -> Path | None:
    from pathlib import Path

    return Path(path) if path is not None else None


class RolegraphError(Exception):
    """Base class of every error rolegraph raises on purpose."""

    #: what a command that raised it exits with (see :mod:`rolegraph.cli.exits`)
    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        """The message and hint, options and next steps spelled by the front end showing
        them (see :mod:`rolegraph.spelling`)."""
        if self.hint:
            return spell(f"{self.message} ({self.hint})")
        return spell(self.message)


class InputError(RolegraphError):
    """What the user gave cannot be used; raise one of the subclasses, which say what."""


class SourceError(InputError):
    """A file or folder to read from is missing, unreadable or not what it should be.

    ``path``, ``row`` (1-based, the header being row 1) and ``column`` say where, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = _path(path)
        self.row = row
        self.column = column


class OptionError(InputError):
    """An option or parameter has a value that cannot work (``option`` names it)."""

    def __init__(self, message: str, *, hint: str | None = None, option: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.option = option


class OutputError(InputError):
    """An output (file, folder, store, port) cannot be written or opened where asked."""

    def __init__(
        self, message: str, *, hint: str | None = None, path: str | Path | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = _path(path)


class NotFound(InputError):
    """A name (role, level, skill, query, ...) matches nothing; carries suggestions."""

    def __init__(
        self,
        kind: str,
        name: str,
        suggestions: list[str] | tuple[str, ...] = (),
        *,
        otherwise: str | None = None,
    ) -> None:
        """``otherwise``: the hint when nothing is close (where to see the names)."""
        self.kind = kind
        self.name = name
        self.suggestions = tuple(suggestions)
        shown = name if len(name) <= 100 else name[:99] + "…"  # a pasted essay is not echoed
        message = f"no {kind} named {shown!r}"
        hint = otherwise
        if self.suggestions:
            hint = "did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(message, hint=hint)


class QueryError(RolegraphError):
    """A saved or ad-hoc SPARQL query is broken, or its parameters are wrong."""


class RemoteError(RolegraphError):
    """A remote SPARQL endpoint or URL failed: refused, timed out, or answered nonsense."""


class DataInvalid(RolegraphError):
    """The data was read but does not conform (SHACL, consistency); exit code 1."""

    exit_code = 1
