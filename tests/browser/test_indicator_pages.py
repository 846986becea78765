"""E-service uptake and Digital skills in a real browser: panels per partner against targets, Eurostat
references, empty states, filters in the URL with a working back button, CSV download."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import wait_for_dash


def _open(page, server, path):
    page.goto(server.url + path)
    wait_for_dash(page)


def test_e_service_uptake_with_the_demo_data(page, demo_server, screenshot):
    _open(page, demo_server, "/e-services")
    expect(page.locator("h1")).to_have_text("E-service uptake")
    expect(page.locator("#esu-values-card .indicator-panel")).to_have_count(5)
    expect(page.locator("#esu-values-card .chart-title")).to_have_text(
        "ESU-SERVICES — E-services offered online"
    )
    smiltene = page.locator("#esu-panel-SMILTENE")
    expect(smiltene).to_contain_text("baseline 20 · target 40")
    expect(smiltene.locator(".annotation-text", has_text="target 40")).to_have_count(1)
    expect(smiltene.locator(".scatterlayer .trace")).to_have_count(1)
    # PNG export from the plotly toolbar; no plotly logo, no upload to Plotly Cloud.
    smiltene.locator(".js-plotly-plot").hover()
    expect(smiltene.locator(".modebar-btn[data-title='Download plot as a PNG']")).to_have_count(1)
    expect(smiltene.locator(".modebar-btn[data-title='Share chart...']")).to_have_count(0)
    expect(smiltene.locator(".modebar-btn--logo")).to_have_count(0)
    expect(page.locator("#esu-panel-PLH")).to_contain_text(
        "No data for P7 yet from Plœuc-L'Hermitage — download the template"
    )
    reference = page.locator("#esu-reference-card")
    expect(reference).to_contain_text("No verified figure stored for HR, LV, FR.")
    expect(reference.locator(".barlayer .trace")).to_have_count(3)  # 2023, 2024, 2025
    expect(page.locator("#esu-values-card .demo-badge")).to_be_visible()
    screenshot("e-services")


def test_rcr11_is_there_for_the_partner_that_reports_it(page, demo_server):
    _open(page, demo_server, "/e-services?indicator=RCR11")
    expect(page.locator("#esu-values-card .indicator-panel")).to_have_count(1)
    expect(page.locator("#esu-panel-SWO-RDA")).to_be_visible()
    expect(page.locator("#esu-values-card")).to_contain_text("Not measured by MDPWA (Romania)")


def test_summed_indicators_are_drawn_as_running_totals(page, demo_server):
    _open(page, demo_server, "/e-services?indicator=ESU-TRANSACTIONS&from=P3&to=P8")
    expect(page.locator("#esu-values-card")).to_contain_text(
        "Running total since the project start"
    )
    axis = page.locator("#esu-panel-MDPWA .g-ytitle")
    expect(axis).to_have_text("transactions, cumulative")
    expect(page.locator("#esu-panel-MDPWA .xtick")).to_have_count(6)  # P3..P8
    expect(page.locator("#esu-periods")).to_be_visible()


def test_digital_skills_with_eurostat_and_policy_targets(page, demo_server, screenshot):
    _open(page, demo_server, "/digital-skills")
    expect(page.locator("h1")).to_have_text("Digital skills")
    expect(page.locator("#dsk-values-card .indicator-panel")).to_have_count(3)
    smiltene = page.locator("#dsk-panel-SMILTENE")
    expect(
        smiltene.locator(".annotation-text", has_text="Latvia's national target: 70 % by 2027")
    ).to_have_count(1)
    expect(smiltene.locator(".legendtext", has_text="Eurostat LV 2023: 45.34 %")).to_have_count(1)
    redea = page.locator("#dsk-panel-REDEA")
    expect(
        redea.locator(".annotation-text", has_text="EU Digital Decade target: 80 % by 2030")
    ).to_have_count(1)
    expect(redea.locator(".annotation-text", has_text="Latvia")).to_have_count(0)
    expect(page.locator("#dsk-values-card")).to_contain_text(
        "Not measured by MDPWA (Romania), SWO RDA (Oltenia)"
    )
    expect(page.locator("#dsk-reference-card .barlayer .trace")).to_have_count(2)  # 2021 and 2023
    screenshot("digital-skills")


@pytest.mark.parametrize(
    ("path", "name"),
    [("/e-services", "esu"), ("/digital-skills", "dsk"), ("/policy-progress", "policy")],
)
def test_indicator_pages_on_an_empty_database(page, empty_server, screenshot, path, name):
    _open(page, empty_server, path)
    expect(page.locator(f"#{name}-empty")).to_contain_text(
        "No data yet — load the demo with sharing demo"
    )
    screenshot(f"{path.strip('/')}-empty")


def test_filters_go_into_the_url_and_back_restores_the_view(page, demo_server):
    _open(page, demo_server, "/e-services")
    page.locator("#esu-partners").get_by_text("MDPWA (Romania)").click()
    page.wait_for_url(re.compile(r"/e-services\?partner=SWO-RDA,REDEA,SMILTENE,PLH$"))
    wait_for_dash(page)
    expect(page.locator("#esu-values-card .indicator-panel")).to_have_count(4)
    expect(page.locator("#esu-panel-MDPWA")).to_have_count(0)

    page.locator("#esu-indicator").click()
    page.get_by_role("option", name=re.compile("ESU-USERS")).click()
    page.wait_for_url(re.compile(r"partner=SWO-RDA,REDEA,SMILTENE,PLH&indicator=ESU-USERS$"))
    wait_for_dash(page)
    expect(page.locator("#esu-values-card .chart-title")).to_contain_text("ESU-USERS")

    page.go_back()
    page.wait_for_url(re.compile(r"\?partner=SWO-RDA,REDEA,SMILTENE,PLH$"))
    wait_for_dash(page)
    expect(page.locator("#esu-values-card .chart-title")).to_contain_text("ESU-SERVICES")
    page.go_back()
    page.wait_for_url(demo_server.url + "/e-services")
    wait_for_dash(page)
    expect(page.locator("#esu-values-card .indicator-panel")).to_have_count(5)


def test_the_period_slider_works_from_the_keyboard_and_goes_into_the_url(page, demo_server):
    _open(page, demo_server, "/e-services")
    thumb = page.locator("#esu-periods").get_by_role("slider", name="Minimum")
    thumb.focus()
    thumb.press("ArrowRight")
    page.wait_for_url(re.compile(r"/e-services\?from=P2$"))
    wait_for_dash(page)
    expect(page.locator("#esu-panel-MDPWA .xtick")).to_have_count(7)  # P2..P8


def test_panel_data_downloads_as_csv(page, demo_server):
    _open(page, demo_server, "/digital-skills?partner=SMILTENE&indicator=DSK-BASIC&from=P2&to=P4")
    with page.expect_download() as download_info:
        page.locator("#dsk-values-card").get_by_role("button", name="Data as CSV").click()
    download = download_info.value
    assert re.fullmatch(r"dsk-basic-values-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    lines = download.path().read_text(encoding="utf-8").splitlines()
    assert lines[0] == (
        "partner_code,indicator_code,unit,period_number,period_label,end_date,value,source_kind,"
        "upload_id,pending,baseline_value,target_value"
    )
    assert [line.split(",")[4] for line in lines[1:]] == ["P2", "P3", "P4"]
    assert all(line.startswith("SMILTENE,DSK-BASIC,%,") for line in lines[1:])


def test_policy_progress_charts_the_programme_indicators(page, demo_server, screenshot):
    _open(page, demo_server, "/policy-progress")
    expect(page.locator("h1")).to_have_text("Policy progress")
    expect(page.locator("#policy-indicator")).to_contain_text("STK-MEETINGS")
    expect(page.locator(".indicator-panel")).to_have_count(5)  # every partner holds meetings
    expect(page.locator("#policy-reference-card")).to_have_count(0)  # no Eurostat series compares
    _open(page, demo_server, "/policy-progress?indicator=RCO116")
    expect(page.locator("#policy-panel-REDEA")).to_be_visible()
    screenshot("policy-progress")
