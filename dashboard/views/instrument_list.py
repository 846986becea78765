"""The list of instruments with their policy changes, stage timelines and evidence, as the URL's
filters choose them (shared by the page and by the stage form, which re-renders it after a save)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.access import current_actor
from dashboard.components.filters import parse_filters
from dashboard.components.pager import page_bounds, pager
from dashboard.components.stages import stage_badge
from dashboard.components.timeline import event_timeline, evidence_list, stage_pipeline
from dashboard.queries.instruments import (
    evidence_items,
    instruments_with_changes,
    stage_events,
)
from i18n import _
from rules.formatting import format_date

FILTER_KEYS = ("partner", "stage", "type")
DOWNLOAD_TYPE = "instruments-evidence"
# Instruments per page: the region's hundreds are shown a page at a time (``?page=N``), and only the
# shown instruments' stage events and evidence are read.
PAGE_SIZE = 20


def url_filters(query: dict, visible: list[str]) -> dict[str, list[str]]:
    """Partner (the shared URL convention), stage and type of change from the query string."""
    partners = parse_filters(query, partner_codes=visible).partners
    return {
        "partner": list(partners or []),
        "stage": _split(query.get("stage", "")),
        "type": _split(query.get("type", "")),
    }


def _split(raw: str | list) -> list[str]:
    """URL values as a list: ``"A,B"`` and ``?x=A&x=B`` both mean [A, B]."""
    values = raw if isinstance(raw, list) else [raw]
    return [part.strip() for value in values for part in str(value).split(",") if part.strip()]


def instrument_list(
    session, visible: list[str], filters: dict, open_change: str | None = None, page: int = 1
) -> list:
    partners = [c for c in filters["partner"] if c in visible] or visible
    changes = instruments_with_changes(
        session, partners, stages=filters["stage"] or None, change_types=filters["type"] or None
    )
    if changes.empty:
        return [
            dbc.Alert(
                _(
                    "No partners yet. Load the demo data with `sharing demo`, or add the partners "
                    "on the Setup page."
                ),
                color="info",
                id="instruments-empty",
            )
        ]
    instruments = list(dict.fromkeys(changes["instrument_id"]))
    page, pages, first = page_bounds(page, len(instruments), PAGE_SIZE)
    shown = instruments[first : first + PAGE_SIZE]
    changes = changes[changes["instrument_id"].isin(shown)]
    change_ids = [int(i) for i in changes["change_id"].dropna()]
    events = stage_events(session, change_ids)
    evidence = evidence_items(session, change_ids)
    actor = current_actor()
    filtered = any(filters.values())
    cards = [
        _instrument_card(
            rows, events, evidence, actor.can_edit(rows.iloc[0].partner_code), filtered, open_change
        )
        for _id, rows in changes.groupby("instrument_id", sort=False)
    ]
    if pages == 1:
        return cards
    summary = _("Instruments {first}–{last} of {total} (page {page} of {pages})").format(
        first=first + 1, last=first + len(shown), total=len(instruments), page=page, pages=pages
    )
    pairs = [(key, ",".join(values)) for key, values in filters.items() if values]
    nav = pager("/instruments", pairs, page, pages, summary, _("Pages of instruments"))
    return [nav, *cards, nav]


def _instrument_card(
    rows, events, evidence, can_edit: bool, filtered: bool, open_change: str | None
) -> dbc.Card:
    first = rows.iloc[0]
    change_rows = rows.dropna(subset=["change_code"])
    if change_rows.empty:
        body = html.P(
            _("No policy change matches these filters.")
            if filtered
            else _("No policy changes recorded yet."),
            className="text-muted mb-0",
        )
    else:
        body = dbc.Accordion(
            [
                _change_item(
                    row,
                    events[events["change_id"] == row.change_id],
                    evidence[evidence["change_id"] == row.change_id],
                    can_edit,
                )
                for row in change_rows.itertuples()
            ],
            always_open=True,
            # After recording an event the page is rendered again: keep that change open.
            **(
                {"active_item": [open_change]}
                if open_change in set(change_rows["change_code"])
                else {"start_collapsed": True}
            ),
            flush=True,
        )
    kind = _(first.instrument_kind) if isinstance(first.instrument_kind, str) else None
    reference = " — ".join(
        str(x) for x in (kind, first.legal_reference) if isinstance(x, str) and x
    )
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    dcc.Link(
                        html.Strong(first.partner_code), href=f"/partners/{first.partner_code}"
                    ),
                    " · ",
                    first.partner_name,
                ]
            ),
            dbc.CardBody(
                [
                    html.H2(first.instrument_title, className="h5 card-title"),
                    html.P(reference, className="text-muted small"),
                    body,
                ]
            ),
        ],
        className="mb-3 instrument-card",
    )


def _change_item(row, events, evidence, can_edit: bool) -> dbc.AccordionItem:
    since = _("since {date}").format(date=format_date(row.stage_since)) if row.stage_since else ""
    title = html.Div(
        [
            html.Span(row.change_code, className="change-code"),
            html.Span(row.change_title, className="change-title"),
            html.Span(
                [stage_badge(row.stage), html.Small(since, className="text-muted ms-1")],
                className="change-stage",
            ),
            dbc.Badge(_("demo data"), color="light", text_color="secondary", className="ms-1")
            if row.is_demo
            else None,
        ],
        className="change-heading",
    )
    record_button = (
        dbc.Button(
            _("Record a stage event"),
            id={"type": "instruments-record-open", "change": row.change_code},
            color="primary",
            size="sm",
            n_clicks=0,
        )
        if can_edit
        else None
    )
    return dbc.AccordionItem(
        [
            html.P(row.change_description, className="mb-2") if row.change_description else None,
            html.P(
                _("Type of change: {type}").format(type=row.change_type_label),
                className="small mb-2",
            ),
            stage_pipeline(row.stage),
            dbc.Row(
                [
                    dbc.Col(
                        [html.H3(_("Stage history"), className="h6"), event_timeline(events)],
                        md=7,
                    ),
                    dbc.Col(
                        [
                            html.H3(_("Evidence"), className="h6"),
                            evidence_list(evidence, DOWNLOAD_TYPE),
                        ],
                        md=5,
                    ),
                ],
                className="mt-2",
            ),
            record_button,
        ],
        title=title,
        item_id=row.change_code,
    )
