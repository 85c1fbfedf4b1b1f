"""Reader for the framework site's Skills A to Z page (``/skills``) as HTML.

One accordion section per skill: its name (the section heading), a "Senior Civil
Service" summary for the skills of those roles, the skill's description, a Skill level
/ Description table with the "You can:" descriptor of each tier ("This skill level is
currently not defined." marks a tier the framework does not define), and "Roles that
require this skill" as a list of role links. Senior Civil Service skills have no tiers:
their single descriptor sits under "Description, including examples of leadership"
(some renderings show four empty level rows instead of, or besides, it).

The records are those of the skill descriptions CSV: skills with descriptors per tier,
undefined tiers, an untiered descriptor for Senior Civil Service skills, and
role -> skill links.
"""

from __future__ import annotations

from collections.abc import Iterator

from rolegraph.errors import InputError
from rolegraph.model.records import Framework, Origin, RoleSkill, Skill, Source
from rolegraph.model.report import ImportReport
from rolegraph.model.vocab import OGL, SITE, tier_name
from rolegraph.sources.csv_export import NOT_DEFINED, SCS
from rolegraph.sources.pages.tree import Document, Node, block_text
from rolegraph.util.text import clean_name, clean_text, name_key

TITLE = "Skills A to Z"
_ROLES_HEADING = "roles that require this skill"
_SCS_HEADING = "description, including examples of leadership"


def is_skills_page(doc: Document) -> bool:
    """The Skills A to Z page: that title, or skill sections listing the roles that need them."""
    h1 = doc.find(lambda n: n.tag == "h1")
    if h1 is not None and name_key(h1.text()) == name_key(TITLE):
        return True
    return bool(_sections(doc)) and any(
        n.tag == "h3" and name_key(n.text()) == _ROLES_HEADING for n in doc.root.iter()
    )


def _sections(doc: Document) -> list[Node]:
    """The outermost accordion sections (one per skill)."""
    found = doc.find_all(lambda n: n.has_class("govuk-accordion__section"))
    ids = {id(n) for n in found}
    return [n for n in found if not any(id(a) in ids for a in n.ancestors())]


def _flat(node: Node) -> Iterator[Node]:
    """Blocks of a section's content, unwrapping divs."""
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == "div":
                yield from _flat(child)
            else:
                yield child


def _skill_name(heading: Node, summary: Node | None) -> str:
    """A section heading's text, without the summary some layouts put inside it."""
    button = heading.find(lambda n: n.has_class("govuk-accordion__section-button")) or heading
    text = button.text()
    if summary is not None and any(a is button for a in summary.ancestors()):
        tail = summary.text()
        if tail and text.endswith(tail):
            text = text[: -len(tail)].strip()
    return text


