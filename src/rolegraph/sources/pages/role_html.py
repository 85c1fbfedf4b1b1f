"""Reader for a role page of the framework site as HTML (``/role/software-developer``).

The page's main content (``#main-content``) holds, in order:

* the title (``h1``), a lede, "Last updated ..." and a contents list of the levels;
* "What a ... does": the role's description and "In this role, you will:" bullets;
* "... role levels": "There are N ... role levels", then one ``h3`` per level
  ("1. Apprentice developer") with its description, the Civil Service grades it is most
  often performed at (where shown) and a Skill / Description table: the skill, "Level:
  awareness" and the "You can:" descriptor;
* "Roles that share ... skills": a Role / Shared skills table;
* "Senior Civil Service roles that ... could lead to" (not part of the records);
* "Updates": "Published ...", "Last updated ..." and dated change notes.

What is around the main content (the cookie notice, the site's header, the banner
"Complete our 3 minute feedback survey ...", breadcrumbs, the footer) is not read and is
reported as ignored. GOV.UK's layout before 2023 has "Introduction to the role of ..."
and a "Skills needed to be a ..." list of the role's skills instead.

The side navigation says which family the role is in (the heading above the current
page's link, "Software development roles") and the page's own address.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from rolegraph.errors import SourceError
from rolegraph.model.records import ROLE_PAGE_KIND, Framework
from rolegraph.model.report import ImportReport
from rolegraph.model.vocab import SITE
from rolegraph.sources.pages.role_page import (
    PageLevel,
    PageSkill,
    RolePage,
    SharedRow,
    iso_date,
    level_count,
    page_date,
    page_records,
)
from rolegraph.sources.pages.sections import (
    CHROME_CLASSES,
    ROLE_SKILL_ITEM,
    WHAT,
    Section,
    grades_intro,
    html_heading,
)
from rolegraph.sources.pages.tree import Document, Node, block_text
from rolegraph.util.text import clean_name

_LEVEL = re.compile(r"^(\d+)\.\s+(.+)$")
_TIER = re.compile(r"^Level:\s*(.+?)\s*$", re.IGNORECASE)
_HEADINGS = frozenset({"h2", "h3"})
_WRAPPERS = frozenset({"div", "section", "article", "main"})


def main_content(doc: Document) -> Node:
    """The page's main content: ``#main-content``, else ``<main>``, else the body."""
    for match in (
        lambda n: n.id == "main-content",
        lambda n: n.tag == "main",
        lambda n: n.tag == "body",
    ):
        found = doc.find(match)
        if found is not None:
            return found
    return doc.root


def page_title(doc: Document) -> Node | None:
    main = main_content(doc)
    return main.find(lambda n: n.tag == "h1") or doc.find(lambda n: n.tag == "h1")


def _role_heading(node: Node) -> bool:
    return bool(
        (node.tag == "h2" and WHAT.match(node.text()))
        or node.id == "role-levels"
        or node.has_class("role-level-header")
    )


def is_role_page(doc: Document) -> bool:
    """A role page has a "What a ... does" heading or numbered role-level headings."""
    return any(_role_heading(n) for n in doc.root.iter())


def _blocks(node: Node) -> Iterator[Node]:
    """Content as a flat sequence of blocks, unwrapping divs that hold headings."""
    for child in node.children:
        if not isinstance(child, Node):
            continue
        if child.tag in _WRAPPERS and child.find(lambda n: n.tag in ("h1", *_HEADINGS)):
            yield from _blocks(child)
        else:
            yield child


def _family_and_url(doc: Document) -> tuple[str | None, str | None]:
    """The current page's family (its navigation heading) and address, from the side menu."""
    heading: str | None = None
    for node in doc.root.iter():
        if node.tag == "h4" or node.has_class("moj-side-navigation__title"):
            heading = node.text()
        elif node.tag == "a" and node.attrs.get("aria-current"):
            href = node.attrs.get("href", "")
            url = SITE + href if href.startswith("/role/") else None
            family = None
            if heading and heading.lower().endswith(" roles"):
                family = heading[: -len(" roles")].strip() or None
            return family, url
    return None, None


