"""The ``rolegraph`` command group: it loads a command's module only when that command
runs, turns rolegraph's exceptions into one line and an exit code, and keeps outputs
whole on Ctrl-C, a closed pipe or a full disk.

``rolegraph --help`` imports no command module: the commands' one-line summaries are in
:data:`COMMANDS` (a test checks them against the commands' own help).
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import io
import os
import signal
import sys
from typing import Any

import click

from rolegraph.cli.exits import ERROR, INTERRUPTED, INTERRUPTED_STATUS, exit_code
from rolegraph.cli.spelling import CLI_SPELLING
from rolegraph.errors import NotFound, RolegraphError
from rolegraph.spelling import spelled_by
from rolegraph.version import __version__

#: set in ctx.meta when a command used the bundled data (not the framework)
BUNDLED_KEY = "rolegraph.bundled"
BUNDLED_NOTE = (
    "the bundled data holds only the Machine learning engineer page; give --graph FILE "
    "(or set ROLEGRAPH_GRAPH) for the whole framework"
)
#: Said on stderr after a command the bundled sample answered (no --graph, no
#: $ROLEGRAPH_GRAPH); a command that says it itself sets BUNDLED_SAID_KEY.
BUNDLED_NOTICE = (
    "note: answered from the bundled sample (the Machine learning engineer page "
    "only); give --graph FILE or set ROLEGRAPH_GRAPH=FILE for the whole framework"
)
BUNDLED_SAID_KEY = "rolegraph.bundled-said"


class RolegraphCommand(click.Command):
    """A command that refuses an option given twice (Click would keep the last silently,
    so ``--roles a.csv --roles b.csv`` would read only b.csv)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        options: dict[str, click.Option] = {}
        for p in self.params:
            if isinstance(p, click.Option):
                for opt in [*p.opts, *p.secondary_opts]:
                    options[opt] = p
        seen: set[str] = set()
        i = 0
        while i < len(args):
            arg = args[i]
            i += 1
            if arg == "--":
                break
            if not arg.startswith("-") or arg == "-":
                continue
            attached = "=" in arg if arg.startswith("--") else len(arg) > 2
            opt = arg.split("=", 1)[0] if arg.startswith("--") else arg[:2]
            option = options.get(opt)
            if option is None:
                continue
            if not option.is_flag and not attached:
                i += 1  # its value, whatever it looks like
            if option.multiple or option.count:
                continue
            name = option.name or opt
            if name in seen:
                shown = " / ".join([max(option.opts, key=len), *option.secondary_opts])
                raise click.UsageError(f"{shown} is given twice; give it once", ctx=ctx)
            seen.add(name)
        return super().parse_args(ctx, args)


#: Every command: its module and function, and the first paragraph of its help (shown by
#: ``rolegraph --help`` without importing the module; a test checks them). In help order.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "gap": (
        "analysis_cmds",
        "gap",
        "The skills to develop to move from role level FROM to role level TO.",
    ),
    "ladder": (
        "analysis_cmds",
        "ladder",
        "A role's levels in seniority order, and what each step up adds, raises, lowers and removes. Lowered tiers are real: leadership levels need some skills less.",
    ),
    "similar": (
        "analysis_cmds",
        "similar",
        "The roles (or role levels) most similar to ROLE_OR_LEVEL.",
    ),
    "overlap": (
        "analysis_cmds",
        "overlap",
        "The role x role overlap matrix, in an order that puts clusters of similar roles together (average-linkage hierarchical clustering with optimal leaf order); with -o, as a heatmap image. The same graph gives byte-identical output.",
    ),
    "path": (
        "analysis_cmds",
        "path",
        "The cheapest sequence of moves from role level FROM to role level TO.",
    ),
    "assess": (
        "analysis_cmds",
        "assess",
        "Compare a person's skills, or a team's, with the framework.",
    ),
    "build": (
        "graph_cmds",
        "build",
        "Build the graph from sources (default: the bundled data) and write it.",
    ),
    "export": (
        "graph_cmds",
        "export",
        "Write the graph as Turtle, N-Triples, JSON-LD, RDF/XML, N-Quads or TriG (byte-identical for the same input).",
    ),
    "stats": (
        "graph_cmds",
        "stats",
        "Count families, roles, role levels, skills, requirements and triples.",
    ),
    "validate": (
        "graph_cmds",
        "validate",
        "Check a graph against the SHACL shapes (exit 0 conforms, 1 does not, 2 cannot run).",
    ),
    "releases": (
        "graph_cmds",
        "releases",
        "List the releases kept side by side in a store (or remove one).",
    ),
    "diff": (
        "graph_cmds",
        "diff",
        "What changed from OLD to NEW: roles, levels and skills added, removed or renamed; tiers raised or lowered; descriptors changed.",
    ),
    "serve": (
        "serve_cmds",
        "serve",
        "Serve the graph as a read-only web service: a SPARQL endpoint, a page per resource (HTML, Turtle or JSON-LD by content negotiation), the saved queries as forms, and the explorer. On 127.0.0.1 unless --host says otherwise. Stop it with Ctrl-C.",
    ),
    "queries": (
        "query_cmds",
        "list_queries",
        "List the saved queries, or describe one (NAME) with its parameters and columns.",
    ),
    "query": (
        "query_cmds",
        "query",
        "Run a saved query (see 'rolegraph queries'), or ad-hoc SPARQL with --file / -e.",
    ),
    "publish": (
        "query_cmds",
        "publish",
        "Load the graph into a triple store, so a team can serve it.",
    ),
    "viz": (
        "viz_cmds",
        "viz",
        "Write an interactive HTML explorer of the graph: one file that works offline.",
    ),
}


