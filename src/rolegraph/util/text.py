"""Text clean-up shared by every reader: one definition of "the same name".

The official export carries line separators (U+2028), no-break and zero-width
spaces, trailing blanks and CRLF. ``clean_text`` and ``clean_name`` remove those
and say what they removed, so readers can report it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

#: Characters that render as nothing; removed.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
#: Control characters other than tab and newline; removed.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SUSPECT_CHARS_RE = re.compile(
    f"[{_INVISIBLE}\u2028\u2029\u00a0\u202f\r\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)
_SPACES_RE = re.compile(r"[ \t\u00a0\u202f]+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")
#: An accent written as a letter plus a combining mark, composed into one character (NFC).
DECOMPOSED = "decomposed accent"


def _describe(raw: str) -> list[str]:
    found = []
    if "\u2028" in raw or "\u2029" in raw:
        found.append("line separator")
    if "\u00a0" in raw or "\u202f" in raw:
        found.append("no-break space")
    if _INVISIBLE_RE.search(raw):
        found.append("invisible character")
    if _CONTROL_RE.search(raw):
        found.append("control character")
    if "\r" in raw:
        found.append("carriage return")
    return found


def _looks_clean(raw: str) -> bool:
    return (
        raw == raw.strip()
        and "  " not in raw
        and " \n" not in raw
        and "\n " not in raw
        and "\n\n\n" not in raw
        and not _SUSPECT_CHARS_RE.search(raw)
    )


@lru_cache(maxsize=4096)
def clean_text(raw: str) -> tuple[str, tuple[str, ...]]:
    """Normalise a multi-line cell; return the text and what was changed (empty if nothing).

    Keeps the line structure (paragraphs and "- " bullets); turns line separators
    into newlines; drops invisible and control characters; collapses runs of spaces
    within a line; strips line ends and the whole text.
    """
    if _looks_clean(raw):
        if raw.isascii():
            return raw, ()
        text = unicodedata.normalize("NFC", raw)
        return text, (() if text == raw else (DECOMPOSED,))
    return clean_fully(raw)


def clean_fully(raw: str) -> tuple[str, tuple[str, ...]]:
    """:func:`clean_text` without the shortcut for text that needs nothing."""
    changes = _describe(raw)
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE_RE.sub("", text)
    text = _CONTROL_RE.sub("", text)
    lines = [_SPACES_RE.sub(" ", line).strip(" ") for line in text.split("\n")]
    text = _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()
    if text != raw and not changes:
        changes.append("stray whitespace")
    composed = unicodedata.normalize("NFC", text)
    if composed != text:
        changes.append(DECOMPOSED)
    text = composed
    return text, tuple(changes)


@lru_cache(maxsize=4096)
def clean_name(raw: str) -> tuple[str, tuple[str, ...]]:
    """Normalise a one-line name: one space between words, no invisible characters."""
    text, changes = clean_text(raw)
    if "\n" in text:
        text = " ".join(text.split())
        changes = (*changes, "line break")
    return text, changes


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The key two names are compared by: cleaned, case-folded, one space between words."""
    return " ".join(clean_name(name)[0].casefold().split())


def bullets(intro: str, items: list[str] | tuple[str, ...]) -> str:
    """``"You can:"`` and items -> ``"You can:\\n- a\\n- b"``, the form the CSV export uses."""
    return "\n".join([intro, *(f"- {item}" for item in items)])


#: how alike a name must be to a known one to be suggested (difflib's ratio, 0-1)
SUGGEST_CUTOFF = 0.5


def did_you_mean(name: str, choices: Iterable[str], *, n: int = 3) -> list[str]:
    """The suggestions of every "did you mean ...?": up to ``n`` of ``choices`` closest to
    ``name``, best first, compared as :func:`name_key` compares names (case and spacing do
    not count)."""
    keyed: dict[str, str] = {}
    for choice in choices:
        keyed.setdefault(name_key(choice), choice)
    close = difflib.get_close_matches(name_key(name), list(keyed), n=n, cutoff=SUGGEST_CUTOFF)
    return [keyed[key] for key in close]


#: How alike two names are (difflib's ratio of their keys) for one to be a slip of the
#: other, not merely the nearest name there is.
NEAR_CUTOFF = 0.85


def near_miss(name: str, other: str) -> bool:
    """Whether ``name`` is ``other`` mistyped or shortened ("Lead machine lerning engineer",
    "Machine learning engineer" for "Senior machine learning engineer"), as opposed to
    another name that :func:`did_you_mean` found nearest ("Data engineer" and "Lead
    machine learning engineer")."""
    a, b = name_key(name), name_key(other)
    return a in b or difflib.SequenceMatcher(None, a, b).ratio() >= NEAR_CUTOFF


#: What a terminal acts on rather than shows: a CSI sequence (``ESC [`` or its one-byte
#: form U+009B, to its final byte), an OSC, DCS, SOS, PM or APC string (``ESC ]``, ``ESC P``,
#: ``ESC X``, ``ESC ^``, ``ESC _`` or their one-byte forms, to BEL or ST, else to the end),
#: any other escape sequence (``ESC`` and its intermediate and final bytes), or a lone ESC.
_TERMINAL_SEQUENCE_RE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
#: Every other C0 and C1 control character but tab and newline, and DEL.
_TERMINAL_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without what a terminal would act on: every escape sequence (colours,
    window titles, hyperlinks, device strings) and every C0 or C1 control character but
    tab and newline. The one filter of text for people (tables, reports, messages, a
    store's quoted answer); data outputs (CSV, TSV, JSON, RDF) keep the data as it is."""
    if text.isprintable():
        return text
    return _TERMINAL_CONTROL_RE.sub("", _TERMINAL_SEQUENCE_RE.sub("", text))


#: The most digits :func:`whole_number` reads: more than any count can be, and far below
#: Python's limit on int() of text (4,300 digits), which raises ValueError.
MAX_DIGITS = 30


def whole_number(text: str) -> int | None:
    """A count written by another program (a store's answer, a request header or
    parameter): ASCII digits only, at most :data:`MAX_DIGITS` of them, surrounding blanks
    allowed; None for anything else (``str.isdigit`` also accepts ``²`` and ``٣``, and
    ``int()`` refuses a number of 4,301 digits)."""
    digits = text.strip()
    if not digits or len(digits) > MAX_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return int(digits)


def number(n: int) -> str:
    """A count as every text for people writes it: ``19,838`` (data formats, CSV and
    JSON, keep the plain integer)."""
    return f"{n:,}"


def plural(n: int, noun: str, many: str | None = None) -> str:
    """``"1 warning"``, ``"1,204 warnings"``; ``many`` for an irregular plural."""
    return f"{number(n)} {noun if n == 1 else many or noun + 's'}"