def _skill_row(row: Node, cut: set[int]) -> PageSkill | None:
    header = row.find(lambda n: n.tag == "th")
    cell = row.find(lambda n: n.tag == "td")
    if header is None:
        return None
    link = header.find(lambda n: n.has_class("skill-name"))
    paragraphs = [p.text() for p in header.find_all(lambda n: n.tag == "p")]
    tier: str | None = None
    for text in paragraphs:
        m = _TIER.match(text)
        if m:
            tier = m.group(1)
    if link is not None:
        name = link.text()
    else:
        name = next((t for t in paragraphs if t and not _TIER.match(t)), "") or header.text()
    if not name:
        return None
    descriptor = block_text(cell.children) if cell is not None else ""
    cut_off = id(row) in cut or (cell is not None and id(cell) in cut)
    # Cut after a whole name and tier (their elements closed): read without the descriptor.
    head_cut = id(header) in cut and (
        tier is None or any(id(n) in cut for n in header.iter() if n.tag in ("p", "a"))
    )
    if cut_off and tier is not None and not head_cut:
        return PageSkill(name, tier, None, row.line, descriptor_cut=True)
    return PageSkill(name, tier, descriptor or None, row.line, cut_off=cut_off)


def _shared_row(row: Node, cut: set[int]) -> SharedRow | None:
    header = row.find(lambda n: n.tag == "th")
    cell = row.find(lambda n: n.tag == "td")
    if header is None or not header.text() or header.text() == "Role":
        return None
    skills: list[str] = []
    if cell is not None:
        items = cell.find_all(lambda n: n.tag in ("p", "li"))
        skills = [t for t in (i.text() for i in items) if t] or [t for t in (cell.text(),) if t]
    return SharedRow(header.text(), skills, row.line, cut_off=id(row) in cut)


def _body_rows(table: Node) -> list[Node]:
    return [
        tr
        for tr in table.find_all(lambda n: n.tag == "tr")
        if not tr.inside("thead")
        and tr.find(lambda n: n.tag in ("td", "th"))
        and not all(c.attrs.get("scope") == "col" for c in tr.find_all(lambda n: n.tag == "th"))
    ]


def read_role_page_html(
    doc: Document, label: str, *, location: str = "", url: str | None = None
) -> RolePage:
    """The facts of a role page parsed from HTML (raises if it is not a role page)."""
    h1 = page_title(doc)
    if h1 is None or not h1.text():
        raise SourceError(
            f"{label} is not a framework page: it has no title (h1)",
            hint="give a role page of https://ddat-capability-framework.service.gov.uk, saved "
            "whole",
        )
    title = clean_name(h1.text())[0]
    if not is_role_page(doc):
        raise SourceError(
            f"{label} is not a role page: no 'What a ... does' section or role levels under "
            f"the title {title!r}",
            hint="give a role page (/role/...) or the Skills A to Z page (/skills)",
        )
    family, own_url = _family_and_url(doc)
    page = RolePage(
        title=title,
        label=label,
        kind=ROLE_PAGE_KIND,
        location=location,
        url=url or own_url,
        line=h1.line,
        family=family,
    )
    reader = _HtmlReader(doc, page)
    main = _content_root(doc, page)
    _note_chrome(doc, main, page)
    reader.read(main, h1)
    reader.note_early_end(main)
    return reader.finish(h1)


def _note_chrome(doc: Document, main: Node, page: RolePage) -> None:
    """Note what around the content is skipped: the cookie notice, the site header, the
    banner ("Complete our 3 minute feedback survey ..."), breadcrumbs and the footer."""
    in_main = {id(n) for n in main.iter()}
    skip: set[int] = set()
    for node in doc.root.iter():
        if id(node) in skip or id(node) in in_main:
            continue
        what = next((w for c, w in CHROME_CLASSES.items() if node.has_class(c)), None)
        if what is None and node.tag in ("header", "footer"):
            what = "site header" if node.tag == "header" else "site footer"
        if what is None:
            continue
        skip.update(id(n) for n in node.iter())
        text = node.text()
        if text:
            page.ignored.append((f"the page's {what}", text, node.line, None))


def _content_root(doc: Document, page: RolePage) -> Node:
    """The main content, or the body if a stray end tag closed it before its sections."""
    main = main_content(doc)
    in_main = {id(n) for n in main.iter()}
    if any(_role_heading(n) and id(n) not in in_main for n in doc.root.iter()):
        # A stray end tag closed the main content early: read on from the title instead.
        page.remarks.append(
            (
                "interpreted",
                "the page's main content ends before its sections (a stray end tag?); read "
                "from the title to the footer instead",
                main.line,
            )
        )
        main = doc.find(lambda n: n.tag == "body") or doc.root
    return main


