"""What an explorer page is made of, all of it inlined so the page needs no network.

pyvis's three ``cdn_resources`` modes each leave a page that reaches the internet
(pyvis 0.3.2, ``templates/template.html``):

* ``"remote"``: vis-network 9.1.2 JS and CSS from cdnjs.cloudflare.com, and with
  ``select_menu``/``filter_menu`` tom-select 2.0.0-rc.4 JS and CSS from cdnjs;
* ``"in_line"``: vis-network and tom-select are inlined, but the template body always
  links Bootstrap 5.0.0-beta3 CSS and JS from cdn.jsdelivr.net;
* ``"local"``: vis-network JS and CSS still come from cdnjs, Bootstrap from jsdelivr,
  and ``write_html`` copies ``lib/`` (bindings, tom-select, vis-9.1.2) into the current
  directory.

So the explorer does not use pyvis's template. It inlines the vis-network 9.1.2 build
that pyvis ships (``pyvis/templates/lib/vis-9.1.2``; its CSS holds its icons as
``data:`` URIs), and rolegraph's own template, script and style (``templates/``
beside this module), which need neither Bootstrap nor tom-select.

Everything that goes inside ``<script>`` or ``<style>`` is checked by
:func:`script_safe` / :func:`style_safe` (vendored and own code) or escaped by
:func:`json_for_script` (the data), so no text can close the element early.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

VIS_VERSION = "9.1.2"
_TEMPLATES = Path(__file__).resolve().parent / "templates"

#: What pyvis's own template fetches from the network (for the record and the tests).
PYVIS_CDN_HOSTS = ("cdnjs.cloudflare.com", "cdn.jsdelivr.net")


def _pyvis_lib() -> Path:
    import pyvis

    return Path(pyvis.__file__).resolve().parent / "templates" / "lib" / f"vis-{VIS_VERSION}"


@cache
def vis_network_js() -> str:
    return script_safe(_read(_pyvis_lib() / "vis-network.min.js"))


@cache
def vis_network_css() -> str:
    return style_safe(_read(_pyvis_lib() / "vis-network.css"))


@cache
def explorer_template() -> str:
    return _read(_TEMPLATES / "explorer.html")


@cache
def explorer_js() -> str:
    return script_safe(_read(_TEMPLATES / "explorer.js"))


@cache
def explorer_css() -> str:
    return style_safe(_read(_TEMPLATES / "explorer.css"))


def _read(path: Path) -> str:
    from rolegraph.errors import InputError

    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot read the explorer asset {path}: {exc.strerror or exc}",
            hint="reinstall rolegraph and pyvis",
        ) from None


def script_safe(text: str) -> str:
    """``text`` unchanged, if it cannot end a ``<script>`` element early.

    Rewriting minified JavaScript is not safe in general (``/</.test(x)`` is a regular
    expression), so a script holding ``</script`` or ``<!--`` is refused instead.
    """
    lowered = text.lower()
    if "</script" in lowered or "<!--" in lowered:
        from rolegraph.errors import InputError

        raise InputError("a script for the explorer contains '</script' or '<!--'")
    return text


def style_safe(text: str) -> str:
    """``text`` unchanged, if it cannot end a ``<style>`` element early."""
    lowered = text.lower()
    if "</style" in lowered or "<!--" in lowered:
        from rolegraph.errors import InputError

        raise InputError("a stylesheet for the explorer contains '</style' or '<!--'")
    return text


def json_for_script(value: Any) -> str:
    """Deterministic JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u003c`` etc., so no ``</script>`` and no
    ``<!--`` can appear; U+2028/U+2029 are escaped too.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def csp_hash(script: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"
