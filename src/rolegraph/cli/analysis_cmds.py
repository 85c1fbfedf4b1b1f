"""gap, ladder, similar, overlap, path, assess: career analytics (rolegraph.analysis.careers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from rolegraph.analysis import careers
from rolegraph.analysis.careers import (
    GAP,
    IMAGE_FORMATS,
    best_matches,
    career_path,
    compare,
    find_level,
    find_role_of,
    find_role_or_level,
    level_gap,
    read_profile,
    team_coverage,
    write_heatmap,
)
from rolegraph.analysis.careers import ladder as build_ladder
from rolegraph.analysis.careers import overlap as build_overlap
from rolegraph.analysis.careers import similar as nearest
from rolegraph.analysis.view import framework_view
from rolegraph.cli.group import RolegraphCommand
from rolegraph.cli.options import F, emit, format_option, graph_option, load_graph, note
from rolegraph.errors import InputError
from rolegraph.util.files import check_output_path
from rolegraph.util.render import Cell, md_text, render, render_json

if TYPE_CHECKING:
    from rolegraph.analysis.careers import CareerPath, Gap, Ladder, Overlap
    from rolegraph.analysis.view import FrameworkView

FORMATS = ("table", "md", "json")
ARROW = "→"
MEASURE = (
    "weighted Jaccard of tier ranks: the sum over skills of min(tier a, tier b) divided by "
    "the sum of max(tier a, tier b); awareness 1 ... expert 4, 0 when a skill is not needed"
)


def _view(graph_path: Path | None) -> FrameworkView:
    return framework_view(load_graph(graph_path))


def _top_option(default: int) -> Callable[[F], F]:
    return click.option(
        "--top",
        "-n",
        type=click.IntRange(min=1),
        default=default,
        show_default=True,
        help="Show at most this many.",
    )


def _pct(value: float) -> int:
    return round(value * 100)


def _s(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _blocks(*parts: str) -> str:
    """Sections of output, one blank line apart, ending in one newline."""
    return "\n".join(p.rstrip("\n") + "\n" for p in parts if p)


# -- gap ------------------------------------------------------------------------------


GAP_HEADERS = ("status", "skill", "has", "needs", "steps")


def _gap_rows(g: Gap) -> list[list[Cell]]:
    return [[s.status, s.label, s.have or "none", s.need or "none", s.steps] for s in g.skills]


def _gap_json(g: Gap) -> dict[str, Any]:
    return {
        "from": g.source,
        "to": g.target,
        "steps": g.steps,
        "skills": [
            {
                "skill": s.label,
                "status": s.status,
                "has": s.have,
                "needs": s.need,
                "steps": s.steps,
                "descriptor": s.descriptor,
            }
            for s in g.skills
        ],
    }


def _md_lines(text: str) -> list[str]:
    """A multi-line text (a descriptor: "You can:" then "- " bullets) as Markdown lines:
    the bullets stay a list, every text is escaped."""
    return [
        f"- {md_text(line[2:])}" if line.startswith("- ") else md_text(line)
        for line in text.splitlines()
        if line.strip()
    ]


def _gap_text(g: Gap, fmt: str) -> str:
    head = f"{g.source} {ARROW} {g.target}: {g.summary()}"

    gaps = g.with_status(GAP)
    if fmt == "md":
        out = [f"### {md_text(f'{g.source} {ARROW} {g.target}')}", "", md_text(g.summary()), ""]
        out.append(render(GAP_HEADERS, _gap_rows(g), "md").rstrip("\n"))
        if gaps:
            out += ["", f"**{md_text(f'What {g.target} needs you to be able to do')}**", ""]
            for s in gaps:
                out += [f"#### {md_text(f'{s.label}: {s.need}')}", ""]
                out += [*_md_lines(s.descriptor or "(no descriptor)"), ""]
        return "\n".join(out).rstrip("\n") + "\n"
    parts = [head, render(GAP_HEADERS, _gap_rows(g), "table", max_width=60)]
    if gaps:
        lines = [f"What {g.target} needs you to be able to do:"]
        for s in gaps:
            lines += ["", f"{s.label} ({s.need}):"]
            lines += ["  " + line for line in (s.descriptor or "(no descriptor)").splitlines()]
        parts.append("\n".join(lines))
    return _blocks(*parts)


@click.command(cls=RolegraphCommand)
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@format_option(FORMATS, "table")
@graph_option
def gap(source: str, target: str, fmt: str, graph_path: Path | None) -> None:
    """The skills to develop to move from role level FROM to role level TO.

    For each skill TO needs: the tier FROM has (or none), the tier steps to gain and,
    for each gap, what TO needs a person to be able to do; then the skills already met
    and those FROM has that TO does not need. Any two levels, of one role or two.
    """

    view = _view(graph_path)
    result = level_gap(view, find_level(view, source), find_level(view, target))
    if fmt == "json":
        emit(render_json(_gap_json(result)), None)
    else:
        emit(_gap_text(result, fmt), None)


# -- ladder ---------------------------------------------------------------------------

LADDER_HEADERS = ("from_level", "to_level", "change", "skill", "from_tier", "to_tier")


def _md_numbered(line: str) -> str:
    """ "1. text" as a Markdown ordered-list item whose text is escaped."""
    number, _, rest = line.partition(". ")
    return f"{number}. {md_text(rest)}"


def _ladder_text(lad: Ladder, fmt: str) -> str:
    from collections import Counter

    summary = []
    for i, (level, count) in enumerate(zip(lad.levels, lad.skill_counts, strict=True)):
        line = f"{i + 1}. {level.label}: {_s(count, 'skill')}"
        if i:
            step = lad.steps[i - 1]
            kinds = Counter(c.change for c in step.changes)
            changed = [f"{n} {k}" for k, n in kinds.items()]
            line += "; " + ", ".join([*changed, f"{step.unchanged} unchanged"])
        summary.append(line)
    rows: list[list[Cell]] = [
        [st.lower.label, st.higher.label, c.change, c.label, c.before, c.after]
        for st in lad.steps
        for c in st.changes
    ]
    title = f"{lad.role.label}: {_s(len(lad.levels), 'level')}, most junior first"
    if any(lv.rank_basis == "derived" for lv in lad.levels):
        # No source states this role's order: rolegraph derived it (see the import report).
        title += " (order derived from level names and tiers, not stated by a source)"
    if fmt == "md":
        out = [f"### {md_text(title)}", "", *(_md_numbered(line) for line in summary), ""]
        if rows:
            out.append(render(LADDER_HEADERS, rows, "md"))
        return "\n".join(out).rstrip("\n") + "\n"
    parts = [title + "\n" + "\n".join("  " + s for s in summary)]
    if rows:
        parts.append(render(LADDER_HEADERS, rows, "table"))
    elif len(lad.levels) > 1:
        parts.append("(no changes between levels)")
    return _blocks(*parts)


@click.command(cls=RolegraphCommand)
@click.argument("role")
@format_option(FORMATS, "table")
@graph_option
def ladder(role: str, fmt: str, graph_path: Path | None) -> None:
    """A role's levels in seniority order, and what each step up adds, raises, lowers and
    removes. Lowered tiers are real: leadership levels need some skills less.

    ROLE is a role's name, or the name of one of its levels."""

    view = _view(graph_path)
    lad = build_ladder(view, find_role_of(view, role))
    if not lad.levels:
        raise InputError(
            f"the graph has no levels for {lad.role.label!r}",
            hint="build the whole framework with 'rolegraph build --roles CSV ...' and "
            "pass it with --graph",
        )
    if fmt == "json":
        levels = []
        for i, (level, count) in enumerate(zip(lad.levels, lad.skill_counts, strict=True)):
            entry: dict[str, Any] = {
                "rank": i + 1,
                "rank_basis": level.rank_basis,
                "level": level.label,
                "skills": count,
            }
            if i:
                step = lad.steps[i - 1]
                entry["unchanged"] = step.unchanged
                entry["changes"] = [
                    {
                        "change": c.change,
                        "skill": c.label,
                        "from_tier": c.before,
                        "to_tier": c.after,
                    }
                    for c in step.changes
                ]
            levels.append(entry)
        emit(
            render_json({"role": lad.role.label, "family": lad.role.family, "levels": levels}),
            None,
        )
    else:
        emit(_ladder_text(lad, fmt), None)


