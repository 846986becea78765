"""Each topic's chart as a neutral specification: horizontal bars (stacked or grouped) with reference
lines and tick marks. plotly draws it on a slide (dashboard/components/slides.py), ReportLab in the PDF
(reports/pdf_charts.py), so the room and the minutes see the same chart.

Texts are plain (the plotly renderer escapes them); colours are the partners' colour-blind-safe ones
(dashboard/components/colours.py) and greys for references.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.components.colours import COUNTRY_REFERENCE_COLOUR, TARGET_COLOUR, partner_colour
from dashboard.queries.meeting import PIPELINE_STAGES, Meeting
from i18n import _
from reports.wording import percent, stage_name, status_name
from rules.formatting import format_number, format_percent

# Status colours from the Okabe-Ito palette, told apart by their labels too (never by colour alone).
STATUS_COLOURS = {"on track": "#009E73", "behind": "#D55E00", "no data": "#8C8C8C"}
REFERENCE_GREY = "#B0B0B0"
E_SERVICE_AXIS_MAX = 150.0  # % of target: beyond it a bar is drawn to the edge, its label says more


@dataclass(frozen=True)
class Series:
    """One set of bars, a value per category (None: no bar); ``texts`` are written at the bar's end;
    ``colours`` (one per category) override ``colour``."""

    name: str
    colour: str
    values: tuple[float | None, ...]
    texts: tuple[str, ...] = ()
    colours: tuple[str, ...] = ()


@dataclass(frozen=True)
class Marks:
    """A tick per category at ``values`` (a target, where a partner should be)."""

    name: str
    colour: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class ReferenceLine:
    """A vertical line across the plot; ``level`` stacks the labels of lines that lie close together."""

    value: float
    label: str
    colour: str
    dash: str  # "dot" or "dash"
    level: int = 0


@dataclass(frozen=True)
class BarChart:
    key: str  # "pipeline", "progress", "e-services", "skills": names the chart in the PDF too
    categories: tuple[str, ...]  # top to bottom
    series: tuple[Series, ...]
    axis_title: str
    axis_max: float
    stacked: bool = False
    percent_axis: bool = False
    marks: tuple[Marks, ...] = ()
    lines: tuple[ReferenceLine, ...] = ()
    integer_axis: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(value for series in self.series for value in series.values if value)


def _label_levels(lines: list[ReferenceLine]) -> tuple[ReferenceLine, ...]:
    """Each line's label on its own level, lowest value lowest, so labels of lines that lie close
    together (EU27 55.6 %, Latvia's 70 %) never overlap whatever the width of the chart."""
    ordered = sorted(lines, key=lambda item: item.value)
    return tuple(
        ReferenceLine(line.value, line.label, line.colour, line.dash, level)
        for level, line in enumerate(ordered)
    )


def pipeline_chart(meeting: Meeting) -> BarChart:
    stages = list(PIPELINE_STAGES)
    if any(row.stage == "abandoned" for row in meeting.pipeline):
        stages.append("abandoned")
    counts = {(row.partner_code, row.stage): row.changes for row in meeting.pipeline}
    series = []
    for code in meeting.partner_codes:
        values = tuple(
            float(counts[(code, stage)]) if (code, stage) in counts else None for stage in stages
        )
        if any(values):
            series.append(
                Series(
                    meeting.label(code),
                    partner_colour(code),
                    values,
                    tuple(format_number(v) if v else "" for v in values),
                )
            )
    totals = [
        sum(counts.get((code, stage), 0) for code in meeting.partner_codes) for stage in stages
    ]
    return BarChart(
        key="pipeline",
        categories=tuple(stage_name(stage) for stage in stages),
        series=tuple(series),
        axis_title=_("policy changes (count)"),
        axis_max=max(max(totals, default=0), 1) + 0.5,
        stacked=True,
        integer_axis=True,
    )


def progress_chart(meeting: Meeting) -> BarChart:
    rows = meeting.progress
    series = []
    for status in ("on track", "behind", "no data"):
        values = tuple(float(getattr(row, status.replace(" ", "_"))) or None for row in rows)
        series.append(
            Series(
                status_name(status),
                STATUS_COLOURS[status],
                values,
                tuple(format_number(v) if v else "" for v in values),
            )
        )
    totals = [row.on_track + row.behind + row.no_data for row in rows]
    return BarChart(
        key="progress",
        categories=tuple(meeting.label(row.partner_code) for row in rows),
        series=tuple(series),
        axis_title=_("partner × indicator targets (count)"),
        axis_max=max(max(totals, default=0), 1) + 0.5,
        stacked=True,
        integer_axis=True,
    )


def e_service_chart(meeting: Meeting) -> BarChart:
    rows = meeting.e_services
    indicators = list(dict.fromkeys(row.indicator_code for row in rows))
    names = {row.indicator_code: row.indicator_name for row in rows}
    by_key = {(row.partner_code, row.indicator_code): row for row in rows}
    series = []
    for code in meeting.partner_codes:
        own = [by_key.get((code, indicator)) for indicator in indicators]
        if not any(own):
            continue
        values, texts = [], []
        for row in own:
            if row is None or row.progress_pct is None:
                values.append(None)
                texts.append("" if row is None else _("no data"))
                continue
            values.append(min(max(row.progress_pct, 0.0), E_SERVICE_AXIS_MAX))
            text = percent(row.progress_pct)
            if row.is_stale:
                text = _("{value} ({period})").format(value=text, period=row.latest_period)
            texts.append(text)
        series.append(
            Series(meeting.label(code), partner_colour(code), tuple(values), tuple(texts))
        )
    return BarChart(
        key="e-services",
        categories=tuple(names[code] for code in indicators),
        series=tuple(series),
        axis_title=_("% of the way from baseline to target"),
        axis_max=E_SERVICE_AXIS_MAX + 15,
        percent_axis=True,
        lines=(ReferenceLine(100.0, _("target"), TARGET_COLOUR, "dot"),),
    )


def _policy_target_label(geo: str, value: float, year: int) -> str:
    shown = format_percent(value, decimals=0)
    if geo == "EU27":
        return _("EU target {value} by {year}").format(value=shown, year=year)
    if geo == "LV":
        return _("Latvia's target {value} by {year}").format(value=shown, year=year)
    return _("{country}'s target {value} by {year}").format(country=geo, value=shown, year=year)


def skills_chart(meeting: Meeting) -> BarChart:
    skills = meeting.skills
    rows = skills.rows
    own_texts = []
    for row in rows:
        text = percent(row.value, 1)
        if row.value is not None and row.is_stale:
            text = _("{value} ({period})").format(value=text, period=row.value_period)
        own_texts.append(text if row.value is not None else _("no data"))
    reported = Series(
        _("reported by the partner"),
        TARGET_COLOUR,
        tuple(row.value for row in rows),
        tuple(own_texts),
        colours=tuple(partner_colour(row.partner_code) for row in rows),
    )
    country = Series(
        _("Eurostat, the partner's country"),
        REFERENCE_GREY,
        tuple(row.reference_value for row in rows),
        tuple(
            _("{country} {year}: {value}").format(
                country=row.country, year=row.reference_year, value=percent(row.reference_value, 1)
            )
            if row.reference_value is not None
            else ""
            for row in rows
        ),
    )
    lines = []
    if skills.eu_value is not None:
        lines.append(
            ReferenceLine(
                skills.eu_value,
                _("EU27 {year}: {value}").format(
                    year=skills.eu_year, value=percent(skills.eu_value, 1)
                ),
                COUNTRY_REFERENCE_COLOUR,
                "dash",
            )
        )
    for target in skills.policy_targets:
        lines.append(
            ReferenceLine(
                target.value,
                _policy_target_label(target.geo, target.value, target.year),
                TARGET_COLOUR,
                "dot",
            )
        )
    return BarChart(
        key="skills",
        categories=tuple(meeting.label(row.partner_code) for row in rows),
        series=(reported, country),
        axis_title=_("% of people aged 16-74 with at least basic digital skills"),
        axis_max=100.0,
        percent_axis=True,
        marks=(
            Marks(
                _("the partner's own target"),
                TARGET_COLOUR,
                tuple(row.target for row in rows),
            ),
        ),
        lines=_label_levels(lines),
    )


CHARTS = {
    "pipeline": pipeline_chart,
    "progress": progress_chart,
    "e-services": e_service_chart,
    "skills": skills_chart,
}


def chart_for(topic: str, meeting: Meeting) -> BarChart | None:
    """The topic's chart, or None for a topic told in words (headline, moves, issues)."""
    builder = CHARTS.get(topic)
    return builder(meeting) if builder else None
