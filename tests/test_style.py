"""The course style is seaborn's whitegrid/colorblind look, without importing seaborn."""

from __future__ import annotations

import subprocess
import sys

import matplotlib as mpl
import pytest
import seaborn as sns

from course import style


@pytest.mark.parametrize("context", ["notebook", "talk"])
def test_style_is_seaborns_whitegrid_with_the_colorblind_palette(context):
    sns.set_theme(context=context, style="whitegrid", palette="colorblind")
    want = dict(mpl.rcParams)
    mpl.rcdefaults()
    style.use_course_style(context)
    got = dict(mpl.rcParams)
    mpl.rcdefaults()
    for key in style._WHITEGRID:
        assert got[key] == want[key], key
    assert got["axes.prop_cycle"] == want["axes.prop_cycle"]
    assert [tuple(round(x, 6) for x in c) for c in style.PALETTE] == \
        [tuple(round(x, 6) for x in c) for c in sns.color_palette("colorblind")]


def test_importing_the_style_does_not_import_seaborn():
    code = "import sys, course.style; print('seaborn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
