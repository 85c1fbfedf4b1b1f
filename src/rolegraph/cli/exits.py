"""Exit codes, in one place: what each of rolegraph's errors ends a command with."""

from __future__ import annotations

from rolegraph.errors import RolegraphError

#: the command did its job
OK = 0
#: the data was read but is invalid (SHACL, consistency): :class:`rolegraph.errors.DataInvalid`
DATA_INVALID = 1
#: the command could not do its job: every other :class:`rolegraph.errors.RolegraphError`,
#: a usage error, an internal error
ERROR = 2
#: Ctrl-C (128 + SIGINT)
INTERRUPTED_STATUS = 130

INTERRUPTED = "rolegraph: interrupted; no output file was left half-written"


def exit_code(exc: RolegraphError) -> int:
    """The exit code a command that raised ``exc`` ends with."""
    return exc.exit_code
