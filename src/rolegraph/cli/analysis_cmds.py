"""gap, ladder, similar, overlap, path, assess: career analytics (rolegraph.analysis.careers).

Each command parses its arguments, calls the analysis, and shows the result's report
(:mod:`rolegraph.cli.reports`) in the format asked for (:mod:`rolegraph.cli.render`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rolegraph.analysis import careers
from rolegraph.analysis.careers import (
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
from rolegraph.cli.options import F, format_option, graph_option, load_graph, note
from rolegraph.cli.render import show
from rolegraph.cli.reports import (
    GapReport,
    LadderReport,
    OverlapReport,
    PathReport,
    PersonReport,
    SimilarReport,
    TeamReport,
    count,
)
from rolegraph.errors import OptionError, OutputError, SourceError
from rolegraph.util.files import check_output_path

if TYPE_CHECKING:
    from rolegraph.analysis.view import FrameworkView

FORMATS = ("table", "md", "json")


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


# -- gap ------------------------------------------------------------------------------


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
    show(GapReport(level_gap(view, find_level(view, source), find_level(view, target))), fmt)


# -- ladder ---------------------------------------------------------------------------


@click.command(cls=RolegraphCommand)
@click.argument("role")
@format_option(FORMATS, "table")
@graph_option
def ladder(role: str, fmt: str, graph_path: Path | None) -> None:
    """A role's levels in seniority order, and what each step up adds, raises, lowers and
    removes. Lowered tiers are real: leadership levels need some skills less.

    A role with "X - management" levels shows its management track beside the main
    track. ROLE is a role's name, or the name of one of its levels."""

    view = _view(graph_path)
    lad = build_ladder(view, find_role_of(view, role))
    if not lad.levels:
        raise SourceError(
            f"the graph has no levels for {lad.role.label!r}",
            hint="build the whole framework with 'rolegraph build --roles CSV ...' and "
            "pass it with --graph",
        )
    show(LadderReport(lad), fmt)


# -- similar --------------------------------------------------------------------------


@click.command(cls=RolegraphCommand)
@click.argument("name", metavar="ROLE_OR_LEVEL")
@click.option(
    "--levels",
    "as_level",
    is_flag=True,
    help="NAME is a role level: compare role levels (many roles have a level of the same name).",
)
@click.option(
    "--other-roles",
    is_flag=True,
    help="Compare role levels, leaving out the other levels of NAME's own role (implies --levels).",
)
@_top_option(10)
@format_option(FORMATS, "table")
@graph_option
def similar(
    name: str, as_level: bool, other_roles: bool, top: int, fmt: str, graph_path: Path | None
) -> None:
    """The roles (or role levels) most similar to ROLE_OR_LEVEL.

    Similarity is tier-aware: the weighted Jaccard index of two tier profiles, the sum
    over skills of the lower tier divided by the sum of the higher (awareness 1 ...
    expert 4; 0 where a skill is not needed). A role's tier for a skill is the highest
    any of its levels needs. A name that is both a role and a level means the role,
    unless --levels (or --other-roles) is given.
    """

    view = _view(graph_path)
    iri = find_role_or_level(view, name, level=as_level or other_roles)
    is_role = iri in view.roles
    label = view.roles[iri].label if is_role else view.levels[iri].label
    found = nearest(view, iri, top=top, other_roles=other_roles)
    show(SimilarReport(label, is_role, found, other_roles=other_roles), fmt)


# -- overlap --------------------------------------------------------------------------


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
            raise OutputError(
                f"cannot draw a heatmap as {output.name}",
                hint="name the image file with .png or .svg",
            )
        check_output_path(output)
    ov = build_overlap(_view(graph_path))
    if ov.left_out:
        note(
            f"Left out ({count(len(ov.left_out), 'role')} using no skills): {', '.join(ov.left_out)}"
        )
    if output is not None:
        # The package's limit, read now: it is the one to change (tests lower it).
        write_heatmap(ov, output, most=careers.MAX_HEATMAP_ROLES)
        note(f"Wrote the heatmap of {count(len(ov.roles), 'role')} to {output}.")
        return
    show(OverlapReport(ov, measure), fmt)


# -- path -----------------------------------------------------------------------------


@click.command(cls=RolegraphCommand)
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@format_option(FORMATS, "table")
@graph_option
def path(source: str, target: str, fmt: str, graph_path: Path | None) -> None:
    """The cheapest sequence of moves from role level FROM to role level TO.

    A move is a promotion to the next level of the same role on the same track, a move
    across between the role's main and management tracks (Senior developer and Senior
    developer - management), or a lateral move to a level of another role, each in the
    same seniority band (entry, mid, senior, lead, principal, head; from the level's
    name). A move costs the tier steps the new level needs beyond the current one.
    Ties: fewer moves, then names in alphabetical order.
    """

    view = _view(graph_path)
    show(PathReport(career_path(view, find_level(view, source), find_level(view, target))), fmt)


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
            raise OptionError(
                f"{read.label} is a team file (it has a person column): give the role "
                "level(s) to cover with --target LEVEL"
            )
        show(_team(view, read.label, read.people, levels), fmt)
        return
    ((name, tiers),) = read.people.items()
    show(_person(view, name, tiers, levels, top), fmt)


def _person(
    view: FrameworkView, name: str, tiers: dict[str, int], levels: list[str], top: int
) -> PersonReport:
    """A person's best-matching levels and the gap to each target level."""
    matches = best_matches(view, tiers, top=top)
    gaps = [compare(view, tiers, lv, source=name) for lv in levels]
    return PersonReport(name, len(tiers), matches, gaps)


def _team(
    view: FrameworkView, label: str, people: dict[str, dict[str, int]], levels: list[str]
) -> TeamReport:
    """A team's coverage of each target level."""
    targets = [(view.levels[lv].label, team_coverage(view, people, lv)) for lv in levels]
    return TeamReport(label, list(people), targets)
