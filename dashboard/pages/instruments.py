"""Policy instruments: each partner's instrument, its policy changes and their stage history.

Filters (partner, stage, type of change) live in the URL query string (``?partner=MDPWA,REDEA&stage=adopted``):
changing one pushes a new URL and the page is rendered again from it, so links and the back button work.
A partner records a new stage event (with a link or a document as evidence) in the form at the bottom.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, callback, ctx, dcc, html

from dashboard.access import current_actor
from dashboard.callback_guard import NotFound
from dashboard.components.filters import filter_bar, parse_filters, partner_filter_notice
from dashboard.components.pager import page_number
from dashboard.components.stages import STAGE_LABELS, stage_label
from dashboard.database import read_session
from dashboard.figure_cache import remember
from dashboard.queries.data_version import POLICY, SETUP
from dashboard.queries.instruments import (
    change_types,
    evidence_document,
)
from dashboard.queries.partner import partner_codes_visible_to
from dashboard.views.instrument_list import (
    DOWNLOAD_TYPE,
    FILTER_KEYS,
    instrument_list,
    url_filters,
)
from dashboard.views.stage_event_form import record_modal
from i18n import N_, _, page_title

dash.register_page(
    __name__,
    path="/instruments",
    name=N_("Policy instruments"),
    title=page_title("Policy instruments"),
    order=10,
)


def layout(**query):
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor())
        filters = url_filters(query, visible)
        page = page_number(query)
        view = parse_filters(query, partner_codes=visible)
        chosen = view.selected_partners(visible)
        types = change_types(session)
        # A link naming only unknown partners shows nobody's changes, and says why.
        content = (
            remember(
                session, "instruments.list", (tuple(visible), sorted(filters.items()), page),
                lambda: instrument_list(session, visible, filters, page=page),
                actions=POLICY + SETUP,
                partner_codes=[c for c in filters["partner"] if c in visible] or visible,
            )
            if chosen or not visible
            else []
        )  # fmt: skip
    return html.Div(
        [
            dcc.Location(id="instruments-url", refresh="callback-nav"),
            dcc.Download(id="instruments-download"),
            dcc.Store(id="instruments-change"),
            html.H1(_("Policy instruments")),
            html.Div(id="instruments-notice"),
            _filter_bar(visible, types, filters),
            partner_filter_notice(view, chosen, "instruments-partner-notice"),
            html.Div(content, id="instruments-list"),
            record_modal(),
        ]
    )


def _filter_bar(visible: list[str], types: pd.DataFrame, filters: dict) -> dbc.Card:
    def dropdown(key: str, label: str, options: list[dict]) -> html.Div:
        known = {o["value"] for o in options}
        return html.Div(
            [
                dbc.Label(label, html_for=f"instruments-filter-{key}", className="filter-label"),
                dcc.Dropdown(
                    id=f"instruments-filter-{key}",
                    options=options,
                    value=[v for v in filters[key] if v in known],
                    multi=True,
                    placeholder=_("All"),
                ),
            ]
        )

    return filter_bar(
        dropdown("partner", _("Partner"), [{"label": c, "value": c} for c in visible]),
        dropdown(
            "stage", _("Stage"), [{"label": stage_label(s), "value": s} for s in STAGE_LABELS]
        ),
        dropdown(
            "type",
            _("Type of change"),
            [{"label": r.label, "value": r.code} for r in types.itertuples()],
        ),
    )


@callback(
    Output("instruments-url", "search"),
    Input("instruments-filter-partner", "value"),
    Input("instruments-filter-stage", "value"),
    Input("instruments-filter-type", "value"),
    prevent_initial_call=True,
)
def update_url(partners, stages, types):
    """A filter changed: push the new query string; the page router renders the filtered page."""
    pairs = [
        (key, ",".join(values))
        for key, values in zip(FILTER_KEYS, (partners, stages, types), strict=True)
        if values
    ]
    return "?" + urlencode(pairs, safe=",") if pairs else ""


@callback(
    Output("instruments-download", "data"),
    Input({"type": DOWNLOAD_TYPE, "sha256": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def download_evidence(_clicks):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered[0]["value"]:
        raise dash.exceptions.PreventUpdate
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor())
        document = evidence_document(session, trigger["sha256"], visible)
    if document is None:
        raise NotFound(_("There is no such document."))
    title, content = document
    return dcc.send_bytes(content, _download_name(title, trigger["sha256"]))


def _download_name(title: str, sha256: str) -> str:
    """The original file name kept in the title ("Decision (decision.pdf)"), else one from the hash
    with the original extension."""
    match = re.search(r"([\w .-]+\.[A-Za-z0-9]{1,5})\)?$", title)
    if match:
        return match.group(1).strip()
    extension = re.search(r"(\.[A-Za-z0-9]{1,5})\)?$", title)
    return f"evidence-{sha256[:12]}{extension.group(1) if extension else ''}"
