"""Options and helpers shared by the commands."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from rolegraph.cli.group import BUNDLED_KEY
from rolegraph.errors import OptionError, RolegraphError
from rolegraph.graph.export import compress_for
from rolegraph.graph.open import open_graph
from rolegraph.model.formats import (
    EXPORT_EXTENSIONS,
    FORMAT_NAMES,
    by_extension,
    by_name,
    format_suffix,
    gzipped,
)
from rolegraph.util.files import atomic_write, check_outputs_apart
from rolegraph.util.text import printable

if TYPE_CHECKING:
    from rolegraph.graph.store import RoleGraph

F = TypeVar("F", bound=Callable[..., Any])


_RELEASE_KEY = "rolegraph.release"
#: The environment variable naming the default graph (as ``rolegraph serve``'s ASGI
#: factory reads it); an empty value is no value.
GRAPH_ENV = "ROLEGRAPH_GRAPH"
_INPUT_FORMAT_KEY = "rolegraph.input_format"


def _remember_release(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    ctx.meta[_RELEASE_KEY] = value


def _remember_input_format(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    ctx.meta[_INPUT_FORMAT_KEY] = value


def graph_option(func: F) -> F:
    """``--graph FILE|DIR|-``, ``--input-format FORMAT`` (the file's format, needed for
    ``-``: standard input) and ``--release NAME`` (for stores holding several releases)."""
    func = click.option(
        "--input-format",
        metavar="FORMAT",
        type=click.Choice(FORMAT_NAMES, case_sensitive=False),
        default=None,
        expose_value=False,
        callback=_remember_input_format,
        help="The graph file's RDF format (needed with --graph -; default: its extension).",
    )(func)
    func = click.option(
        "--release",
        metavar="NAME",
        default=None,
        expose_value=False,
        callback=_remember_release,
        help="With a store folder holding several releases: which one (default: the latest).",
    )(func)
    return click.option(
        "--graph",
        "-g",
        "graph_path",
        type=click.Path(path_type=Path),
        default=None,
        envvar=GRAPH_ENV,
        metavar="FILE|DIR",
        help=f"Graph to read: an RDF file (.ttl, .nt, .jsonld, .rdf, .nq, .trig, each also "
        f".gz), - for standard input, or a store folder (default: ${GRAPH_ENV} if set, else "
        "the bundled sample).",
    )(func)


def format_option(
    choices: tuple[str, ...], default: str, *, case_sensitive: bool = True
) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "-f",
            "fmt",
            type=click.Choice(choices, case_sensitive=case_sensitive),
            default=default,
            show_default=True,
            help="Output format.",
        )(func)

    return decorate


#: ``--format`` of the commands writing RDF: every name of every format
rdf_format_option = format_option(FORMAT_NAMES, "turtle", case_sensitive=False)
TABLE_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".json": "json",
    ".srj": "json",
    ".srx": "xml",
    ".xml": "xml",
    ".md": "md",
    ".txt": "table",
}


def _format_given() -> bool:
    ctx = click.get_current_context(silent=True)
    return (
        ctx is not None
        and ctx.get_parameter_source("fmt") == click.core.ParameterSource.COMMANDLINE
    )


def rdf_output_format(fmt: str, output: Path | None) -> str:
    """The RDF format to write (its canonical name): the one --format names, which must
    agree with -o FILE's extension (``.ttl``, ``.rdf``, ``.nq.gz``), else the one the
    extension says. A file named with no known extension needs --format."""
    found = by_name(fmt)
    assert found is not None  # a click.Choice of the registry's names
    if output is None or str(output) == "-":
        return found.name
    said = by_extension(output)
    if said is None:
        if _format_given() or not format_suffix(output):
            return found.name
        raise OptionError(
            f"cannot tell the RDF format to write from the extension of {output.name}",
            hint="give --format, or name the file with one of "
            + ", ".join(EXPORT_EXTENSIONS)
            + " (and .gz after it to gzip it)",
        )
    if _format_given() and said.name != found.name:
        raise OptionError(
            f"--format {fmt} does not match the extension of {output.name} (which says {said.name})",
            hint="drop --format, or rename the output file",
        )
    return said.name


def output_format(fmt: str, output: Path | None, extensions: dict[str, str]) -> str:
    """The format to write: the one --format names, else the one -o FILE's extension says
    (``.gz`` after it gzips, as ``export`` does: ``q.csv.gz`` is a gzipped CSV).

    Writing a table into ``q.json`` or ``q.nq`` would make a file nothing can read back:
    an extension that is none of ``extensions`` needs --format, and one that names another
    format than --format is refused; a name with no extension gets ``fmt``."""
    if output is None or str(output) == "-":
        return fmt
    _check_not_an_input(output)  # the graver mistake, said first
    suffix = format_suffix(output)
    said = extensions.get(suffix)
    if said is None:
        if _format_given() or not suffix:
            return fmt
        raise OptionError(
            f"cannot tell the format to write from the extension of {output.name}",
            hint="give --format, or name the file with one of "
            + ", ".join(sorted(extensions))
            + " (and .gz after it to gzip it)",
        )
    if _format_given() and said != fmt:
        raise OptionError(
            f"--format {fmt} does not match the extension of {output.name} (which says {said})",
            hint="drop --format, or rename the output file",
        )
    return said


def output_option(func: F) -> F:
    return click.option(
        "--output",
        "-o",
        type=click.Path(path_type=Path),
        default=None,
        metavar="FILE",
        help="Write to FILE (atomically) instead of standard output.",
    )(func)


def given_release() -> str | None:
    """The release the command's --release option names, if any."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_RELEASE_KEY) if ctx is not None else None