# -- similar --------------------------------------------------------------------------


@click.command(cls=RolegraphCommand)
@click.argument("name", metavar="ROLE_OR_LEVEL")
@click.option(
    "--levels",
    "as_level",
    is_flag=True,
    help="NAME is a role level: compare role levels (many roles have a level of the same name).",
)
@_top_option(10)
@format_option(FORMATS, "table")
@graph_option
def similar(name: str, as_level: bool, top: int, fmt: str, graph_path: Path | None) -> None:
    """The roles (or role levels) most similar to ROLE_OR_LEVEL.

    Similarity is tier-aware: the weighted Jaccard index of two tier profiles, the sum
    over skills of the lower tier divided by the sum of the higher (awareness 1 ...
    expert 4; 0 where a skill is not needed). A role's tier for a skill is the highest
    any of its levels needs. A name that is both a role and a level means the role,
    unless --levels is given.
    """

    view = _view(graph_path)
    iri = find_role_or_level(view, name, level=as_level)
    is_role = iri in view.roles
    label = view.roles[iri].label if is_role else view.levels[iri].label
    found = nearest(view, iri, top=top)
    if fmt == "json":
        emit(
            render_json(
                {
                    "name": label,
                    "kind": "role" if is_role else "level",
                    "measure": MEASURE,
                    "similar": [
                        {
                            "rank": i + 1,
                            ("role" if is_role else "level"): n.label,
                            **({} if is_role else {"role": n.role}),
                            "family": n.family,
                            "similarity": round(n.similarity, 4),
                            "shared": n.shared,
                            "skills": n.skills,
                        }
                        for i, n in enumerate(found)
                    ],
                }
            ),
            None,
        )
        return
    if is_role:
        headers: tuple[str, ...] = ("rank", "role", "family", "similarity", "shared", "skills")
        rows: list[list[Cell]] = [
            [i + 1, n.label, n.family, round(n.similarity, 3), n.shared, n.skills]
            for i, n in enumerate(found)
        ]
    else:
        headers = ("rank", "level", "role", "similarity", "shared", "skills")
        rows = [
            [i + 1, n.label, n.role, round(n.similarity, 3), n.shared, n.skills]
            for i, n in enumerate(found)
        ]
    kind = "roles" if is_role else "role levels"
    title = f"The {kind} most similar to {label} (tier-weighted Jaccard; shared = skills both use)"
    if not found:
        empty = f"(no {kind} share a skill with {label})"
        if fmt == "md":
            emit(f"### {md_text(title)}\n\n{md_text(empty)}\n", None)
        else:
            emit(f"{title}\n\n{empty}\n", None)
        return
    if fmt == "md":
        emit(f"### {md_text(title)}\n\n" + render(headers, rows, "md"), None)
    else:
        emit(_blocks(title, render(headers, rows, "table")), None)


