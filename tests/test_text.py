"""Text clean-up: the shortcut for clean text agrees with the full clean-up."""

from __future__ import annotations

import itertools

import pytest

from rolegraph.util.text import DECOMPOSED, clean_fully, clean_name, clean_text, name_key

ALPHABET = ("a", " ", "\n", "\u00a0", "\t", "\r", "\u200b", "é", "e\u0301")


def test_the_shortcut_agrees_with_the_full_clean_up() -> None:
    """Every string of up to four pieces from the characters the export is known to
    carry: both paths give the same text and the same list of changes."""
    checked = 0
    for n in range(5):
        for parts in itertools.product(ALPHABET, repeat=n):
            raw = "".join(parts)
            clean_text.cache_clear()
            assert clean_text(raw) == clean_fully(raw), repr(raw)
            checked += 1
    assert checked == sum(len(ALPHABET) ** n for n in range(5))


@pytest.mark.parametrize(
    ("raw", "text", "changes"),
    [
        ("a\n b", "a\nb", ("stray whitespace",)),
        ("Data\u2028science", "Data\nscience", ("line separator",)),
        ("Data\u00a0science ", "Data science", ("no-break space",)),
        ("Sys\u200btems", "Systems", ("invisible character",)),
        ("a\r\nb", "a\nb", ("carriage return",)),
        ("- one\n- two", "- one\n- two", ()),
        ("Cafe\u0301", "Caf\u00e9", (DECOMPOSED,)),
    ],
)
def test_known_quirks(raw: str, text: str, changes: tuple[str, ...]) -> None:
    assert clean_text(raw) == (text, changes)


def test_names_are_one_line_and_compare_case_insensitively() -> None:
    assert clean_name("Data\nscientist") == ("Data scientist", ("line break",))
    assert name_key(" DATA  Scientist\u00a0") == name_key("data scientist") == "data scientist"
