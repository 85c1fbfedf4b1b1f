"""The command line: thin commands that parse arguments, call one library function,
format the result and exit (0 ok, 1 data invalid, 2 error).

Only this package prints. Heavy libraries are imported inside the commands.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from rolegraph import __version__
from rolegraph.errors import RolegraphError


class RolegraphGroup(click.Group):
    """Turns rolegraph's exceptions into one clear line on stderr and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RolegraphError as exc:
            from rolegraph.cli.common import BUNDLED_KEY, BUNDLED_NOTE
            from rolegraph.errors import NotFound

            message = one_line(str(exc))
            # A name nowhere near one in the bundled data may well be in the framework.
            if isinstance(exc, NotFound) and not exc.suggestions and ctx.meta.get(BUNDLED_KEY):
                message += f"; {BUNDLED_NOTE}"
            click.echo(f"rolegraph: error: {message}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo(INTERRUPTED, err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # The reader of our stdout went away (e.g. `| head`): not an error.
            sys.stderr.close()
            ctx.exit(0)
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


INTERRUPTED = "rolegraph: interrupted; no output file was left half-written"


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="rolegraph")
    except KeyboardInterrupt:  # Ctrl-C outside a command (while Click parses or exits)
        click.echo(INTERRUPTED, err=True)
        sys.exit(130)


from rolegraph.cli import (  # noqa: E402,F401  (registers the commands)
    analysis_cmds,
    graph_cmds,
    query_cmds,
    viz_cmds,
)
