"""Look-alike names: Unicode TR39 confusable skeletons.

Two names are look-alikes when their TR39 skeletons are equal but the names are not the
same name ("Dаta scientist" with a Cyrillic а, "Data scientist"). The skeleton is TR39's
``NFD(map(NFD(text)))``, where ``map`` replaces each character by its prototype from
Unicode's confusables.txt. That data comes from the ``confusable_homoglyphs`` package (MIT
licence; the data itself under the Unicode licence), which ships confusables.txt as a JSON
map listing each line both ways (source -> prototype and prototype -> source); the
direction is recovered here: a prototype is never itself a source, so a character with one
link to a character with several is a source, and the one with several its prototype.

Skeletons are taken after NFKC (so fullwidth forms count too) and case-folded; names
that are one name by :func:`rolegraph.util.text.name_key` (case, spaces) are never reported.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rolegraph.util.text import name_key

#: Direction marks the package writes around right-to-left characters.
_MARKS = "\u200e\u200f"


@lru_cache(maxsize=1)
def _prototypes() -> dict[str, str]:
    """Character -> its prototype (characters that are their own prototype are left out)."""
    import json
    from importlib.resources import files

    raw = json.loads(
        files("confusable_homoglyphs").joinpath("confusables.json").read_text(encoding="utf-8")
    )

    def clean(text: str) -> str:
        stripped = text.strip(_MARKS)
        return stripped or text

    links: dict[str, set[str]] = {}
    for key, entries in raw.items():
        a = clean(key)
        for entry in entries:
            b = clean(entry["c"])
            if a != b:
                links.setdefault(a, set()).add(b)
                links.setdefault(b, set()).add(a)
    table: dict[str, str] = {}
    for char, linked in links.items():
        if len(char) != 1 or len(linked) != 1:
            continue  # a sequence, or a prototype of several sources
        (other,) = linked
        if len(links[other]) > 1 or len(other) > 1 or char > other:
            table[char] = other
    return table


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """The TR39 skeleton of ``text``, after NFKC (fullwidth forms, ligatures) and then
    case-folded (so a Greek capital Β is a B before it is a b)."""
    table = _prototypes()
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text))
    mapped = "".join(table.get(ch, ch) for ch in decomposed)
    return unicodedata.normalize("NFD", mapped.casefold())


def differing(a: str, b: str) -> list[str]:
    """The characters of ``a`` and ``b`` that are not in the other, for people:
    ``["'а' U+0430 CYRILLIC SMALL LETTER A", "'a' U+0061 LATIN SMALL LETTER A"]``."""
    sa, sb = set(a), set(b)
    chars = [c for c in dict.fromkeys(a + b) if (c in sa) != (c in sb)]
    return [f"{c!r} U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED')}" for c in chars]


def lookalikes(names: Iterable[str]) -> list[list[str]]:
    """Groups of two or more different names (different by ``name_key``) with one skeleton,
    each group in the order the names were given."""

    groups: dict[str, dict[str, str]] = {}
    for name in names:
        groups.setdefault(skeleton(name), {}).setdefault(name_key(name), name)
    return [list(g.values()) for g in groups.values() if len(g) > 1]