# -- overlap --------------------------------------------------------------------------


def _overlap_text(ov: Overlap, fmt: str, measure: str) -> str:
    values: Sequence[Sequence[float]] = ov.similarity if measure == "similarity" else ov.shared
    if fmt == "csv":
        csv_rows: list[list[Cell]] = [
            [label, *(round(v, 4) if measure == "similarity" else v for v in row)]
            for label, row in zip(ov.labels, values, strict=True)
        ]
        return render(["role", *ov.labels], csv_rows, "csv")
    n = len(ov.labels)
    headers = ["#", "role", *(str(i + 1) for i in range(n))]
    rows: list[list[Cell]] = [
        [i + 1, label, *(_pct(v) if measure == "similarity" else v for v in row)]
        for i, (label, row) in enumerate(zip(ov.labels, values, strict=True))
    ]
    what = (
        "similarity in % (tier-weighted Jaccard)"
        if measure == "similarity"
        else "number of skills both roles use"
    )
    title = f"Role overlap: {what}; columns numbered as rows; clustered order"
    if fmt == "md":
        return f"### {md_text(title)}\n\n" + render(headers, rows, "md")
    return _blocks(title, render(headers, rows, "table"))


@click.command(cls=RolegraphCommand)
@click.option(
    "--measure",
    type=click.Choice(["similarity", "shared"]),
    default="similarity",
    show_default=True,
    help="Cells: tier-weighted Jaccard similarity, or the number of shared skills.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE.png|FILE.svg",
    help="Draw the similarity heatmap to this image (atomically) instead of printing.",
)
@format_option((*FORMATS[:2], "csv", "json"), "table")
@graph_option
def overlap(measure: str, output: Path | None, fmt: str, graph_path: Path | None) -> None:
    """The role x role overlap matrix, in an order that puts clusters of similar roles
    together (average-linkage hierarchical clustering with optimal leaf order); with -o,
    as a heatmap image. The same graph gives byte-identical output."""

    if output is not None:
        if output.suffix.lower() not in IMAGE_FORMATS:
            raise InputError(
                f"cannot draw a heatmap as {output.name}",
                hint="name the image file with .png or .svg",
            )
        check_output_path(output)
    ov = build_overlap(_view(graph_path))
    if ov.left_out:
        note(f"Left out ({_s(len(ov.left_out), 'role')} using no skills): {', '.join(ov.left_out)}")
    if output is not None:
        # The package's limit, read now: it is the one to change (tests lower it).
        write_heatmap(ov, output, most=careers.MAX_HEATMAP_ROLES)
        note(f"Wrote the heatmap of {_s(len(ov.roles), 'role')} to {output}.")
        return
    if fmt == "json":
        emit(
            render_json(
                {
                    "measure": MEASURE,
                    "roles": [
                        {"role": r, "family": f}
                        for r, f in zip(ov.labels, ov.families, strict=True)
                    ],
                    "similarity": [[round(v, 4) for v in row] for row in ov.similarity],
                    "shared": ov.shared,
                    "left_out": ov.left_out,
                }
            ),
            None,
        )
        return
    emit(_overlap_text(ov, fmt, measure), None)


