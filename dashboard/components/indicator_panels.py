"""Small multiples for one indicator: a panel per partner (its values over the reporting periods
against its target), used by the e-service uptake and digital-skills pages. Pure: data in, layout out.

The panels share one y scale, so that partners compare at a glance (a taller line is a larger value);
``own_scale`` (the page's "own scale" switch, ``scale=own`` in the URL) gives each panel its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.components.charts import chart_card, graph, indicator_panel_figure, value_range
from dashboard.components.colours import partner_colour
from dashboard.components.downloads import download_buttons
from dashboard.components.empty_states import (
    SETUP_PATH,
    UPLOAD_PATH,
    missing_period_note,
    partner_link,
)
from dashboard.components.links import linked
from i18n import _
from rules.formatting import format_chart_label


@dataclass
class IndicatorView:
    """Everything the panels draw, as the queries returned it (see dashboard/queries/indicators.py).

    ``indicator``: code, name, unit, value_kind, aggregation. ``partners``: code, short_name, country.
    ``periods``: number, label, end_date of the periods shown. ``values`` are cumulative already when
    ``cumulative``. ``references``: geo, year, value of a comparable public series (may be empty).
    ``policy_targets``: geo -> [(label, value)] drawn on the panels of partners in that country (and
    "EU27" on all).
    """

    page: str
    indicator: pd.Series
    partners: pd.DataFrame
    periods: pd.DataFrame
    values: pd.DataFrame
    targets: pd.DataFrame
    milestones: pd.DataFrame
    today: date
    cumulative: bool = False
    references: pd.DataFrame = field(default_factory=pd.DataFrame)
    policy_targets: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    source: str = ""
    own_scale: bool = False

    @property
    def percentage(self) -> bool:
        return self.indicator["value_kind"] == "percentage"

    def shared_range(self, partners: pd.DataFrame) -> list[float] | None:
        """The y range every panel of ``partners`` draws with: what any of them shows (values,
        milestones, targets, baselines, reference levels and policy targets) fits; None with
        ``own_scale``."""
        if self.own_scale:
            return None
        codes = set(partners["code"])
        targets = self.targets[self.targets["partner_code"].isin(codes)]
        numbers = [
            *self.values.loc[self.values["partner_code"].isin(codes), "value"],
            *self.milestones.loc[self.milestones["partner_code"].isin(codes), "value"],
            *targets["target_value"],
            *([] if self.percentage else targets["baseline_value"]),
            *([] if self.references.empty else self.references["value"]),
            *(value for lines in self.policy_targets.values() for _label, value in lines),
        ]
        return value_range(numbers, percentage=self.percentage)

    @property
    def unit_title(self) -> str:
        unit = self.indicator["unit"]
        if self.indicator["value_kind"] == "percentage":
            return "%"
        return _("{unit}, cumulative").format(unit=unit) if self.cumulative else unit


def _panel(view: IndicatorView, partner, y_range: list[float] | None) -> dbc.Col:
    code = partner.code
    values = view.values[view.values["partner_code"] == code]
    target_rows = view.targets[view.targets["partner_code"] == code]
    target = target_rows.iloc[0] if not target_rows.empty else None
    ended = view.periods[view.periods["end_date"] < view.today]
    latest_ended = ended.iloc[-1] if not ended.empty else None
    notes = []
    if latest_ended is not None and latest_ended["number"] not in set(values["period_number"]):
        notes.append(
            html.P(
                missing_period_note(partner.short_name, code, latest_ended["label"]),
                className="small mb-1",
            )
        )
    references = view.references
    if not references.empty:
        references = references[references["geo"].isin(["EU27", partner.country])]
    policy_targets = view.policy_targets.get("EU27", []) + (
        view.policy_targets.get(partner.country, []) if partner.country != "EU27" else []
    )
    header = html.Div(
        [
            html.Span(className="partner-swatch", style={"background": partner_colour(code)}),
            html.A(partner.short_name, href=partner_link(code), className="panel-header"),
            html.Span(
                " · "
                + (
                    _("baseline {baseline} · target {target}").format(
                        baseline=_number(target.baseline_value),
                        target=_number(target.target_value),
                    )
                    if target is not None
                    else _("no target set")
                ),
                className="text-muted small",
            ),
        ]
    )
    if values["value"].notna().any():
        body = graph(
            {"type": f"{view.page}-panel", "partner": code},
            indicator_panel_figure(
                values,
                view.periods,
                partner_code=code,
                unit_title=view.unit_title,
                target=None if target is None else target.target_value,
                baseline=None if target is None else target.baseline_value,
                milestones=view.milestones[view.milestones["partner_code"] == code],
                references=references,
                policy_targets=policy_targets,
                percentage=view.percentage,
                y_range=y_range,
            ),
        )
    else:
        period_text = (
            view.periods.iloc[0]["label"]
            if len(view.periods) == 1
            else f"{view.periods.iloc[0]['label']}–{view.periods.iloc[-1]['label']}"
            if not view.periods.empty
            else ""
        )
        body = dbc.Alert(
            missing_period_note(partner.short_name, code, period_text),
            color="light",
            className="panel-empty",
        )
        notes = []
    return dbc.Col(
        html.Div(
            [header, body, *notes], className="indicator-panel", id=f"{view.page}-panel-{code}"
        ),
        xs=12,
        lg=6,
        xxl=4,
        className="mb-3",
    )


def indicator_panels(view: IndicatorView) -> dbc.Card:
    """The card with one panel per partner that has a target or values for the indicator."""
    with_data = set(view.values["partner_code"]) | set(view.targets["partner_code"])
    shown = view.partners[view.partners["code"].isin(with_data)]
    others = view.partners[~view.partners["code"].isin(with_data)]
    y_range = view.shared_range(shown)
    children = [dbc.Row([_panel(view, partner, y_range) for partner in shown.itertuples()])]
    if shown.empty:
        children = [
            dbc.Alert(
                linked(
                    _(
                        "No partner has a target or values for this indicator yet: targets are set "
                        "on the {setup}; values arrive with each partner's {upload}."
                    ),
                    setup=html.A(_("Setup page"), href=SETUP_PATH),
                    upload=html.A(_("workbook upload"), href=UPLOAD_PATH),
                ),
                color="light",
                id=f"{view.page}-no-values",
            )
        ]
    if not others.empty:
        children.append(
            html.P(
                _("Not measured by {partners}.").format(partners=", ".join(others["short_name"])),
                className="text-muted small mb-1",
            )
        )
    export = view.values.merge(
        view.targets[["partner_code", "baseline_value", "target_value"]],
        on="partner_code",
        how="left",
    )
    export.insert(1, "indicator_code", view.indicator["code"])
    export.insert(2, "unit", view.indicator["unit"])
    if view.cumulative:
        export = export.rename(columns={"value": "cumulative_value"})
    demo = bool((view.values["source_kind"] == "demo").any() or view.targets["is_demo"].any())
    return chart_card(
        f"{view.indicator['code']} — {view.indicator['name']}",
        html.Div(children),
        subtitle=" ".join(
            (
                _("Running total since the project start, against the final target.")
                if view.cumulative
                else _("Value reported for each period, against the final target."),
                _("Each panel has its own scale.")
                if view.own_scale
                else _("All panels share one scale."),
            )
        ),
        source=view.source,
        downloads=download_buttons(
            f"{view.page}-values", export, f"{view.indicator['code'].lower()}-values"
        ),
        demo=demo,
        card_id=f"{view.page}-values-card",
    )


def _number(value) -> str:
    return format_chart_label(value)
