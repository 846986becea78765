"""Meeting mode in a real browser at 1920x1080: every slide fits without scrolling, its text is readable
from the back of the room (body at least 28 px, chart text at least 20 px, measured with computed
styles and the charts' SVG text), the keyboard moves and leaves, auto-advance, the footer, and the
period report downloaded from the overview."""

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.support.browser import SCREENSHOT_DIR, wait_for_dash

SLIDES = 7
BODY_PX, CHART_PX = 28, 20

MEASURE = """(number) => {
    const slide = document.getElementById(`meeting-slide-${number}`);
    const footer = document.querySelector('.meeting-footer');
    const sizes = [];
    for (const root of [slide, footer]) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const element = walker.currentNode.parentElement;
            if (!walker.currentNode.textContent.trim() || element.closest('svg')) continue;
            const style = getComputedStyle(element);
            if (style.display === 'none') continue;
            sizes.push([parseFloat(style.fontSize), walker.currentNode.textContent.trim()]);
        }
    }
    const chart = Array.from(slide.querySelectorAll('svg text'))
        .filter((text) => text.textContent.trim())
        .map((text) => [parseFloat(getComputedStyle(text).fontSize), text.textContent.trim()]);
    const smallest = (list) => list.reduce((a, b) => (b[0] < a[0] ? b : a), [Infinity, '']);
    const root = document.documentElement;
    return {
        visible: getComputedStyle(slide).visibility,
        body: smallest(sizes), chart: smallest(chart), chartTexts: chart.length,
        fits: slide.scrollHeight <= slide.clientHeight && slide.scrollWidth <= slide.clientWidth,
        noScrollbars: root.scrollHeight <= innerHeight && root.scrollWidth <= innerWidth,
        contrast: getComputedStyle(slide).color,
    };
}"""


def _open(page, server, query="period=P7"):
    page.goto(f"{server.url}/meeting?{query}")
    wait_for_dash(page)
    expect(page.locator("#meeting-deck")).to_be_visible()


def _current(page, number: int) -> None:
    expect(page.locator(f"#meeting-slide-{number}")).to_have_class(re.compile(r"\bis-current\b"))
    expect(page.locator("#meeting-counter")).to_have_text(f"{number} / {SLIDES}")
    assert re.search(rf"[?&]slide={number}(&|$)", page.url), page.url


def test_every_slide_fits_the_projector_with_readable_text(page, demo_server, screenshot):
    _open(page, demo_server)
    expect(page.locator("#meeting-slide-1 .slide-title")).to_have_text("P7 at a glance")
    expect(page.locator("#meeting-headline-changes .headline-number")).to_have_text("11")
    screenshot("meeting-1")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    charts = 0
    for number in range(1, SLIDES + 1):
        if number > 1:
            page.keyboard.press("ArrowRight")
            _current(page, number)
        measured = page.evaluate(MEASURE, number)
        assert measured["visible"] == "visible"
        assert measured["fits"] and measured["noScrollbars"], (number, measured)
        assert measured["body"][0] >= BODY_PX, (number, measured["body"])
        if measured["chartTexts"]:
            charts += 1
            assert measured["chart"][0] >= CHART_PX, (number, measured["chart"])
        assert measured["contrast"] == "rgb(17, 17, 17)"
        page.screenshot(path=str(SCREENSHOT_DIR / f"meeting-slide-{number}.png"))
    assert charts == 4  # pipeline, targets per partner, e-services, digital skills
    expect(page.locator("#meeting-chart-skills")).to_contain_text("EU target 80 % by 2030")


