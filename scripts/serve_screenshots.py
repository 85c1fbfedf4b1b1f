"""The README's screenshots of ``rolegraph serve``: a role's page, the gap between two
levels and an assessment, in headless Chromium (Debian's /usr/bin/chromium, through
Playwright), written to docs/serve-*.png.

    .venv/bin/python scripts/serve_screenshots.py [--shared SHARED] [--out docs]

It builds the whole framework from the official export in ``SHARED/framework`` (SHARED
is ../shared, found as the tests find it) (the
pages then show all 52 roles), starts ``rolegraph serve`` on a free port of 127.0.0.1,
takes the three pictures and stops the server.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where ../shared is and how Chromium starts: the benchmarks' one place.
sys.path.insert(0, str(ROOT / "benchmarks"))
from common import CHROMIUM, CHROMIUM_ARGS, shared_folder  # noqa: E402

WIDTH, HEIGHT = 1200, 900
PROFILE = {
    "Applied maths, statistics and scientific practices": "practitioner",
    "Data engineering": "working",
    "Data ethics and privacy": "working",
    "Programming and build (data science)": "practitioner",
    "Understanding product delivery": "awareness",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"rolegraph serve did not start at {url}") from None
            time.sleep(0.2)


def shoot(base: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        page.set_viewport_size({"width": WIDTH, "height": 1300})
        page.goto(base + "/id/role/data-scientist")  # its description, family and ladder
        page.screenshot(path=str(out / "serve-role.png"))
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        query = urllib.parse.urlencode({"from": "Data scientist", "to": "Lead data scientist"})
        page.goto(base + "/gap?" + query)
        page.locator("#summary").scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -40)")
        page.screenshot(path=str(out / "serve-gap.png"))
        page.goto(base + "/assess?" + urllib.parse.urlencode({"role": "Data scientist"}))
        for skill, tier in PROFILE.items():
            page.get_by_label(skill, exact=True).select_option(tier)
        page.select_option("#target", "Lead data scientist")
        page.get_by_role("button", name="Assess").click()
        page.wait_for_selector("#matches")
        page.screenshot(path=str(out / "serve-assess.png"))
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=shared_folder())
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    framework = args.shared / "framework"
    roles, skills = framework / "role-content.csv", framework / "skill-descriptions.csv"
    if not roles.exists():
        raise SystemExit(f"{roles} is missing: the screenshots show the whole framework")
    with tempfile.TemporaryDirectory() as tmp:
        graph = Path(tmp) / "framework.ttl"
        rolegraph = [sys.executable, "-m", "rolegraph"]
        build = [*rolegraph, "build", "--roles", str(roles), "--skills", str(skills)]
        subprocess.run([*build, "-o", str(graph), "-q"], check=True)
        port = free_port()
        serve = [*rolegraph, "serve", "--graph", str(graph), "--port", str(port)]
        proc = subprocess.Popen(serve, stdout=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/ontology", proc)
            args.out.mkdir(parents=True, exist_ok=True)
            shoot(base, args.out)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"wrote {args.out}/serve-role.png, serve-gap.png and serve-assess.png")


if __name__ == "__main__":
    main()
