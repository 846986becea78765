"""Dashboard pages on a 1920x1080 projector (issue 12): the full width, no chart text under 14 px
(the SVG text elements' computed font size), labels of coinciding reference lines apart, one y scale
across partner panels with an "own scale" switch in the URL, an older value marked with its period, and
on paper (print media) no navigation, filters or buttons."""

import re

from playwright.sync_api import expect

from tests.support.browser import SCREENSHOT_DIR, wait_for_dash

CHART_PX = 14

# Width of the page body; the smallest chart text; every panel's y range.
MEASURE = """() => {
    const texts = Array.from(document.querySelectorAll('.js-plotly-plot svg text'))
        .filter((text) => text.textContent.trim() && text.getBBox().width > 0)
        .map((text) => [parseFloat(getComputedStyle(text).fontSize), text.textContent.trim()]);
    const smallest = texts.reduce((a, b) => (b[0] < a[0] ? b : a), [Infinity, '']);
    const ranges = Array.from(document.querySelectorAll('.indicator-panel .js-plotly-plot'))
        .map((plot) => plot._fullLayout.yaxis.range.map((v) => Math.round(v * 100) / 100));
    return {
        body: document.querySelector('.page-body').getBoundingClientRect().width,
        smallest, texts: texts.length, ranges,
    };
}"""

# The label boxes of a panel's reference lines, as drawn.
LABEL_BOXES = """(panel) => Array.from(document.querySelectorAll(`#${panel} .annotation`))
    .map((label) => {
        const box = label.getBoundingClientRect();
        return [label.textContent, box.left, box.top, box.right, box.bottom];
    })"""

# What print media leaves visible of the navigation, filters, buttons and language menu.
ON_PAPER = """() => Array.from(document.querySelectorAll(
        '.navbar, .filter-bar, .btn, button, .language-menu, .modebar-container, .rc-slider'))
    .filter((element) => element.getBoundingClientRect().height > 0)
    .map((element) => element.className.toString())"""


def _open(page, server, path):
    page.goto(server.url + path)
    wait_for_dash(page)
    # Plotly draws after Dash has rendered: on a busy machine the SVG text comes a little later.
    page.wait_for_function(
        "document.querySelectorAll('.js-plotly-plot svg text').length > 20", timeout=15_000
    )


def _intersect(a, b) -> bool:
    return a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]


def test_the_overview_fills_a_projector_and_marks_an_older_value(page, demo_server):
    _open(page, demo_server, "/")
    measured = page.evaluate(MEASURE)
    assert measured["body"] >= 1900, measured["body"]
    assert measured["texts"] > 20 and measured["smallest"][0] >= CHART_PX, measured["smallest"]
    expect(page.locator("#overview-card-indicators .headline-title")).to_have_text(
        "Targets on track"
    )
    expect(page.locator("#overview-card-indicators")).to_contain_text("partner × indicator targets")
    # Plœuc-L'Hermitage has not reported P7: its bar is its P6 value, and says so.
    expect(page.locator("#overview-progress .ytick", has_text="(value of P6)")).to_have_count(1)
    page.screenshot(path=str(SCREENSHOT_DIR / "projector-overview.png"), full_page=True)
    page.emulate_media(media="print")
    assert page.evaluate(ON_PAPER) == []
    page.screenshot(path=str(SCREENSHOT_DIR / "print-overview.png"), full_page=True)
    page.emulate_media(media="screen")


def test_indicator_panels_share_a_scale_and_keep_labels_apart(page, demo_server):
    _open(page, demo_server, "/digital-skills")
    measured = page.evaluate(MEASURE)
    assert measured["body"] >= 1900, measured["body"]
    assert measured["smallest"][0] >= CHART_PX, measured["smallest"]
    # Smiltene's target (70 %) and Latvia's national target (70 % by 2027) coincide: one label.
    smiltene = page.locator("#dsk-panel-SMILTENE")
    expect(
        smiltene.locator(
            ".annotation-text", has_text="target 70 · Latvia's national target: 70 % by 2027"
        )
    ).to_have_count(1)
    for panel in ("dsk-panel-SMILTENE", "dsk-panel-REDEA", "dsk-panel-PLH"):
        boxes = page.evaluate(LABEL_BOXES, panel)
        assert len(boxes) >= 2, (panel, boxes)
        for index, box in enumerate(boxes):
            for other in boxes[index + 1 :]:
                assert not _intersect(box, other), (panel, box, other)
    page.screenshot(path=str(SCREENSHOT_DIR / "projector-digital-skills.png"), full_page=True)

    # E-services: one scale across the partners' panels, in the tables' number format (no "k").
    _open(page, demo_server, "/e-services?indicator=ESU-USERS")
    shared = page.evaluate(MEASURE)
    assert len(shared["ranges"]) == 5 and len({tuple(r) for r in shared["ranges"]}) == 1, shared
    expect(page.locator("#esu-values-card")).to_contain_text("All panels share one scale.")
    ticks = page.locator("#esu-values-card .ytick").all_text_contents()
    assert ticks and not any(re.search(r"\dk$", tick) for tick in ticks), ticks
    assert "250\u202f000" in ticks, ticks
    page.locator("#esu-scale").click()
    page.wait_for_url(re.compile(r"/e-services\?indicator=ESU-USERS&scale=own$"))
    wait_for_dash(page)
    own = page.evaluate(MEASURE)
    assert len({tuple(r) for r in own["ranges"]}) == 5, own["ranges"]
    expect(page.locator("#esu-values-card")).to_contain_text("Each panel has its own scale.")
    page.screenshot(path=str(SCREENSHOT_DIR / "projector-e-services-own-scale.png"), full_page=True)
    page.emulate_media(media="print")
    assert page.evaluate(ON_PAPER) == []
    page.emulate_media(media="screen")
