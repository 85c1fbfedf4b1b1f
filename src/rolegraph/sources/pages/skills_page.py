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
from dataclasses import dataclass, field

from rolegraph.errors import SourceError
from rolegraph.model.records import SKILLS_PAGE_KIND, Framework, Origin, RoleSkill, Skill, Source
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


class _Grouped:
    """Report entries that recur on many skill sections, gathered into one with a line list."""

    def __init__(self) -> None:
        self.lines: dict[tuple[str, str, str, str], list[int]] = {}

    def __call__(
        self, category: str, message: str, line: int, severity: str = "info", unit: str = "skills"
    ) -> None:
        self.lines.setdefault((category, message, severity, unit), []).append(line)

    def flush(self, report: ImportReport, label: str) -> None:
        for (category, message, severity, unit), lines in self.lines.items():
            count = f"{len(lines)} {unit}: " if len(lines) > 1 else ""
            report.add(
                category,
                count + message,
                file=label,
                lines=lines,
                severity="warning" if severity == "warning" else "info",
            )


@dataclass
class _SectionText:
    """What one skill section says, by part: description, tiers, SCS descriptor, roles."""

    description: list[Node | str] = field(default_factory=list)
    untiered: list[Node | str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    undefined: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)


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
        raise SourceError(
            f"{label}: the Skills A to Z page has no skill sections",
            hint="the page may be truncated or saved without its content; save the whole page",
        )
    stats = report.file(label, "skills page")
    source = Source(
        key=label,
        kind=SKILLS_PAGE_KIND,
        title=TITLE,
        location=location,
        url=url or f"{SITE}/skills",
        licence=OGL,
    )
    skills: dict[str, Skill] = {}
    role_skills: list[RoleSkill] = []
    cut = {id(n) for n in doc.unclosed}
    group = _Grouped()
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
        stats.count(_read_section(section, cut, skills, role_skills, label, report, group))
    group.flush(report, label)
    return Framework(sources=[source], skills=list(skills.values()), role_skills=role_skills)


def _read_section(
    section: Node,
    cut: set[int],
    skills: dict[str, Skill],
    role_skills: list[RoleSkill],
    label: str,
    report: ImportReport,
    group: _Grouped,
) -> str:
    """Read one skill's section into ``skills``/``role_skills``: "used", "merged" or
    "reported"."""
    heading = section.find(lambda n: n.has_class("govuk-accordion__section-heading"))
    summary = section.find(lambda n: n.has_class("govuk-accordion__section-summary"))
    content = section.find(lambda n: n.has_class("govuk-accordion__section-content"))
    title_node = heading or section.find(lambda n: n.tag in ("h2", "h3"))
    name = clean_name(_skill_name(title_node, summary))[0] if title_node else ""
    line = section.line
    if not name:
        group("skipped", "a skill section without a name; not used", line, "warning")
        return "reported"
    if id(section) in cut or (content is not None and id(content) in cut):
        report.add(
            "skipped",
            f"skill {name!r}: the page ends inside its section; not used",
            file=label,
            lines=line,
            severity="warning",
        )
        return "reported"
    scs = summary is not None and name_key(summary.text()) == name_key(SCS)
    parts = _section_parts(content, name, group)
    skill = _section_skill(name, parts, scs, line, label, group)
    key = name_key(name)
    first = skills.get(key)
    if first is not None:
        if first == skill:
            group("duplicate", f"skill {name!r} appears twice, the same; merged", line)
            return "merged"
        group(
            "skipped",
            f"skill {name!r} appears twice with different text; the first is kept",
            line,
            "warning",
        )
        return "reported"
    skills[key] = skill
    _role_links(name, parts.roles, line, label, role_skills, group)
    return "used"


def _section_parts(content: Node | None, name: str, group: _Grouped) -> _SectionText:
    """Sort a section's blocks into its parts; its sub-headings say which part follows."""
    parts = _SectionText()
    part = "description"
    for block in _flat(content) if content is not None else iter(()):
        if block.tag in ("h2", "h3", "h4"):
            text = block.text()
            key = name_key(text)
            if key == _ROLES_HEADING:
                part = "roles"
            elif key == _SCS_HEADING:
                part = "untiered"
            else:
                part = "other"
                group("ignored", f"heading {text!r} in a skill section is not read", block.line)
        elif block.tag == "hr":
            continue
        elif block.tag == "table":
            _tier_table(block, name, parts, group)
            part = "after-table"
        elif part == "description":
            parts.description.append(block)
        elif part == "untiered":
            parts.untiered.append(block)
        elif part == "roles":
            parts.roles.extend(
                t for t in (li.text() for li in block.find_all(lambda n: n.tag == "li")) if t
            )
        elif block.text():
            group("ignored", f"skill {name!r}: text after its table is not read", block.line)
    return parts


def _tier_table(table: Node, name: str, parts: _SectionText, group: _Grouped) -> None:
    """A skill's Skill level / Description table: descriptors, undefined and empty tiers."""
    for tier, cell, row_line in _tier_rows(table):
        t = tier_name(tier)
        if t is None:
            group(
                "skipped",
                f"skill {name!r}: unknown skill level {tier!r}; row not used",
                row_line,
                "warning",
            )
        elif cell == NOT_DEFINED:
            parts.undefined.append(t)
            group(
                "sentinel",
                f"{NOT_DEFINED!r}: the tier is marked not defined",
                row_line,
                unit="tiers",
            )
        elif not cell:
            parts.empty.append(t)
        else:
            parts.pairs.append((t, cell))


def _section_skill(
    name: str, parts: _SectionText, scs: bool, line: int, label: str, group: _Grouped
) -> Skill:
    """The skill record of a section, reporting how its descriptors were read."""
    pairs, undefined, empty = parts.pairs, parts.undefined, parts.empty
    desc = clean_text(block_text(parts.description))[0] or None
    said = clean_text(block_text(parts.untiered))[0] or None
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
    return Skill(name, desc, tuple(pairs), tuple(undefined), said, origin=Origin(label, line=line))


def _role_links(
    name: str,
    roles: list[str],
    line: int,
    label: str,
    role_skills: list[RoleSkill],
    group: _Grouped,
) -> None:
    """The skill's "Roles that require this skill" as role -> skill links, once each."""
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


def _tier_rows(table: Node) -> Iterator[tuple[str, str, int]]:
    """(tier label, descriptor text, line) per body row of a skill's level table."""
    for tr in table.find_all(lambda n: n.tag == "tr"):
        cells = [c for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")]
        if len(cells) < 2 or all(c.attrs.get("scope") == "col" for c in cells):
            continue
        label_p = cells[0].find(lambda n: n.tag == "p")
        label = (label_p or cells[0]).text()
        yield label, clean_text(block_text(cells[1].children))[0], tr.line
