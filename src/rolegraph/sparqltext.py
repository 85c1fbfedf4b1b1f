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
    """Is ``keyword`` one of the query's own words (not in a string, IRI or comment, and
    not a variable or a prefixed name's part such as ``?from`` or ``ex:service``)?

    A ``.`` or ``-`` before it counts as a boundary (``?o .SERVICE <x>`` is a SERVICE
    clause): a prefixed name such as ``ex:a.service`` is then taken for the keyword too,
    which errs on the safe side for the SERVICE check."""
    found = re.search(rf"(?<![\w?$:]){re.escape(keyword)}(?![\w:-])", mask(sparql), re.IGNORECASE)
    return found is not None


def has_dataset_clause(sparql: str) -> bool:
    """Does the query choose its own dataset (``FROM`` / ``FROM NAMED``)?"""
    return uses_keyword(sparql, "FROM")


_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+(?:[A-Za-z][\w.-]*)?:|BASE)\s*)*", re.IGNORECASE)
_FORM = re.compile(r"[A-Za-z]+")
UPDATE_FORMS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


def query_form(sparql: str) -> str:
    """The first keyword after the prologue, upper-cased: SELECT, ASK, INSERT, ..."""
    text = mask(sparql)
    m = _FORM.match(text, _PROLOGUE.match(text).end())  # type: ignore[union-attr]
    return m.group(0).upper() if m else ""


_USED_PREFIX = re.compile(r"(?<![\w?$.:-])([A-Za-z][\w-]*(?:\.[\w-]+)*)?:")
_DECLARED_PREFIX = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)


def undeclared_prefixes(sparql: str) -> list[str]:
    """The prefixes the query's prefixed names use but its prologue does not declare."""
    text = mask(sparql)
    declared = {m.group(1) or "" for m in _DECLARED_PREFIX.finditer(text)}
    used: dict[str, None] = {}
    for m in _USED_PREFIX.finditer(text):
        before = text[max(0, m.start() - 40) : m.start()]
        if re.search(r"\bPREFIX\s*$", before, re.IGNORECASE):
            continue  # the declaration itself
        used.setdefault(m.group(1) or "")
    return [p for p in used if p not in declared]


def _closing_brace(text: str, start: int) -> int:
    """The index of the ``}`` closing the group whose ``{`` is just before ``start``."""
    depth = 1
    for m in re.finditer(r"[{}]", text[start:]):
        depth += 1 if m.group(0) == "{" else -1
        if depth == 0:
            return start + m.start()
    return len(text)


def _projected(projection: str) -> set[str]:
    """The variables a SELECT clause projects: ``?v`` outside parentheses, ``AS ?v``."""
    names = {m.group(1) for m in re.finditer(r"\bAS\s+[?$](\w+)", projection, re.IGNORECASE)}
    depth = 0
    for m in re.finditer(r"[()]|[?$](\w+)", projection):
        if m.group(0) == "(":
            depth += 1
        elif m.group(0) == ")":
            depth -= 1
        elif depth == 0:
            names.add(m.group(1))
    return names


def visible_in_where(sparql: str, name: str) -> bool:
    """Is ``?name`` a variable of the top-level WHERE group, so a VALUES block placed at
    its start binds it? A variable used only inside a sub-select that does not project it
    is another variable, which such a binding would not reach."""
    text = mask(sparql)
    start = where_group_start(text)
    if start is None:
        return False
    hidden: list[tuple[int, int]] = []
    for m in re.finditer(r"\{\s*SELECT\b", text[start:], re.IGNORECASE):
        at = start + m.end()
        if any(a <= at < b for a, b in hidden):
            continue
        body = where_group_start(text[at:])
        if body is None:
            continue
        projection = text[at : at + body - 1]
        if re.match(r"\s*(?:DISTINCT|REDUCED)?\s*\*", projection, re.IGNORECASE):
            continue  # SELECT * hands out every variable of its group
        if name in _projected(projection):
            return True  # the sub-select hands it out
        hidden.append((at, _closing_brace(text, at + body)))
    for m in re.finditer(rf"[?$]{re.escape(name)}\b", text[start:]):
        if not any(a <= start + m.start() < b for a, b in hidden):
            return True
    return False
