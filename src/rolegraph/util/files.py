"""Atomic writes: an output file is either complete or not there at all."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from rolegraph.errors import OutputError


def check_output_path(path: Path | str) -> Path:
    """Fail early, before any work, if ``path`` cannot be written; the path to write.

    A symbolic link is followed: its target is written (and the link left a link)."""
    if not str(path):
        raise OutputError("the output file name is empty", hint="give a file name")
    if str(path) == "-":  # standard output (see rolegraph.cli.options.emit)
        return Path("-")
    if is_stream(path):  # a pipe, FIFO or this process's terminal: written straight
        return Path(path)
    p = Path(path)
    if p.is_symlink():
        p = Path(os.path.realpath(p))
        if p.is_symlink():
            raise OutputError(
                f"{path} is a loop of symbolic links", hint="give a file name for the output"
            )
    if p.is_dir():
        raise OutputError(f"{p} is a directory", hint="give a file name for the output", path=p)
    if p.exists() and not p.is_file():
        raise OutputError(
            f"{p} is not a regular file (a device, pipe or socket); rolegraph will not replace it",
            hint="give a file name for the output",
            path=p,
        )
    parent = p.parent if str(p.parent) else Path()
    if not parent.exists():
        raise OutputError(
            f"cannot write {p}: folder {parent} does not exist", hint="create it first", path=p
        )
    if not os.access(parent, os.W_OK):
        raise OutputError(f"cannot write {p}: folder {parent} is not writable", path=p)
    return p


def is_stream(path: Path | str) -> bool:
    """``path`` is a pipe or FIFO (``/dev/stdout`` into a pipe), or this process's own
    standard output or error (``/dev/stdout`` on a terminal): written straight through,
    since no file can be moved into its place. Other devices are refused."""
    try:
        st = Path(path).stat()
    except (OSError, ValueError):
        return False
    if stat.S_ISFIFO(st.st_mode):
        return True
    if not stat.S_ISCHR(st.st_mode):
        return False
    for fd in (1, 2):
        with contextlib.suppress(OSError):
            if os.path.samestat(st, os.fstat(fd)):
                return True
    return False


#: the outputs this process has written in full (named if it is interrupted later)
WRITTEN: list[Path] = []

#: what this process cleaned up (debris of an interrupted or failed run), in order
NOTICES: list[str] = []
#: called with each notice as it happens (the CLI prints it on stderr)
LISTENERS: list[Callable[[str], None]] = []


def notify(message: str) -> None:
    """Report ``message`` (one line) to the person running rolegraph."""
    NOTICES.append(message)
    for listener in LISTENERS:
        listener(message)


def removed_debris(path: Path, what: str) -> None:
    notify(f"rolegraph: removed {path} ({what}) left by an interrupted or failed run")


def part_file_pattern(name: str) -> re.Pattern[str]:
    """The names :func:`atomic_open`'s temporary files for ``name`` have (mkstemp's)."""
    return re.compile(re.escape(f".{name}.") + r"[a-z0-9_]{8}\.part")


def remove_part_files(p: Path) -> None:
    """Remove the temporary files an interrupted write of ``p`` left beside it."""
    pattern = part_file_pattern(p.name)
    parent = p.parent if str(p.parent) else Path()
    try:
        found = sorted(e.name for e in os.scandir(parent) if pattern.fullmatch(e.name))
    except OSError:
        return
    for name in found:
        left = parent / name
        if left.is_file() and not left.is_symlink():
            with contextlib.suppress(FileNotFoundError):
                left.unlink()
                removed_debris(left, "a partly written file")


@contextlib.contextmanager
def atomic_open(path: Path | str, *, record: bool = True) -> Iterator[BinaryIO]:
    """Write to a temporary file beside ``path`` and move it into place only on success.

    A pipe or FIFO (see :func:`is_stream`) is written straight through. Temporary files
    an interrupted write of ``path`` left are removed (with a notice). ``record=False``
    keeps the file out of :data:`WRITTEN` (a store's own files)."""
    p = check_output_path(path)
    if is_stream(p):
        try:
            with contextlib.suppress(OSError, ValueError):
                if os.path.samestat(p.stat(), os.fstat(1)):
                    sys.stdout.flush()  # what was printed before comes first
            with p.open("wb") as handle:
                yield handle
        except OSError as exc:
            raise OutputError(f"cannot write {p}: {exc.strerror or exc}", path=p) from None
        if record:
            WRITTEN.append(Path(path))
        return
    remove_part_files(p)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".part", dir=p.parent or ".")
    try:
        # mkstemp makes the file private (0600): keep the mode of the file replaced, or
        # give the one a plain open() would.
        mode = p.stat().st_mode & 0o777 if p.is_file() else 0o666 & ~_umask()
        Path(tmp).chmod(mode)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(p)
        if record:
            WRITTEN.append(Path(path))
    except OSError as exc:
        _unlink(tmp)
        raise OutputError(f"cannot write {p}: {exc.strerror or exc}", path=p) from None
    except BaseException:
        _unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        Path(path).unlink()


def atomic_write(
    path: Path | str, data: bytes | str | Callable[[BinaryIO], None], *, record: bool = True
) -> Path:
    """Write ``data`` (bytes, text as UTF-8, or a writer callback) to ``path`` atomically."""
    with atomic_open(path, record=record) as handle:
        if callable(data):
            data(handle)
        else:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)


def check_outputs_apart(outputs: dict[str, Path | None], inputs: list[Path]) -> None:
    """Refuse, before any work, an output that is one of the inputs or another output
    (an output named as an input would replace the user's file with the graph)."""

    def same(a: Path, b: Path) -> bool:
        try:
            if a.exists() and b.exists():
                return a.samefile(b)
        except OSError:
            pass
        return os.path.realpath(a) == os.path.realpath(b)

    named = [(opt, path) for opt, path in outputs.items() if path is not None]
    for i, (opt, path) in enumerate(named):
        for source in inputs:
            if same(path, source):
                raise OutputError(
                    f"{opt} {path} is also an input: writing it would replace {source}",
                    hint=f"give {opt} another file name",
                )
        for other, other_path in named[:i]:
            if same(path, other_path):
                raise OutputError(
                    f"{other} and {opt} name the same file ({path}): one would replace the other",
                    hint="give them different names",
                )
