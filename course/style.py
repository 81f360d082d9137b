"""One look for every figure in the course: a colour-blind-safe palette and clear labels.

The look is seaborn's ``whitegrid`` theme at ``notebook`` size with its ``colorblind`` palette,
set through matplotlib's rcParams directly: importing seaborn (and the scipy.stats it loads)
takes seconds, which every notebook's first cell would pay. ``tests/test_style.py`` checks that
the settings are seaborn's.

Example
-------
>>> from course.style import use_course_style, PALETTE
>>> use_course_style()
>>> len(PALETTE) >= 8
True
"""

from __future__ import annotations

import matplotlib as mpl
from cycler import cycler
from matplotlib.colors import to_rgb

#: Seaborn's ``colorblind`` palette (after Wong 2011, Nature Methods): distinguishable with the
#: common forms of colour blindness.  Use these colours, in this order, for categories.
PALETTE: list[tuple[float, float, float]] = [to_rgb(c) for c in (
    "#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc", "#ca9161", "#fbafe4", "#949494",
    "#ece133", "#56b4e9")]

#: A colour-blind-safe sequential colormap for heatmaps (perceptually uniform).
SEQUENTIAL_CMAP = "viridis"
#: A colour-blind-safe diverging colormap (for signed values such as slant).
DIVERGING_CMAP = "cividis"

#: seaborn.set_theme(context="notebook", style="whitegrid") as rcParams.
_WHITEGRID = {
    "axes.axisbelow": True, "axes.edgecolor": ".8", "axes.facecolor": "white",
    "axes.grid": True, "axes.labelcolor": ".15", "axes.linewidth": 1.25,
    "figure.facecolor": "white", "grid.color": ".8", "grid.linestyle": "-",
    "grid.linewidth": 1.0, "lines.solid_capstyle": "round", "patch.edgecolor": "w",
    "patch.force_edgecolor": True, "text.color": ".15", "xtick.bottom": False,
    "xtick.color": ".15", "xtick.direction": "out", "xtick.top": False, "ytick.color": ".15",
    "ytick.direction": "out", "ytick.left": False, "ytick.right": False,
    "font.family": ["sans-serif"],
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans",
                        "sans-serif"],
    "font.size": 12.0, "axes.labelsize": 12.0, "axes.titlesize": 12.0,
    "xtick.labelsize": 11.0, "ytick.labelsize": 11.0, "legend.fontsize": 11.0,
    "legend.title_fontsize": 12.0, "xtick.major.width": 1.25, "ytick.major.width": 1.25,
    "xtick.minor.width": 1.0, "ytick.minor.width": 1.0, "xtick.major.size": 6.0,
    "ytick.major.size": 6.0, "xtick.minor.size": 4.0, "ytick.minor.size": 4.0,
    "lines.linewidth": 1.5, "lines.markersize": 6.0, "patch.linewidth": 1.0,
}


def use_course_style(context: str = "notebook") -> None:
    """Apply the course's style: white grid, colour-blind palette, readable sizes for figures;
    in a notebook, tables with their text columns left-aligned (:func:`frame_html`).

    ``context="talk"`` scales every size up by half (for projectors), as seaborn's does.
    """
    scale = {"paper": 0.8, "notebook": 1.0, "talk": 1.5, "poster": 2.0}.get(context)
    if scale is None:
        raise ValueError(f"unknown context {context!r}: use paper, notebook, talk or poster")
    sizes = {k: v * scale for k, v in _WHITEGRID.items()
             if k.endswith(("size", "width")) and isinstance(v, float)}
    mpl.rcParams.update({**_WHITEGRID, **sizes,
                         "axes.prop_cycle": cycler(color=PALETTE),
                         "figure.figsize": (8, 4.5),
                         "figure.dpi": 100,
                         "axes.titleweight": "bold",
                         "image.cmap": SEQUENTIAL_CMAP})
    _register_frame_html()


def frame_html(df) -> str | None:
    """A DataFrame's usual HTML, with its text columns left-aligned (JupyterLab right-aligns
    every cell, which makes titles and genres hard to read). ``None`` when it has no text
    column (IPython then uses pandas' own HTML).

    >>> import pandas as pd
    >>> "text-align: left" in frame_html(pd.DataFrame({"title": ["Fargo"], "year": [1996]}))
    True
    """
    import uuid

    import pandas as pd

    text = [j for j, dtype in enumerate(df.dtypes, start=1)
            if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)]
    if not text or not hasattr(df, "_repr_html_"):
        return None
    html = df._repr_html_()
    if html is None:
        return None
    box = f"course-frame-{uuid.uuid4().hex[:8]}"
    rules = " ".join(f".{box} td:nth-of-type({j}) {{text-align: left;}}" for j in text)
    return f'<div class="{box}"><style>{rules}</style>{html}</div>'


def _register_frame_html() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/html"].for_type_by_name(
            "pandas.core.frame", "DataFrame", frame_html)


def label(ax, title: str, xlabel: str, ylabel: str):
    """Give ``ax`` a title and axis labels in one call (every course figure has all three)."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax
