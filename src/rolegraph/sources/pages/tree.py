"""A small, forgiving HTML tree on the standard library's :mod:`html.parser`.

The framework's pages are not always well formed (``<tr>`` left open before the next
``<tr>``, a ``<p>`` opened inside a ``<p>``, a list nested straight into a list). The
tree builder closes elements the way a browser would in those cases: a block element
closes an open ``<p>``, a ``<li>`` closes the previous ``<li>``, a ``<tr>``/``<td>``
the previous row/cell; an end tag with no matching open element is ignored (and
counted). Whatever is still open at the end of the input is recorded, which is how a
truncated page shows itself.

Text helpers render content the way the CSV export writes it: one line per paragraph
(an empty paragraph is an empty line), ``- `` before each list item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
#: Elements whose content is never text of the page.
HIDDEN = frozenset({"script", "style", "template", "noscript", "svg", "head", "button"})
#: Starting one of these closes an open <p> (HTML's "closes a p element" rule).
_CLOSES_P = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "div",
        "dl",
        "fieldset",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
    }
)
#: An end tag does not close elements outside these (a cell, a table, the document).
_SCOPE = frozenset({"html", "table", "td", "th", "caption", "template", "button", "object"})
#: Block-level elements: a line break before and after them in rendered text.
_BLOCK = _CLOSES_P | frozenset({"li", "tr", "td", "th", "tbody", "thead", "tfoot", "dd", "dt"})
#: Elements still open at the end that say nothing about truncation.
_OUTER = frozenset({"html", "body", "head"})


@dataclass(eq=False)
class Node:
    """An element: tag, attributes, children (nodes and text) and its line in the input."""

    tag: str
    attrs: dict[str, str]
    line: int
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> frozenset[str]:
        return frozenset(self.attrs.get("class", "").split())

    @property
    def id(self) -> str:
        return self.attrs.get("id", "")

    def has_class(self, name: str) -> bool:
        return name in self.classes

    def iter(self) -> Iterator[Node]:
        """This node and every element below it, in document order."""
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(c for c in reversed(node.children) if isinstance(c, Node))

    def find_all(self, match: Callable[[Node], bool]) -> list[Node]:
        return [n for n in self.iter() if n is not self and match(n)]

    def find(self, match: Callable[[Node], bool]) -> Node | None:
        return next((n for n in self.iter() if n is not self and match(n)), None)

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def inside(self, tag: str) -> bool:
        return any(a.tag == tag for a in self.ancestors())

    def text(self) -> str:
        """The element's text on one line: whitespace collapsed, hidden content left out."""
        parts: list[str] = []
        _inline(self, parts)
        return " ".join("".join(parts).split())


def _visible(node: Node) -> bool:
    return node.tag not in HIDDEN and "govuk-visually-hidden" not in node.classes


def _inline(node: Node, parts: list[str]) -> None:
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif _visible(child):
            if child.tag == "br" or child.tag in _BLOCK:
                parts.append(" ")
            _inline(child, parts)
            if child.tag in _BLOCK:
                parts.append(" ")


def block_lines(nodes: list[Node | str]) -> list[str]:
    """Render content as lines in the export's form: paragraphs, ``- `` list items."""
    lines: list[str] = []
    inline: list[str] = []

    def flush() -> None:
        text = " ".join("".join(inline).split())
        if text:
            lines.append(text)
        inline.clear()

    def walk(items: list[Node | str]) -> None:
        for child in items:
            if isinstance(child, str):
                inline.append(child)
                continue
            if not _visible(child):
                continue
            if child.tag == "li":
                flush()
                item: list[str] = []
                _inline_without_lists(child, item)
                text = " ".join("".join(item).split())
                if text:
                    lines.append(f"- {text}")
                walk([c for c in child.children if isinstance(c, Node) and c.tag in ("ul", "ol")])
            elif child.tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd"):
                flush()
                text = child.text()
                lines.append(text)  # an empty paragraph is an empty line
            elif child.tag == "br":
                flush()
            elif child.tag in _BLOCK:
                flush()
                walk(child.children)
                flush()
            else:
                parts: list[str] = []
                _inline(child, parts)
                inline.extend(parts)
        flush()

    walk(nodes)
    return lines


def _inline_without_lists(node: Node, parts: list[str]) -> None:
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif _visible(child) and child.tag not in ("ul", "ol"):
            if child.tag == "br" or child.tag in _BLOCK:
                parts.append(" ")
            _inline(child, parts)


def block_text(nodes: list[Node | str]) -> str:
    """:func:`block_lines` joined with newlines; runs of empty lines become one; trimmed."""
    out: list[str] = []
    for line in block_lines(nodes):
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