class RolegraphGroup(click.Group):
    """Loads a command's module when the command runs; turns rolegraph's exceptions into
    one clear line on stderr and an exit code."""

    command_class = RolegraphCommand

    def list_commands(self, ctx: click.Context | None) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module, function, _summary = entry
        command = getattr(importlib.import_module(f"rolegraph.cli.{module}"), function)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, from :data:`COMMANDS` (no module imported)."""
        width = max(len(name) for name in COMMANDS)
        limit = formatter.width - 6 - width
        rows = [
            (name, click.Command(name, help=summary).get_short_help_str(limit))
            for name, (_module, _function, summary) in COMMANDS.items()
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        with spelled_by(CLI_SPELLING):
            return self._invoke(ctx)

    def _invoke(self, ctx: click.Context) -> Any:
        from rolegraph.util.files import LISTENERS, NOTICES, WRITTEN

        WRITTEN.clear()  # this command's outputs (one process may run several, in tests)
        NOTICES.clear()
        # The library's notices (debris of an interrupted run removed) go to stderr.
        LISTENERS[:] = [lambda message: click.echo(message, err=True)]
        try:
            result = super().invoke(ctx)
            if ctx.meta.get(BUNDLED_KEY) and not ctx.meta.get(BUNDLED_SAID_KEY):
                click.echo(BUNDLED_NOTICE, err=True)
            # Output still buffered must reach its reader now, where a failure (a full
            # disk behind a redirect) can be reported, not at exit.
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                raise
            except OSError as exc:
                raise _StdoutError(exc) from None
            return result
        except RolegraphError as exc:
            from rolegraph.util.text import near_miss  # (not for --help: see test_startup)

            message = one_line(str(exc))
            # A name the bundled sample lacks may well be in the framework: the names it
            # suggests instead are only the sample's.
            if (
                isinstance(exc, NotFound)
                and ctx.meta.get(BUNDLED_KEY)
                and not any(near_miss(exc.name, s) for s in exc.suggestions)
            ):
                message += f"; {BUNDLED_NOTE}"
            click.echo(f"rolegraph: error: {message}", err=True)
            ctx.exit(exit_code(exc))
        except KeyboardInterrupt:
            click.echo(interrupted_message(), err=True)
            ctx.exit(INTERRUPTED_STATUS)
        except BrokenPipeError:
            # The reader of our stdout went away (e.g. `| head`): not an error.
            sys.stderr.close()
            ctx.exit(0)
        except OSError as exc:
            # The system refused a read or write (a full disk, a read-only file system,
            # a closed standard output): say which, never a traceback.
            _silence_stdout()
            click.echo(f"rolegraph: error: {os_error_message(exc)}", err=True)
            ctx.exit(ERROR)
        except click.UsageError as exc:
            hint = _extra_argument_hint(exc)
            if hint:
                raise click.UsageError(f"{exc.message} ({hint})", ctx=exc.ctx) from None
            raise
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("ROLEGRAPH_DEBUG"):
                raise
            click.echo(
                f"rolegraph: internal error: {type(exc).__name__}: {exc} "
                "(this is a bug; rerun with ROLEGRAPH_DEBUG=1 for the traceback and report it)",
                err=True,
            )
            ctx.exit(ERROR)


@click.group(cls=RolegraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rolegraph")
def cli() -> None:
    """rolegraph: the UK Government Digital and Data Profession Capability Framework as a
    knowledge graph.

    With no --graph (and no ROLEGRAPH_GRAPH in the environment), commands use the
    bundled data (the Machine learning engineer role page) and say so. Build the whole framework from the official CSV export with
    'rolegraph build --roles role-content.csv --skills skill-descriptions.csv -o framework.ttl'.
    """


def one_line(text: str, limit: int = 400) -> str:
    """Error messages are one line: newlines folded, a terminal's escape sequences and
    control characters removed (a store's quoted answer may hold any byte), very long
    parser output cut."""
    from rolegraph.util.text import printable

    text = " ".join(printable(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: what an argument given without its option most likely meant, by command
_EXTRA_ARGUMENT_HINTS = {
    "build": "files are given with options: --roles role-content.csv, --skills "
    "skill-descriptions.csv, --page FILE_OR_URL",
    "query": "parameters are given as --param NAME=VALUE, as in --param role='Data scientist'; "
    "'rolegraph queries NAME' shows a query's parameters",
    "validate": "validate takes one graph: give it as GRAPH or with --graph",
}


def _extra_argument_hint(exc: click.UsageError) -> str | None:
    if "unexpected extra argument" not in exc.message or exc.ctx is None:
        return None
    hint = _EXTRA_ARGUMENT_HINTS.get(exc.ctx.info_name or "")
    if hint is None and any(p.name == "graph_path" for p in exc.ctx.command.params):
        hint = "a graph is given with --graph FILE"
    return hint


class _StdoutError(OSError):
    """Writing standard output failed."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror or str(cause))


def interrupted_message() -> str:
    """Ctrl-C: no file is half-written, and those already complete are named."""

    from rolegraph.util.files import WRITTEN

    if not WRITTEN:
        return INTERRUPTED
    done = ", ".join(str(p) for p in WRITTEN)
    return f"{INTERRUPTED} ({done} had been written in full before it)"


def os_error_message(exc: OSError) -> str:
    """``No space left on device: out/x.ttl (...)``: what failed, on what, what to do."""
    what = exc.strerror or str(exc)
    # Files rolegraph writes report their own path, so a write error without one is
    # standard output's (click flushes it after each echo).
    to_stdout = isinstance(exc, _StdoutError) or (
        not exc.filename and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EIO, errno.EBADF)
    )
    if to_stdout and exc.errno == errno.EBADF:
        return "standard output is closed (give -o FILE, or redirect the output)"
    where = (
        f": {exc.filename}" if exc.filename else " (writing standard output)" if to_stdout else ""
    )
    if exc.errno is None:  # not the file system's (a library's own OSError)
        return f"{what}{where}"
    hint = {
        errno.ENOSPC: "free some space, or write elsewhere with -o FILE",
        errno.EROFS: "write somewhere writable",
        errno.EACCES: "check the permissions, or write elsewhere",
        errno.EPERM: "check the permissions, or write elsewhere",
    }.get(exc.errno, "check the path and the disk")
    return f"{what}{where} ({hint})"


