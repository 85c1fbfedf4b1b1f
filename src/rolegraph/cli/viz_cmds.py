"""viz: the interactive HTML explorer."""

from __future__ import annotations

from pathlib import Path

import click

from rolegraph.cli.group import RolegraphCommand
from rolegraph.cli.options import graph_option, load_graph, note
from rolegraph.errors import OptionError
from rolegraph.explorer.page import (
    DEFAULT_MAX_EDGES,
    DEFAULT_MAX_NODES,
    VIEWS,
    build_explorer,
    check_link_base,
    write_html,
)
from rolegraph.util.files import check_output_path


@click.command(cls=RolegraphCommand)
@click.option(
    "--view",
    type=click.Choice(VIEWS),
    default=None,
    help="What to show (default: role with --role, skill with --skill, else overlap).",
)
@click.option("--role", metavar="NAME", help="The role view's role (any case).")
@click.option("--skill", metavar="NAME", help="The skill view's skill (any case).")
@graph_option
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_NODES,
    show_default=True,
    help="Show at most this many nodes; the page lists the ones left out.",
)
@click.option(
    "--max-edges",
    type=click.IntRange(min=0),
    default=DEFAULT_MAX_EDGES,
    show_default=True,
    help="Show at most this many links (the strongest); the page says how many were left out.",
)
@click.option(
    "--min-shared",
    type=click.IntRange(min=1),
    default=None,
    help="Overlap view: hide links sharing fewer skills until the slider is lowered "
    "(default: chosen so the page stays readable).",
)
@click.option(
    "--link-base",
    metavar="URL",
    default=None,
    help="Link each node to its page at URL plus its id (as a rolegraph serve does: "
    "https://HOST/id/); without it the file links nowhere.",
)
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(path_type=Path),
    metavar="FILE.html",
    help="The HTML file to write (atomically).",
)
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="Do not print the summary (what was left out is still said).",
)
def viz(
    view: str | None,
    role: str | None,
    skill: str | None,
    graph_path: Path | None,
    max_nodes: int,
    max_edges: int,
    min_shared: int | None,
    link_base: str | None,
    output: Path,
    quiet: bool,
) -> None:
    """Write an interactive HTML explorer of the graph: one file that works offline.

    Views: framework (families, roles, skills), overlap (roles linked by the skills they
    share), role (one role's levels, skills and related roles), skill (one skill's tiers
    and the role levels that need it). The page has a legend, search, and filters by
    family and minimum tier.
    """

    if view is None:
        view = "role" if role is not None else "skill" if skill is not None else "overlap"
    check_output_path(output)
    if output.suffix.lower() not in (".html", ".htm"):
        raise OptionError(
            f"the explorer is an HTML page: name {output.name} with .html",
            hint=f"as in -o {output.stem}.html",
        )
    check_link_base(link_base)
    explorer = build_explorer(
        load_graph(graph_path),
        view,
        role=role,
        skill=skill,
        max_nodes=max_nodes,
        max_edges=max_edges,
        min_shared=min_shared,
    )
    write_html(explorer, output, link_base=link_base)
    note(f"Wrote {output}: {explorer.summary()}.", quiet)
    left_out = explorer.left_out()
    if left_out:
        note(f"Not everything is shown: {left_out}.")
