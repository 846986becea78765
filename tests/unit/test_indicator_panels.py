"""The indicator panels (pure layout): one panel per partner with data, the empty states, the export."""

from datetime import date

import pandas as pd

from dashboard.components.indicator_panels import IndicatorView, indicator_panels

PERIODS = pd.DataFrame(
    {
        "number": [1, 2, 3],
        "label": ["P1", "P2", "P3"],
        "end_date": [date(2023, 8, 31), date(2024, 2, 29), date(2024, 8, 31)],
    }
)
PARTNERS = pd.DataFrame(
    {
        "code": ["MDPWA", "SMILTENE", "PLH"],
        "short_name": ["MDPWA (Romania)", "Smiltene", "Plœuc-L'Hermitage"],
        "country": ["RO", "LV", "FR"],
    }
)
INDICATOR = pd.Series(
    {"code": "DSK-BASIC", "name": "Residents with basic skills", "unit": "%",
     "value_kind": "percentage", "aggregation": "latest"}
)  # fmt: skip


def _view(values, targets, **kwargs):
    return IndicatorView(
        page="dsk",
        indicator=INDICATOR,
        partners=PARTNERS,
        periods=PERIODS,
        values=values,
        targets=targets,
        milestones=pd.DataFrame(columns=["partner_code", "period_number", "end_date", "value"]),
        today=date(2024, 11, 27),
        source="Source: demo data (invented figures).",
        **kwargs,
    )


def _values(rows):
    return pd.DataFrame(
        rows, columns=["partner_code", "period_number", "period_label", "end_date", "value", "source_kind", "upload_id"]
    )  # fmt: skip


def _ids(component) -> list:
    return [node.id for node in _walk_all(component) if isinstance(getattr(node, "id", None), str)]


def _text(component) -> str:
    return str(component.to_plotly_json())


VALUES = _values(
    [
        ["SMILTENE", 1, "P1", date(2023, 8, 31), 45.0, "demo", None],
        ["SMILTENE", 2, "P2", date(2024, 2, 29), 47.0, "demo", None],
        ["SMILTENE", 3, "P3", date(2024, 8, 31), 48.0, "demo", None],
        ["PLH", 1, "P1", date(2023, 8, 31), 60.0, "upload", 4],
        ["PLH", 2, "P2", date(2024, 2, 29), None, "upload", 4],
    ]
)
TARGETS = pd.DataFrame(
    {"partner_code": ["SMILTENE", "PLH"], "baseline_value": [43.2, 59.5], "target_value": [70.0, 66.0],
     "is_demo": [True, False]}
)  # fmt: skip


def test_one_panel_per_partner_with_a_target_or_values():
    card = indicator_panels(_view(VALUES, TARGETS))
    ids = _ids(card)
    assert "dsk-panel-SMILTENE" in ids and "dsk-panel-PLH" in ids
    assert "dsk-panel-MDPWA" not in ids
    text = _text(card)
    assert "Not measured by MDPWA (Romania)." in text
    assert "demo data" in text  # some values are invented


def test_a_partner_missing_the_last_ended_period_is_told_where_the_template_is():
    text = _text(indicator_panels(_view(VALUES, TARGETS)))
    assert "No data for P3 yet from Plœuc-L'Hermitage — " in text
    assert "/upload?partner=PLH" in text
    assert "No data for P3 yet from Smiltene" not in text


def test_a_partner_with_a_target_but_no_values_gets_an_empty_state_instead_of_a_chart():
    targets = pd.concat([TARGETS, pd.DataFrame({"partner_code": ["MDPWA"], "baseline_value": [None],
                                                "target_value": [10.0], "is_demo": [False]})])  # fmt: skip
    card = indicator_panels(_view(VALUES, targets))
    text = _text(card)
    assert "No data for P1–P3 yet from MDPWA (Romania)" in text


def test_the_export_holds_the_values_with_their_target():
    card = indicator_panels(_view(VALUES, TARGETS))
    store = next(
        node
        for node in _walk_all(card)
        if getattr(node, "id", None) == {"type": "chart-data", "chart": "dsk-values"}
    )
    assert store.data["columns"][:3] == ["partner_code", "indicator_code", "unit"]
    assert store.data["columns"][-2:] == ["baseline_value", "target_value"]
    plh_p2 = [row for row in store.data["rows"] if row[0] == "PLH" and row[4] == "P2"][0]
    assert plh_p2[6] is None  # "no value" stays empty, not 0


def _walk_all(node):
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            yield from _walk_all(child)
