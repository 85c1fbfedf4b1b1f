"""How big a node and its label are on the page: font, advances, kerning, wrapping.

Text is measured in the embedded font as the browser measures it, and wrapped as
vis-network wraps it, so :mod:`rolegraph.explorer.layout` can keep label boxes apart
and :mod:`rolegraph.explorer.page` can size the nodes it writes.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from rolegraph.explorer.assets import font_file
from rolegraph.explorer.draft import KINDS, Node


def _size(node: Node, degree: int) -> float:
    base = KINDS[node.kind][3]
    size = base + min(2.2 * math.sqrt(degree), 18.0)
    return round(size * (1.5 if node.focus else 1.0), 1)


def _font_size(node: Node) -> int:
    size = node.font or KINDS[node.kind][1]
    return size + 4 if node.focus else size


def _max_width(node: Node) -> float:
    _, font, width, _, _ = KINDS[node.kind]
    return round(width * _font_size(node) / font)


@cache
def _font() -> Any:
    """The embedded font (DejaVu Sans), read with matplotlib's FreeType wrapper."""
    from matplotlib import ft2font

    return ft2font.FT2Font(str(font_file()))


@cache
def _advance(ch: str) -> float:
    """A character's advance width per pixel of font size."""
    font = _font()
    if not font.get_char_index(ord(ch)):
        return 0.62
    font.set_size(100, 72)
    return float(font.load_char(ord(ch)).linearHoriAdvance) / 65536 / 100


@cache
def _kerning(pair: str) -> float:
    """The kerning of two characters per pixel of font size (browsers apply it)."""
    from matplotlib import ft2font

    font = _font()
    kerning = getattr(ft2font, "Kerning", None)
    mode = kerning.UNSCALED if kerning is not None else getattr(ft2font, "KERNING_UNSCALED", 2)
    left, right = (font.get_char_index(ord(c)) for c in pair)
    return float(font.get_kerning(left, right, mode)) / float(font.units_per_EM)


def _text_width(text: str, size: float) -> float:
    """The width of ``text`` in the embedded font, as a canvas measures it."""
    width = sum(_advance(ch) for ch in text)
    width += sum(_kerning(text[i : i + 2]) for i in range(len(text) - 1))
    return width * size


def _wrap(label: str, font: int, max_width: float) -> tuple[float, int]:
    """The width and line count of a label as vis-network 9.1.2 wraps it at ``max_width``.

    This follows its LabelSplitter: the text is cut into word and space tokens, and a
    line takes the longest run of tokens whose *space-joined* text fits (so each gap
    counts three spaces when measuring, one when drawn).
    """
    import re

    def over(text: str) -> bool:
        return _text_width(text, font) > max_width

    text = re.sub(r"^( +)", "\\1\r", label)
    text = re.sub(r"([^\r][^ ]*)( +)", "\\1\r\\2\r", text)
    tokens = text.split("\r")
    lines: list[str] = []
    while tokens:
        fit, joined = 0, ""
        while fit < len(tokens):
            candidate = joined + ("" if joined == "" else " ") + tokens[fit]
            if over(candidate):
                break
            joined, fit = candidate, fit + 1
        if fit == 0:
            word = tokens[0]
            cut = 0
            while cut < len(word) and not over(word[:cut]):
                cut += 1
            cut = max(cut, 1)
            lines.append(word[:cut])
            tokens[0] = word[cut:]
            if not tokens[0]:
                tokens.pop(0)
            continue
        end = fit
        if tokens[fit - 1].strip() == "":
            fit -= 1
        elif end < len(tokens) and tokens[end].strip() == "":
            end += 1
        lines.append("".join(tokens[:fit]))
        tokens = tokens[end:]
    if not lines:
        return 0.0, 1
    return max(_text_width(line, font) for line in lines), len(lines)


def label_box(node: Node, size: float) -> tuple[float, float, float]:
    """(width, height, centre offset below the node's position) of node plus label,
    as vis-network draws them (measured against its bounding boxes in Chromium)."""
    shape = KINDS[node.kind][0]
    font = _font_size(node)
    # Widths are measured as the browser measures the embedded font; where a rounding
    # difference would change the wrapping, take the bigger box of the two.
    w1, lines1 = _wrap(node.label, font, _max_width(node) * 0.995)
    w2, lines2 = _wrap(node.label, font, _max_width(node) * 1.005)
    w, lines = max(w1, w2), max(lines1, lines2)
    h = lines * font
    if shape == "box":
        return w + 22, h + 22, 0.0
    return max(w, 2 * size), 2 * size + h, h / 2
