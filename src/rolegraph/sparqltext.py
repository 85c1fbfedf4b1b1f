"""Reading SPARQL text without parsing it: where its strings, IRIs and comments are.

:func:`mask` blanks them out (keeping every other character where it was), so a
keyword or a brace found in the masked text is one of the query's own.
"""

from __future__ import annotations

import re

# As SPARQL's grammar has them: a comment runs to the end of the line (LF or CR); a
# short string cannot span one; an IRI holds no space, control character or <>"{}|^`\.
_NOISE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*",
    re.DOTALL,
)
_TOKENS = re.compile(r"[(){}]")


def mask(sparql: str) -> str:
    """``sparql`` with strings, IRIs and comments replaced by spaces (same length)."""
    return _NOISE.sub(lambda m: " " * len(m.group(0)), sparql)


def where_group_start(sparql: str) -> int | None:
    """The index just after the ``{`` that opens the query's top-level WHERE group.

    It is the first ``{`` outside parentheses (a projection's ``(EXISTS { ... } AS ?x)``
    is inside some), outside strings, IRIs and comments.
    """
    depth = 0
    for m in _TOKENS.finditer(mask(sparql)):
        token = m.group(0)
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif token == "{" and depth == 0:
            return m.end()
    return None


def mentions_variable(sparql: str, name: str) -> bool:
    return re.search(rf"[?$]{re.escape(name)}\b", mask(sparql)) is not None


def uses_keyword(sparql: str, keyword: str) -> bool:
    return re.search(rf"\b{re.escape(keyword)}\b", mask(sparql), re.IGNORECASE) is not None
