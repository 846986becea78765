"""Text people typed never becomes markup in a figure (issue 8): a partner short name with a link and an
indicator unit and name with an oversized span are drawn as the literal text in every chart, and
shown unchanged (not double-escaped) by the html around the charts."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import wait_for_dash

LINK_NAME = '<a href="https://evil.example">Smiltene</a>'
BIG_TEXT = '<span style="font-size:80px">FAKE</span>'
RENAME = f"""
from sqlalchemy import update
from dashboard.settings import Settings
from models import Indicator, Partner
from models.database import make_engine, make_session_factory, transaction

settings = Settings.from_env()
with transaction(make_session_factory(make_engine(settings.database_url))) as session:
    session.execute(
        update(Partner).where(Partner.code == "SMILTENE").values(short_name={LINK_NAME!r})
    )
    session.execute(
        update(Indicator)
        .where(Indicator.code == "ESU-SERVICES")
        .values(unit={BIG_TEXT!r}, name={BIG_TEXT!r})
    )
"""
# What markup inside a plot could have made: a link (SVG links carry xlink:href) or a big font.
MARKUP_IN_PLOTS = """() => {
    const found = [];
    for (const element of document.querySelectorAll('.js-plotly-plot svg *')) {
        const href = element.getAttribute('href')
            || element.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '';
        if (element.tagName.toLowerCase() === 'a' || href.includes('evil.example')) {
            found.push('link: ' + element.outerHTML.slice(0, 120));
        }
        const size = parseFloat(getComputedStyle(element).fontSize);
        if (size >= 40 || (element.getAttribute('style') || '').includes('80px')) {
            found.push('font ' + size + ': ' + element.outerHTML.slice(0, 120));
        }
    }
    return found;
}"""

BAR_CENTRES = """(graph) => [...document.querySelectorAll(graph + ' .barlayer .point path')]
    .map((bar) => bar.getBoundingClientRect())
    .filter((box) => box.width > 2 && box.height > 2)
    .map((box) => [box.x + box.width / 2, box.y + box.height / 2])"""


@pytest.fixture(scope="module")
def hostile_server(live_server_factory):
    server = live_server_factory("figure-markup", demo=True)
    server.run_python(RENAME)
    return server


def _open(page, server, path):
    page.goto(server.url + path)
    wait_for_dash(page)
    expect(page.locator(".js-plotly-plot").first).to_be_visible()


def _assert_no_markup_in_plots(page):
    expect(page.locator('.js-plotly-plot a[href*="evil.example"]')).to_have_count(0)
    assert page.evaluate(MARKUP_IN_PLOTS) == []


def test_overview_charts_show_typed_markup_as_text(page, hostile_server, screenshot):
    _open(page, hostile_server, "/?indicator=ESU-SERVICES")
    _assert_no_markup_in_plots(page)
    legend = page.locator("#overview-pipeline .legend .traces", has_text="Smiltene")
    expect(legend).to_have_count(1)
    expect(legend).to_have_text(LINK_NAME)
    ticks = page.locator("#overview-progress .ytick")
    expect(ticks.filter(has_text=LINK_NAME)).to_have_count(1)
    expect(ticks.filter(has_text=BIG_TEXT)).to_have_count(
        5
    )  # the unit after every partner's figures

    # The hover label of the Smiltene bar: the typed name as text, our <br> still a line break.
    hover = page.locator("#overview-pipeline .hoverlayer .hovertext")
    for x, y in page.evaluate(BAR_CENTRES, "#overview-pipeline"):
        page.mouse.move(x, y)
        page.wait_for_timeout(250)  # plotly draws the hover label a moment after the move
        if "Smiltene" in " ".join(hover.all_text_contents()):
            break
    smiltene = hover.filter(has_text="Smiltene").first
    expect(smiltene).to_contain_text(LINK_NAME)
    expect(smiltene.locator("tspan.line")).to_have_count(2)
    _assert_no_markup_in_plots(page)

    # Outside the charts React shows the same text, escaped once (no "&lt;").
    expect(page.locator("#overview-freshness")).to_contain_text(LINK_NAME)
    expect(page.locator("#overview-freshness")).not_to_contain_text("&lt;")
    screenshot("figure-markup-overview")


def test_indicator_page_shows_typed_markup_as_text(page, hostile_server, screenshot):
    _open(page, hostile_server, "/e-services?indicator=ESU-SERVICES")
    _assert_no_markup_in_plots(page)
    panel = page.locator("#esu-panel-SMILTENE")
    expect(panel.locator(".panel-header")).to_have_text(LINK_NAME)
    expect(panel.locator(".g-ytitle")).to_have_text(BIG_TEXT)
    expect(page.locator("#esu-values-card .chart-title")).to_have_text(f"ESU-SERVICES — {BIG_TEXT}")
    expect(page.locator("#esu-values-card")).not_to_contain_text("&lt;")
    screenshot("figure-markup-e-services")