def read_skills_page(
    doc: Document,
    report: ImportReport,
    *,
    label: str,
    location: str = "",
    url: str | None = None,
) -> Framework:
    """Records of the Skills A to Z page: skills, their tier descriptors and role lists."""
    sections = _sections(doc)
    if not sections:
        raise InputError(
            f"{label}: the Skills A to Z page has no skill sections",
            hint="the page may be truncated or saved without its content; save the whole page",
        )
    stats = report.file(label, "skills page")
    source = Source(
        key=label,
        kind="skills-page",
        title=TITLE,
        location=location,
        url=url or f"{SITE}/skills",
        licence=OGL,
    )
    skills: dict[str, Skill] = {}
    role_skills: list[RoleSkill] = []
    cut = {id(n) for n in doc.unclosed}
    grouped: dict[tuple[str, str, str, str], list[int]] = {}

    def group(
        category: str, message: str, line: int, severity: str = "info", unit: str = "skills"
    ) -> None:
        grouped.setdefault((category, message, severity, unit), []).append(line)

    if doc.unclosed:
        inner = doc.unclosed[-1]
        report.add(
            "missing",
            f"the page ends (line {doc.lines}) inside <{inner.tag}> opened on line "
            f"{inner.line}: it looks truncated; only the complete skill sections were read",
            file=label,
            severity="warning",
        )

    for section in sections:
        stats.rows_read += 1
        heading = section.find(lambda n: n.has_class("govuk-accordion__section-heading"))
        summary = section.find(lambda n: n.has_class("govuk-accordion__section-summary"))
        content = section.find(lambda n: n.has_class("govuk-accordion__section-content"))
        title_node = heading or section.find(lambda n: n.tag in ("h2", "h3"))
        name = clean_name(_skill_name(title_node, summary))[0] if title_node else ""
        line = section.line
        if not name:
            stats.rows_reported += 1
            group("skipped", "a skill section without a name; not used", line, "warning")
            continue
        if id(section) in cut or (content is not None and id(content) in cut):
            stats.rows_reported += 1
            report.add(
                "skipped",
                f"skill {name!r}: the page ends inside its section; not used",
                file=label,
                lines=line,
                severity="warning",
            )
            continue
        scs = summary is not None and name_key(summary.text()) == name_key(SCS)
        description: list[Node | str] = []
        untiered: list[Node | str] = []
        pairs: list[tuple[str, str]] = []
        undefined: list[str] = []
        empty: list[str] = []
        roles: list[str] = []
        part = "description"
        for block in _flat(content) if content is not None else iter(()):
            text = block.text() if block.tag in ("h2", "h3", "h4") else ""
            if block.tag in ("h2", "h3", "h4"):
                key = name_key(text)
                if key == _ROLES_HEADING:
                    part = "roles"
                elif key == _SCS_HEADING:
                    part = "untiered"
                else:
                    part = "other"
                    group("ignored", f"heading {text!r} in a skill section is not read", block.line)
                continue
            if block.tag == "hr":
                continue
            if block.tag == "table":
                for tier, cell, row_line in _tier_rows(block):
                    t = tier_name(tier)
                    if t is None:
                        group(
                            "skipped",
                            f"skill {name!r}: unknown skill level {tier!r}; row not used",
                            row_line,
                            "warning",
                        )
                    elif cell == NOT_DEFINED:
                        undefined.append(t)
                        group(
                            "sentinel",
                            f"{NOT_DEFINED!r}: the tier is marked not defined",
                            row_line,
                            unit="tiers",
                        )
                    elif not cell:
                        empty.append(t)
                    else:
                        pairs.append((t, cell))
                part = "after-table"
                continue
            if part == "description":
                description.append(block)
            elif part == "untiered":
                untiered.append(block)
            elif part == "roles":
                roles.extend(
                    t for t in (li.text() for li in block.find_all(lambda n: n.tag == "li")) if t
                )
            elif block.text():
                group("ignored", f"skill {name!r}: text after its table is not read", block.line)
        desc = clean_text(block_text(description))[0] or None
        said = clean_text(block_text(untiered))[0] or None
        if said is None and not pairs and not undefined and desc and desc.startswith("You can"):
            said, desc = desc, None
        if said is not None:
            group(
                "interpreted",
                "a Senior Civil Service skill: its 'You can: ...' text is read as its single, "
                "untiered descriptor",
                line,
            )
            if pairs:
                group(
                    "interpreted",
                    f"skill {name!r} has both tier descriptors and a Senior Civil Service "
                    "descriptor; both kept",
                    line,
                    "warning",
                )
        elif empty and not (scs and not pairs):
            group(
                "missing",
                f"skill {name!r}: no descriptor for tier(s) {', '.join(empty)}",
                line,
                "warning",
            )
        if scs and empty and not pairs:
            group(
                "interpreted",
                "a Senior Civil Service skill shown with empty skill level rows",
                line,
            )
        if desc is None and said is None:
            group("missing", "the skill has no description", line)
        skill = Skill(
            name, desc, tuple(pairs), tuple(undefined), said, origin=Origin(label, line=line)
        )
        key = name_key(name)
        first = skills.get(key)
        if first is not None:
            if first == skill:
                stats.rows_merged += 1
                group("duplicate", f"skill {name!r} appears twice, the same; merged", line)
            else:
                stats.rows_reported += 1
                group(
                    "skipped",
                    f"skill {name!r} appears twice with different text; the first is kept",
                    line,
                    "warning",
                )
            continue
        skills[key] = skill
        stats.rows_used += 1
        if not roles:
            group("missing", "no roles listed as requiring the skill", line)
        seen: set[str] = set()
        for role in roles:
            role_name = clean_name(role)[0]
            if name_key(role_name) in seen:
                group(
                    "duplicate",
                    f"role {role_name!r} listed twice for the skill; counted once",
                    line,
                )
                continue
            seen.add(name_key(role_name))
            role_skills.append(RoleSkill(role_name, name, origin=Origin(label, line=line)))

    for (category, message, severity, unit), lines in grouped.items():
        count = f"{len(lines)} {unit}: " if len(lines) > 1 else ""
        report.add(
            category,
            count + message,
            file=label,
            lines=lines,
            severity="warning" if severity == "warning" else "info",
        )
    return Framework(sources=[source], skills=list(skills.values()), role_skills=role_skills)


def _tier_rows(table: Node) -> Iterator[tuple[str, str, int]]:
    """(tier label, descriptor text, line) per body row of a skill's level table."""
    for tr in table.find_all(lambda n: n.tag == "tr"):
        cells = [c for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")]
        if len(cells) < 2 or all(c.attrs.get("scope") == "col" for c in cells):
            continue
        label_p = cells[0].find(lambda n: n.tag == "p")
        label = (label_p or cells[0]).text()
        yield label, clean_text(block_text(cells[1].children))[0], tr.line
