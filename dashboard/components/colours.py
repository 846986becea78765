"""One colour per partner on every chart, from the Okabe-Ito palette (safe for the common colour-vision
deficiencies). Reference series (Eurostat, policy targets) are drawn in neutral greys and black so they
never compete with a partner's colour."""

from __future__ import annotations

import zlib

# Okabe & Ito (2008), without yellow (#F0E442), which is unreadable as a line on white.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish green": "#009E73",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "sky blue": "#56B4E9",
}
PALETTE = list(OKABE_ITO.values())

# The SHARING partners keep their colour whatever the filter shows.
PARTNER_COLOURS = {
    "MDPWA": OKABE_ITO["blue"],
    "SWO-RDA": OKABE_ITO["orange"],
    "REDEA": OKABE_ITO["bluish green"],
    "SMILTENE": OKABE_ITO["vermillion"],
    "PLH": OKABE_ITO["reddish purple"],
}
# Geographic reference lines: EU27 black, countries dark greys (with dash patterns set by the chart).
REFERENCE_COLOURS = {"EU27": "#000000"}
COUNTRY_REFERENCE_COLOUR = "#595959"
TARGET_COLOUR = "#333333"


def partner_colour(code: str) -> str:
    """The partner's colour; partners added later get a stable colour derived from their code."""
    if code in PARTNER_COLOURS:
        return PARTNER_COLOURS[code]
    return PALETTE[zlib.crc32(code.encode()) % len(PALETTE)]


# Past a handful of bodies a chart colours by type of body, not by body (the five SHARING partners
# keep their own colours where each is drawn alone).
GROUP_COLOURS = {
    "project partner": OKABE_ITO["blue"],
    "county council": OKABE_ITO["orange"],
    "agency": OKABE_ITO["reddish purple"],
    "municipality": OKABE_ITO["bluish green"],
}


def group_colour(body_type: str) -> str:
    """The colour of a type of body; one not listed gets a stable colour derived from its name."""
    return GROUP_COLOURS.get(body_type) or PALETTE[zlib.crc32(body_type.encode()) % len(PALETTE)]


def reference_colour(geo: str) -> str:
    return REFERENCE_COLOURS.get(geo, COUNTRY_REFERENCE_COLOUR)
