"""Text people typed never becomes markup in a figure (issue 8).

Every figure builder in dashboard/ is built here with hostile text in each typed input, one input at a
time, and the whole figure dict is walked: the text must arrive escaped (plotly then shows it
literally), and no string may hold markup or a ``%{...}`` template field that the builder did not put
there itself. A new builder fails ``test_every_figure_builder_is_checked`` until it has a case here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.components.charts import (
    indicator_panel_figure,
    pipeline_figure,
    progress_figure,
    reference_figure,
)
from dashboard.components.figure_text import figure_text
from dashboard.components.indicator_distribution import distribution_figure, period_quantiles
from dashboard.components.overview_region import group_status_figure
from dashboard.components.slides import chart_figure
from reports.charts import BarChart, Marks, ReferenceLine, Series
from rules.formatting import format_chart_label

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
HOSTILE = [
    '<a href="https://evil.example">Smiltene</a>',
    '<span style="font-size:80px">FAKE</span>',
    "<b>bold</b> & <i>italic</i>",
    "line<br>break",
    "R&amp;D",
    "%{y} of %{x}",
    "50%{y}",
    "$x^2$",
]
# The markup and template fields the builders write themselves.
OUR_TAGS = re.compile(r"<br>|<extra>|</extra>")
OUR_FIELDS = {
    "%{x}", "%{y}", "%{x:.0f}", "%{x|%d.%m.%Y}", "%{y:,}", "%{y:,.4~g}", "%{customdata[0]}",
    "%{customdata[1]:,.4~g}", "%{customdata[2]:,.4~g}",
}  # fmt: skip
TEMPLATE_FIELD = re.compile(r"%{[^}]*}")
# What plotly's svg_text_utils.convertEntities decodes (plotly.js 4.1, bundled with plotly 7.1).
PLOTLY_ENTITIES = {"mu": "μ", "amp": "&", "lt": "<", "gt": ">", "nbsp": "\xa0", "times": "×",
                   "plusmn": "±", "deg": "°"}  # fmt: skip
ENTITY = re.compile(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);")

PERIODS = pd.DataFrame(
    {
        "number": [1, 2, 3],
        "label": ["P1", "P2", "P3"],
        "end_date": [date(2023, 8, 31), date(2024, 2, 29), date(2024, 8, 31)],
    }
)


def plotly_shows(text: str) -> str:
    """What plotly draws for ``text`` once its entities are decoded (tags aside)."""

    def decode(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return PLOTLY_ENTITIES.get(name, match.group(0))

    return ENTITY.sub(decode, text)


def _pipeline(texts: dict[str, str]) -> go.Figure:
    return pipeline_figure(
        pd.DataFrame(
            {
                "partner_code": ["SMILTENE", "SMILTENE", "PLH"],
                "partner_label": [texts["partner_label"], texts["partner_label"], "Plœuc"],
                "stage": ["proposed", "adopted", "proposed"],
                "changes": [2, 1, 1],
            }
        )
    )


def _progress(texts: dict[str, str]) -> go.Figure:
    progress = pd.DataFrame(
        {
            "partner_code": ["SMILTENE", "PLH"],
            "partner_label": [texts["partner_label"], "Plœuc"],
            "current": [12345.0, None],
            "target": [20000.0, 15.0],
            "progress_pct": [61.7, None],
            "expected_pct": [87.5, 87.5],
        }
    )
    return progress_figure(progress, texts["indicator_label"], texts["unit"])


def _references(geo: str) -> pd.DataFrame:
    return pd.DataFrame(
        {"geo": ["EU27", geo, geo], "year": [2023, 2023, 2024], "value": [55.6, 45.3, 47.0]}
    )


def _indicator_panel(texts: dict[str, str]) -> go.Figure:
    periods = PERIODS.assign(label=["P1", texts["period_label"], "P3"])
    return indicator_panel_figure(
        pd.DataFrame({"end_date": PERIODS["end_date"], "value": [40.0, None, 45.0]}),
        periods,
        partner_code="SMILTENE",
        unit_title=texts["unit_title"],
        target=70.0,
        baseline=20.0,
        milestones=pd.DataFrame({"end_date": [date(2024, 2, 29)], "value": [50.0]}),
        references=_references(texts["geo"]),
        policy_targets=[(texts["policy_target_label"], 80.0)],
    )


def _reference(texts: dict[str, str]) -> go.Figure:
    return reference_figure(
        _references(texts["geo"]),
        unit_title=texts["unit_title"],
        policy_targets=[(texts["policy_target_label"], 80.0)],
    )


def _slide_chart(texts: dict[str, str]) -> go.Figure:
    return chart_figure(
        BarChart(
            key="progress",
            categories=(texts["partner_label"], "Plœuc"),
            series=(
                Series(texts["series"], "#0072B2", (61.7, None), texts=(texts["bar_text"], "")),
            ),
            axis_title=texts["axis_title"],
            axis_max=150.0,
            percent_axis=True,
            marks=(Marks(texts["marks"], "#111111", (87.5, 87.5)),),
            lines=(ReferenceLine(70.0, texts["line_label"], "#B0B0B0", "dot"),),
        )
    )


# builder name -> (build from typed texts, the typed inputs)
def _group_status(texts: dict[str, str]) -> go.Figure:
    counts = pd.DataFrame({"on_track": [3, 1], "behind": [1, 0], "no_data": [0, 2]})
    return group_status_figure(counts, [texts["group_name"], "Gorj"])


def _distribution(texts: dict[str, str]) -> go.Figure:
    values = pd.DataFrame(
        {
            "partner_code": ["A", "B", "A", "B"],
            "period_number": [1, 1, 2, 2],
            "value": [1.0, 3.0, 2.0, 5.0],
        }
    )
    periods = pd.DataFrame({"number": [1, 2], "label": [texts["period_label"], "P2"]})
    return distribution_figure(period_quantiles(values, periods), texts["unit"])


CASES: dict[str, tuple[Callable[[dict[str, str]], go.Figure], list[str]]] = {
    "pipeline_figure": (_pipeline, ["partner_label"]),
    "progress_figure": (_progress, ["partner_label", "indicator_label", "unit"]),
    "indicator_panel_figure": (
        _indicator_panel,
        ["period_label", "unit_title", "geo", "policy_target_label"],
    ),
    "reference_figure": (_reference, ["geo", "unit_title", "policy_target_label"]),
    "group_status_figure": (_group_status, ["group_name"]),
    "distribution_figure": (_distribution, ["period_label", "unit"]),
    "chart_figure": (
        _slide_chart,
        ["partner_label", "series", "bar_text", "axis_title", "marks", "line_label"],
    ),
}


def _strings(node) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list | tuple | np.ndarray):
        for value in node:
            yield from _strings(value)


def _figure_builders() -> set[str]:
    """Every function in dashboard/ that returns a figure or constructs one."""
    builders = set()
    for path in DASHBOARD.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            returns = ast.unparse(node.returns) if node.returns else ""
            calls = {
                ast.unparse(call.func) for call in ast.walk(node) if isinstance(call, ast.Call)
            }
            if "Figure" in returns or any(
                name.endswith("Figure") or name.startswith("px.") for name in calls
            ):
                builders.add(node.name)
    return builders


def test_every_figure_builder_is_checked():
    assert _figure_builders() == set(CASES)


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize(
    ("builder", "field"),
    [(builder, field) for builder, (_build, fields) in CASES.items() for field in fields],
)
def test_typed_text_reaches_the_figure_escaped(builder, field, hostile):
    build, fields = CASES[builder]
    texts = {name: f"plain {name}" for name in fields} | {field: hostile}
    strings = list(_strings(build(texts).to_plotly_json()))

    escaped = figure_text(hostile)
    assert any(escaped in text for text in strings), f"{field} does not reach {builder}"
    for text in strings:
        assert hostile not in text
        rest = OUR_TAGS.sub("", text.replace(escaped, ""))
        assert "<" not in rest and ">" not in rest, text
        assert set(TEMPLATE_FIELD.findall(rest)) <= OUR_FIELDS, text
        assert not re.search(r"\$.*\$", rest), text


@pytest.mark.parametrize("hostile", HOSTILE)
def test_plotly_shows_escaped_text_exactly_as_typed(hostile):
    escaped = figure_text(hostile)
    assert plotly_shows(escaped) == hostile
    assert "<" not in escaped and "%{" not in escaped and "$" not in escaped


def test_an_ampersand_is_shown_once_and_numbers_stay_readable():
    assert figure_text("R&D") == "R&amp;D" and plotly_shows(figure_text("R&D")) == "R&D"
    number = format_chart_label(12345.0)
    assert "\u202f" in number and figure_text(number) == number
    assert figure_text("Plœuc-L'Hermitage") == "Plœuc-L'Hermitage"
    assert figure_text("80 %") == "80 %"


def test_the_markup_the_builders_write_themselves_still_works():
    figure = _progress({"partner_label": "Smiltene", "indicator_label": "ESU", "unit": "R&D"})
    assert list(figure.data[0].y) == [
        "Plœuc<br>no data yet",
        f"Smiltene<br>{format_chart_label(12345.0)} / {format_chart_label(20000.0)} R&amp;D",
    ]
    assert figure.data[0].hovertemplate.endswith("<extra></extra>")
