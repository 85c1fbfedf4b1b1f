"""The role overlap matrix drawn as a heatmap image (``rolegraph overlap -o``), with
bytes that depend only on the matrix."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rolegraph.analysis.careers.similar import Overlap
from rolegraph.errors import OptionError, OutputError, SourceError
from rolegraph.util.files import atomic_write, check_output_path
from rolegraph.util.text import number

if TYPE_CHECKING:
    from typing import BinaryIO

IMAGE_FORMATS = {".png": "png", ".svg": "svg"}
#: Family colours (matplotlib's "tab10"), fixed here so the image never depends on defaults.
_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


#: the most roles a heatmap draws (the framework has 52; its image is 1,000 px a side)
MAX_HEATMAP_ROLES = 1500


def write_heatmap(matrix: Overlap, path: Path | str, *, most: int | None = None) -> Path:
    """Draw the similarity matrix as a heatmap (.png or .svg, by extension), atomically;
    more than ``most`` roles (default :data:`MAX_HEATMAP_ROLES`) is an InputError.

    The bytes depend only on the matrix: fixed fonts (DejaVu Sans, shipped with
    matplotlib), no dates or software versions in the metadata, a fixed SVG hash salt.
    """

    p = Path(path)
    fmt = IMAGE_FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise OutputError(
            f"cannot draw a heatmap as {p.name}",
            hint="name the image file with .png or .svg",
        )
    if not matrix.roles:
        raise SourceError("no role uses any skill, so there is nothing to draw")
    most = MAX_HEATMAP_ROLES if most is None else most
    if len(matrix.roles) > most:
        # A cell per pair: 25,000 roles took 16 GB and made an image nobody can read.
        raise OptionError(
            f"{number(len(matrix.roles))} roles are too many for a readable heatmap (at most {number(most)})",
            hint="write the matrix as data with -f csv or -f json, or draw one family's roles",
        )
    check_output_path(p)
    return atomic_write(p, lambda handle: _draw_heatmap(matrix, handle, fmt))


def _draw_heatmap(matrix: Overlap, handle: BinaryIO, fmt: str) -> None:
    # A Figure on an Agg canvas, without pyplot: no global figure state, no GUI backend.
    import matplotlib
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    n = len(matrix.roles)
    families = sorted({f or "(no family)" for f in matrix.families})
    palette = _PALETTE
    colour = {f: palette[i % len(palette)] for i, f in enumerate(families)}
    row_family = [families.index(f or "(no family)") for f in matrix.families]
    size = max(6.0, 0.21 * n + 3.5)
    with matplotlib.rc_context():
        rc = matplotlib.rcParams
        rc["font.family"] = "DejaVu Sans"  # shipped with matplotlib: the same glyphs everywhere
        rc["font.size"] = 8
        rc["svg.hashsalt"] = "rolegraph"  # fixed ids in the SVG
        rc["svg.fonttype"] = "path"
        rc["path.simplify"] = False
        fig = Figure(figsize=(size + 2.2, size), dpi=110)
        FigureCanvasAgg(fig)
        grid = fig.add_gridspec(
            1,
            3,
            width_ratios=[0.35, n, 1.2],
            wspace=0.02,
            left=0.2,
            right=0.93,
            bottom=0.19,
            top=0.96,
        )
        strip = fig.add_subplot(grid[0, 0])
        heat = fig.add_subplot(grid[0, 1], sharey=strip)
        bar_ax = fig.add_subplot(grid[0, 2])
        strip.imshow(
            np.array(row_family)[:, None],
            cmap=ListedColormap([colour[f] for f in families]),
            vmin=-0.5,
            vmax=len(families) - 0.5,
            aspect="auto",
            interpolation="nearest",
        )
        strip.set_xticks([])
        strip.set_yticks(range(n), matrix.labels, fontsize=7.5)
        image = heat.imshow(
            np.asarray(matrix.similarity),
            cmap="viridis",
            vmin=0.0,
            vmax=1.0,
            aspect="auto",
            interpolation="nearest",
        )
        heat.set_xticks(range(n), matrix.labels, rotation=90, fontsize=7.5)
        heat.tick_params(axis="y", left=False, labelleft=False)
        heat.set_title(
            "Role overlap: tier-weighted Jaccard similarity of the skills roles need "
            "(clustered order)",
            fontsize=9,
        )
        fig.colorbar(image, cax=bar_ax, label="similarity (0 = nothing shared, 1 = same)")
        fig.legend(
            handles=[Patch(color=colour[f], label=f) for f in families],
            loc="lower left",
            bbox_to_anchor=(0.005, 0.005),
            fontsize=7,
            title="Role family",
            title_fontsize=7,
            frameon=False,
        )
        metadata: dict[str, Any] = (
            {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
        )
        fig.savefig(handle, format=fmt, metadata=metadata)
