"""The overview's cards for many bodies (the region's hundreds), aggregates first: how many bodies are on
track, behind or without data per county or type of body, the top and bottom ten, each indicator's
status counts and who has not reported, with links that drill down to a group (``?county=``) and to one
body (its partner page). Pure builders from the queries' DataFrames, like overview_cards; what they
ship to the browser grows with the number of groups and indicators, not with the number of bodies.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboard.components.charts import base_layout, chart_card, graph, pipeline_figure
from dashboard.components.colours import group_colour
from dashboard.components.downloads import download_buttons
from dashboard.components.empty_states import SETUP_PATH, partner_link
from dashboard.components.figure_text import figure_text
from dashboard.components.filters import ViewFilters
from dashboard.components.links import linked
from dashboard.components.overview_cards import STATUS_LABELS, freshness_card, indicator_href
from dashboard.components.pager import paged_table
from i18n import _, ngettext

STATUSES = ("on track", "behind", "no data")
# status_counts' columns, one per status.
COUNT_COLUMNS = {"on track": "on_track", "behind": "behind", "no data": "no_data"}
# Okabe-Ito bluish green and vermillion, and a grey for "no data": the status badges' meaning.
STATUS_FILL = {"on track": "#009E73", "behind": "#D55E00", "no data": "#BBBBBB"}
RANKED = 10  # bodies in each of the top and bottom lists
PAGE_ROWS = 12  # rows per page of the long tables


def grouping(filters: ViewFilters) -> tuple[str, str]:
    """(column, its heading) the aggregates group by: counties, or the types of body within one."""
    if filters.county is None:
        return "county", _("County")
    return "body_type", _("Type of body")


def group_name(column: str, value) -> str:
    """A group's name as shown: a county, a type of body in the reader's language, or the SHARING
    partners (no county)."""
    if value is None or pd.isna(value):
        return _("SHARING partners")
    return _(value) if column == "body_type" else str(value)


def _group_href(column: str, value, filters: ViewFilters) -> str | None:
    """The overview narrowed to one group (keeping the other group filter and the options)."""
    if value is None or pd.isna(value):
        return None
    pairs = {"county": filters.county, "type": filters.body_type}
    pairs["county" if column == "county" else "type"] = value
    pairs = {key: item for key, item in pairs.items() if item}
    if filters.include_submitted:
        pairs["data"] = "submitted"
    if filters.indicator:
        pairs["indicator"] = filters.indicator
    return "/?" + urlencode(pairs)


def with_groups(frame: pd.DataFrame, partners: pd.DataFrame, code_column: str) -> pd.DataFrame:
    """``frame`` with each row's body's county and body_type (from visible_partners' frame)."""
    groups = partners.set_index("code")[["county", "body_type", "name"]]
    return frame.join(groups, on=code_column)


def group_pipeline_card(pipeline: pd.DataFrame, partners: pd.DataFrame) -> dbc.Card:
    """The policy-change pipeline stacked by type of body (a colour each) instead of by body."""
    if pipeline.empty:
        body = html.P(_("No policy changes recorded yet."), className="text-muted")
        stacked = pipeline
    else:
        grouped = with_groups(pipeline, partners, "partner_code")
        stacked = (
            grouped.groupby(["body_type", "stage"], sort=False)[["changes", "demo_changes"]]
            .sum()
            .reset_index()
        )
        stacked["partner_label"] = [_(kind) for kind in stacked["body_type"]]
        stacked["partner_code"] = stacked["body_type"]
        figure = pipeline_figure(
            stacked, colours={k: group_colour(k) for k in stacked["body_type"]}
        )
        body = graph("overview-pipeline", figure)
    return chart_card(
        _("Policy-change pipeline"),
        body,
        subtitle=_("Policy changes by their current stage, per type of body"),
        source=_("Source: stage events recorded by the partners (policy instruments page)."),
        demo=bool(pipeline["demo_changes"].sum()) if not pipeline.empty else False,
    )


def status_counts(progress: pd.DataFrame, by: str) -> pd.DataFrame:
    """Bodies on track / behind / without data per ``by`` value: by, on_track, behind, no_data, total."""
    counts = (
        progress.assign(_group=progress[by].astype(object).where(progress[by].notna(), None))
        .groupby(["_group", "status"], dropna=False)
        .size()
        .unstack(fill_value=0)
        .reindex(columns=list(STATUSES), fill_value=0)
        .rename(columns=COUNT_COLUMNS)
    )
    counts["total"] = counts.sum(axis=1)
    return counts.reset_index().rename(columns={"_group": by})


def progress_by_group_card(
    progress: pd.DataFrame, partners: pd.DataFrame, indicator: str | None, filters: ViewFilters
) -> dbc.Card:
    """For ``indicator``: a stacked bar per group (on track, behind, no data), the groups linked to
    their own overview, and the ten bodies furthest ahead and behind."""
    rows = progress[progress["indicator_code"] == indicator]
    if rows.empty:
        return chart_card(
            _("Progress to target"),
            dbc.Alert(
                linked(
                    _("No targets set yet: the monitoring officers set them on the {link}."),
                    link=html.A(_("Setup page"), href=SETUP_PATH),
                ),
                color="light",
            ),
            source=_(
                "Source: values and targets reported by the partners, up to the last ended period."
            ),
        )
    column, heading = grouping(filters)
    grouped = with_groups(rows, partners, "partner_code")
    counts = status_counts(grouped, column).sort_values("total", ascending=False)
    figure = group_status_figure(counts, [group_name(column, value) for value in counts[column]])
    first = rows.iloc[0]
    export = counts.assign(**{column: [group_name(column, v) for v in counts[column]]})
    return chart_card(
        _("Progress to target: {indicator}").format(indicator=first.indicator_name),
        html.Div(
            [
                graph("overview-progress", figure),
                _group_links(counts, column, heading, filters),
                _ranking(grouped),
            ]
        ),
        subtitle=_(
            "How many bodies of each group are on track (at least 90 % of the progress expected by "
            "now), behind, or have reported no value; a group's name opens its own overview."
        ),
        source=_(
            "Source: values and targets reported by the partners, up to the last ended period."
        ),
        downloads=download_buttons("overview-progress", export, "progress-by-group"),
        demo=bool(rows["demo_values"].sum() or rows["is_demo"].any()),
    )


def group_status_figure(counts: pd.DataFrame, names: list[str]) -> go.Figure:
    """A stacked horizontal bar per group (``names``, in ``counts``' order): its bodies on track,
    behind and without data (status_counts' columns)."""
    names = [figure_text(name) for name in names]
    traces = [
        go.Bar(
            name=figure_text(_(STATUS_LABELS[status])),
            y=names,
            x=counts[COUNT_COLUMNS[status]].tolist(),
            orientation="h",
            marker_color=STATUS_FILL[status],
            hovertemplate=f"%{{y}}: %{{x}} {figure_text(_(STATUS_LABELS[status]))}<extra></extra>",
        )
        for status in STATUSES
    ]
    layout = base_layout(
        x_title=_("bodies (count)"),
        y_title="",
        height=max(260, 60 + 26 * len(names)),
        barmode="stack",
        legend={"traceorder": "normal"},
        yaxis={"autorange": "reversed"},
    )
    return go.Figure(data=traces, layout=layout)


def _group_links(counts: pd.DataFrame, column: str, heading: str, filters: ViewFilters) -> html.Div:
    links = []
    for value, on_track, total in zip(
        counts[column], counts["on_track"], counts["total"], strict=True
    ):
        name = group_name(column, value)
        href = _group_href(column, value, filters)
        label = f"{name} ({on_track}/{total})"
        links.append(
            html.A(label, href=href, className="me-3")
            if href
            else html.Span(label, className="me-3")
        )
    return html.P([html.Strong(heading + ": "), *links], className="small group-links")


def _ranking(grouped: pd.DataFrame) -> dbc.Row:
    """The RANKED bodies furthest ahead and furthest behind (bodies without data are left out)."""
    reported = grouped[grouped["progress_pct"].notna()]
    ahead = reported.sort_values(["progress_pct", "partner_code"], ascending=[False, True]).head(
        RANKED
    )
    behind = reported.sort_values(["progress_pct", "partner_code"]).head(RANKED)
    return dbc.Row(
        [
            dbc.Col(_ranking_table(_("Furthest ahead"), ahead, "overview-top"), xs=12, md=6),
            dbc.Col(_ranking_table(_("Furthest behind"), behind, "overview-bottom"), xs=12, md=6),
        ],
        className="mt-2",
    )


def _ranking_table(title: str, rows: pd.DataFrame, table_id: str) -> html.Div:
    body = [
        html.Tr(
            [
                html.Td(html.A(row.partner_label, href=partner_link(row.partner_code))),
                html.Td(group_name("county", row.county), className="text-muted"),
                html.Td(f"{row.progress_pct:.0f} %", className="text-end"),
            ]
        )
        for row in rows.itertuples()
    ]
    return html.Div(
        [
            html.H3(title, className="h6 mt-2"),
            dbc.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(_("Body")),
                                html.Th(_("County")),
                                html.Th(_("Progress"), className="text-end"),
                            ]
                        )
                    ),
                    html.Tbody(body),
                ],
                size="sm",
                className="mb-0",
                id=table_id,
            ),
        ]
    )


