"""The pages over many bodies in a real browser (the region data set at a test size beside the demo):
the officer narrows the overview to a county with its drop-down, picks one body by typing its name,
and the indicator page shows the bodies' distribution; every step is in the URL."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import wait_for_dash

BODIES = 40


@pytest.fixture(scope="module")
def region_server(live_server_factory):
    server = live_server_factory("region", demo=True)
    server.sharing("demo", "--scale", "region", "--bodies", str(BODIES), "--months", "1")
    return server


def _choose(page, component_id: str, typed: str) -> None:
    """Type into a searchable drop-down and click the first match, as a person does."""
    page.locator(f"#{component_id}").click()
    search = page.locator(".dash-dropdown-search")
    search.wait_for(state="visible")
    search.fill(typed)
    option = page.locator(".dash-dropdown-option", has_text=typed).first
    expect(option).to_be_visible()
    option.click()
    page.keyboard.press("Escape")  # a multi-select stays open for more


def test_an_officer_picks_one_body_then_narrows_the_overview_to_a_county(
    page, region_server, screenshot
):
    page.goto(region_server.url + "/")
    wait_for_dash(page)
    expect(page.locator("#overview-indicator-status")).to_be_visible()
    expect(page.locator("#overview-status-matrix")).to_have_count(0)
    expect(page.locator("#overview-card-freshness .headline-figure")).to_contain_text(
        f"/ {BODIES + 5}"
    )
    screenshot("region-overview")

    # One body picked by typing its name: the per-body views come back, for that body only.
    _choose(page, "overview-partners", "CJ Dolj")
    expect(page).to_have_url(re.compile(r"\?partner=RO411-C001$"))
    wait_for_dash(page)
    expect(page.locator("#overview-status-matrix thead th")).to_have_count(2)
    page.go_back()
    wait_for_dash(page)
    expect(page.locator("#overview-indicator-status")).to_be_visible()

    # A county: every figure counts its bodies only, and its bodies are few enough for checkboxes.
    _choose(page, "overview-county", "Dolj")
    expect(page).to_have_url(re.compile(r"\?county=Dolj$"))
    wait_for_dash(page)
    figure = page.locator("#overview-card-freshness .headline-figure").inner_text()
    in_county = int(figure.split("/")[1])
    assert 0 < in_county < BODIES + 5
    boxes = page.locator("#overview-partners input[type=checkbox]")
    expect(boxes).to_have_count(in_county)
    boxes.nth(0).uncheck()
    expect(page).to_have_url(re.compile(r"\?partner=[^&]+&county=Dolj$"))


def test_the_indicator_page_shows_the_distribution_of_the_bodies(page, region_server, screenshot):
    page.goto(region_server.url + "/e-services")
    wait_for_dash(page)
    card = page.locator("#esu-distribution-card")
    expect(card).to_be_visible()
    expect(card.locator(".group-medians tbody tr").first).to_be_visible()
    expect(page.locator(".panel-header")).to_have_count(0)
    screenshot("region-e-services")


def test_setup_for_a_county_loads_its_targets_block_by_block(page, region_server, console):
    """A county's targets and milestones are thousands of rows at region size: the grids ask the server
    for them a block at a time (sorted there), and an edit or a deletion still shows at once."""
    page.goto(region_server.url + "/setup?county=Dolj")
    wait_for_dash(page)
    page.get_by_role("tab", name="Targets").click()
    grid = page.locator('[id*="setup-grid"][id*="target"]')
    first = grid.locator('.ag-row[row-index="0"]')
    expect(first.locator('[col-id="partner_code"]')).to_have_text(re.compile(r"^RO411-"))
    feedback = page.locator('[id*="setup-feedback"][id*="target"]')
    # The pinned and the scrolling parts of a row render apart: wait for the number itself.
    cell = first.locator('[col-id="target_value"]')
    expect(cell).to_have_text(re.compile(r"^\d"))
    before = cell.inner_text()

    # Refused: the old value is put back; saved: the value as stored (the grid cannot take a
    # transaction, so the rows come through its sync store).
    for typed in ("lots", "27 500"):
        cell.dblclick()
        page.keyboard.press("Control+A")
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
        if typed == "lots":
            expect(feedback).to_contain_text("'lots' is not a number")
            expect(cell).to_have_text(before)
    expect(feedback).to_contain_text("Saved Target = 27\u202f500")
    expect(cell).to_have_text("27500")

    # Sorted by the server: the largest target first.
    header = grid.locator('.ag-header-cell[col-id="target_value"]')
    header.click()
    header.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(cell).not_to_have_text(re.compile(r"^(27500)?$"))
    cells = [grid.locator(f'.ag-row[row-index="{i}"] [col-id="target_value"]') for i in range(5)]
    for other in cells:
        expect(other).to_have_text(re.compile(r"^\d"))
    values = [float(other.inner_text()) for other in cells]
    assert values == sorted(values, reverse=True)

    # A deleted milestone leaves the grid when its blocks load again.
    page.get_by_role("tab", name="Milestones").click()
    milestones = page.locator('[id*="setup-grid"][id*="milestone"]')
    row = milestones.locator('.ag-center-cols-container .ag-row[row-index="0"]')
    expect(row.locator('[col-id="period"]')).to_have_text("P1")
    gone = row.get_attribute("row-id")
    milestones.locator('.ag-row[row-index="0"] .ag-selection-checkbox input').click()
    page.get_by_role("button", name="Delete selected").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete", exact=True).click()
    expect(page.locator('[id*="setup-feedback"][id*="milestone"]')).to_contain_text("Deleted")
    expect(row).not_to_have_attribute("row-id", gone)
    expect(milestones.locator(f'.ag-row[row-id="{gone}"]')).to_have_count(0)
    assert not [text for text in console.warnings if "AG Grid" in text]
