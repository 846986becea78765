"""Activity: the audit trail for monitoring officers. Every change to the data (imports, corrections, stage
events and evidence, every Setup edit, addition and deletion), who made it, when, from what to what.

Filters (partner, action, object, from, to) live in the URL query string, so a link reproduces the view.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard.access import Permission, current_actor
from dashboard.components.activity import action_label, activity_table
from dashboard.components.filters import filter_bar, labelled_dropdown
from dashboard.database import read_session
from dashboard.queries.audit import DEFAULT_LIMIT, audit_events
from dashboard.queries.partner import partner_codes_visible_to
from i18n import N_, _, page_title
from services.audit import ACTIONS

dash.register_page(
    __name__, path="/activity", name=N_("Activity"), title=page_title("Activity"), order=85
)

OBJECT_TYPES = {
    "observation": N_("reported value"),
    "upload": N_("upload"),
    "policy_change": N_("policy change"),
    "target": N_("target"),
    "milestone": N_("milestone"),
    "indicator": N_("indicator"),
    "partner": N_("partner"),
    "period": N_("reporting period"),
    "setup": N_("setup workbook"),
    "submission": N_("submission (review)"),
    "user": N_("account"),
    "share_link": N_("share link"),
    "export": N_("export"),
}


def _day(raw: object) -> date | None:
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def _last(raw: object) -> str | None:
    """A URL value; a repeated key (``?action=a&action=b``) arrives as a list and the last one counts."""
    if isinstance(raw, list):
        raw = raw[-1] if raw else None
    return raw if isinstance(raw, str) else None


def _object_id(object_type: str | None, raw: str | None) -> tuple[str | None, bool]:
    """The object id in the URL, and whether the URL gave one that no object of that type can have."""
    if not raw or not object_type:
        return None, False
    if object_type == "setup":
        valid = raw == "workbook"
    else:
        valid = bool(re.fullmatch(r"[1-9]\d{0,18}", raw)) and int(raw) <= 2**63 - 1
    return (raw, False) if valid else (None, True)


def _scope(object_id: str | None, bad_id: bool, shown: int) -> str:
    if bad_id:
        return _("The id in the address is not an id of this kind of object; showing all of them.")
    if object_id and not shown:
        return _(
            "Nothing is recorded for this id: there is no such object, or it has no history yet."
        )
    if object_id:
        return _("Showing the history of one object; clear the Object filter to see everything.")
    return ""


def layout(partner=None, action=None, object=None, id=None, **query):  # noqa: A002 (URL keys)
    partner, action, object, id = (_last(raw) for raw in (partner, action, object, id))  # noqa: A001
    since, until = _day(_last(query.get("from"))), _day(_last(query.get("to")))
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor(), Permission.READ_AUDIT)
        partner = partner if partner in visible else None
        action = (
            action
            if action in ACTIONS or (action or "").rstrip(".") in {a.split(".")[0] for a in ACTIONS}
            else None
        )
        object_type = object if object in OBJECT_TYPES else None
        object_id, bad_id = _object_id(object_type, id)
        events = audit_events(
            session, visible, partner=partner, action=action, object_type=object_type,
            object_id=object_id, since=since, until=until,
        )  # fmt: skip
    shown = len(events)
    return html.Div(
        [
            dcc.Location(id="activity-url", refresh="callback-nav"),
            html.H1(_("Activity")),
            html.P(
                _(
                    "Every change to the data, newest first: imports, corrections, stage events "
                    "and evidence, and every Setup edit, addition and deletion."
                ),
                className="text-muted",
            ),
            filter_bar(
                _dropdown("partner", _("Partner"), [(c, c) for c in visible], partner),
                _dropdown(
                    "action",
                    _("Action"),
                    [(code, action_label(code)) for code in sorted(ACTIONS)],
                    action,
                ),  # fmt: skip
                _dropdown(
                    "object",
                    _("Object"),
                    [(code, _(label)) for code, label in OBJECT_TYPES.items()],
                    object_type,
                ),  # fmt: skip
                html.Div(
                    [
                        dbc.Label(
                            _("Between"), html_for="activity-dates", className="filter-label"
                        ),
                        dcc.DatePickerRange(
                            id="activity-dates",
                            start_date=since,
                            end_date=until,
                            display_format="DD.MM.YYYY",
                            clearable=True,
                        ),  # fmt: skip
                    ]
                ),
            ),
            html.P(
                _scope(object_id, bad_id, shown), className="small text-muted", id="activity-scope"
            ),
            activity_table(events),
            html.P(
                _(
                    "Only the newest {n} events are shown; narrow the filters to see older ones."
                ).format(n=DEFAULT_LIMIT)
                if shown >= DEFAULT_LIMIT
                else "",
                className="small text-muted",
            ),
            dcc.Store(id="activity-object-id", data=object_id),
        ]
    )


def _dropdown(key: str, label: str, options: list[tuple[str, str]], value) -> html.Div:
    return labelled_dropdown(f"activity-filter-{key}", label, options, value)


@callback(
    Output("activity-url", "search"),
    Input("activity-filter-partner", "value"),
    Input("activity-filter-action", "value"),
    Input("activity-filter-object", "value"),
    Input("activity-dates", "start_date"),
    Input("activity-dates", "end_date"),
    State("activity-object-id", "data"),
    prevent_initial_call=True,
)
def update_url(partner, action, object_type, start, end, object_id):
    pairs = []
    for key, value in (("partner", partner), ("action", action), ("object", object_type)):
        if isinstance(value, str) and value:
            pairs.append((key, value))
    if object_type and object_id:
        pairs.append(("id", object_id))
    for key, value in (("from", start), ("to", end)):
        day = _day(str(value)[:10]) if isinstance(value, str) else None
        if day:
            pairs.append((key, day.isoformat()))
    return "?" + urlencode(pairs) if pairs else ""
