"""A database with the partners set up but nothing reported yet: every page says what to do next."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import wait_for_dash

LOAD_REFERENCE_DATA = """
from dashboard.settings import Settings
from seed.reference_data import load_reference_data
from models.database import make_engine, make_session_factory, transaction

settings = Settings.from_env()
with transaction(make_session_factory(make_engine(settings.database_url))) as session:
    load_reference_data(session, settings.project_start)
"""


@pytest.fixture(scope="module")
def setup_only_server(live_server_factory):
    server = live_server_factory("setup-only", demo=False)
    server.run_python(LOAD_REFERENCE_DATA)
    return server


def test_overview_before_anything_is_reported(page, setup_only_server, screenshot):
    page.goto(setup_only_server.url + "/")
    wait_for_dash(page)
    expect(page.locator("#overview-card-changes .headline-figure")).to_have_text("0")
    expect(page.locator("#overview-card-instruments .headline-figure")).to_have_text("0 / 5")
    expect(page.locator("#overview-card-freshness .headline-figure")).to_have_text("0 / 5")
    expect(page.locator("#overview-freshness")).to_contain_text(
        "No data for P7 yet from Smiltene — download the template"
    )
    link = page.locator("#overview-freshness").get_by_role("link", name="download the template")
    expect(link.first).to_have_attribute("href", "/upload?partner=MDPWA")
    expect(page.get_by_text("No policy changes recorded yet")).to_be_visible()
    expect(page.get_by_role("button", name="Data as CSV")).to_have_count(0)
    expect(page.locator(".demo-badge")).to_have_count(0)
    expect(page.locator("#overview-demo-banner")).to_have_count(0)
    screenshot("overview-nothing-reported")


def test_e_services_before_anything_is_reported(page, setup_only_server, screenshot):
    page.goto(setup_only_server.url + "/e-services")
    wait_for_dash(page)
    expect(page.locator("#esu-no-values")).to_contain_text(
        "No partner has a target or values for this indicator yet: targets are set on the Setup page"
    )
    expect(page.locator("#esu-reference-card .barlayer .trace")).to_have_count(3)
    screenshot("e-services-nothing-reported")