def given_input_format() -> str | None:
    """The format the command's --input-format option names, if any."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_INPUT_FORMAT_KEY) if ctx is not None else None


def load_graph(path: Path | None) -> RoleGraph:
    """The graph the command's --graph / --input-format / --release options name."""

    ctx = click.get_current_context(silent=True)
    release = ctx.meta.get(_RELEASE_KEY) if ctx is not None else None
    if path is None:
        if ctx is not None:
            # The command group says so once the command has answered (an error says
            # it its own way, in its one line).
            ctx.meta[BUNDLED_KEY] = True
        return open_graph(None, release, given_input_format())
    if str(path) != "-":
        remember_input(path)
    try:
        return open_graph(path, release, given_input_format())
    except RolegraphError as exc:
        if ctx is not None and _from_environment(ctx):
            # Say where the path came from: the command line did not name it.
            exc.message = f"{GRAPH_ENV}={path}: {exc.message}"
        raise


def _from_environment(ctx: click.Context) -> bool:
    return ctx.get_parameter_source("graph_path") == click.core.ParameterSource.ENVIRONMENT


def command_line_graph(path: Path | None) -> Path | None:
    """``path`` if the command line gave it; None if it is only $ROLEGRAPH_GRAPH's default,
    which a graph named another way (an --endpoint, validate's GRAPH) overrides."""
    ctx = click.get_current_context(silent=True)
    return None if ctx is not None and _from_environment(ctx) else path


_INPUTS_KEY = "rolegraph.inputs"


def remember_input(path: Path | str) -> None:
    """Note a file the command reads, so that no output of it may replace the file."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta.setdefault(_INPUTS_KEY, []).append(Path(path))


#: set in a command's context when it read the bundled data (no --graph given)


def emit(text: str | bytes, output: Path | None) -> None:
    """Print to stdout, or write ``output`` atomically (``-`` is stdout; a name ending in
    ``.gz`` is written gzip-compressed). An output that is one of the command's inputs is
    refused: the input would be lost."""
    if output is not None and str(output) != "-":
        _check_not_an_input(output)
        if gzipped(output):
            data = text.encode("utf-8") if isinstance(text, str) else text
            atomic_write(output, compress_for(output, data))
            return
        atomic_write(output, text)
        return
    if isinstance(text, bytes):
        sys.stdout.buffer.write(text)
        sys.stdout.flush()
    else:
        # color=True: click would strip only CSI sequences, from data too; text for people
        # comes here already free of every escape sequence (util.text.printable).
        click.echo(text, nl=False, color=True)


def _check_not_an_input(output: Path) -> None:
    """-o FILE naming one of the command's inputs is refused: the input would be lost."""
    ctx = click.get_current_context(silent=True)
    check_outputs_apart({"-o": output}, ctx.meta.get(_INPUTS_KEY, []) if ctx else [])


def note(message: str, quiet: bool = False) -> None:
    """A message for the person at the terminal (stderr), unless --quiet."""
    if not quiet:
        click.echo(printable(message), err=True)


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """The command's last step: Ctrl-C is held back meanwhile and then dropped, so the
    last output is put in place and the command ends as it says (a Ctrl-C just after the
    file was renamed into place would otherwise report "interrupted", exit 130, with
    every output complete). The signal mask is restored after, so nothing this process
    starts later inherits it; where signals cannot be held (Windows) nothing changes."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        # Take a held Ctrl-C, so it is not delivered on unblocking (waiting no time: one
        # another thread took meanwhile is not waited for).
        signal.sigtimedwait({signal.SIGINT}, 0)
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class Progress:
    """A progress bar on stderr, shown only when stderr is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.done = 0
        self.total = 0
        self.label = ""

    def __call__(self, label: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        self.label, self.done, self.total = label, done, total
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} rows")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


# Click's ParamType is generic in newer versions only: no type argument, so older ones work.
class Seconds(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    """A time-out in seconds: a finite number from 0.1 to a day (nan and inf are not)."""

    name = "SECONDS"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            seconds = value
        else:
            try:
                seconds = float(value)
            except (TypeError, ValueError):
                self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not (0.1 <= seconds <= 86400):  # also false for nan
            self.fail(f"{value!r} is not between 0.1 and 86400 seconds", param, ctx)
        return seconds


def parse_param_args(pairs: Sequence[str]) -> dict[str, str]:
    """``["role=Data scientist", ...]`` -> dict; a malformed pair is an error."""
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise OptionError(
                f"--param {pair!r} is not NAME=VALUE", hint="as in --param role='Data scientist'"
            )
        key, _, value = pair.partition("=")
        key = key.strip()
        if key in out:
            raise OptionError(f"--param {key} is given twice")
        if not value.strip():
            raise OptionError(
                f"--param {key} has an empty value",
                hint=f"give one, as in --param {key}=NAME, or leave the parameter out for "
                "its default",
            )
        out[key] = value
    return out
