"""The command line: thin commands that parse arguments, call one library function,
format the result and exit (0 ok, 1 data invalid, 2 error).

Only this package prints. Heavy libraries are imported inside the commands.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import sys
from pathlib import Path
from typing import Any

import click

from rolegraph.__main__ import INTERRUPTED
from rolegraph.errors import RolegraphError
from rolegraph.version import __version__


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


class RolegraphGroup(click.Group):
    """Turns rolegraph's exceptions into one clear line on stderr and an exit code."""

    command_class = RolegraphCommand

    def invoke(self, ctx: click.Context) -> Any:
        from rolegraph.util.files import LISTENERS, NOTICES, WRITTEN

        WRITTEN.clear()  # this command's outputs (one process may run several, in tests)
        NOTICES.clear()
        # The library's notices (debris of an interrupted run removed) go to stderr.
        LISTENERS[:] = [lambda message: click.echo(message, err=True)]
        try:
            result = super().invoke(ctx)
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
            from rolegraph.cli.options import BUNDLED_KEY, BUNDLED_NOTE
            from rolegraph.errors import NotFound

            message = one_line(str(exc))
            # A name nowhere near one in the bundled data may well be in the framework.
            if isinstance(exc, NotFound) and not exc.suggestions and ctx.meta.get(BUNDLED_KEY):
                message += f"; {BUNDLED_NOTE}"
            click.echo(f"rolegraph: error: {message}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo(interrupted_message(), err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # The reader of our stdout went away (e.g. `| head`): not an error.
            sys.stderr.close()
            ctx.exit(0)
        except OSError as exc:
            # The system refused a read or write (a full disk, a read-only file system,
            # a closed standard output): say which, never a traceback.
            _silence_stdout()
            click.echo(f"rolegraph: error: {os_error_message(exc)}", err=True)
            ctx.exit(2)
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
            ctx.exit(2)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(cls=RolegraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rolegraph")
def cli() -> None:
    """rolegraph: the UK Government Digital and Data Profession Capability Framework as a
    knowledge graph.

    With no --graph, commands use the bundled data (the Machine learning engineer role
    page). Build the whole framework from the official CSV export with
    'rolegraph build --roles role-content.csv --skills skill-descriptions.csv -o framework.ttl'.
    """


def one_line(text: str, limit: int = 400) -> str:
    """Error messages are one line: newlines folded, very long parser output cut."""
    text = " ".join(text.split())
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
        sys.exit(130)
    except OSError as exc:  # writing --help or --version, or an error message, failed
        _silence_stdout()
        with contextlib.suppress(OSError):
            click.echo(f"rolegraph: error: {os_error_message(exc)}", err=True)
        sys.exit(2)
    except SystemExit:
        if argv is None:
            # The command is done and its outputs complete: a Ctrl-C while Python
            # shuts down must not turn success into a signal death.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise


from rolegraph.cli import (  # noqa: E402,F401  (registers the commands)
    analysis_cmds,
    graph_cmds,
    query_cmds,
    viz_cmds,
)
