"""Reading SPARQL text without parsing it: a tokenizer, and the gate every query passes.

:func:`tokens` splits a query into the terminals of SPARQL 1.1's grammar (strings of
the four quote forms, IRIs, comments, variables, prefixed names, blank nodes, numbers,
words, punctuation). :func:`gate` is the one check that every path running SPARQL text
calls before a parser sees it: it refuses ``SERVICE`` (found as a token wherever it
stands: ``1SERVICE``, ``.SERVICE``, ``}SERVICE``, ``SERVICE:x``) and nesting deeper
than :data:`MAX_NESTING`. :func:`mask` blanks out strings, IRIs and comments (keeping
every other character where it was), so a keyword or a brace found in the masked text
is one of the query's own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import NamedTuple, TypeVar

from rolegraph.errors import QueryError
from rolegraph.spelling import option

#: The deepest nesting of ``{ }``, ``( )``, ``[ ]`` and ``<< >>`` a query may have. Oxigraph's
#: parser recurses once per level (a few thousand levels overflow a thread's stack) and
#: parses nested collections in about n^3.7 time (64 levels: 0.2 s; 160: 10 s).
MAX_NESTING = 64

# The grammar's name characters (SPARQL 1.1, section 19.8), by Unicode category rather
# than its code point ranges (which take 40 ms to compile on every run). Where the two
# differ, a character \w counts is one the grammar does not allow, so the tokenizer can
# only join into a name what a parser would refuse, never hide a keyword from the gate.
_MARKS = "\u00b7\u0300-\u036f\u203f-\u2040"
_CHARS = r"\w\-" + _MARKS
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = f"[^\\W\\d_](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = f"(?:[\\w:]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_STRING = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
)
_IRI = r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>'
_NUMBER = r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?"
_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<ws>[ \t\r\n]+)",
            r"(?P<comment>#[^\n\r]*)",
            f"(?P<string>{_STRING})",
            f"(?P<iri>{_IRI})",
            f"(?P<var>[?$]\\w[\\w{_MARKS}]*)",
            f"(?P<bnode>_:\\w(?:[{_CHARS}.]*[{_CHARS}])?)",
            f"(?P<pname>(?P<prefix>{_PREFIX})?:(?:{_LOCAL})?)",
            f"(?P<number>{_NUMBER})",
            r"(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",
            r"(?P<word>[^\W\d]\w*)",
            r"(?P<punct>\^\^|&&|\|\||!=|<<|>>|<=|>=|[{}()\[\].,;*+\-/=<>!|^])",
            r"(?P<other>.)",
        )
    ),
    re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: brackets, and the quoted triples of RDF-star (``<< ?s ?p ?o >>``), which nest too
_OPEN, _CLOSE = ("{", "(", "[", "<<"), ("}", ")", "]", ">>")


class Token(NamedTuple):
    #: ws, comment, string, iri, var, bnode, pname, number, lang, word, punct or other
    kind: str
    text: str
    start: int
    #: a prefixed name's prefix ("" for ``:x``), else None
    prefix: str | None = None


#: What is read from a query's text (its tokens, form, nesting, ...) is kept for the next
#: call with the same text, for texts up to this length and the last this many texts of
#: each kind (a few MB in all): a server reads each query several times, and sees the same
#: ones again and again.
_KEPT_LENGTH = 8192
_KEPT_TEXTS = 64
R = TypeVar("R")


def _kept(read: Callable[[str], R]) -> Callable[[str], R]:
    """``read`` (a pure function of a query's text) remembering its last answers."""
    remembered = functools.lru_cache(maxsize=_KEPT_TEXTS)(read)

    @functools.wraps(read)
    def call(sparql: str) -> R:
        return remembered(sparql) if len(sparql) <= _KEPT_LENGTH else read(sparql)

    return call


@_kept
def tokens(sparql: str) -> tuple[Token, ...]:
    """Every token of ``sparql``, whitespace and comments included, in order.

    Nothing is skipped: a character that starts no terminal is an ``other`` token."""
    return tuple(
        Token(
            m.lastgroup or "other",
            m.group(0),
            m.start(),
            (m.group("prefix") or "") if m.lastgroup == "pname" else None,
        )
        for m in _TOKEN.finditer(sparql)
    )


def _unescaped(sparql: str) -> str:
    """``sparql`` with its codepoint escapes (``\\u0053``) decoded, as SPARQL 1.1
    (section 19.2) lets a parser do before anything else."""

    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else " "

    return _ESCAPE.sub(char, sparql)


def _holds_keyword(token: Token, word: str) -> bool:
    """Could a parser read the keyword ``word`` in ``token``? Oxigraph reads keywords
    without a word boundary (``SERVICESILENT`` is ``SERVICE SILENT``, ``trueSERVICE`` is
    ``true SERVICE``, ``SERVICE:x`` is ``SERVICE :x``), so a word, a language tag, a blank
    node label or a prefixed name's prefix that holds it anywhere counts."""
    if token.kind in ("word", "lang", "bnode"):
        return word in token.text.upper()
    return token.kind == "pname" and word in (token.prefix or "").upper()


def nesting(toks: tuple[Token, ...]) -> tuple[int, int]:
    """The deepest nesting of brackets among ``toks``, and where it is first reached."""
    depth = deepest = at = 0
    for t in toks:
        if t.kind != "punct":
            continue
        if t.text in _OPEN:
            depth += 1
            if depth > deepest:
                deepest, at = depth, t.start
        elif t.text in _CLOSE:
            depth = max(0, depth - 1)
    return deepest, at


def line_col(text: str, index: int) -> str:
    """``line L, column C`` of ``index`` in ``text`` (both from 1)."""
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {col}"


def gate(sparql: str, *, allow_service: bool = False) -> None:
    """Refuse what no query that rolegraph runs may do, before any parser sees the text.

    * ``SERVICE`` (federated query), with which Oxigraph would fetch the named endpoint
      over the network: found among the tokens of the text, and of the text with its
      codepoint escapes decoded. ``allow_service`` is for a remote endpoint the user
      named, which applies its own policy.
    * Nesting deeper than :data:`MAX_NESTING`.

    Raises :class:`~rolegraph.errors.QueryError`."""
    if allow_service:
        _gate_nesting(sparql)
    else:
        _gate_all(sparql)


@_kept
def _gate_nesting(sparql: str) -> None:
    deepest, at = nesting(tokens(sparql))
    if deepest > MAX_NESTING:
        raise QueryError(
            f"the query nests brackets {deepest} deep ({line_col(sparql, at)}); rolegraph "
            f"runs queries nested at most {MAX_NESTING} deep",
            hint="flatten it: put the patterns side by side in one group",
        )


@_kept  # a text that passes is remembered; one that fails is read again
def _gate_all(sparql: str) -> None:
    _gate_nesting(sparql)
    decoded = _unescaped(sparql)
    toks = tokens(sparql)
    for text, toks_of in ((sparql, toks), (decoded, tokens(decoded) if decoded != sparql else ())):
        for t in toks_of:
            if _holds_keyword(t, "SERVICE"):
                raise QueryError(
                    f"SERVICE (federated query) is not allowed ({line_col(text, t.start)}): "
                    "rolegraph does not fetch data from other endpoints",
                    hint=f"run the query on the remote endpoint with {option('endpoint')} instead",
                )


_NOISE_KINDS = frozenset({"comment", "string", "iri"})


@_kept
def mask(sparql: str) -> str:
    """``sparql`` with strings, IRIs and comments replaced by spaces (same length)."""
    return "".join(" " * len(t.text) if t.kind in _NOISE_KINDS else t.text for t in tokens(sparql))


_TOKENS = re.compile(r"[(){}]")


@_kept
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
    """Is ``keyword`` one of the query's own words: a token, not in a string, IRI or
    comment, and not a variable or a prefixed name's part such as ``?from`` or
    ``ex:service``?"""
    word = keyword.upper()
    return any(t.kind == "word" and t.text.upper() == word for t in tokens(sparql))


@_kept
def has_dataset_clause(sparql: str) -> bool:
    """Does the query choose its own dataset (``FROM`` / ``FROM NAMED``)?"""
    return uses_keyword(sparql, "FROM")


_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+(?:[A-Za-z][\w.-]*)?:|BASE)\s*)*", re.IGNORECASE)
_FORM = re.compile(r"[A-Za-z]+")
UPDATE_FORMS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


