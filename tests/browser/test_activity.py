"""The Activity page in a real browser: a target changed on the Setup page appears with who, before and
after; the Setup page links the selected row to its history; filters live in the URL; partner-typed text
is shown as text."""

from playwright.sync_api import expect

from tests.browser.test_setup import _edit
from tests.support.browser import wait_for_dash


def test_a_setup_edit_appears_in_the_activity_view(page, live_server_factory, screenshot):
    server = live_server_factory("activity", demo=True)
    page.goto(server.url + "/setup")
    wait_for_dash(page)
    page.get_by_role("tab", name="Targets").click()
    grid = page.locator('[id*="setup-grid"][id*="target"]')
    _edit(page, grid, "target_value", "42,5")
    feedback = page.locator('[id*="setup-feedback"][id*="target"]')
    expect(feedback).to_contain_text("Saved Target = 42.5")

    # The history link of the selected row opens the Activity view of that target only.
    grid.locator('.ag-row[row-index="0"] .ag-selection-checkbox input').first.check()
    history = page.locator('[id*="setup-history"][id*="target"]')
    expect(history).to_have_attribute("href", "/activity?object=target&id=1")
    history.click()
    wait_for_dash(page)
    expect(page.locator("h1")).to_have_text("Activity")
    row = page.locator("#activity-table tbody tr").first
    expect(row).to_contain_text("target changed")
    expect(row).to_contain_text("MDPWA · ESU-SERVICES")
    expect(row).to_contain_text("Target: 25 → 42.5")
    expect(row).to_contain_text("monitoring officer")
    screenshot("activity-target-history")

    # Filters in the URL: an action that did not happen shows the empty state.
    page.goto(server.url + "/activity?action=indicator.deleted")
    wait_for_dash(page)
    expect(page.locator("body")).to_contain_text("Nothing matches")
    page.goto(server.url + "/activity?partner=MDPWA&action=target.updated")
    wait_for_dash(page)
    expect(page.locator("#activity-table tbody tr")).to_have_count(1)
    screenshot("activity")
