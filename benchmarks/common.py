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
