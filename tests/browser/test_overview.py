"""The Overview page in a real browser: demo data, empty database, filters in the URL, downloads."""

import io
import re

import openpyxl
from playwright.sync_api import expect

from tests.support.browser import wait_for_dash


def _open(page, server, path="/"):
    page.goto(server.url + path)
    wait_for_dash(page)


def test_overview_shows_the_partnership_at_a_glance(page, demo_server, screenshot):
    _open(page, demo_server)
    expect(page.locator("h1")).to_have_text("Overview")
    expect(page.locator("#overview-card-changes .headline-figure")).to_have_text("11")
    expect(page.locator("#overview-card-instruments .headline-figure")).to_have_text("1 / 5")
    expect(page.locator("#overview-card-freshness .headline-figure")).to_have_text("4 / 5")
    expect(page.locator("#overview-pipeline .legend .traces")).to_have_count(5)
    expect(page.locator("#overview-progress .bars .point")).to_have_count(5)
    freshness = page.locator("#overview-freshness")
    expect(freshness).to_contain_text(
        "No data for P7 yet from Plœuc-L'Hermitage — download the template"
    )
    expect(page.locator(".demo-badge").first).to_have_text("demo data")
    expect(page.locator("#overview-demo-banner")).to_contain_text("invented for illustration")
    matrix = page.locator("#overview-status-matrix")
    expect(matrix.get_by_role("link", name="DSK-BASIC")).to_have_attribute(
        "href", "/digital-skills?indicator=DSK-BASIC"
    )
    expect(matrix.get_by_role("link", name="RCR11")).to_have_attribute(
        "href", "/e-services?indicator=RCR11"
    )
    expect(matrix.get_by_role("link", name="STK-MEETINGS")).to_have_attribute(
        "href", "/policy-progress?indicator=STK-MEETINGS"
    )
    screenshot("overview")


def test_overview_on_an_empty_database_says_what_to_do(page, empty_server, screenshot):
    _open(page, empty_server)
    alert = page.locator("#overview-empty")
    expect(alert).to_contain_text(
        "No data yet — load the demo with sharing demo or upload a workbook"
    )
    expect(alert.get_by_role("link", name="upload a workbook")).to_have_attribute("href", "/upload")
    screenshot("overview-empty")


def test_a_partner_filter_updates_the_charts_and_the_url_and_back_restores(page, demo_server):
    _open(page, demo_server)
    page.locator("#overview-partners").get_by_text("Plœuc-L'Hermitage").click()
    page.wait_for_url(re.compile(r"\?partner=MDPWA,SWO-RDA,REDEA,SMILTENE$"))
    wait_for_dash(page)
    expect(page.locator("#overview-pipeline .legend .traces")).to_have_count(4)
    expect(page.locator("#overview-card-freshness .headline-figure")).to_have_text("4 / 4")
    expect(page.locator("#overview-partners input").nth(4)).not_to_be_checked()

    page.go_back()
    page.wait_for_url(demo_server.url + "/")
    wait_for_dash(page)
    expect(page.locator("#overview-pipeline .legend .traces")).to_have_count(5)
    expect(page.locator("#overview-partners input").nth(4)).to_be_checked()


def test_a_link_reproduces_the_view(page, demo_server):
    _open(page, demo_server, "/?partner=SMILTENE&indicator=DSK-BASIC")
    expect(page.locator("#overview-pipeline .barlayer .trace")).to_have_count(1)
    expect(page.locator("#overview-progress .bars .point")).to_have_count(1)
    expect(page.locator(".chart-title", has_text="Progress to target")).to_contain_text(
        "Residents with at least basic digital skills"
    )


def test_a_filter_that_matches_no_partner_says_so(page, demo_server):
    _open(page, demo_server, "/?partner=XX")
    expect(page.locator("#overview-partner-notice")).to_have_text(
        "Unknown partner XX: no partner has this code. Choose the partners to show above."
    )
    expect(page.locator("#overview-status-matrix")).to_have_count(0)  # no "No targets set yet"
    expect(page.get_by_text("No targets set yet")).to_have_count(0)

    _open(page, demo_server, "/?partner=smiltene")  # codes match whatever their case
    expect(page.locator("#overview-partner-notice")).to_have_count(0)
    expect(page.locator("#overview-pipeline .barlayer .trace")).to_have_count(1)

    page.locator("#overview-partners").get_by_text("Smiltene").click()  # the last one unticked
    page.wait_for_url(re.compile(r"\?partner=$"))
    wait_for_dash(page)
    expect(page.locator("#overview-partner-notice")).to_contain_text("No partner selected")
    expect(page.get_by_text("No targets set yet")).to_have_count(0)


def test_drilling_down_keeps_the_partner_filter_and_every_indicator_has_a_chart(page, demo_server):
    _open(page, demo_server, "/?partner=SMILTENE,PLH")
    matrix = page.locator("#overview-status-matrix")
    for code in ("STK-MEETINGS", "RCO81", "RCR104", "ESU-USERS"):
        expect(matrix.get_by_role("link", name=code)).to_have_attribute(
            "href", re.compile(rf"\?indicator={code}&partner=SMILTENE,PLH$")
        )
    matrix.get_by_role("link", name="RCO81").click()
    page.wait_for_url(re.compile(r"/policy-progress\?indicator=RCO81&partner=SMILTENE,PLH$"))
    wait_for_dash(page)
    expect(page.locator("h1")).to_have_text("Policy progress")
    expect(page.locator("#policy-indicator")).to_contain_text("RCO81")
    expect(page.locator("#policy-partners input:checked")).to_have_count(2)
    expect(page.locator(".indicator-panel")).to_have_count(2)

    options = page.locator("#policy-indicator")
    options.click()
    # Every indicator has a chart over the periods: those of no other page are here.
    for code in ("STK-MEETINGS", "RCO116", "RCR104"):
        expect(page.get_by_role("option", name=re.compile(rf"^{code} — "))).to_be_visible()
    expect(page.get_by_role("option", name=re.compile(r"^RCR11 — "))).to_have_count(0)


def test_pipeline_data_downloads_as_csv(page, demo_server):
    _open(page, demo_server)
    card = page.locator(".chart-card", has=page.locator("#overview-pipeline"))
    with page.expect_download() as download_info:
        card.get_by_role("button", name="Data as CSV").click()
    download = download_info.value
    assert re.fullmatch(
        r"policy-change-pipeline-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename
    )
    lines = download.path().read_text(encoding="utf-8").splitlines()
    assert lines[0] == "partner_code,stage,policy_changes,demo_changes"
    assert len(lines) == 1 + 11  # one row per partner and stage in use


def test_progress_data_downloads_as_xlsx(page, demo_server):
    _open(page, demo_server, "/?indicator=ESU-USERS")
    card = page.locator(".chart-card", has=page.locator("#overview-progress"))
    with page.expect_download() as download_info:
        card.get_by_role("button", name="Data as XLSX").click()
    download = download_info.value
    assert download.suggested_filename.startswith("progress-to-target-")
    sheet = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()))["data"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("partner_code", "indicator_code", "unit")
    assert [row[0] for row in rows[1:]] == ["MDPWA", "SWO-RDA", "REDEA", "SMILTENE", "PLH"]
    assert {row[1] for row in rows[1:]} == {"ESU-USERS"}