@dataclass
class Document:
    root: Node
    #: End tags that closed nothing: (tag, line).
    stray_end_tags: list[tuple[str, int]]
    #: Elements still open at the end of the input (outermost first), other than html/body.
    unclosed: list[Node]
    #: The last line of the input.
    lines: int

    def find(self, match: Callable[[Node], bool]) -> Node | None:
        return self.root.find(match)

    def find_all(self, match: Callable[[Node], bool]) -> list[Node]:
        return self.root.find_all(match)


#: the deepest nesting of elements read
MAX_DEPTH = 512
#: the most tags (start and end) read from one page
MAX_TAGS = 400_000


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, 1)
        self.stack: list[Node] = [self.root]
        self.stray: list[tuple[str, int]] = []
        #: how many of each tag are open: a tag not open is found without a scan
        self.open: dict[str, int] = {}
        self.tags = 0

    # Opening ---------------------------------------------------------------------

    def _close_to(self, index: int) -> None:
        for node in self.stack[index:]:
            self.open[node.tag] -= 1
        del self.stack[index:]

    def _count_tag(self) -> None:
        self.tags += 1
        if self.tags > MAX_TAGS:
            # The Skills A to Z page, the largest the site has, holds 17,000 elements.
            raise ValueError(
                f"more than {MAX_TAGS:,} tags by line {self.getpos()[0]}: far more than any "
                "page of the framework site has"
            )

    def _find_open(self, tags: frozenset[str] | set[str], stop: frozenset[str]) -> int | None:
        """Index in the stack of the nearest open element in ``tags``, not beyond ``stop``."""
        if not any(self.open.get(t) for t in tags):
            return None
        for i in range(len(self.stack) - 1, 0, -1):
            tag = self.stack[i].tag
            if tag in tags:
                return i
            if tag in stop:
                return None
        return None

    def _implied_closes(self, tag: str) -> None:
        if tag in _CLOSES_P:
            i = self._find_open({"p"}, _SCOPE)
            if i is not None:
                self._close_to(i)
        if tag == "li":
            i = self._find_open({"li"}, _SCOPE | {"ul", "ol"})
            if i is not None:
                self._close_to(i)
        elif tag in ("dt", "dd"):
            i = self._find_open({"dt", "dd"}, _SCOPE | {"dl"})
            if i is not None:
                self._close_to(i)
        elif tag == "tr":
            i = self._find_open({"tr"}, frozenset({"table", "tbody", "thead", "tfoot", "html"}))
            if i is not None:
                self._close_to(i)
        elif tag in ("td", "th"):
            i = self._find_open({"td", "th"}, frozenset({"tr", "table", "html"}))
            if i is not None:
                self._close_to(i)
        elif tag in ("tbody", "thead", "tfoot"):
            i = self._find_open({"tbody", "thead", "tfoot"}, frozenset({"table", "html"}))
            if i is not None:
                self._close_to(i)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._implied_closes(tag)
        if len(self.stack) > MAX_DEPTH:
            # A web page is never this deep (browsers stop nesting at 512 too); reading
            # on would cost time that grows with the square of the depth.
            raise ValueError(
                f"elements are nested more than {MAX_DEPTH} deep, at line {self.getpos()[0]}"
            )
        self._count_tag()
        parent = self.stack[-1]
        node = Node(tag, {k: v or "" for k, v in attrs}, self.getpos()[0], parent)
        parent.children.append(node)
        if tag not in VOID:
            self.stack.append(node)
            self.open[tag] = self.open.get(tag, 0) + 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._count_tag()
        parent = self.stack[-1]
        node = Node(tag, {k: v or "" for k, v in attrs}, self.getpos()[0], parent)
        parent.children.append(node)

    def handle_endtag(self, tag: str) -> None:
        self._count_tag()
        if tag in VOID:
            return
        stop = frozenset({"html"}) if tag in ("table", "html", "body") else _SCOPE
        if tag in ("td", "th", "tr", "tbody", "thead", "tfoot", "caption"):
            stop = frozenset({"table", "html"})
        i = self._find_open({tag}, stop - {tag})
        if i is None:
            self.stray.append((tag, self.getpos()[0]))
            return
        self._close_to(i)

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Document:
    """Parse ``text`` into a :class:`Document`. Bad markup is repaired as a browser would;
    only elements nested more than :data:`MAX_DEPTH` deep raise (a ``ValueError``)."""
    builder = _Builder()
    builder.feed(text)
    builder.close()
    unclosed = [n for n in builder.stack[1:] if n.tag not in _OUTER]
    return Document(builder.root, builder.stray, unclosed, text.count("\n") + 1)
