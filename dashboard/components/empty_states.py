"""Empty states that say what to do next, shared by every page."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import dash_bootstrap_components as dbc
from dash import html

from dashboard.components.links import linked
from i18n import _

UPLOAD_PATH = "/upload"
SETUP_PATH = "/setup"


def no_data_alert(component_id: str) -> dbc.Alert:
    """An empty database: "No data yet — load the demo with `sharing demo` or upload a workbook"."""
    return dbc.Alert(
        linked(
            _("{no_data} — load the demo with {command} or {upload}."),
            no_data=html.Strong(_("No data yet")),
            command=html.Code("sharing demo"),
            upload=html.A(_("upload a workbook"), href=UPLOAD_PATH, className="alert-link"),
        ),
        color="info",
        id=component_id,
        className="no-data-alert",
    )


def template_link(partner_code: str) -> str:
    """The Upload page for one partner (where its template is downloaded)."""
    return f"{UPLOAD_PATH}?{urlencode({'partner': partner_code})}"


def partner_link(partner_code: str) -> str:
    return f"/partners/{quote(partner_code, safe='')}"


def missing_period_note(partner_name: str, partner_code: str, period_label: str) -> html.Span:
    """ "No data for P7 yet from Smiltene — download the template" (partner names shown as text)."""
    return html.Span(
        linked(
            _("No data for {period} yet from {partner} — {template}").format(
                period=period_label, partner=partner_name, template="{template}"
            ),
            template=html.A(_("download the template"), href=template_link(partner_code)),
        ),
        className="missing-note",
    )
