"""URL filters: what parse_filters reads back is what to_search wrote, and bad links still open."""

from urllib.parse import parse_qs

from hypothesis import given
from hypothesis import strategies as st

from dashboard.components.filters import (
    ViewFilters,
    filters_from_controls,
    parse_filters,
    partner_filter_notice,
    to_search,
)

PARTNERS = ["MDPWA", "SWO-RDA", "REDEA", "SMILTENE", "PLH"]
PERIODS = list(range(1, 9))
INDICATORS = ["ESU-SERVICES", "ESU-USERS", "RCR11"]


def _query(search: str) -> dict:
    """What Dash Pages hands to layout(): parse_qs with single values unwrapped."""
    parsed = parse_qs(search.removeprefix("?"), keep_blank_values=True)
    return {key: values[0] if len(values) == 1 else values for key, values in parsed.items()}


def _parse(search: str) -> ViewFilters:
    return parse_filters(
        _query(search), partner_codes=PARTNERS, period_numbers=PERIODS, indicator_codes=INDICATORS
    )


def test_the_default_view_has_an_empty_query_string():
    assert to_search(ViewFilters()) == ""
    assert _parse("") == ViewFilters()


def test_a_full_query_string_is_read():
    filters = _parse("?partner=PLH,SMILTENE&from=P2&to=P6&indicator=ESU-USERS")
    # Partners come back in display order, whatever order the link used.
    assert filters == ViewFilters(("SMILTENE", "PLH"), 2, 6, "ESU-USERS")
    assert filters.selected_partners(PARTNERS) == ["SMILTENE", "PLH"]
    assert filters.period_bounds(PERIODS) == (2, 6)


def test_unknown_values_are_dropped_and_a_reversed_range_is_put_in_order():
    filters = _parse("?partner=NOPE,PLH&from=P7&to=3&indicator=DROP TABLE")
    assert filters == ViewFilters(("PLH",), 3, 7, None, unknown_partners=("NOPE",))
    assert _parse("?from=P0&to=P99") == ViewFilters()
    assert _parse("?from=abc") == ViewFilters()


def test_an_empty_partner_list_means_none_and_a_missing_one_means_all():
    assert _parse("?partner=").selected_partners(PARTNERS) == []
    assert _parse("?from=P2").selected_partners(PARTNERS) == PARTNERS


def test_partner_codes_match_whatever_their_case():
    assert _parse("?partner=smiltene,Plh").partners == ("SMILTENE", "PLH")
    assert _parse("?partner=swo-rda").selected_partners(PARTNERS) == ["SWO-RDA"]
    assert _parse("?partner=xx,XX,smiltene").unknown_partners == ("xx", "XX")


def test_a_filter_that_matches_nothing_says_why():
    unknown = _parse("?partner=XX")
    notice = partner_filter_notice(unknown, unknown.selected_partners(PARTNERS), "n")
    assert notice.children == (
        "Unknown partner XX: no partner has this code. Choose the partners to show above."
    )
    some = _parse("?partner=XX,YY,PLH")
    notice = partner_filter_notice(some, some.selected_partners(PARTNERS), "n")
    assert notice.children.startswith("Unknown partners XX, YY: they are left out")
    nobody = _parse("?partner=")
    notice = partner_filter_notice(nobody, nobody.selected_partners(PARTNERS), "n")
    assert notice.children.startswith("No partner selected")
    for fine in ("", "?partner=PLH", "?from=P2"):
        filters = _parse(fine)
        assert partner_filter_notice(filters, filters.selected_partners(PARTNERS), "n") is None


def test_repeated_keys_are_accepted():
    assert _parse("?partner=PLH&partner=MDPWA").partners == ("MDPWA", "PLH")


def test_partners_the_user_may_not_see_never_come_through():
    filters = parse_filters({"partner": "MDPWA,PLH"}, partner_codes=["PLH"])
    assert filters.selected_partners(["PLH"]) == ["PLH"]


def test_controls_left_at_their_defaults_stay_out_of_the_url():
    filters = filters_from_controls(
        PARTNERS, [1, 8], "ESU-USERS", all_partners=PARTNERS, all_periods=PERIODS
    )
    assert to_search(filters) == "?indicator=ESU-USERS"
    narrowed = filters_from_controls(
        ["PLH"], [2, 5], None, all_partners=PARTNERS, all_periods=PERIODS
    )
    assert to_search(narrowed) == "?partner=PLH&from=P2&to=P5"
    from_p3 = filters_from_controls(None, [3, 8], None, all_partners=PARTNERS, all_periods=PERIODS)
    assert to_search(from_p3) == "?from=P3"


def test_own_scale_goes_into_the_url_only_when_chosen():
    own = filters_from_controls(
        None, [1, 8], None, all_partners=PARTNERS, all_periods=PERIODS, own_scale=True
    )
    assert to_search(own) == "?scale=own"
    assert _parse("?scale=own").own_scale and not _parse("?scale=shared").own_scale


@given(
    partners=st.none() | st.lists(st.sampled_from(PARTNERS), unique=True),
    bounds=st.none() | st.tuples(st.sampled_from(PERIODS), st.sampled_from(PERIODS)),
    indicator=st.none() | st.sampled_from(INDICATORS),
    own_scale=st.booleans(),
)
def test_to_search_and_parse_filters_round_trip(partners, bounds, indicator, own_scale):
    ordered = None if partners is None else tuple(c for c in PARTNERS if c in partners)
    first, last = sorted(bounds) if bounds else (None, None)
    filters = ViewFilters(ordered, first, last, indicator, own_scale=own_scale)
    assert _parse(to_search(filters)) == filters
