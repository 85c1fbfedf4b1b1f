"""How library text names what the user gave and what to do next, without speaking CLI.

Library code never writes a command-line flag or command into a message. It names an
option by the library's parameter name, ``option("max_nodes")``, and a next step by a
key, ``advice("validate")``; these leave a mark in the text. The front end showing the
text spells the marks: the CLI installs its spelling (``--max-nodes``, ``'rolegraph
validate --graph GRAPH'``; :mod:`rolegraph.cli.spelling`) for the length of a command,
and anything else gets :class:`PlainSpelling`, which names options as the convention all
of rolegraph's front ends follow (``--max-nodes``) and next steps in words.

    text = f"{option('min_shared')} must be at least 1"   # library
    spell(text)                                            # "--min-shared must be at least 1"
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

_MARK = re.compile("\x1e(option|advice):([^\x1e\x1f]*)\x1f")
_ARG = "\x1d"


def option(name: str) -> str:
    """The mark of the option (parameter) ``name`` in a message."""
    return f"\x1eoption:{name}\x1f"


def advice(key: str, *args: str) -> str:
    """The mark of a next step (see :data:`PLAIN_ADVICE` for the keys) in a message;
    ``args`` fill the step's ``{0}``, ``{1}`` (a file name, a store)."""
    return f"\x1eadvice:{_ARG.join([key, *args])}\x1f"


class Spelling(Protocol):
    """What a front end says for an option and for a next step."""

    def option(self, name: str) -> str: ...

    def advice(self, key: str, *args: str) -> str: ...


#: every next step library text may advise, in words (a front end says how, in its terms)
PLAIN_ADVICE: dict[str, str] = {
    "validate": "validating the graph",
    "build-file": "a build of the graph to a file",
    "build-store": "a build of the graph into a store",
    "build-csv": "a build from the export's two CSV files",
    "build-page": "a build from the page {0}",
    "build-whole": "a build of the whole framework from the export's CSV files",
    "build-release": "a build into a store as a release",
    "add-release": "a build into a store as a release",
    "releases": "the list of the store's releases",
    "export": "an export of the graph",
    "queries": "the list of saved queries",
    "serve": "rolegraph's own server",
    "open-store": "the store {0} as the graph of any command",
    "list-roles": "the saved query 'families'",
    "list-levels": "the saved query 'role-levels'",
    "list-skills": "the saved query 'top-skills'",
    "list-families": "the saved query 'families'",
}


class PlainSpelling:
    """Options as ``--dash-case`` of their parameter name; next steps in words."""

    def option(self, name: str) -> str:
        return "--" + name.replace("_", "-")

    def advice(self, key: str, *args: str) -> str:
        return PLAIN_ADVICE[key].format(*args)


_PLAIN = PlainSpelling()
_SPELLING: ContextVar[Spelling | None] = ContextVar("spelling", default=None)


def spell(text: str) -> str:
    """``text`` with its marks spelled by the front end now showing it."""
    if "\x1e" not in text:
        return text
    spelling = _SPELLING.get() or _PLAIN

    def one(match: re.Match[str]) -> str:
        kind, name = match.groups()
        if kind == "option":
            return spelling.option(name)
        return spelling.advice(*name.split(_ARG))

    return _MARK.sub(one, text)


@contextmanager
def spelled_by(spelling: Spelling) -> Iterator[None]:
    """Spell marks with ``spelling`` inside the block (a command, a request)."""
    token = _SPELLING.set(spelling)
    try:
        yield
    finally:
        _SPELLING.reset(token)
