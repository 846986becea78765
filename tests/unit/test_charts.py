"""Pure figure builders: partner colours, units on every axis, targets and references drawn."""

from datetime import date

import pandas as pd

from dashboard.components.charts import (
    indicator_panel_figure,
    pipeline_figure,
    progress_figure,
    reference_figure,
)
from dashboard.components.colours import PALETTE, PARTNER_COLOURS, partner_colour

PERIODS = pd.DataFrame(
    {
        "label": ["P1", "P2", "P3"],
        "end_date": [date(2023, 8, 31), date(2024, 2, 29), date(2024, 8, 31)],
    }
)


def test_every_partner_has_its_own_colour_and_new_partners_a_stable_one():
    assert len(set(PARTNER_COLOURS.values())) == len(PARTNER_COLOURS)
    assert (
        partner_colour("NEWCOMER") == partner_colour("NEWCOMER")
        and partner_colour("NEWCOMER") in PALETTE
    )


def test_pipeline_stacks_partners_in_their_colours_over_stages_in_order():
    pipeline = pd.DataFrame(
        {
            "partner_code": ["MDPWA", "MDPWA", "PLH"],
            "partner_label": ["MDPWA (Romania)", "MDPWA (Romania)", "Plœuc"],
            "stage": ["proposed", "abandoned", "proposed"],
            "changes": [2, 1, 1],
        }
    )
    figure = pipeline_figure(pipeline)
    assert [t.name for t in figure.data] == ["MDPWA (Romania)", "Plœuc"]
    assert figure.data[0].marker.color == PARTNER_COLOURS["MDPWA"]
    assert list(figure.data[0].y) == ["identified", "proposed", "submitted", "adopted", "implemented", "validated", "abandoned"]  # fmt: skip
    assert list(figure.data[0].x) == [0, 2, 0, 0, 0, 0, 1]
    assert figure.layout.barmode == "stack"
    assert "count" in figure.layout.xaxis.title.text


def test_progress_bars_say_the_figures_and_show_a_missing_value_as_no_data():
    progress = pd.DataFrame(
        {
            "partner_code": ["MDPWA", "PLH"],
            "partner_label": ["MDPWA", "Plœuc"],
            "current": [20.0, None],
            "target": [25.0, 15.0],
            "progress_pct": [65.5, None],
            "expected_pct": [87.5, 87.5],
        }
    )
    figure = progress_figure(progress, "ESU-SERVICES", "services")
    bars = figure.data[0]
    assert list(bars.y) == ["Plœuc<br>no data yet", "MDPWA<br>20 / 25 services"]
    assert list(bars.x) == [0, 65.5]
    assert list(bars.marker.color) == [PARTNER_COLOURS["PLH"], PARTNER_COLOURS["MDPWA"]]
    assert "%" in figure.layout.xaxis.title.text


def test_indicator_panel_draws_values_target_and_references_with_units():
    series = pd.DataFrame({"end_date": PERIODS["end_date"], "value": [40.0, None, 45.0]})
    references = pd.DataFrame(
        {"geo": ["EU27", "EU27", "LV"], "year": [2021, 2023, 2023], "value": [54.0, 55.6, 45.34]}
    )
    figure = indicator_panel_figure(
        series, PERIODS, partner_code="SMILTENE", unit_title="%", target=70.0,
        references=references, policy_targets=[("EU 80 % by 2030", 80.0)], percentage=True,
    )  # fmt: skip
    reported = figure.data[-1]
    assert reported.line.color == PARTNER_COLOURS["SMILTENE"]
    assert list(reported.y) == [40.0, None, 45.0]  # "no value" is a gap, not zero
    texts = [a.text for a in figure.layout.annotations]
    assert "target 70" in texts and "EU 80 % by 2030" in texts
    # Only the latest survey value per geo is drawn, as a level named in the legend.
    names = [trace.name for trace in figure.data]
    assert names == ["Eurostat EU27 2023: 55.6 %", "Eurostat LV 2023: 45.34 %", "reported"]
    assert list(figure.data[1].y) == [45.34, 45.34]
    assert figure.layout.yaxis.title.text == "%" and tuple(figure.layout.yaxis.range) == (0, 100)
    assert list(figure.layout.xaxis.ticktext) == ["P1", "P2", "P3"]
    assert figure.layout.xaxis.title.text


def test_reference_figure_groups_years_by_geo():
    references = pd.DataFrame(
        {"geo": ["EU27", "RO", "EU27"], "year": [2023, 2023, 2024], "value": [69.3, 23.0, 70.0]}
    )
    figure = reference_figure(
        references, unit_title="% of individuals", policy_targets=[("EU", 80.0)]
    )
    assert [t.name for t in figure.data] == ["2023", "2024"]
    assert list(figure.data[1].y)[1] is None  # RO has no 2024 value: nothing is invented
    assert figure.layout.yaxis.title.text == "% of individuals"
