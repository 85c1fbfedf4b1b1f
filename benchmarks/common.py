"""What the benchmark scripts (and the tests' fixtures) share: where the official export
is, how headless Chromium is started, and timing."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def shared_folder() -> Path:
    """``$ROLEGRAPH_SHARED``, else ``../shared`` beside the checkout (or beside its folder)."""
    if os.environ.get("ROLEGRAPH_SHARED"):
        return Path(os.environ["ROLEGRAPH_SHARED"])
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared").is_dir():
            return base / "shared"
    return ROOT.parent / "shared"


FRAMEWORK = shared_folder() / "framework"
#: Debian's Chromium, and the flags that keep it from reaching the network on its own
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    """Run ``fn`` ``runs`` times; the wall-clock seconds of each run, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def cpu_timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    """Run ``fn`` ``runs`` times; the CPU seconds of each run (this process's threads and
    the children it waited for: on a shared machine CPU time, unlike the wall clock,
    does not count other programs' turns), and the last result."""
    import resource

    def now() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    times, result = [], None
    for _ in range(runs):
        start = now()
        result = fn()
        times.append(now() - start)
    return times, result


def _adopt_orphans() -> None:
    """Become the reaper of this process's orphaned descendants (Linux), so that a query
    worker whose parent exits first is still waited for here and its CPU time counted."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _reap_orphans(deadline: float) -> float:
    """Wait for the descendants left behind (see :func:`_adopt_orphans`); their CPU s."""
    import time

    total = 0.0
    while True:
        try:
            pid, _status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return total
        if pid == 0:
            if time.monotonic() > deadline:
                return total
            time.sleep(0.005)
            continue
        total += usage.ru_utime + usage.ru_stime


def process_cpu(args: list[str], runs: int, cwd: Path | None = None) -> tuple[float, float]:
    """The median CPU seconds and the largest peak memory (MB) of ``runs`` fresh processes
    running ``args``: each process's own time, its waited-for children's, and that of
    descendants it left behind (query workers; reaped here, see :func:`_adopt_orphans`),
    after one more run that warms the caches and writes bytecode."""
    import subprocess
    import time

    _adopt_orphans()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times, peak = [], 0.0
    for run in range(runs + 1):  # the first run warms the caches (and writes bytecode)
        proc = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = status  # waited for here, not by Popen
        if proc.stderr:
            proc.stderr.close()
        if status != 0:
            raise SystemExit(f"{' '.join(args)} failed: {err}")
        left = _reap_orphans(time.monotonic() + 2.0)
        if run:
            times.append(usage.ru_utime + usage.ru_stime + left)
            peak = max(peak, usage.ru_maxrss / 1024)
    return statistics.median(times), peak


def stat(times: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "runs": len(times),
    }


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}" if seconds >= 0.1 else f"{seconds * 1000:.1f}"


def summary(times: list[float]) -> str:
    """ "median ms (min-max)"."""
    return f"{ms(statistics.median(times))} ms ({ms(min(times))}-{ms(max(times))})"
