"""Tiny framework web pages in the site's shape, built from the facts of ``minicsv``.

The markup copies the real pages' structure and quirks (``#main-content``, a side menu
whose current link has ``aria-current``, a contents list, ``h3`` role levels, a grades
paragraph broken by a link, "Level: ..." with a visually hidden explanation and an SVG
progress bar, ``<tr>`` left open before the next ``<tr>``, a ``<p>`` opened inside a
``<p>``, a list nested straight into a list, a stray ``</p>``), so the readers meet
them in unit tests. The page states the same facts as the tiny CSV files unless a test
asks for a change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from helpers.minicsv import DESCRIPTORS, LEVEL_DESC, REQUIREMENTS, SCS_SKILLS, SKILL_DESC

ROLE = "Data analyst"
ROLE_TEXT = "A data analyst turns data into insight.\n\nIn this role, you will:\n- collect data\n- explain findings"
LEVELS = ("Associate data analyst", "Data analyst", "Senior data analyst")
GRADES: dict[str, tuple[str, ...]] = {
    "Associate data analyst": ("EO (Executive Officer)",),
    "Data analyst": ("HEO (Higher Executive Officer)", "SEO (Senior Executive Officer)"),
    "Senior data analyst": (),
}
SHARED = (
    ("Performance analyst", ("Data analysis", "Statistics")),
    ("Data scientist", ("Statistics",)),
)
CHANGES = (
    ("12 March 2025", ("The skill 'statistics' has been updated.", "Grades were added.")),
    ("1 May 2019", ("First published.",)),
)
ORDINAL = {1: "first", 2: "second", 3: "third", 4: "fourth"}
TIERS = ("awareness", "working", "practitioner", "expert")

Requirement = tuple[str, str, str]  # level, skill, tier (lower case)


def default_requirements() -> list[Requirement]:
    return [(lv, skill, tier.lower()) for lv, skill, tier in REQUIREMENTS]


def html_text(text: str, css: str = "govuk-body") -> str:
    """A text in the export's form as the site renders it: <p> per line, <ul> for bullets."""
    out: list[str] = []
    items: list[str] = []
    for line in text.replace("\u2028", "\n").split("\n"):
        line = line.strip()
        if line.startswith("- "):
            items.append(f"<li class='govuk-body'>{escape(line[2:])}</li>")
            continue
        if items:
            out.append("<ul class='govuk-list govuk-list--bullet'>" + "".join(items) + "</ul>")
            items = []
        out.append(f"<p class='{css}'>{escape(line)}</p>")
    if items:
        out.append("<ul class='govuk-list govuk-list--bullet'>" + "".join(items) + "</ul>")
    return "".join(out) + f"<p class='{css}'></p>"


def _nav(current: str) -> str:
    groups = {
        "Data roles": ("Data analyst", "Data scientist", "Performance analyst"),
        "Chief digital and data roles": ("Chief data officer",),
    }
    out = ['<nav class="moj-side-navigation"><a href="/">Home</a>']
    for heading, roles in groups.items():
        out.append(f'<h4 class="moj-side-navigation__title">{heading}</h4>')
        out.append('<ul class="moj-side-navigation__list">')
        for role in roles:
            slug = role.lower().replace(" ", "-")
            current_attr = ' aria-current="location"' if role == current else ""
            out.append(
                f'<li class="moj-side-navigation__item"><a href="/role/{slug}"{current_attr}>'
                f"{role}</a></li>"
            )
        out.append("</ul>")
    out.append("</nav>")
    return "\n".join(out)