@_kept
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


def refuse_federation(sparql: str) -> None:
    """The query gate (:func:`rolegraph.sparql.text.gate`): Oxigraph would fetch a SERVICE
    clause's endpoint over the network, and rolegraph never lets a query (a user's, or one
    sent to ``rolegraph serve``) make it do that; nesting too deep is refused too."""
    gate(sparql)


def syntax_message(exc: BaseException, sparql: str | None = None) -> str:
    """Oxigraph's parser messages, shortened: the position and the first expectations.

    An undeclared prefix (Oxigraph says "Prefix not found" at the end of the name) is
    named, with the declaration to add."""
    text = " ".join(str(exc).split())
    at = re.match(r"error at (\d+):(\d+)", text)
    if sparql is not None and at and "Prefix not found" in text:
        line_no, col = int(at.group(1)), int(at.group(2))
        lines = sparql.splitlines()
        line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
        name = re.search(r"([A-Za-z][\w.-]*)?:[\w.%-]*$", line[: col - 1])
        if name:
            prefix = name.group(1) or ""
            return (
                f"unknown prefix '{prefix}:' in {name.group(0)} (line {line_no}, column "
                f"{name.start() + 1}): declare it first, as in PREFIX {prefix}: <http://...>"
            )
    if "expected one of" in text and len(text) > 160:
        text = text[:157] + "…"
    return text
