"""The audit trail as a table: when, who, what was done to which object, from what to what, and why."""

from __future__ import annotations

import pandas as pd
from dash import html

from i18n import N_, _
from rules.formatting import format_datetime, format_field
from services.audit import ACTIONS
from services.catalogue import EDITABLE

ROLE_LABELS = {
    "admin": N_("monitoring officer"),
    "editor": N_("partner editor"),
    "viewer": N_("steering committee"),
    "share-link": N_("read-only link"),
    "anonymous": N_("not signed in"),
}


def action_label(action: str) -> str:
    return _(ACTIONS.get(action, action))


def field_label(object_type: str, key: str) -> str:
    """The Setup page's label of a field ("Target" for target_value), else the stored name."""
    field = EDITABLE.get(object_type, {}).get(key)
    return _(field.label) if field else key


def change_lines(before: dict, after: dict, object_type: str = "") -> list:
    """One line per changed field: "Target: 40 → 42.5"; additions and deletions list the fields."""
    keys = list(dict.fromkeys([*(before or {}), *(after or {})]))
    lines = []
    for key in keys:
        old, new = (before or {}).get(key), (after or {}).get(key)
        label = field_label(object_type, key)
        if key in (before or {}) and key in (after or {}):
            text = f"{label}: {_shown(old)} → {_shown(new)}"
        else:
            text = f"{label}: {_shown(new if key in (after or {}) else old)}"
        lines.append(html.Div(text))
    return lines


def _shown(value: object) -> str:
    """A field value; the counts of an import ({"inserted": 2, ...}) and lists read item by item."""
    if isinstance(value, dict | list):
        return ", ".join(
            f"{k} {_shown(v)}"
            for k, v in (value.items() if isinstance(value, dict) else enumerate(value))
        )
    return format_field(value)


def activity_table(events: pd.DataFrame, *, table_id: str = "activity-table") -> html.Div:
    """Audit events, newest first; partner-typed texts are shown as text (Dash escapes them)."""
    if events.empty:
        return html.P(
            _("Nothing matches: no change was recorded with these filters."), className="text-muted"
        )
    header = html.Thead(
        html.Tr(
            [
                html.Th(_("When (UTC)")),
                html.Th(_("Who")),
                html.Th(_("What")),
                html.Th(_("Of")),
                html.Th(_("Partner")),
                html.Th(_("Change")),
                html.Th(_("Comment or reason")),
            ]
        )
    )
    rows = []
    for row in events.itertuples():
        role = _(ROLE_LABELS.get(row.actor_role, row.actor_role))
        details = [part for part in (role, row.actor_partner) if part and part != row.actor_name]
        who = f"{row.actor_name} ({', '.join(details)})" if details else row.actor_name
        rows.append(
            html.Tr(
                [
                    html.Td(format_datetime(row.occurred_at), className="text-nowrap"),
                    html.Td(who, className="small"),
                    html.Td(action_label(row.action), **{"data-action": row.action}),
                    html.Td(row.object_label),
                    html.Td(row.partner_code or _("all partners"), className="small"),
                    html.Td(
                        change_lines(row.before, row.after, row.object_type),
                        className="small text-break",
                    ),
                    html.Td(row.comment, className="small text-break"),
                ]
            )
        )
    return html.Div(
        html.Table(
            [header, html.Tbody(rows)],
            className="table table-sm table-hover align-middle",
            id=table_id,
        ),
        className="table-responsive",
    )
