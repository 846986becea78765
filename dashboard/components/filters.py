"""Filters kept in the URL query string, so a link reproduces the exact view and the back button works.

The URL is the single source of truth. A page's layout receives the query string as keyword arguments
(Dash Pages passes them), parses it with ``parse_filters`` and builds its controls and charts from the
result. When a control changes, the page's one URL callback writes ``to_search(...)`` into the page's own
``url_location``; that pushes a browser-history entry, Dash Pages renders the layout again for the new
URL, and Back simply renders the previous URL::

    layout(**query):      filters = parse_filters(query, partner_codes=..., period_numbers=...)
    @callback(Output("esu-url", "search"), Input("esu-partners", "value"), Input("esu-periods", "value"),
              State("esu-partners", "options"), prevent_initial_call=True)
    def _filters_to_url(partners, periods, options):
        return to_search(filters_from_controls(partners, periods, None,
                                               all_partners=option_values(options), all_periods=...))

Query keys: ``partner`` (comma-separated codes; absent = all the user may see, empty = none),
``from`` / ``to`` (period labels such as P2), ``indicator`` (an indicator code), ``data=submitted``
(values awaiting approval shown too), ``scale=own`` (each partner's panel on its own y scale instead of
the one they share), ``county`` and ``type`` (a group of the region's bodies: only its members are
shown, and ``partner`` picks among them).

Past MANY_BODIES partners (the region data set's hundreds of bodies) a page does not show a checkbox
per partner: ``partner_filter`` gives a searchable multi-select whose empty value means "all of the
group", beside the county and body-type drop-downs (``group_filters``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.components.colours import partner_colour
from i18n import _, ngettext
from models.partner import BODY_TYPES

# Up to this many partners a page shows a checkbox each; past it, the searchable multi-select.
MANY_BODIES = 12


@dataclass(frozen=True)
class ViewFilters:
    """What a page shows. ``partners`` None means every partner the user may see."""

    partners: tuple[str, ...] | None = None
    period_from: int | None = None
    period_to: int | None = None
    indicator: str | None = None
    # Values awaiting approval shown too (``data=submitted``); by default only approved values.
    include_submitted: bool = False
    # Each partner's panel on its own y scale (``scale=own``); by default the panels share one.
    own_scale: bool = False
    # Partner codes the link named that are none of the partners the user may see, as typed.
    unknown_partners: tuple[str, ...] = ()
    # The group of bodies shown (``county``, ``type``): None means any.
    county: str | None = None
    body_type: str | None = None

    def in_group(self, partners: pd.DataFrame) -> list[str]:
        """The codes of ``partners`` (visible_partners' frame) in the chosen county and body type."""
        rows = partners
        if self.county is not None:
            rows = rows[rows["county"] == self.county]
        if self.body_type is not None:
            rows = rows[rows["body_type"] == self.body_type]
        return rows["code"].tolist()

    def selected_partners(self, visible: Sequence[str]) -> list[str]:
        """The chosen partners among ``visible``, in ``visible``'s order."""
        if self.partners is None:
            return list(visible)
        return [code for code in visible if code in self.partners]

    def period_bounds(self, numbers: Sequence[int]) -> tuple[int, int] | None:
        """(first, last) period number shown; None when there are no periods."""
        if not numbers:
            return None
        low, high = min(numbers), max(numbers)
        first = low if self.period_from is None else self.period_from
        last = high if self.period_to is None else self.period_to
        return (first, last)


def _first(value: str | list[str] | None) -> str | None:
    if isinstance(value, list):
        return value[-1] if value else None
    return value


def _period_number(raw: str | list[str] | None, numbers: Sequence[int]) -> int | None:
    text = (_first(raw) or "").strip().upper().removeprefix("P")
    if not text.isdigit():
        return None
    number = int(text)
    return number if number in numbers else None


def parse_filters(
    query: Mapping[str, str | list[str]],
    *,
    partner_codes: Sequence[str],
    period_numbers: Sequence[int] = (),
    indicator_codes: Sequence[str] = (),
    counties: Sequence[str] = (),
    body_types: Sequence[str] = (),
) -> ViewFilters:
    """Read filters from Dash Pages' query arguments, keeping only values that exist and may be shown.

    Partner codes match whatever their case (``?partner=smiltene``); those that name no partner the
    user may see are kept apart in ``unknown_partners`` for the page to say so. Unknown periods and
    indicators are dropped silently (an old link still opens); a reversed period range is put in
    order. Never raises.
    """
    partners: tuple[str, ...] | None = None
    unknown: tuple[str, ...] = ()
    if "partner" in query:
        raw = query["partner"]
        values = raw if isinstance(raw, list) else [raw]
        typed = [code.strip() for value in values for code in (value or "").split(",")]
        wanted = {code.upper() for code in typed if code}
        partners = tuple(code for code in partner_codes if code.upper() in wanted)
        known = {code.upper() for code in partner_codes}
        unknown = tuple(dict.fromkeys(code for code in typed if code and code.upper() not in known))
    first = _period_number(query.get("from"), period_numbers)
    last = _period_number(query.get("to"), period_numbers)
    if first is not None and last is not None and first > last:
        first, last = last, first
    indicator = (_first(query.get("indicator")) or "").strip()
    county = (_first(query.get("county")) or "").strip()
    body_type = (_first(query.get("type")) or "").strip()
    return ViewFilters(
        partners=partners,
        period_from=first,
        period_to=last,
        indicator=indicator if indicator in indicator_codes else None,
        include_submitted=includes_submitted(query),
        own_scale=(_first(query.get("scale")) or "").strip() == "own",
        unknown_partners=unknown,
        county=county if county in counties else None,
        body_type=body_type if body_type in body_types else None,
    )


def narrow_to_group(
    partners: pd.DataFrame, query: Mapping[str, str | list[str]]
) -> tuple[pd.DataFrame, list[str]]:
    """(the partners of the county and type of body the URL names, every county there is): what a
    page shows, partner filter included, and what its County drop-down offers."""
    counties = partners["county"].dropna().unique().tolist()
    group = parse_filters(query, partner_codes=[], counties=counties, body_types=BODY_TYPES)
    return partners[partners["code"].isin(group.in_group(partners))], counties


def includes_submitted(query: Mapping[str, str | list[str]]) -> bool:
    """``data=submitted`` in the query: show the values awaiting approval too."""
    return (_first(query.get("data")) or "").strip() == "submitted"


def filters_from_controls(
    partners: Sequence[str] | None,
    periods: Sequence[int] | None,
    indicator: str | None,
    *,
    all_partners: Sequence[str],
    all_periods: Sequence[int],
    default_indicator: str | None = None,
    include_submitted: bool = False,
    own_scale: bool = False,
    county: str | None = None,
    body_type: str | None = None,
) -> ViewFilters:
    """The filters that controls show, with defaults (all partners, all periods, the default
    indicator) left out of the URL, so the plain page URL stays the default view. Past MANY_BODIES
    partners the control is the multi-select, whose empty value means all of them."""
    picker = len(all_partners) > MANY_BODIES
    chosen = (
        None
        if partners is None or (picker and not partners) or set(all_partners) <= set(partners)
        else tuple(partners)
    )
    first, last = (periods[0], periods[-1]) if periods else (None, None)
    if all_periods and first == min(all_periods):
        first = None
    if all_periods and last == max(all_periods):
        last = None
    if indicator == default_indicator:
        indicator = None
    return ViewFilters(
        partners=chosen, period_from=first, period_to=last, indicator=indicator,
        include_submitted=bool(include_submitted), own_scale=bool(own_scale),
        county=county or None, body_type=body_type or None,
    )  # fmt: skip


def to_search(filters: ViewFilters) -> str:
    """The query string (with its "?", or "" for the default view) that ``parse_filters`` reads back."""
    pairs = []
    if filters.partners is not None:
        pairs.append(("partner", ",".join(filters.partners)))
    if filters.period_from is not None:
        pairs.append(("from", f"P{filters.period_from}"))
    if filters.period_to is not None:
        pairs.append(("to", f"P{filters.period_to}"))
    if filters.indicator:
        pairs.append(("indicator", filters.indicator))
    if filters.include_submitted:
        pairs.append(("data", "submitted"))
    if filters.own_scale:
        pairs.append(("scale", "own"))
    if filters.county:
        pairs.append(("county", filters.county))
    if filters.body_type:
        pairs.append(("type", filters.body_type))
    return "?" + urlencode(pairs, safe=",") if pairs else ""


def option_values(options: Sequence[Mapping] | None) -> list:
    return [option["value"] for option in options or []]


def url_location(component_id: str) -> dcc.Location:
    """The page's own location. Writing its ``search`` pushes a history entry without reloading and
    ("callback-nav") tells Dash Pages' router, which renders the page again for the new URL; with
    refresh=False the URL would change but the page would not."""
    return dcc.Location(id=component_id, refresh="callback-nav")


def partner_checklist(
    component_id: str, partners: Sequence[tuple[str, str]], selected: Sequence[str]
) -> html.Div:
    """Inline checkboxes, one per (code, label), each with the partner's chart colour."""
    options = [
        {
            "label": html.Span(
                [
                    html.Span(
                        className="partner-swatch", style={"background": partner_colour(code)}
                    ),
                    label,
                ]
            ),
            "value": code,
        }
        for code, label in partners
    ]
    return html.Div(
        [
            dbc.Label(_("Partners"), html_for=component_id, className="filter-label"),
            dbc.Checklist(
                id=component_id,
                options=options,
                value=list(selected),
                inline=True,
                className="partner-checklist",
            ),
        ]
    )


def partner_filter(
    component_id: str, partners: pd.DataFrame, chosen: Sequence[str], filters: ViewFilters
) -> html.Div:
    """The partner control for ``partners`` (visible_partners' frame, already narrowed to the chosen
    group): a checkbox each for a handful, else a searchable multi-select labelled with each body's
    county, empty when the link names no partner (all of the group are shown)."""
    pairs = list(zip(partners["code"], partners["short_name"], strict=True))
    if len(pairs) <= MANY_BODIES:
        return partner_checklist(component_id, pairs, chosen)
    options = [
        {"label": f"{short} · {_(county)}" if county else short, "value": code}
        for code, short, county in zip(
            partners["code"], partners["short_name"], partners["county"], strict=True
        )
    ]
    return html.Div(
        [
            dbc.Label(_("Bodies"), html_for=component_id, className="filter-label"),
            dcc.Dropdown(
                id=component_id,
                options=options,
                value=[] if filters.partners is None else list(chosen),
                multi=True,
                searchable=True,
                placeholder=ngettext(
                    "All {n} body: type a name to pick some",
                    "All {n} bodies: type a name to pick some",
                    len(pairs),
                ).format(n=len(pairs)),
                className="partner-picker",
            ),
        ]
    )


def group_filters(prefix: str, partners: pd.DataFrame, filters: ViewFilters) -> list:
    """The county and body-type drop-downs (``{prefix}-county``, ``{prefix}-type``). Present but hidden
    while every visible partner is a project partner (nothing to group), so the page's URL callback
    keeps its inputs."""
    counties = sorted(county for county in partners["county"].dropna().unique())
    types = [kind for kind in dict.fromkeys(partners["body_type"]) if kind]
    hidden = not counties
    return [
        _group_dropdown(
            f"{prefix}-county", _("County"), [(c, c) for c in counties], filters.county, hidden
        ),
        _group_dropdown(
            f"{prefix}-type", _("Type of body"), [(t, _(t)) for t in types], filters.body_type,
            hidden,
        ),
    ]  # fmt: skip


def _group_dropdown(component_id, label, options, value, hidden: bool) -> html.Div:
    control = labelled_dropdown(component_id, label, options, value)
    if hidden:
        control.style = {"display": "none"}
    return control


def period_slider(
    component_id: str, periods: Sequence[tuple[int, str]], bounds: tuple[int, int]
) -> html.Div:
    """A range slider over the reporting periods, (number, label) pairs in order."""
    numbers = [number for number, _label in periods]
    return html.Div(
        [
            dbc.Label(_("Reporting periods"), html_for=component_id, className="filter-label"),
            dcc.RangeSlider(
                id=component_id,
                min=min(numbers),
                max=max(numbers),
                step=1,
                value=list(bounds),
                marks={number: label for number, label in periods},
                allowCross=False,
                className="period-slider",
            ),
        ]
    )


def indicator_select(
    component_id: str, indicators: Sequence[tuple[str, str]], selected: str
) -> html.Div:
    """A drop-down of (code, label) indicators; one is always chosen."""
    return html.Div(
        [
            dbc.Label(_("Indicator"), html_for=component_id, className="filter-label"),
            dcc.Dropdown(
                id=component_id,
                options=[{"label": label, "value": code} for code, label in indicators],
                value=selected,
                clearable=False,
                searchable=False,
            ),
        ]
    )


def labelled_dropdown(
    component_id: str, label: str, options: Sequence[tuple[str, str]], value, multi: bool = False
) -> html.Div:
    """A filter dropdown with its label; ``options`` are (value, label) pairs; empty means "All"."""
    return html.Div(
        [
            dbc.Label(label, html_for=component_id, className="filter-label"),
            dcc.Dropdown(
                id=component_id,
                options=[{"label": text, "value": code} for code, text in options],
                value=value,
                multi=multi,
                placeholder=_("All"),
            ),
        ]
    )


def submitted_switch(component_id: str, include_submitted: bool, allowed: bool) -> html.Div:
    """The switch between approved values only (the default) and values awaiting approval too;
    present but hidden for a reader who may not see submitted values (a share link), so the page's
    URL callback keeps its input."""
    return html.Div(
        style=None if allowed else {"display": "none"},
        children=[
            dbc.Label(_("Values shown"), html_for=component_id, className="filter-label"),
            dbc.Switch(
                id=component_id,
                label=_("Include values awaiting approval (open markers)"),
                value=include_submitted and allowed,
            ),
        ],
    )


def scale_switch(component_id: str, own_scale: bool) -> html.Div:
    """The switch between one y scale for every partner's panel (the default: partners compare at a
    glance) and a scale per panel (each partner's own trend in detail)."""
    return html.Div(
        [
            dbc.Label(_("Scale"), html_for=component_id, className="filter-label"),
            dbc.Switch(id=component_id, label=_("Own scale per partner"), value=own_scale),
        ]
    )


def values_shown_note(include_submitted: bool) -> str:
    """What a chart's values are, for its source line."""
    if include_submitted:
        return _("Including values awaiting approval (open markers).")
    return _("Approved values only.")


def partner_filter_notice(filters: ViewFilters, chosen: Sequence[str], component_id: str):
    """What a page says instead of a misleading empty state when its partner filter matches nothing:
    "unknown partner XX" for codes no visible partner has, "no partner selected" when none is ticked;
    None when the filter shows some partner and names none unknown."""
    if filters.unknown_partners:
        codes = ", ".join(filters.unknown_partners)
        count = len(filters.unknown_partners)
        if chosen:
            text = ngettext(
                "Unknown partner {codes}: it is left out; the other partners of the link are shown.",
                "Unknown partners {codes}: they are left out; the other partners of the link are "
                "shown.",
                count,
            ).format(codes=codes)
        else:
            text = ngettext(
                "Unknown partner {codes}: no partner has this code. Choose the partners to show "
                "above.",
                "Unknown partners {codes}: no partner has these codes. Choose the partners to show "
                "above.",
                count,
            ).format(codes=codes)
        return dbc.Alert(text, color="warning", id=component_id, className="partner-filter-notice")
    if filters.partners is not None and not chosen:
        return dbc.Alert(
            _("No partner selected: choose at least one partner above to see its data."),
            color="info",
            id=component_id,
            className="partner-filter-notice",
        )
    return None


def filter_bar(*controls) -> dbc.Card:
    """Controls side by side on wide screens, stacked on a phone; hidden ones take no column."""
    present = [control for control in controls if control is not None]
    hidden = [c for c in present if (getattr(c, "style", None) or {}).get("display") == "none"]
    return dbc.Card(
        dbc.CardBody(
            [
                dbc.Row(
                    [
                        dbc.Col(c, xs=12, lg=True)
                        for c in present
                        if not any(c is h for h in hidden)
                    ],
                    className="g-3",
                ),
                *hidden,
            ]
        ),
        className="filter-bar mb-3",
    )
