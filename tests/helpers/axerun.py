"""axe-core (the npm package in tests/js, run inside the page in Chromium): the
accessibility violations a page has, for the browser tests to assert there are none that
axe rates serious or critical."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).resolve().parent.parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def axe_source() -> str:
    """axe-core's script; a skip (a failure in CI) when the npm packages are missing."""
    if not AXE.exists():
        message = "axe-core is not installed (cd tests/js && npm ci)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on ``page`` as it is now, one line each
    (rule, impact, the elements). The page's context must bypass its Content-Security-
    Policy (``bypass_csp=True``) for axe's script to run."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    found = page.evaluate(
        """async () => {
            const r = await window.axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' '))]);
        }"""
    )
    return [
        f"{rule} ({impact}): {', '.join(targets[:5])}"
        for rule, impact, targets in found
        if impact in SERIOUS
    ]
