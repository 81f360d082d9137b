"""The debate's figures: consistent with each other and with the arithmetic the course teaches."""

import doctest

import pytest

from course import facts


def test_q2_2020_figures_agree_with_each_other():
    # Facebook's ARPU = revenue / average of the MAUs at the start and end of the quarter.
    average_mau = (facts.MAU_Q1_2020 + facts.MAU_Q2_2020) / 2
    assert facts.REVENUE_Q2_2020 / average_mau == pytest.approx(facts.ARPU_Q2_2020, abs=0.005)
    assert facts.DAU_Q2_2020 / facts.MAU_Q2_2020 == pytest.approx(0.663, abs=5e-4)
    assert facts.DAYS_Q2_2020 == 30 + 31 + 30


def test_2018_cut_matches_its_share_of_time():
    # 50 million hours is "about 5%": total time about a billion hours a day, ~43 min per DAU.
    total_hours = facts.HOURS_CUT_PER_DAY_2018 / facts.TIME_CUT_SHARE_2018
    assert total_hours == pytest.approx(1e9)
    assert total_hours * 60 / facts.DAU_Q4_2017 == pytest.approx(42.857, abs=1e-3)


def test_every_figure_has_a_source_and_a_row():
    table = facts.figures_table()
    assert set(table.index) == set(facts.SOURCES)
    assert table["source"].str.len().min() > 10
    assert table.loc["MAU_Q4_2017", "value"] == 2.13e9


def test_claims_table_has_both_sides_and_real_notebooks():
    table = facts.claims_table()
    assert list(table.columns) == ["claim", "side", "test", "notebook"]
    assert set(table["side"]) == {"platform", "film"}
    assert table["notebook"].str.fullmatch(r"0[0-8]-[a-z-]+").all()
    assert len(facts.claims_table("platform")) + len(facts.claims_table("film")) == len(table)
    with pytest.raises(ValueError, match="platform"):
        facts.claims_table("both")


def test_docstring_examples():
    assert doctest.testmod(facts).failed == 0
