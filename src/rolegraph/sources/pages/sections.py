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
    #: "Skills needed to be a ..." (GOV.UK's layout before 2023): the role's skills, each
    #: with its description.
    ROLE_SKILLS = "role-skills"
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


#: "What a software developer does" (the role's own section), or, in GOV.UK's layout
#: before 2023, "Introduction to the role of software developer".
WHAT = re.compile(
    r"^(?:What an? (.+) does|Introduction to the role of (?:an? )?(.+))$", re.IGNORECASE
)
#: "Skills needed to be a user researcher", "Skills required to be a software developer".
ROLE_SKILLS = re.compile(r"^Skills (?:needed|required) (?:to be|for) (?:an? )?(.+)$", re.I)
#: An item of that list: "Analysis and synthesis. You can turn research data into ...".
ROLE_SKILL_ITEM = re.compile(r"^(?P<name>[^.]{2,100}?)\.\s+(?P<text>\S.*)$")


def what_role(text: str) -> str | None:
    """The role a "What a ... does" (or "Introduction to the role of ...") heading names."""
    m = WHAT.match(text)
    return (m.group(1) or m.group(2)) if m else None


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
    role = what_role(line)
    if role is not None and name_key(role) == name_key(title):
        return Section.ROLE
    skills_of = ROLE_SKILLS.match(line)
    if skills_of and name_key(skills_of.group(1)) == name_key(title):
        return Section.ROLE_SKILLS
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
    if key == CONTENTS:
        return Section.HEAD  # the contents list, read with the page's head
    if WHAT.match(text) or element_id.startswith(ROLE_ID_PREFIX):
        return Section.ROLE
    if ROLE_SKILLS.match(text):
        return Section.ROLE_SKILLS
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


# -- Around the content: what a reader skips and reports ---------------------------------

#: Classes of the HTML elements around a page's content: the cookie notice, the site
#: header, the phase banner ("Complete our 3 minute feedback survey ..."), breadcrumbs,
#: the footer. Their text is reported as ignored, never read as the role's.
CHROME_CLASSES = {
    "govuk-cookie-banner": "cookie notice",
    "govuk-skip-link": "skip link",
    "govuk-header": "site header",
    "gem-c-layout-super-navigation-header": "site header",
    "govuk-phase-banner": "banner",
    "gem-c-phase-banner": "banner",
    "govuk-notification-banner": "banner",
    "govuk-breadcrumbs": "breadcrumbs",
    "gem-c-breadcrumbs": "breadcrumbs",
    "govuk-footer": "site footer",
}
#: Lines that end a page's content in its text (the footers of saved or copied pages).
FOOTER_STARTS = (
    "Back to top",
    "Is this page useful?",
    "Help us improve GOV.UK",
    "Support links",
    "Report a problem with this page",
    "All content is available under the Open Government Licence",
    "© Crown copyright",
)
#: The line that opens a page's contents list, and the "— " that marks its entries.
CONTENTS = "contents"
CONTENTS_ENTRY = re.compile(r"^(?:[-*•\u2022]\s*)?[—–]\s*(.+)$")

# -- Grades: every wording the pages have used -------------------------------------------

#: "This role level is most often performed at the Civil Service job grade of:",
#: "... is often performed at the Civil Service job grade of:", "... job grades:",
#: "Grades:" (a whole intro line; the grades follow, one a line).
_GRADES_WHOLE = re.compile(
    r"^(?:(?:this role level is\s+)?(?:(?:most|usually|typically)\s+)?(?:often\s+)?"
    r"performed at(?:\s+the)?\s+)?(?:civil service\s+)?(?:job\s+)?grades?(?:\s+of)?\s*:$",
    re.IGNORECASE,
)
#: The start of such an intro broken over lines by its link ("... performed at the" /
#: "Civil Service job grade" / "of:").
_GRADES_OPEN = re.compile(
    r"^this role level is\s+(?:(?:most|usually|typically)\s+)?(?:often\s+)?performed at\b",
    re.IGNORECASE,
)
#: A grade on a line of its own, with no bullet (text copied from a browser).
GRADE_LINE = re.compile(
    r"^(?:AA|AO|EO|HEO|SEO|G7|G6|Grade [67]|SCS(?:\s*PB)?\s*\d?|Deputy Director|Director)"
    r"(?:\s*\(.*\))?$",
    re.IGNORECASE,
)


def grades_intro(text: str) -> str | None:
    """``"whole"`` if ``text`` introduces a level's grades, ``"open"`` if it starts such an
    intro that goes on over the next lines, else None."""
    text = " ".join(text.split())
    if _GRADES_WHOLE.match(text):
        return "whole"
    if _GRADES_OPEN.match(text):
        return "whole" if text.endswith(":") else "open"
    return None


# -- The skills table as text ----------------------------------------------------------

#: The table's header: "Skill Description", or "Skill | Description |" where the table
#: was flattened into text (the "Contents" pages of 2021-2025).
TABLE_HEADERS = (["skill", "description"], ["skill"], ["skill", "|", "description", "|"])
#: A flattened table's separator row, "---|---|".
TABLE_RULE = re.compile(r"^[-|: ]*-[-|: ]*$")
#: A flattened row's first cell: "Availability and capacity management Level: awareness
#: Awareness is the first of 4 ascending skill levels |" (the name may be missing).
FLAT_ROW = re.compile(
    r"^(?P<name>.*?)\s*\bLevel:\s*(?P<tier>awareness|working|practitioner|expert)\b"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
ORDINALS = ("first", "second", "third", "fourth")


def tier_explanation(tier: str) -> str:
    """``"awareness"`` -> ``"Awareness is the first of 4 ascending skill levels"``."""
    tiers = ("awareness", "working", "practitioner", "expert")
    index = tiers.index(tier.lower())
    return f"{tier.capitalize()} is the {ORDINALS[index]} of 4 ascending skill levels"


def explains_tier(text: str, tier: str | None) -> bool:
    """Whether ``text`` is (the start of, if cut) the explanation of ``tier``."""
    if tier is None or tier.lower() not in ("awareness", "working", "practitioner", "expert"):
        return False
    text = " ".join(text.replace("|", " ").split()).lower()
    return len(text) >= len(tier) and tier_explanation(tier).lower().startswith(text)
