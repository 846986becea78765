"""The Imports page in a real browser: empty states and the revision filters in the URL."""

import re

from playwright.sync_api import expect

from tests.support.browser import wait_for_dash


def test_imports_with_demo_data(page, demo_server, screenshot):
    page.goto(demo_server.url + "/imports")
    wait_for_dash(page)
    expect(page.locator("h1")).to_have_text("Imports")
    expect(page.locator("#imports-uploads")).to_contain_text("No uploads yet.")
    expect(page.locator("#imports-revisions")).to_contain_text("No value has been changed yet")
    page.locator("#imports-filter-indicator").click()
    page.get_by_role("option", name="DSK-BASIC").click()
    page.wait_for_url(re.compile(r"/imports\?indicator=DSK-BASIC$"))
    wait_for_dash(page)
    expect(page.locator("#imports-filter-indicator")).to_contain_text("DSK-BASIC")
    screenshot("imports")


def test_imports_on_an_empty_database(page, empty_server, screenshot):
    page.goto(empty_server.url + "/imports")
    wait_for_dash(page)
    expect(page.locator("#imports-uploads")).to_contain_text("No uploads yet.")
    screenshot("imports-empty")