def test_the_keyboard_moves_jumps_and_leaves(page, demo_server):
    _open(page, demo_server, "period=P7&partner=SMILTENE,PLH")
    expect(page.locator("#meeting-slide-1")).to_have_class(re.compile(r"\bis-current\b"))
    for key, number in (
        ("ArrowRight", 2), ("PageDown", 3), ("Space", 4), ("ArrowDown", 5), ("ArrowLeft", 4),
        ("PageUp", 3), ("ArrowUp", 2), ("End", 7), ("ArrowRight", 7), ("Home", 1),
        ("ArrowLeft", 1), ("5", 5), ("9", 5),
    ):  # fmt: skip
        page.keyboard.press(key)
        _current(page, number)
    assert "partner=SMILTENE,PLH" in page.url
    page.reload()
    wait_for_dash(page)
    _current(page, 5)  # the URL says which slide is shown
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"/\?partner=SMILTENE,PLH$"))
    wait_for_dash(page)
    expect(page.locator("h1")).to_have_text("Overview")


def test_auto_advance_for_a_kiosk_screen_wraps_around(page, demo_server):
    _open(page, demo_server, "period=P7&auto=1&slide=6")
    _current(page, 6)
    page.wait_for_url(re.compile(r"slide=7"), timeout=5_000)
    page.wait_for_url(re.compile(r"slide=1(&|$)"), timeout=5_000)
    _current(page, 1)


def test_the_footer_says_period_data_values_and_language(page, demo_server):
    _open(page, demo_server, "period=P5&slide=3")
    expect(page.locator("#meeting-footer-period")).to_have_text(
        "Period P5 (01.03.2025 – 31.08.2025)"
    )
    expect(page.locator("#meeting-footer-date")).to_have_text(
        re.compile(r"^Data as of \d\d\.\d\d\.\d{4}$")
    )
    expect(page.locator("#meeting-footer-values")).to_have_text("Approved values only")
    expect(page.locator("#meeting-footer-language")).to_have_text("English")
    expect(page.locator("#meeting-slide-3")).to_contain_text("SMILTENE-1")  # validated in P5
    _open(page, demo_server, "period=P5&data=submitted&lang=fr")
    expect(page.locator("#meeting-footer-values")).to_have_text(
        re.compile("awaiting approval|en attente", re.I)
    )
    expect(page.locator("#meeting-footer-language")).to_have_text("Français")
    expect(page.locator("#meeting-footer-period")).to_contain_text("01/03/2025")
    page.goto(f"{demo_server.url}/meeting?period=P5&lang=en")  # back to English for this session
    wait_for_dash(page)


def test_an_unknown_period_says_so(page, demo_server):
    page.goto(f"{demo_server.url}/meeting?period=P12")
    wait_for_dash(page)
    expect(page.locator("#meeting-not-found")).to_have_text(
        "There is no reporting period P12; choose one of P1, P2, P3, P4, P5, P6, P7, P8."
    )


def test_the_overview_opens_meeting_mode_and_downloads_the_report(page, demo_server):
    page.goto(f"{demo_server.url}/?partner=SMILTENE")
    wait_for_dash(page)
    link = page.locator("#overview-meeting-link")
    expect(link).to_have_attribute("href", re.compile(r"^/meeting\?period=P\d&partner=SMILTENE$"))
    with page.expect_download() as pdf:
        page.locator("#meeting-report-pdf").click()
    assert re.fullmatch(r"sharing-report-P\d-SMILTENE-en\.pdf", pdf.value.suggested_filename)
    assert Path(pdf.value.path()).read_bytes()[:5] == b"%PDF-"
    link.click()
    page.wait_for_url(re.compile(r"/meeting\?period=P\d&partner=SMILTENE$"))
    wait_for_dash(page)
    with page.expect_download() as workbook:
        page.locator("#meeting-report-xlsx").click()
    assert workbook.value.suggested_filename.endswith("-SMILTENE-en.xlsx")
    stored = demo_server.run_python(
        "from sqlalchemy import create_engine, text; import os;"
        "e = create_engine(os.environ['DATABASE_URL']);"
        "print(e.connect().execute(text('SELECT count(*) FROM generated_report')).scalar())"
    )
    assert int(stored) >= 2
