"""Pure figure builders: partner colours, units on every axis, targets and references drawn, and what
makes them readable on a projector: text sizes, number formats, line labels kept apart, shared scales."""

from datetime import date

import pandas as pd

from dashboard.components.charts import (
    CHART_TEXT_PX,
    LABEL_PX,
    LineLabel,
    indicator_panel_figure,
    number_axis,
    pipeline_figure,
    place_line_labels,
    progress_figure,
    reference_figure,
    value_range,
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


def test_an_older_value_is_hatched_and_named_with_its_period():
    progress = pd.DataFrame(
        {
            "partner_code": ["MDPWA", "PLH"],
            "partner_label": ["MDPWA", "Plœuc"],
            "current": [20.0, 10.0],
            "target": [25.0, 15.0],
            "progress_pct": [65.5, 50.0],
            "expected_pct": [87.5, 87.5],
            "latest_period": [7, 6],
        }
    )
    figure = progress_figure(
        progress, "ESU-SERVICES", "services", as_of=7, period_labels={6: "P6", 7: "P7"}
    )
    bars = figure.data[0]
    assert list(bars.y) == ["Plœuc<br>10 / 15 services (value of P6)", "MDPWA<br>20 / 25 services"]
    assert list(bars.marker.pattern.shape) == ["/", ""]


def test_chart_text_is_at_least_the_projector_size_everywhere():
    series = pd.DataFrame({"end_date": PERIODS["end_date"], "value": [4000.0, 40000.0, None]})
    figure = indicator_panel_figure(
        series, PERIODS, partner_code="MDPWA", unit_title="users", target=60000.0, baseline=2000.0
    )
    assert figure.layout.font.size == CHART_TEXT_PX
    assert all(a.font.size >= CHART_TEXT_PX for a in figure.layout.annotations)
    assert figure.layout.legend.font.size is None  # the layout's font, not a smaller one
    # Grouped thousands as the tables write them, never "40k" next to "6 000".
    assert figure.layout.yaxis.tickformat == ",.0f"
    assert number_axis([0, 4]) == {"tickformat": ",.1f"}


def test_labels_of_lines_at_the_same_value_are_merged_into_one():
    labels = place_line_labels(
        [
            LineLabel(70.0, "target 70", "right", "#d55e00"),
            LineLabel(70.0, "Latvia's national target: 70 % by 2027"),
            LineLabel(80.0, "EU target: 80 % by 2030"),
        ],
        [0, 100],
    )
    assert [label["text"] for label in labels] == [
        "target 70 · Latvia's national target: 70 % by 2027",
        "EU target: 80 % by 2030",
    ]
    assert labels[0]["xanchor"] == "right" and labels[0]["font"]["color"] == "#d55e00"


def test_labels_of_close_lines_never_cover_each_other():
    values = [10.0, 12.0, 13.0, 60.0]
    labels = place_line_labels([LineLabel(v, f"line {v}") for v in values], [0, 100], plot_px=200)
    boxes = []
    for label in labels:
        position = label["y"] * 2 + label["yshift"]
        boxes.append(
            (position - LABEL_PX, position)
            if label["yanchor"] == "top"
            else (position, position + LABEL_PX)
        )
    boxes.sort()
    assert all(
        low >= previous_high
        for (_l, previous_high), (low, _h) in zip(boxes, boxes[1:], strict=False)
    )
    assert labels[0]["yanchor"] == "top"  # the lowest went under its line rather than up
    assert labels[-1]["yshift"] == 0  # a line far from the others keeps its label on it


def test_value_range_holds_every_number_with_room_for_the_top_label():
    assert value_range([40.0, None, 70.0], percentage=True) == [0.0, 100.0]
    low, high = value_range([1500.0, float("nan"), 6000.0, 2050.0])
    assert low == 0.0 and 6000.0 * 1.1 < high < 6000.0 * 1.2
    assert value_range([]) == [0.0, 1.0]