def _paged_table(table_id: str, columns: list[dict], rows: list[dict]):
    """PAGE_ROWS at a time; markdown columns carry the links."""
    return paged_table(
        table_id, columns, rows, PAGE_ROWS, markdown_options={"link_target": "_self"}
    )


def _markdown_link(text: str, href: str) -> str:
    """A markdown link whose text cannot break out of the brackets (names typed by partners)."""
    safe = "".join(f"\\{char}" if char in "\\[]()*_`#<>!|~" else char for char in str(text))
    return f"[{safe}]({href})"


def indicator_status_card(progress: pd.DataFrame, filters: ViewFilters) -> dbc.Card:
    """Each indicator's bodies on track / behind / without data, linked to its chart page."""
    # The indicators most bodies have targets for first.
    counts = status_counts(progress, "indicator_code").sort_values(
        ["total", "indicator_code"], ascending=[False, True]
    )
    names = progress.drop_duplicates("indicator_code").set_index("indicator_code")
    # The indicator page shows the same group: county and type travel in the link.
    group = {
        key: value
        for key, value in (("county", filters.county), ("type", filters.body_type))
        if value
    }
    rows = []
    for record in counts.itertuples(index=False):
        code = record.indicator_code
        href = indicator_href(code, names.at[code, "category"])
        if group:
            href += "&" + urlencode(group)
        total = int(record.total)
        rows.append(
            {
                "indicator": _markdown_link(f"{code} — {names.at[code, 'indicator_name']}", href),
                "on_track": int(record.on_track),
                "behind": int(record.behind),
                "no_data": int(record.no_data),
                "share": round(100 * int(record.on_track) / total) if total else 0,
            }
        )
    columns = [
        {"name": _("Indicator"), "id": "indicator", "presentation": "markdown"},
        {"name": _(STATUS_LABELS["on track"]), "id": "on_track", "type": "numeric"},
        {"name": _(STATUS_LABELS["behind"]), "id": "behind", "type": "numeric"},
        {"name": _(STATUS_LABELS["no data"]), "id": "no_data", "type": "numeric"},
        {"name": _("% on track"), "id": "share", "type": "numeric"},
    ]
    return chart_card(
        _("Indicators at a glance"),
        _paged_table("overview-indicator-status", columns, rows),
        subtitle=_("Bodies on track, behind and without data for each indicator with targets."),
        source=_(
            "Source: values and targets reported by the partners, up to the last ended period."
        ),
        demo=bool(progress["demo_values"].sum()) if not progress.empty else False,
    )


def freshness_by_group_card(
    freshness: pd.DataFrame | None, partners: pd.DataFrame, period, filters: ViewFilters
) -> dbc.Card:
    """Per group, how many bodies have reported the last ended period; then, a page at a time, the
    bodies that have not."""
    if freshness is None or period is None:
        return freshness_card(None, None)  # "No reporting period has ended yet."
    column, heading = grouping(filters)
    grouped = with_groups(freshness, partners, "partner_code")
    grouped["reported"] = grouped["values_in_period"] > 0
    summary = (
        grouped.assign(_group=grouped[column].astype(object).where(grouped[column].notna(), None))
        .groupby("_group", dropna=False)["reported"]
        .agg(["sum", "count"])
        .reset_index()
    )
    summary_rows = [
        html.Tr(
            [
                html.Td(
                    html.A(group_name(column, value), href=href)
                    if (href := _group_href(column, value, filters))
                    else group_name(column, value)
                ),
                html.Td(
                    [
                        f"{int(done)} / {int(count)}",
                        html.Small(
                            " " + _("({n} missing)").format(n=int(count - done)),
                            className="text-danger",
                        )
                        if done < count
                        else None,
                    ],
                    className="text-end",
                ),
            ]
        )
        for value, done, count in summary.itertuples(index=False, name=None)
    ]
    missing = grouped[~grouped["reported"]]
    missing_rows = [
        {
            "body": _markdown_link(row.partner_name, partner_link(row.partner_code)),
            "group": group_name(column, getattr(row, column)),
            "last": row.last_reported_period or _("never"),
        }
        for row in missing.itertuples()
    ]
    missing_part = (
        html.P(
            _("Every body has reported {period}.").format(period=period.label),
            className="text-success",
        )
        if missing.empty
        else html.Div(
            [
                html.H3(
                    ngettext(
                        "{n} body has not reported {period}",
                        "{n} bodies have not reported {period}",
                        len(missing),
                    ).format(n=len(missing), period=period.label),
                    className="h6 mt-3",
                ),
                _paged_table(
                    "overview-missing",
                    [
                        {"name": _("Body"), "id": "body", "presentation": "markdown"},
                        {"name": heading, "id": "group"},
                        {"name": _("Last reported"), "id": "last"},
                    ],
                    missing_rows,
                ),
            ]
        )
    )
    return chart_card(
        _("Data freshness"),
        html.Div(
            [
                dbc.Table(
                    [
                        html.Thead(
                            html.Tr([html.Th(heading), html.Th(period.label, className="text-end")])
                        ),
                        html.Tbody(summary_rows),
                    ],
                    size="sm",
                    className="mb-0",
                    id="overview-freshness",
                ),
                missing_part,
            ]
        ),
        subtitle=_("Bodies that have reported {period}, per group.").format(period=period.label),
        source=_("Source: values stored per partner and period (uploads, corrections, demo data)."),
    )


def region_cards(
    pipeline: pd.DataFrame,
    progress: pd.DataFrame,
    freshness: pd.DataFrame | None,
    partners: pd.DataFrame,
    period,
    indicator: str | None,
    filters: ViewFilters,
) -> list:
    """The overview's body below the headline figures, for many bodies."""
    return [
        dbc.Row(
            [
                dbc.Col(
                    progress_by_group_card(progress, partners, indicator, filters), xs=12, xl=7
                ),
                dbc.Col(group_pipeline_card(pipeline, partners), xs=12, xl=5),
            ]
        ),
        dbc.Row(
            [
                dbc.Col(indicator_status_card(progress, filters), xs=12, xl=7),
                dbc.Col(freshness_by_group_card(freshness, partners, period, filters), xs=12, xl=5),
            ]
        ),
    ]
