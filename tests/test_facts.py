"""The debate's figures: consistent with each other and with the arithmetic the course teaches."""

import doctest
from pathlib import Path

import pytest

from course import facts

ROOT = Path(__file__).resolve().parents[1]


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
    assert list(table.columns) == ["claim", "side", "test", "notebook", "field"]
    assert set(table["side"]) == {"platform", "film"}
    assert table["notebook"].str.fullmatch(r"0[0-9]-[a-z-]+").all()
    notebooks = {p.name for p in (ROOT / "solutions").iterdir()}
    assert set(table["notebook"]) <= notebooks
    pointed = table.loc[table["field"] != "", "field"]
    assert pointed.str.startswith("09-what-the-experiments-found").all() and len(pointed) >= 5
    assert len(facts.claims_table("platform")) + len(facts.claims_table("film")) == len(table)
    with pytest.raises(ValueError, match="platform"):
        facts.claims_table("both")


def test_docstring_examples():
    assert doctest.testmod(facts).failed == 0


# -- issue 11: errors of fact, pinned ----------------------------------------------------------
def test_the_50_million_hour_cut_is_credited_to_q4_2017_not_to_the_2018_change():
    assert facts.HOURS_CUT_PER_DAY_Q4_2017 == 50e6 and facts.TIME_CUT_SHARE_Q4_2017 == 0.05
    source = facts.SOURCES["HOURS_CUT_PER_DAY_Q4_2017"]
    assert "Q4 2017" in source and "31 January 2018" in source and "2018" in source
    # no claim may say the 2018 change cut the time; the platform's claim says whose date it is
    cut_claim = facts.claims_table().loc[lambda t: t["claim"].str.contains("50 million")]
    assert cut_claim["claim"].str.contains("Q4 2017").all()


def test_polarisation_claim_is_tested_in_the_field_not_in_a_missing_nb05_experiment():
    row = facts.claims_table().loc[lambda t: t["claim"].str.startswith("Polarisation")].iloc[0]
    assert row["notebook"] == "09-what-the-experiments-found"
    assert "no simulation can test" in row["test"]
    assert "05" not in row["notebook"]


def test_hate_speech_figure_is_22_5_million_actioned():
    assert facts.HATE_SPEECH_ACTIONED_Q2_2020 == 22.5e6
    assert not hasattr(facts, "HATE_SPEECH_REMOVED_Q2_2020")
    assert "actioned" in facts.figures_table().loc["HATE_SPEECH_ACTIONED_Q2_2020", "description"]


def test_false_news_advantage_and_fact_check_cut_are_recorded_as_published():
    assert facts.FALSE_NEWS_RETWEET_ADVANTAGE == pytest.approx(0.70)
    assert facts.FALSE_RATING_VIEW_CUT == pytest.approx(0.80)
    assert "Vosoughi" in facts.SOURCES["FALSE_NEWS_RETWEET_ADVANTAGE"]
    assert "future views" in facts.SOURCES["FALSE_RATING_VIEW_CUT"]


# -- field evidence (notebook 09) ------------------------------------------------------------
def test_every_field_study_has_a_full_citation_design_and_findings():
    keys = [s.key for s in facts.FIELD_STUDIES]
    assert keys == ["bakshy2015", "huszar2022", "guess2023_chronological", "guess2023_reshares",
                    "nyhan2023", "gonzalez_bailon2023", "allcott2020"]
    for study in facts.FIELD_STUDIES:
        assert "doi:10." in study.citation and "(20" in study.citation
        assert study.population and study.duration and study.measured and study.design
        assert study.findings
        for f in study.findings:
            assert f.direction in (-1, 0, 1) and f.where and f.uncertainty
    table = facts.field_studies_table()
    assert table.loc["nyhan2023", "randomised"] and not table.loc["bakshy2015", "randomised"]
    with pytest.raises(KeyError, match="nyhan2023"):
        facts.field_study("nyhan")


def test_published_field_figures_are_as_recorded():
    findings = facts.field_findings_table().set_index(["study", "outcome"])["value"]
    bakshy = facts.field_findings_table().query("study == 'bakshy2015'")["value"].dropna()
    assert bakshy.tolist() == [0.295, 0.289, 0.249]         # potential, exposed, clicked
    assert findings.loc[("huszar2022", "amplification of the mainstream right over the "
                         "mainstream left")] == pytest.approx(6 / 7)
    assert findings.loc[("nyhan2023", "exposure to content from like-minded sources")] == \
        pytest.approx(1 / 3)
    assert "23,377" in facts.field_study("nyhan2023").population
    assert "2,743" in facts.field_study("allcott2020").population
    assert "208 million" in facts.field_study("gonzalez_bailon2023").population
    chrono = facts.field_findings_table().query("study == 'guess2023_chronological'")
    untrustworthy = chrono.loc[chrono["outcome"].str.contains("untrustworthy"), "direction"]
    assert untrustworthy.tolist() == [1]     # the chronological feed RAISED untrustworthy content
