"""Stores that survive a kill -9 at any instant, and debris that is recognised (issue 14).

A watcher inside the build's own process (an audit hook installed before rolegraph is
imported) kills it with SIGKILL just before its Nth file removal or rename, for
N = 1, 2, 3, ... until a run completes without reaching N. After every kill the store
must open and answer (the old graph or the new one), and the next build must succeed,
say what debris it removed, and leave none.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from helpers.minicsv import write_pair

#: The file operations the watcher counts (os.unlink's audit event is "os.remove";
#: os.replace's is "os.rename").
EVENTS = ("os.rename", "os.replace", "os.remove", "os.unlink", "os.rmdir", "shutil.rmtree")

BOOTSTRAP = f"""
import os, signal, sys
events = {EVENTS!r}
kill_at = int(sys.argv.pop(1))
seen = [0]
def watch(event, args):
    if event in events:
        seen[0] += 1
        if seen[0] == kill_at:
            os.write(2, ("KILLED at %s %r\\n" % (event, args)).encode())
            os.kill(os.getpid(), signal.SIGKILL)
sys.addaudithook(watch)
sys.argv[0] = "rolegraph"
from rolegraph.__main__ import run
run()
"""

#: A run's notices about what it cleaned up.
DEBRIS = re.compile(r"^rolegraph: removed .+ left by an interrupted or failed run$", re.M)
LIMIT = 400


def env() -> dict[str, str]:
    # No .pyc writes: their os.replace would shift the count from run to run.
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}


def rolegraph(*args: str, kill_at: int = 0, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BOOTSTRAP, str(kill_at), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env(),
        timeout=120,
    )


def triples(store: Path, cwd: Path, *release: str) -> int:
    done = rolegraph("stats", "--graph", str(store), *release, "-f", "json", cwd=cwd)
    assert done.returncode == 0, done.stderr
    import json

    return int(json.loads(done.stdout)["triples"])


def entries(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def assert_clean(parent: Path, store: Path, others: set[str]) -> None:
    """No debris: beside the store only the test's own files; in it the marker and one
    database folder."""
    assert entries(parent) == others | {store.name}
    inside = entries(store)
    assert "rolegraph-store.txt" in inside and len(inside) == 2, inside
    assert not any(name.endswith(".part") or name.startswith(".") for name in inside)


@pytest.fixture
def sources(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "src"
    src.mkdir()
    return write_pair(src)


def old_store(tmp_path: Path, sources: tuple[Path, Path], *release: str) -> Path:
    """A pristine store of the small CSV pair (the 'old' graph)."""
    pristine = tmp_path / "pristine" / "S"
    pristine.parent.mkdir()
    roles, skills = sources
    done = rolegraph(
        "build", "--roles", str(roles), "--skills", str(skills), "--store", str(pristine),
        *release, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return pristine


def kill_everywhere(
    tmp_path: Path,
    build_args: list[str],
    pristine: Path | None,
    counts: set[int],
    stats_args: tuple[str, ...] = (),
    kept: tuple[str, int] | None = None,
) -> int:
    """Kill the build at its 1st, 2nd, ... file event; check the store after each; the
    number of kills made."""
    for n in range(1, LIMIT):
        work = tmp_path / f"run{n}"
        work.mkdir()
        store = work / "S"
        if pristine is not None:
            shutil.copytree(pristine, store)
        done = rolegraph(*build_args, "--store", str(store), kill_at=n, cwd=work)
        if done.returncode == 0:
            assert "KILLED" not in done.stderr
            assert n > 1, "the build removed or renamed no file at all"
            assert triples(store, work, *stats_args) in counts
            assert_clean(work, store, set())
            return n - 1
        assert done.returncode == -signal.SIGKILL, (n, done.stderr)
        where = done.stderr.strip().splitlines()[-1]
        # The store opens and answers: the old graph or the new one.
        if pristine is not None or (store / "rolegraph-store.txt").exists():
            assert triples(store, work, *stats_args) in counts, (n, where)
            if kept is not None:  # a release that was there before is there still
                assert triples(store, work, "--release", kept[0]) == kept[1], (n, where)
        debris = (entries(work) - {"S"}) or {
            name for name in entries(store) if name.startswith(".") or name.endswith(".part")
        }
        inside = entries(store)
        half_made = store.exists() and "rolegraph-store.txt" not in inside
        stale_db = len([name for name in inside if name.startswith("oxigraph")]) > 1
        # The next build succeeds, says what it cleaned, and leaves nothing behind.
        again = rolegraph(*build_args, "--store", str(store), cwd=work)
        assert again.returncode == 0, (n, where, again.stderr)
        notices = DEBRIS.findall(again.stderr)
        if debris or half_made or stale_db:
            assert notices, (n, where, debris, inside, again.stderr)
        else:
            assert not notices, (n, where, again.stderr)
        assert triples(store, work, *stats_args) in counts
        assert_clean(work, store, set())
        shutil.rmtree(work)
    raise AssertionError(f"the build never completed within {LIMIT} file events")


def as_old_layout(store: Path) -> None:
    """Make ``store`` look like one written before its marker named the database: the
    database in ``oxigraph``, a marker without a ``database:`` line."""
    marker = store / "rolegraph-store.txt"
    lines = marker.read_text(encoding="utf-8").splitlines(keepends=True)
    (db,) = [line.split(": ", 1)[1].strip() for line in lines if line.startswith("database: ")]
    (store / db).rename(store / "oxigraph")
    marker.write_text("".join(lines[:1]), encoding="utf-8")


@pytest.mark.parametrize("layout", ["current", "unnamed-database"])
def test_kill_at_every_file_event_of_a_rebuild(
    tmp_path: Path, sources: tuple[Path, Path], layout: str
) -> None:
    pristine = old_store(tmp_path, sources)
    if layout != "current":
        as_old_layout(pristine)
    old = triples(pristine, tmp_path)
    new = 403  # the bundled data
    assert old != new
    kills = kill_everywhere(tmp_path, ["build"], pristine, {old, new})
    assert kills >= 3  # building beside, swapping in, removing the old one


def test_kill_at_every_file_event_of_a_first_build(tmp_path: Path) -> None:
    kills = kill_everywhere(tmp_path, ["build"], None, {403})
    assert kills >= 1


def test_kill_at_every_file_event_of_adding_a_release(
    tmp_path: Path, sources: tuple[Path, Path]
) -> None:
    pristine = old_store(tmp_path, sources, "--release", "2024-01")
    old = triples(pristine, tmp_path)
    # Without --release a command uses the last release: 2024-01 before, 2025-09 after.
    kills = kill_everywhere(
        tmp_path, ["build", "--release", "2025-09"], pristine, {old, 406}, kept=("2024-01", old)
    )
    assert kills >= 1


def test_kill_at_every_file_event_of_a_first_release_build(tmp_path: Path) -> None:
    kills = kill_everywhere(tmp_path, ["build", "--release", "2025-09"], None, {406})
    assert kills >= 1


def test_kill_at_every_file_event_of_an_output_file(tmp_path: Path) -> None:
    out = tmp_path / "g.ttl"
    out.write_text("old\n", encoding="utf-8")
    for n in range(1, LIMIT):
        done = rolegraph("build", "-o", str(out), kill_at=n, cwd=tmp_path)
        if done.returncode == 0:
            break
        assert done.returncode == -signal.SIGKILL
        assert out.read_text(encoding="utf-8") in ("old\n",) or out.read_text().startswith(
            "@prefix"
        )
        left = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".part"))
        again = rolegraph("build", "-o", str(out), cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        assert len(DEBRIS.findall(again.stderr)) == len(left), (left, again.stderr)
        if left:
            assert left[0] in again.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["g.ttl"]
        out.write_text("old\n", encoding="utf-8")
    else:
        raise AssertionError("the build never completed")
    assert n > 1


def test_half_made_store_of_a_failed_first_release_build_is_retried(tmp_path: Path) -> None:
    # What a first 'build --store S --release R' killed (or out of disk) before it wrote
    # the marker leaves: a folder with a database and no marker.
    import pyoxigraph as ox

    store = tmp_path / "S"
    store.mkdir()
    db = ox.Store(str(store / "oxigraph"))
    db.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("o")))
    db.flush()
    del db
    done = rolegraph("build", "--store", str(store), "--release", "2025-09", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(DEBRIS.findall(done.stderr)) == 1
    assert f"{store}" in done.stderr and "half-made store" in done.stderr
    assert triples(store, tmp_path) == 406
    assert_clean(tmp_path, store, set())


def test_a_folder_of_other_files_is_still_refused(tmp_path: Path) -> None:
    store = tmp_path / "S"
    store.mkdir()
    (store / "notes.txt").write_text("mine\n", encoding="utf-8")
    (store / "oxigraph").mkdir()
    for extra in ([], ["--release", "2025-09"]):
        done = rolegraph("build", "--store", str(store), *extra, cwd=tmp_path)
        assert done.returncode == 2
        assert "exists and is not a rolegraph store" in done.stderr
    assert (store / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_rebuilt_store_keeps_its_folder_mode(tmp_path: Path) -> None:
    store = tmp_path / "S"
    done = rolegraph("build", "--store", str(store), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(store.stat().st_mode) == 0o777 & ~mask
    store.chmod(0o750)
    for extra in ([], ["--release", "2025-09"]):
        if extra:
            shutil.rmtree(store)
            assert rolegraph("build", "--store", str(store), *extra, cwd=tmp_path).returncode == 0
            assert stat.S_IMODE(store.stat().st_mode) == 0o777 & ~mask
            store.chmod(0o750)
        done = rolegraph("build", "--store", str(store), *extra, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert stat.S_IMODE(store.stat().st_mode) == 0o750


def test_empty_folder_keeps_its_mode(tmp_path: Path) -> None:
    store = tmp_path / "S"
    store.mkdir(mode=0o751)
    store.chmod(0o751)
    done = rolegraph("build", "--store", str(store), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(store.stat().st_mode) == 0o751
    assert not DEBRIS.findall(done.stderr)


def test_output_to_dev_stdout_in_a_pipe(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rolegraph", "build", "-f", "nt", "-o", "/dev/stdout"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env(),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 403 and done.stdout.startswith("<")
    assert ".part" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_output_to_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    done = subprocess.run(
        [sys.executable, "-m", "rolegraph", "build", "-f", "nt", "-o", str(fifo)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env(),
        timeout=60,
    )
    reader.join(60)
    assert done.returncode == 0, done.stderr
    assert got and got[0].count(b"\n") == 403
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_part_file_beside_an_output_is_removed_with_a_notice(tmp_path: Path) -> None:
    out = tmp_path / "g.ttl"
    (tmp_path / ".g.ttl.ab12cd_9.part").write_bytes(b"half")
    (tmp_path / ".g.ttl.notours.part.txt").write_bytes(b"mine")
    done = rolegraph("build", "-o", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert DEBRIS.findall(done.stderr) == [
        f"rolegraph: removed {tmp_path / '.g.ttl.ab12cd_9.part'} (a partly written file) "
        "left by an interrupted or failed run"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".g.ttl.notours.part.txt", "g.ttl"]
