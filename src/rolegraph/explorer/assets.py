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

The page's text font is embedded too: a subset of DejaVu Sans (the copy matplotlib
ships; its licence travels in the font's name table) as a ``data:`` URI. The labels
are then drawn in the font the layout measured them with, in any browser on any
system, so the computed positions keep them apart.

Everything that goes inside ``<script>`` or ``<style>`` is checked by
:func:`script_safe` / :func:`style_safe` (vendored and own code) or escaped by
:func:`json_for_script` (the data), so no text can close the element early.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from rolegraph.errors import SourceError
from rolegraph.util.files import atomic_write

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


#: The CSS name of the embedded font, and the fallbacks after it.
FONT_FAMILY = "RolegraphSans"
FONT_STACK = f"{FONT_FAMILY}, DejaVu Sans, Arial, Helvetica, sans-serif"
#: The characters the embedded subset covers; others fall back to the system's fonts.
FONT_CHARACTERS = "".join(chr(c) for c in range(0x20, 0x17F)) + "‘’“”–—…•€"


def font_file() -> Path:
    """DejaVu Sans, from matplotlib's data folder (found without importing matplotlib,
    which takes longer than a whole page when the font's subset is cached)."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.origin:
        found = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if found.is_file():
            return found
    from matplotlib import get_data_path

    return Path(get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


#: bump when the subset's options change (the cache key holds it)
_FONT_CACHE_VERSION = "1"


def font_cache_dir() -> Path:
    """Where computed assets are kept between runs: ``$XDG_CACHE_HOME/rolegraph``
    (default ``~/.cache/rolegraph``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rolegraph"


@cache
def font_face_css() -> str:
    """An ``@font-face`` rule with the DejaVu Sans subset as a ``data:`` URI.

    Subsetting takes about 0.3 s, so the rule is kept in :func:`font_cache_dir` under a
    key of the font's bytes, the characters and fontTools' version, with the digest of
    its text; a missing, stale, damaged or unwritable cache only means computing it
    again (the same bytes: the subset is deterministic)."""
    import fontTools  # type: ignore[import-untyped]

    font = font_file()
    key = hashlib.sha256()
    for part in (_FONT_CACHE_VERSION, fontTools.version, FONT_CHARACTERS):
        key.update(part.encode("utf-8") + b"\0")
    try:
        key.update(font.read_bytes())
    except OSError as exc:
        raise SourceError(
            f"cannot read the font {font}: {exc.strerror or exc}", hint="reinstall matplotlib"
        ) from None
    cached = font_cache_dir() / f"font-{key.hexdigest()[:32]}.css"
    try:
        head, _, text = cached.read_text(encoding="utf-8").partition("\n")
        if head == _digest_line(text):
            return style_safe(text)
    except (OSError, UnicodeDecodeError, SourceError):
        pass
    text = _font_subset_css(font)
    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(cached, f"{_digest_line(text)}\n{text}", record=False)
    return text


def _digest_line(text: str) -> str:
    return f"/* sha256 {hashlib.sha256(text.encode('utf-8')).hexdigest()} */"


def _font_subset_css(font_path: Path) -> str:
    import io

    from fontTools import subset, ttLib

    options = subset.Options()
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables = [*options.drop_tables, "FFTM"]  # FontForge's timestamps
    font = ttLib.TTFont(str(font_path), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=FONT_CHARACTERS)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return style_safe(
        "/* DejaVu Sans, subset (Bitstream Vera and Arev licences: see the font's name table) */\n"
        f"@font-face {{ font-family: {FONT_FAMILY}; font-style: normal; font-weight: 400; "
        f"src: url(data:font/ttf;base64,{data}) format('truetype'); }}"
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(
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
        raise SourceError("a script for the explorer contains '</script' or '<!--'")
    return text


def style_safe(text: str) -> str:
    """``text`` unchanged, if it cannot end a ``<style>`` element early."""
    lowered = text.lower()
    if "</style" in lowered or "<!--" in lowered:
        raise SourceError("a stylesheet for the explorer contains '</style' or '<!--'")
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
