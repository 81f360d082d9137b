"""One look for every figure in the course: seaborn's colour-blind-safe palette and clear labels.

Example
-------
>>> from course.style import use_course_style, PALETTE
>>> use_course_style()
>>> len(PALETTE) >= 8
True
"""

from __future__ import annotations

import matplotlib as mpl
import seaborn as sns

#: Seaborn's ``colorblind`` palette (after Wong 2011, Nature Methods): distinguishable with the
#: common forms of colour blindness.  Use these colours, in this order, for categories.
PALETTE: list[tuple[float, float, float]] = sns.color_palette("colorblind")

#: A colour-blind-safe sequential colormap for heatmaps (perceptually uniform).
SEQUENTIAL_CMAP = "viridis"
#: A colour-blind-safe diverging colormap (for signed values such as slant).
DIVERGING_CMAP = "cividis"


def use_course_style(context: str = "notebook") -> None:
    """Apply the course's plotting style: white grid, colour-blind palette, readable sizes."""
    sns.set_theme(context=context, style="whitegrid", palette=PALETTE)
    mpl.rcParams.update({
        "figure.figsize": (8, 4.5),
        "figure.dpi": 100,
        "axes.titleweight": "bold",
        "image.cmap": SEQUENTIAL_CMAP,
    })


def label(ax, title: str, xlabel: str, ylabel: str):
    """Give ``ax`` a title and axis labels in one call (every course figure has all three)."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax
