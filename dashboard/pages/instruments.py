"""Policy instruments: each partner's instrument and the current stage of each policy change."""

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboard.components.stages import stage_badge
from dashboard.database import read_session
from dashboard.i18n import _
from dashboard.queries.instruments import instruments_with_changes

dash.register_page(
    __name__, path="/", name=_("Policy instruments"), title=_("Policy instruments"), order=10
)


def layout(**_query):
    with read_session() as session:
        changes = instruments_with_changes(session)
    if changes.empty:
        return html.Div(
            [
                html.H1(_("Policy instruments")),
                dbc.Alert(
                    _(
                        "No partners yet. Load the demo data with `sharing demo`, or set up the partners."
                    ),
                    color="info",
                    id="instruments-empty",
                ),
            ]
        )
    cards = [_instrument_card(rows) for _id, rows in changes.groupby("instrument_id", sort=False)]
    return html.Div([html.H1(_("Policy instruments")), html.Div(cards, id="instruments-list")])


def _instrument_card(rows) -> dbc.Card:
    first = rows.iloc[0]
    change_rows = rows.dropna(subset=["change_code"])
    table_rows = [
        html.Tr(
            [
                html.Td(row.change_code, className="text-nowrap"),
                html.Td(row.change_title),
                html.Td(stage_badge(row.stage)),
                html.Td(str(row.stage_since or ""), className="text-nowrap"),
            ]
        )
        for row in change_rows.itertuples()
    ]
    body = (
        dbc.Table(
            [
                html.Thead(
                    html.Tr(
                        [
                            html.Th(_("Change")),
                            html.Th(_("Title")),
                            html.Th(_("Stage")),
                            html.Th(_("Since")),
                        ]
                    )
                ),
                html.Tbody(table_rows),
            ],
            size="sm",
            hover=True,
            responsive=True,
            className="mb-0",
        )
        if table_rows
        else html.P(_("No policy changes recorded yet."), className="text-muted")
    )
    demo_note = (
        html.Small(
            _("Demo data: stage histories are invented for illustration."), className="text-muted"
        )
        if change_rows["is_demo"].any()
        else None
    )
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.Strong(first.partner_code),
                    " · ",
                    first.partner_name,
                ]
            ),
            dbc.CardBody(
                [
                    html.H5(first.instrument_title, className="card-title"),
                    html.P(
                        [first.instrument_kind, " — ", first.legal_reference or ""],
                        className="text-muted small",
                    ),
                    body,
                    demo_note,
                ]
            ),
        ],
        className="mb-3 instrument-card",
    )