# -- path -----------------------------------------------------------------------------

MOVE_HEADERS = ("move", "kind", "from_level", "to_level", "cost")
STEP_HEADERS = ("skill", "has", "needs", "steps")


def _path_text(p: CareerPath, fmt: str) -> str:
    head = (
        f"{p.source} {ARROW} {p.target}: {_s(len(p.moves), 'move')}, "
        f"{_s(p.cost, 'tier step')} to gain"
    )
    if not p.moves:
        return (md_text(head) if fmt == "md" else head) + "\n"
    moves: list[list[Cell]] = [
        [i + 1, m.kind, m.gap.source, m.gap.target, m.cost] for i, m in enumerate(p.moves)
    ]
    sections = []
    for i, m in enumerate(p.moves):
        title = f"Move {i + 1}, {m.kind} to {m.gap.target}: {_s(m.cost, 'tier step')}"
        gaps = m.gap.with_status(GAP)
        rows: list[list[Cell]] = [[s.label, s.have or "none", s.need, s.steps] for s in gaps]
        body = render(STEP_HEADERS, rows, fmt) if rows else "(nothing new to learn)\n"
        sections.append((title, body))
    footer = "'rolegraph gap FROM TO' shows what each move needs you to be able to do."
    if fmt == "md":
        out = [
            f"### {md_text(head)}",
            "",
            render(MOVE_HEADERS, moves, "md"),
        ]  # ends in a newline: a blank line
        for title, body in sections:
            out += [f"#### {md_text(title)}", "", body.rstrip("\n"), ""]
        return "\n".join(out).rstrip("\n") + "\n\n" + md_text(footer) + "\n"
    return _blocks(
        head, render(MOVE_HEADERS, moves, "table"), *(t + "\n" + b for t, b in sections), footer
    )


@click.command(cls=RolegraphCommand)
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@format_option(FORMATS, "table")
@graph_option
def path(source: str, target: str, fmt: str, graph_path: Path | None) -> None:
    """The cheapest sequence of moves from role level FROM to role level TO.

    A move is a promotion to the next level of the same role, or a lateral move to a
    level of another role in the same seniority band (entry, mid, senior, lead,
    principal, head; from the level's name). A move costs the tier steps the new level
    needs beyond the current one. Ties: fewer moves, then names in alphabetical order.
    """

    view = _view(graph_path)
    result = career_path(view, find_level(view, source), find_level(view, target))
    if fmt == "json":
        emit(
            render_json(
                {
                    "from": result.source,
                    "to": result.target,
                    "cost": result.cost,
                    "moves": [
                        {"kind": m.kind, "cost": m.cost, **_gap_json(m.gap)} for m in result.moves
                    ],
                }
            ),
            None,
        )
    else:
        emit(_path_text(result, fmt), None)


# -- assess ---------------------------------------------------------------------------