def _silence_stdout() -> None:
    """After a failed write to stdout, let nothing more (not even the flush at exit) fail."""
    from pathlib import Path

    with contextlib.suppress(OSError, ValueError):
        sys.stdout = Path(os.devnull).open("w")  # noqa: SIM115 (lives until exit)


class _ClosedStdout(io.TextIOBase):
    """Standard output when the shell closed it (``>&-``): any write is an error, so
    output is never silently lost."""

    def write(self, s: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    @property
    def buffer(self) -> Any:
        raise OSError(errno.EBADF, "standard output is closed")


def main(argv: list[str] | None = None) -> None:
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    try:
        cli.main(args=argv, prog_name="rolegraph")
    except KeyboardInterrupt:  # Ctrl-C outside a command (while Click parses or exits)
        click.echo(interrupted_message(), err=True)
        sys.exit(INTERRUPTED_STATUS)
    except OSError as exc:  # writing --help or --version, or an error message, failed
        _silence_stdout()
        with contextlib.suppress(OSError):
            click.echo(f"rolegraph: error: {os_error_message(exc)}", err=True)
        sys.exit(ERROR)
    except SystemExit:
        if argv is None:
            # The command is done and its outputs complete: a Ctrl-C while Python
            # shuts down must not turn success into a signal death.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise
