"""Framework web pages: read a file or URL and hand it to the right reader, by content.

* HTML (the document starts with a tag) or text (anything else);
* HTML: the Skills A to Z page (:mod:`~rolegraph.sources.pages.skills_page`) or a role page
  (:mod:`~rolegraph.sources.pages.role_html`);
* text: the GOV.UK text form of a role page (:mod:`~rolegraph.sources.pages.role_text`).

Anything else (another page of the site, a CSV file, an empty or binary file) is one
clear :class:`~rolegraph.errors.InputError`; a URL that cannot be fetched is a
:class:`~rolegraph.errors.RemoteError`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from rolegraph.errors import InputError, SourceError
from rolegraph.model.records import Framework
from rolegraph.model.report import ImportReport
from rolegraph.sources.fetch import fetch, is_url
from rolegraph.sources.pages.role_html import is_role_page, page_title, parse_role_page_html
from rolegraph.sources.pages.role_text import parse_govuk_text
from rolegraph.sources.pages.skills_page import is_skills_page, read_skills_page
from rolegraph.sources.pages.tree import parse_html
from rolegraph.spelling import option
from rolegraph.util.tables import decode_utf8, read_bytes
from rolegraph.util.text import name_key

if TYPE_CHECKING:
    from rolegraph.sources.pages.tree import Document

PageKind = Literal["role-html", "skills-html", "role-text"]

_HTML_TAG = re.compile(
    r"<(?:html|head|body|div|p|h[1-6]|table|ul|span|section|main|title)\b", re.IGNORECASE
)
_CSV_HEADERS = ("role family,", "skill name,", '"role family"', '"skill name"')
_WHAT_TO_GIVE = (
    "give a framework role page (/role/...) or the Skills A to Z page (/skills) saved as "
    "HTML, or a GOV.UK role page saved as text"
)


def read_page(location: Path | str, report: ImportReport, *, timeout: float = 20.0) -> Framework:
    """Read a role page or the Skills A to Z page from a file or an http(s) URL."""

    if isinstance(location, str) and is_url(location):
        fetched = fetch(location, timeout=timeout)
        text = _decode(fetched.data, location, fetched.charset)
        return parse_page(text, report, label=location, location=location, url=fetched.url)
    if isinstance(location, str) and re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]+://", location):
        raise SourceError(
            f"{location!r}: only http and https URLs can be read",
            hint="or save the page and give the file",
        )

    path = Path(location)
    data = read_bytes(path, "page")
    return parse_page(_decode(data, path.name), report, label=path.name, location=str(path))


def _decode(data: bytes, label: str, charset: str | None = None) -> str:
    if not data.strip():
        raise SourceError(f"{label} is empty", hint=_WHAT_TO_GIVE)
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(
            f"{label} looks like a binary file, not a web page (it contains NUL bytes)",
            hint=_WHAT_TO_GIVE,
        )
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass  # the declared charset is wrong or unknown: try UTF-8
    return decode_utf8(data, label, hint="save the page as UTF-8, as the framework site serves it")


def page_kind(text: str, label: str) -> PageKind:
    """Which reader a page needs, by its content; an :class:`InputError` for anything else."""
    return _classify(text, label)[0]


def _classify(text: str, label: str) -> tuple[PageKind, Document | None]:
    head = text.lstrip("\ufeff \t\r\n")
    if not head:
        raise SourceError(f"{label} is empty", hint=_WHAT_TO_GIVE)
    if head.startswith("<") or _HTML_TAG.search(head[:4096]):
        try:
            doc = parse_html(text)
        except (AssertionError, ValueError) as exc:  # html.parser's rare complaints
            raise SourceError(
                f"{label} cannot be parsed as HTML ({exc or type(exc).__name__})",
                hint=_WHAT_TO_GIVE,
            ) from None
        if is_skills_page(doc):
            return "skills-html", doc
        if is_role_page(doc):
            return "role-html", doc
        raise _other_kind(doc, label)
    first = head.split("\n", 1)[0].strip()
    if first.lower().startswith(_CSV_HEADERS):
        raise SourceError(
            f"{label} is a CSV file, not a page",
            hint=f"give the export's files with {option('roles')} and {option('skills')}",
        )
    if name_key(first) == name_key("Skills A to Z"):
        raise SourceError(
            f"{label} is the Skills A to Z page as text, which rolegraph does not read",
            hint="save the page as HTML (https://ddat-capability-framework.service.gov.uk/skills)",
        )
    return "role-text", None


def parse_page(
    text: str,
    report: ImportReport,
    *,
    label: str,
    location: str = "",
    url: str | None = None,
) -> Framework:
    """Records of a page given as text (HTML or GOV.UK text), by its kind."""
    kind, doc = _classify(text, label)
    if kind == "skills-html" and doc is not None:
        return read_skills_page(doc, report, label=label, location=location, url=url)
    if kind == "role-html" and doc is not None:
        return parse_role_page_html(doc, report, label=label, location=location, url=url)

    return parse_govuk_text(text, report, label=label, location=location, url=url)


def _other_kind(doc: Document, label: str) -> InputError:
    h1 = page_title(doc)
    title_tag = doc.find(lambda n: n.tag == "title")
    title = (h1.text() if h1 is not None else "") or (
        title_tag.text() if title_tag is not None else ""
    )
    if doc.unclosed:
        inner = doc.unclosed[-1]
        named = f" (its title is {title!r})" if title else ""
        return SourceError(
            f"{label} ends (line {doc.lines}) inside <{inner.tag}> opened on line {inner.line}, "
            f"before any role page or Skills A to Z content{named}: it looks truncated or "
            "malformed",
            hint="save the whole page",
        )
    if not title and not doc.root.text():
        return SourceError(
            f"{label} has no page content (malformed or empty HTML)", hint=_WHAT_TO_GIVE
        )
    what = f"its title is {title!r}" if title else "it has no title"
    return SourceError(
        f"{label} is not a framework role page nor the Skills A to Z page ({what})",
        hint=_WHAT_TO_GIVE,
    )