@click.command(cls=RolegraphCommand)
@click.argument("profile", type=click.Path(path_type=Path))
@click.option(
    "--target",
    "-t",
    "targets",
    multiple=True,
    metavar="LEVEL",
    help="A role level to compare with; repeatable. Needed for a team file.",
)
@_top_option(5)
@format_option(FORMATS, "table")
@graph_option
def assess(
    profile: Path, targets: Sequence[str], top: int, fmt: str, graph_path: Path | None
) -> None:
    """Compare a person's skills, or a team's, with the framework.

    PROFILE is YAML (one 'skill: tier' line per skill, optionally under 'skills:' with a
    'name:') or CSV with columns skill, tier. For one person: the best-matching role
    levels and, with --target, the gap to each target. A CSV with a person column is a
    team: for each skill the --target levels need, who has it at that tier.
    """

    view = _view(graph_path)
    read = read_profile(profile, view)
    levels = [find_level(view, t) for t in dict.fromkeys(targets)]
    for message in read.notes:
        note(f"note: {message}")
    if read.team:
        if not levels:
            raise InputError(
                f"{read.label} is a team file (it has a person column): give the role "
                "level(s) to cover with --target LEVEL"
            )
        emit(_team_text(view, read.label, read.people, levels, fmt), None)
        return
    ((name, tiers),) = read.people.items()
    emit(_person_text(view, name, tiers, levels, top, fmt), None)


def _person_text(
    view: FrameworkView,
    name: str,
    tiers: dict[str, int],
    levels: list[str],
    top: int,
    fmt: str,
) -> str:
    matches = best_matches(view, tiers, top=top)
    gaps = [compare(view, tiers, lv, source=name) for lv in levels]
    if fmt == "json":
        return render_json(
            {
                "person": name,
                "skills": len(tiers),
                "measure": MEASURE,
                "matches": [
                    {
                        "rank": i + 1,
                        "level": m.level.label,
                        "role": m.role,
                        "similarity": round(m.similarity, 4),
                        "coverage": round(m.coverage, 4),
                        "missing_steps": m.steps,
                    }
                    for i, m in enumerate(matches)
                ],
                "gaps": [_gap_json(g) for g in gaps],
            }
        )
    headers = ("rank", "level", "role", "similarity", "coverage", "missing_steps")
    rows: list[list[Cell]] = [
        [i + 1, m.level.label, m.role, round(m.similarity, 3), f"{_pct(m.coverage)}%", m.steps]
        for i, m in enumerate(matches)
    ]
    title = (
        f"Role levels most like {name}'s {_s(len(tiers), 'skill')} (tier-weighted Jaccard; "
        "coverage = share of the level's tiers held)"
    )
    if fmt == "md":
        first = f"### {md_text(title)}\n\n" + render(headers, rows, "md")
        return "\n".join([first, *(_gap_text(g, "md") for g in gaps)])
    return _blocks(title, render(headers, rows, "table"), *(_gap_text(g, fmt) for g in gaps))


def _team_text(
    view: FrameworkView,
    label: str,
    people: dict[str, dict[str, int]],
    levels: list[str],
    fmt: str,
) -> str:
    results = [(lv, team_coverage(view, people, lv)) for lv in levels]
    if fmt == "json":
        return render_json(
            {
                "team": label,
                "people": list(people),
                "targets": [
                    {
                        "level": view.levels[lv].label,
                        "covered": sum(1 for c in cov if c.holders),
                        "skills": [
                            {
                                "skill": c.skill,
                                "status": c.status,
                                "needs": c.need,
                                "best": c.best,
                                "holders": list(c.holders),
                                "short": c.short,
                            }
                            for c in cov
                        ],
                    }
                    for lv, cov in results
                ],
            }
        )
    headers = ("status", "skill", "needs", "best", "short", "holders", "people")
    parts = []
    for lv, cov in results:
        covered = sum(1 for c in cov if c.holders)
        title = (
            f"{label} ({len(people)} {'person' if len(people) == 1 else 'people'}) against {view.levels[lv].label}: "
            f"{covered} of {_s(len(cov), 'skill')} covered"
        )
        rows: list[list[Cell]] = [
            [
                c.status,
                c.skill,
                c.need,
                c.best or "none",
                c.short,
                len(c.holders),
                ", ".join(c.holders),
            ]
            for c in cov
        ]
        if fmt == "md":
            parts.append(f"### {md_text(title)}\n\n" + render(headers, rows, "md"))
        else:
            parts.append(title + "\n\n" + render(headers, rows, "table"))
    return _blocks(*parts)
