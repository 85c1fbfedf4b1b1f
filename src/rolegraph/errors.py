"""The exception tree. Library code raises these; only the CLI prints them.

Every message says what went wrong *and* what to do about it. The CLI maps the
classes to exit codes: :class:`DataInvalid` is 1 ("the data is invalid"), every
other :class:`RolegraphError` is 2 ("the tool could not do its job").
"""

from __future__ import annotations


class RolegraphError(Exception):
    """Base class of every error rolegraph raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class InputError(RolegraphError):
    """A file, URL or option cannot be read or understood."""


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