class _HtmlReader:
    """Walks the page's blocks: each ``h2`` opens a section, whose handler reads on."""

    def __init__(self, doc: Document, page: RolePage) -> None:
        self.doc = doc
        self.page = page
        self.cut = {id(n) for n in doc.unclosed}
        self.section = Section.HEAD
        self.role_blocks: list[Node | str] = []
        self.level: PageLevel | None = None
        self.level_blocks: list[Node | str] = []
        self.grades_next = self.described = False
        self.updated_at_top: str | None = None
        self.levels: list[tuple[PageLevel, list[Node | str]]] = []

    def read(self, main: Node, h1: Node) -> None:
        """Read the blocks after the title up to the footer."""
        handlers: dict[Section, Callable[[Node], None]] = {
            Section.HEAD: self._head_block,
            Section.ROLE: self.role_blocks.append,
            Section.ROLE_SKILLS: self._role_skills_block,
            Section.LEVELS: self._levels_block,
            Section.SHARED: self._shared_block,
            Section.LEADS_TO: self._leads_to_block,
            Section.UPDATES: self._updates_block,
        }
        started = False
        for block in _blocks(main):
            if block.tag == "footer":
                break
            if not started:
                started = block is h1 or block.find(lambda n: n is h1) is not None
                continue
            if block.tag == "h2":
                self._start(block)
                continue
            handler = handlers.get(self.section)
            if handler is not None:
                handler(block)

    def _start(self, heading: Node) -> None:
        text = heading.text()
        self.section = html_heading(text, heading.id)
        if self.section is Section.OTHER:
            self.page.unread_sections.append((text, heading.line))
        self.level = None

    # -- section handlers ------------------------------------------------------------

    def _head_block(self, block: Node) -> None:
        """Before the first section: the dates, the lede and the contents list."""
        page = self.page
        text = block.text() if block.tag in _HEADINGS or block.tag == "p" else ""
        dated = page_date(text) if block.tag == "p" else None
        if dated and dated[0] == "updated":
            self.updated_at_top = dated[1]
        elif dated:
            page.published = dated[1]
        elif block.has_class("govuk-body-l") and text:
            page.summary = text
        elif block.tag in ("ul", "ol", "nav") and any("contents-list" in c for c in block.classes):
            for item in block.find_all(lambda n: n.tag == "a"):
                m = _LEVEL.match(item.text())
                if m:
                    page.announced_levels.append(clean_name(m.group(2))[0])

    def _levels_block(self, block: Node) -> None:
        """A block of the role levels: a level heading, the level count or a level's body."""
        text = block.text() if block.tag in _HEADINGS or block.tag == "p" else ""
        m = _LEVEL.match(text) if block.tag == "h3" else None
        if m or block.has_class("role-level-header"):
            self._level_heading(block, text, m)
        elif self.level is None:
            self._level_count(block, text)
        else:
            self._level_body(self.level, block, text)

    def _level_heading(self, block: Node, text: str, m: re.Match[str] | None) -> None:
        if id(block) in self.cut:
            self.page.remarks.append(
                ("skipped", f"the page ends inside the heading {text!r}", block.line)
            )
            self.level = None
            return
        number, name = (int(m.group(1)), m.group(2)) if m else (None, text)
        self.level = PageLevel(clean_name(name)[0], block.line, number)
        self.level_blocks = []
        self.levels.append((self.level, self.level_blocks))
        self.grades_next = False
        self.described = False

    def _level_count(self, block: Node, text: str) -> None:
        """ "There are 9 ... role levels" before the first level."""
        count = level_count(text) if block.tag == "p" else None
        if count is None and block.tag == "p":
            counts = [level_count(p.text()) for p in block.find_all(lambda n: n.tag == "p")]
            count = next((c for c in counts if c is not None), None)
        if count is not None:
            self.page.stated_level_count = count

    def _level_body(self, level: PageLevel, block: Node, text: str) -> None:
        """A level's grades intro and list, its skill table, or its description."""
        if block.tag == "p" and grades_intro(text) is not None:
            self.grades_next = self.described = True
        elif block.tag in ("ul", "ol") and self.grades_next:
            level.grades.extend(_items(block, self.cut))
            self.grades_next = False
        elif block.tag in ("ul", "ol") and not block.find(lambda n: n.tag == "li"):
            return  # an empty list where grades would be
        elif block.tag == "table":
            self.described = True
            for row in _body_rows(block):
                skill = _skill_row(row, self.cut)
                if skill is not None:
                    level.skills.append(skill)
        else:
            self.level_blocks.append(block)

    def _role_skills_block(self, block: Node) -> None:
        """ "Skills needed to be a ..." (GOV.UK before 2023): "Name. Description" items."""
        for li in block.find_all(lambda n: n.tag == "li"):
            item = ROLE_SKILL_ITEM.match(li.text())
            if item is None:
                self.page.remarks.append(
                    ("ignored", f"{li.text()[:60]!r} in the skills list is not a skill", li.line)
                )
                continue
            said = None if id(li) in self.cut else item.group("text").strip()
            if said is None:
                self.page.remarks.append(
                    (
                        "missing",
                        f"the description of the skill {item.group('name')!r} is cut off; not used",
                        li.line,
                    )
                )
            self.page.role_skills.append((item.group("name").strip(), said, li.line))

    def _leads_to_block(self, block: Node) -> None:
        self.page.leads_to.extend(_items(block, self.cut))

    def _updates_block(self, block: Node) -> None:
        _read_updates(block, self.page, self.cut)

    def _shared_block(self, block: Node) -> None:
        if block.tag == "table":
            self.page.has_shared_table = True
            for row in _body_rows(block):
                shared = _shared_row(row, self.cut)
                if shared is not None:
                    self.page.shared.append(shared)

    # -- the end of the page -----------------------------------------------------------

    def note_early_end(self, main: Node) -> None:
        """Say where a page that stops early stops, and drop what that may have cut."""
        doc, page = self.doc, self.page
        if doc.unclosed and id(main) not in self.cut:
            page.remarks.append(
                (
                    "ignored",
                    f"the page ends early (line {doc.lines}), after its main content: nothing "
                    "of the role is missing",
                    None,
                )
            )
        elif doc.unclosed:
            self._truncated()

    def _truncated(self) -> None:
        # The page stops in the middle: the last section read may be incomplete.
        doc, page, levels, section = self.doc, self.page, self.levels, self.section
        inner = doc.unclosed[-1]
        where = {
            Section.HEAD: "before its first section",
            Section.ROLE: "in 'What a ... does'",
            Section.ROLE_SKILLS: "in its skills list",
            Section.LEVELS: "in its role levels"
            + (f" (level {levels[-1][0].name!r})" if levels else ""),
            Section.SHARED: "in its shared-skills table",
            Section.LEADS_TO: "in 'Senior Civil Service roles that ... could lead to'",
            Section.UPDATES: "in its Updates section",
        }.get(section, "after its known sections")
        page.truncated = (
            f"the page ends {where}, inside <{inner.tag}> opened on line {inner.line} "
            f"(input line {doc.lines}), with {len(doc.unclosed)} element(s) left open: it "
            "looks truncated; only what is there was read"
        )
        if section is Section.LEVELS and levels:
            levels[-1][0].cut_off = True
            if not self.described:
                levels[-1][1].clear()
                page.remarks.append(
                    (
                        "missing",
                        f"the description of level {levels[-1][0].name!r} is cut off; not used",
                        levels[-1][0].line,
                    )
                )
        if section is Section.UPDATES and page.change_notes:
            date, _ = page.change_notes.pop()
            page.remarks.append(
                ("missing", f"the change note dated {date} is cut off; not used", None)
            )
        if section is Section.ROLE:
            self.role_blocks.clear()
            page.remarks.append(
                ("missing", "the role's description is cut off; not used", page.line)
            )

    def finish(self, h1: Node) -> RolePage:
        """Settle the last-updated date and assemble the descriptions and levels."""
        page = self.page
        top = self.updated_at_top
        if top and page.updated and top != page.updated:
            page.remarks.append(
                (
                    "disagreement",
                    f"the page's header says last updated {top}, its Updates section "
                    f"{page.updated}; kept {page.updated}",
                    h1.line,
                )
            )
        page.updated = page.updated or top
        page.description = block_text(self.role_blocks) or None
        for lv, blocks in self.levels:
            lv.description = block_text(blocks) or None
        page.levels = [lv for lv, _ in self.levels]
        return page


def _items(block: Node, cut: set[int]) -> list[str]:
    """The texts of a list's items, leaving out an item the page ends inside."""
    items = block.find_all(lambda n: n.tag == "li" and id(n) not in cut)
    return [t for t in (li.text() for li in items) if t]


def _read_updates(block: Node, page: RolePage, cut: set[int]) -> None:
    """The "Published ...", "Last updated ..." lines and the change log: a bold date, then
    its notes."""
    paragraphs = [block] if block.tag == "p" else block.find_all(lambda n: n.tag == "p")
    for p in paragraphs:
        if id(p) in cut:
            continue
        text = p.text()
        dated = page_date(text)
        date = iso_date(text)
        if dated:
            setattr(page, dated[0], dated[1])
        elif date is not None:
            page.change_notes.append((date, ""))
        elif text and page.change_notes:
            date, notes = page.change_notes[-1]
            page.change_notes[-1] = (date, f"{notes}\n\n{text}" if notes else text)


def parse_role_page_html(
    doc: Document,
    report: ImportReport,
    *,
    label: str,
    location: str = "",
    url: str | None = None,
) -> Framework:
    """Records of a role page given as parsed HTML."""
    return page_records(read_role_page_html(doc, label, location=location, url=url), report)
