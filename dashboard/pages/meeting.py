"""Meeting mode: the steering committee's full-screen presentation of a reporting period,
``/meeting?period=P7&slide=N&partner=...&lang=..&auto=30&data=submitted``.

One slide per topic (reports.wording.TOPICS), built from the same view model as the period report.
The keyboard (assets/meeting.js, no inline script) moves between slides without a round trip and keeps
``slide`` in the URL: arrows, Page Up / Page Down, space, Home / End, a digit to jump, Esc to leave for
the overview; ``auto=30`` advances every 30 seconds for a kiosk screen.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboard.access import Permission, current_actor
from dashboard.components import slides
from dashboard.components.filters import includes_submitted
from dashboard.database import read_session
from dashboard.queries.meeting import MeetingNotFound, meeting_view
from dashboard.queries.overview import latest_ended_period
from dashboard.views.meeting_report import report_buttons, report_filters
from i18n import N_, _
from reports.wording import TOPICS

MAX_AUTO_SECONDS = 3600


def _title(**_path_variables) -> str:
    return _("Meeting mode")


dash.register_page(__name__, path="/meeting", name=N_("Meeting mode"), title=_title, nav=False)


def _first(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return (value or "").strip()


def _whole_number(value, low: int, high: int, default: int) -> int:
    text = _first(value)
    return min(max(int(text), low), high) if text.isdigit() else default


def overview_href(query: dict) -> str:
    """Where Esc and "Leave" go: the overview, with the same partners and values."""
    keep = {key: _first(query.get(key)) for key in ("partner", "data") if _first(query.get(key))}
    return "/" + (f"?{urlencode(keep, safe=',')}" if keep else "")


def layout(**query):
    actor = current_actor()
    partners = [code for code in _first(query.get("partner")).split(",") if code.strip()]
    with read_session() as session:
        period = _first(query.get("period"))
        if not period:
            ended = latest_ended_period(session, date.today())
            period = ended.label if ended else "P1"
        allowed = actor.can_any(Permission.READ_SUBMITTED)
        try:
            meeting = meeting_view(
                session, actor, period, partners or None,
                include_submitted=includes_submitted(query) and allowed, today=date.today(),
            )  # fmt: skip
        except MeetingNotFound as problem:
            return html.Div(
                [
                    dbc.Alert(str(problem), color="warning", id="meeting-not-found"),
                    html.A(_("Back to the overview"), href=overview_href(query)),
                ],
                className="meeting-refusal",
            )
    count = len(TOPICS)
    current = _whole_number(query.get("slide"), 1, count, 1)
    auto = _whole_number(query.get("auto"), 0, MAX_AUTO_SECONDS, 0)
    leave = overview_href(query)
    actions = [
        report_buttons(report_filters(meeting.period.label, partners, meeting.include_submitted)),
        html.A(_("Leave"), href=leave, className="meeting-leave", id="meeting-leave"),
    ]
    return html.Div(
        [
            *[
                slides.slide(topic, meeting, number, current)
                for number, topic in enumerate(TOPICS, start=1)
            ],
            slides.footer(meeting, current, count, actions),
        ],
        className="meeting-deck",
        id="meeting-deck",
        **{"data-count": str(count), "data-auto": str(auto), "data-exit": leave},
    )