def _head(title: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="utf-8">
    <title>
        {title} - Government Digital and Data Profession Capability Framework
    </title>
    <script>var x = "<h1>not a heading</h1>";</script>
</head>
<body class="govuk-template__body">
<div class="govuk-cookie-banner"><h2 class="govuk-heading-m">Cookies on the framework</h2>
<p class="govuk-body">We use cookies.</p></div>
<div class="govuk-width-container">
<div class="govuk-grid-column-one-quarter">{_nav(title)}</div>
<div class="govuk-grid-column-three-quarters" id="main-content">
"""


_TAIL = """
</div>
</div>
<footer class="govuk-footer"><h2>Support links</h2><p>All content is available under the
Open Government Licence v3.0</p></footer>
</body>
</html>
"""


def role_page_html(
    *,
    requirements: Sequence[Requirement] | None = None,
    levels: Sequence[str] = LEVELS,
    grades: Mapping[str, Sequence[str]] = GRADES,
    descriptors: Mapping[tuple[str, str], str] | None = None,
    stated_levels: int | None = None,
    shared: Sequence[tuple[str, Sequence[str]]] = SHARED,
) -> str:
    """The Data analyst role page as the framework site serves it."""
    reqs = list(requirements if requirements is not None else default_requirements())
    texts = dict(descriptors or {})
    out = [_head(ROLE)]
    out.append(f"""
    <h1 class="govuk-heading-xl">
        {ROLE}
    </h1>
    <p class="govuk-body-l">
        Find out what a data analyst in government does and the skills you need.
    </p>
    <p class="govuk-body-s">Last updated 12 March 2025 —
        <a href="#update-history" class="govuk-link">See all updates</a>
    </p>
    <p class="govuk-body govuk-body-s contents-list-links">Contents</p>
    <ul class="govuk-list govuk-body-s contents-list-links">
        <li>— <a href="#what-a-data-analyst-does">What a data analyst does</a></li>
        <li>— <a href="#role-levels">Data analyst role levels</a></li>
        <ul class="govuk-list indented-list">""")
    for i, level in enumerate(levels, start=1):
        out.append(f'<li>— <a href="#l{i}">{i}. {escape(level)}</a>')
    out.append(f"""</ul>
    </ul>
    <h2 class="govuk-heading-l" id="what-a-data-analyst-does">What a data analyst does</h2>
    {html_text(ROLE_TEXT)}
    <h2 class="govuk-heading-l" id="role-levels">Data analyst role levels</h2>
    <p class="govuk-body"><p class='govuk-body'>There are {stated_levels or len(levels)} data analyst
    role levels, from associate data analyst to senior data analyst.</p><p class='govuk-body'>The
    typical responsibilities and skills for each role level are described below.</p></p>
    """)
    for i, level in enumerate(levels, start=1):
        out.append(
            f'<h3 class="govuk-heading-m role-level-header" id=l{i}>{i}. {escape(level)}</h3>'
        )
        out.append(html_text(LEVEL_DESC.get(level, f"A {level.lower()} works.")))
        shown = grades.get(level, ())
        if shown:
            out.append("""<p class="govuk-body">
                This role level is most often performed at the
                <a class="govuk-link" href="/job-grades">Civil Service job grade</a>
                of:
            </p>
            <ul class="govuk-list govuk-list--bullet">""")
            out.extend(f"<li>{escape(g)}</li>" for g in shown)
            out.append("</ul>")
        else:
            out.append('<ul class="govuk-list govuk-list--bullet"></ul>')
        out.append("""<table class="govuk-table"><thead class="govuk-table__head">
            <tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Skill</th>
            <th scope="col" class="govuk-table__header">Description</th></tr></thead>
            <tbody class="govuk-table__body">""")
        for lv, skill, tier in reqs:
            if lv != level:
                continue
            text = texts.get((level, skill)) or DESCRIPTORS[(skill, tier.capitalize())]
            rank = TIERS.index(tier) + 1 if tier in TIERS else 1
            bar = "".join(
                f'<div class="progress-bar__{"grey" if k < rank else "white"}"></div>'
                for k in range(4)
            )
            out.append(f"""
            <tr class="govuk-table__row">
                <th scope="row" class="govuk-table__header"><p class="govuk-!-font-weight-bold">
                    <a href="/skills#x" class="govuk-link skill-name"
                    >{escape(skill)}</a
                    >
                </p>
                    <p class="govuk-body govuk-!-font-size-19">Level: {tier}</p>
                    <span class="govuk-visually-hidden">{tier.capitalize()} is the {ORDINAL[rank]} of 4 ascending skill levels</span>
                    <div class="progress-bar__container">{bar}<svg><path d="M0 0"/></svg></div>
                </th>
                <td class="govuk-table__cell"><p class="govuk-!-margin-bottom-1"></p>{html_text(text)}</td>
            """)  # the row is left open, as on the real pages' Skills A to Z tables
        out.append("</tbody></table>")
    if shared:
        out.append("""<h2 class="govuk-heading-l" id="related-roles">Roles that share data analyst
        skills</h2><table class="govuk-table"><thead class="govuk-table__head"><tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header">Role</th>
        <th scope="col" class="govuk-table__header">Shared skills</th></tr></thead>
        <tbody class="govuk-table__body">""")
        for other, skills in shared:
            slug = other.lower().replace(" ", "-")
            cells = "".join(
                f'<p class="govuk-body"><a href="/skills#x">{escape(s)}</a></p>' for s in skills
            )
            out.append(
                f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
                f"<a href=/role/{slug}>{escape(other)}</a></th>"
                f'<td class="govuk-table__cell">{cells}</td></tr>'
            )
        out.append("</tbody></table>")
    out.append("""<h2 class="govuk-heading-l" id="related-scs-roles">Senior Civil Service roles
    that data analyst could lead to</h2>
    <ul class="govuk-list"><li><a href="chief-data-officer">Chief data officer</a></li>
    <hr class="govuk-section-break"></ul></p>
    <h2 class="govuk-heading-m" id="update-history">Updates</h2>
    <p class="govuk-body-s publish-dates">Published 1 May 2019</p>
    <p class="govuk-body-s">Last updated 12 March 2025</p>
    <div class="changelog-content">""")
    for date, notes in CHANGES:
        out.append(f'<p class="govuk-body-s govuk-!-font-weight-bold">{date}</p>')
        out.append("".join(f"<p class='govuk-body-s'>{escape(n)}</p>" for n in notes))
    out.append("</div>")
    out.append(_TAIL)
    return "\n".join(out)


def role_page_text(*, requirements: Sequence[Requirement] | None = None) -> str:
    """The same page in the GOV.UK text form (as the seed is saved)."""
    reqs = list(requirements if requirements is not None else default_requirements())
    out = [
        "Skip to main content",
        "",
        ROLE,
        "",
        "Find out what a data analyst in government does and the skills you need.",
        "",
        "Published 1 May 2019",
        "",
        "Last updated 12 March 2025",
        "",
        "What a data analyst does",
        "",
    ]

    def text_lines(text: str) -> list[str]:
        lines = []
        for line in text.replace("\u2028", "\n").split("\n"):
            line = line.strip()
            if line:
                lines.append(f"  • {line[2:]}" if line.startswith("- ") else line)
        return lines

    out += text_lines(ROLE_TEXT)
    out += [
        "",
        "Data analyst role levels",
        "",
        f"There are {len(LEVELS)} data analyst role levels, from associate data analyst to "
        "senior data analyst.",
        "",
    ]
    for i, level in enumerate(LEVELS, start=1):
        out += [f"{i}. {level}", ""]
        out += text_lines(LEVEL_DESC[level])
        if GRADES[level]:
            out += [
                "",
                "This role level is most often performed at the Civil Service job grade of:",
            ]
            out += [f"  • {g}" for g in GRADES[level]]
        out += ["Skill\tDescription"]
        for lv, skill, tier in reqs:
            if lv != level:
                continue
            rank = TIERS.index(tier) + 1
            out += [
                "",
                skill,
                "",
                f"Level: {tier}",
                "",
                f"{tier.capitalize()} is the {ORDINAL[rank]} of 4 ascending skill levels",
                "",
            ]
            out += text_lines(DESCRIPTORS[(skill, tier.capitalize())])
    out += ["Role\tShared skills"]
    for other, skills in SHARED:
        out += [other, ""] + [f"{s}\n" for s in skills]
    out += ["Updates", ""]
    for date, notes in CHANGES:
        out += [date, ""] + [f"{n}\n" for n in notes]
    return "\n".join(out)


def skills_page_html(*, drop_roles: Mapping[str, str] | None = None) -> str:
    """The Skills A to Z page for the tiny CSV's skills, in the site's accordion shape."""
    drop = dict(drop_roles or {})
    roles = {
        "Data analysis": ["Data analyst"],
        "Data visualisation": ["Data analyst"],
        "Statistics": ["Performance analyst", "Data analyst"],
        "Data strategy": ["Chief data officer"],
        "Data leadership": ["Chief data officer"],
    }
    out = [_head("Skills A to Z")]
    out.append("""<h1 class="govuk-heading-xl">
        Skills A to Z
    </h1>
    <p class="govuk-body-l">Learn about the skills and ascending skill levels.</p>
    <div class="govuk-accordion" data-module="govuk-accordion" id="accordion-default">""")
    order = [
        "Data analysis",
        "Data leadership",
        "Data strategy",
        "Data visualisation",
        "Statistics",
    ]
    for i, skill in enumerate(order, start=1):
        scs = skill in SCS_SKILLS
        summary = (
            f'<div class="govuk-accordion__section-summary govuk-body" id="s{i}">'
            "\n                Senior Civil Service\n            </div>"
            if scs
            else ""
        )
        out.append(f"""
        <div class="govuk-accordion__section">
            <div class="govuk-accordion__section-header">
                <h2 class="govuk-accordion__section-heading">
        <span class="govuk-accordion__section-button" id="h{i}">
          <span id=s{i}>{escape(skill)}</span>
        </span>
                </h2>
                {summary}
            </div>
            <div id="c{i}" class="govuk-accordion__section-content">""")
        if skill == "Data strategy":
            # Senior Civil Service, as the site shows most of them.
            out.append(f"""<div class="govuk-accordion__section-content">
                <h3 class="govuk-heading-s">Description, including examples of leadership</h3>
                {html_text(SCS_SKILLS[skill])}</div>
                <hr class="govuk-section-break">""")
        else:
            desc = SKILL_DESC.get(skill, SCS_SKILLS.get(skill, ""))
            if desc and desc != "MISSING":
                out.append(html_text(desc))
            out.append("""<table class="govuk-table"><thead class="govuk-table__head">
                <tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Skill level</th>
                <th scope="col" class="govuk-table__header">Description</th></tr></thead>
                <tbody class="govuk-table__body">
                <tr class="govuk-table__row">""")
            for tier in TIERS:
                if scs:
                    cell = ""  # Senior Civil Service skill shown with empty level rows
                else:
                    cell = html_text(
                        DESCRIPTORS.get(
                            (skill, tier.capitalize()),
                            "This skill level is currently not defined.",
                        )
                    )
                out.append(f"""
                <tr class="govuk-table__row">
                    <td class="govuk-table__cell">
                        <p class="govuk-body govuk-!-font-size-19">{tier.capitalize()}</p>
                        <span class="govuk-visually-hidden">{tier.capitalize()} is a level</span>
                    </td>
                    <td class="govuk-table__cell govuk-!-width-two-thirds">
                        {cell}
                    </td>
                </tr>
                <tr class="govuk-table__row">""")
            out.append("</tbody></table>")
        links = "".join(
            f'<li><a class="govuk-link" href="/role/x">{escape(r)}</a></li>'
            for r in roles[skill]
            if drop.get(skill) != r
        )
        out.append(
            '<h3 class="govuk-heading-s">Roles that require this skill</h3>'
            f'<ul class="govuk-list"><ul class="govuk-list">{links}</ul>'
            "\n            </div>\n        </div>"
        )
    out.append("</div>")
    out.append(_TAIL)
    return "\n".join(out)
