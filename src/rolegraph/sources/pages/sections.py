"""The sections of a framework role page, and how a heading says which one it opens.

Both role page readers (:mod:`~rolegraph.sources.pages.role_text` for the GOV.UK text
form, :mod:`~rolegraph.sources.pages.role_html` for the site's HTML) walk the page,
classify each heading into a :class:`Section` here, and hand what follows to their
handler for that kind of section. The text form has no markup, so its headings must
match whole; the HTML form's headings are known by their element ids as well.
"""

from __future__ import annotations

import re
from enum import StrEnum

from rolegraph.util.text import name_key


class Section(StrEnum):
    """The kinds of section of a role page, in page order."""

    #: Before the first section: title, lede, dates, contents list.
    HEAD = "head"
    #: "What a ... does": the role's description.
    ROLE = "role"
    #: "... role levels": the numbered levels with their grades and skill tables.
    LEVELS = "levels"
    #: "Roles that share ... skills": the Role / Shared skills table.
    SHARED = "shared"
    #: "Senior Civil Service roles that ... could lead to" (not part of the records).
    LEADS_TO = "leads-to"
    #: "Updates": publication dates and dated change notes.
    UPDATES = "updates"
    #: A section the readers do not read.
    OTHER = "other"


#: "What a software developer does" (the role's own section).
WHAT = re.compile(r"^What an? (.+) does$", re.IGNORECASE)
LEVELS_SUFFIX = "role levels"
SHARED_PREFIX = "roles that share"
SHARED_SUFFIX = "skills"
#: The text form's header of the shared-skills table, standing in for its heading.
SHARED_HEADER = ["Role", "Shared", "skills"]
LEADS_TO_PREFIX = "senior civil service roles that"
LEADS_TO_SUFFIX = "could lead to"
UPDATES = "updates"
#: Element ids of the HTML page's section headings.
SECTION_IDS = {
    "role-levels": Section.LEVELS,
    "related-roles": Section.SHARED,
    "related-scs-roles": Section.LEADS_TO,
    "update-history": Section.UPDATES,
}
ROLE_ID_PREFIX = "what-"


def text_heading(line: str, title: str) -> Section | None:
    """The section a line of the text form opens, or None if it is not a heading."""
    key = name_key(line)
    if key in (name_key(f"What a {title} does"), name_key(f"What an {title} does")):
        return Section.ROLE
    if key == name_key(f"{title} {LEVELS_SUFFIX}"):
        return Section.LEVELS
    if line.replace("\t", " ").split() == SHARED_HEADER or (
        key.startswith(SHARED_PREFIX) and key.endswith(SHARED_SUFFIX)
    ):
        return Section.SHARED
    if key.startswith(LEADS_TO_PREFIX) and key.endswith(LEADS_TO_SUFFIX):
        return Section.LEADS_TO
    if key == UPDATES:
        return Section.UPDATES
    return None


def html_heading(text: str, element_id: str) -> Section:
    """The section an HTML ``h2`` opens (by its text or id); OTHER if none is known."""
    key = name_key(text)
    if WHAT.match(text) or element_id.startswith(ROLE_ID_PREFIX):
        return Section.ROLE
    by_id = SECTION_IDS.get(element_id)
    if by_id is Section.LEVELS or key.endswith(LEVELS_SUFFIX):
        return Section.LEVELS
    if by_id is Section.SHARED or key.startswith(SHARED_PREFIX):
        return Section.SHARED
    if by_id is Section.LEADS_TO or key.startswith(LEADS_TO_PREFIX):
        return Section.LEADS_TO
    if by_id is Section.UPDATES or key == UPDATES:
        return Section.UPDATES
    return Section.OTHER
