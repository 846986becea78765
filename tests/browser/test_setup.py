"""The Setup page in a real browser: grids with the demo setup, an empty database, a refused edit that
names the field and puts the old value back, a saved edit, the workbook export,
and a milestone deleted after confirmation."""

import io

import openpyxl
from playwright.sync_api import expect

from tests.support.browser import wait_for_dash


def _edit(page, grid, column: str, text: str) -> None:
    cell = grid.locator(f'.ag-row[row-index="0"] [col-id="{column}"]').first
    cell.dblclick()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def _ag_grid_warnings(console) -> list[str]:
    return [text for text in console.warnings if "AG Grid" in text or "ag-grid" in text.lower()]


def test_setup_with_demo_data_and_export(page, demo_server, console, screenshot):
    page.goto(demo_server.url + "/setup")
    wait_for_dash(page)
    expect(page.locator("h1")).to_have_text("Setup")
    expect(page.locator(".ag-row").first).to_contain_text("ESU-SERVICES")
    screenshot("setup")
    # Every tab's grid renders and fills its width; AG Grid has nothing to warn about (string row
    # ids, no sizing of a hidden grid).
    for tab, first in (("Targets", "MDPWA"), ("Partners", "MDPWA"), ("Reporting periods", "P1")):
        page.get_by_role("tab", name=tab).click()
        grid = page.locator(".tab-pane.active .setup-grid")
        expect(grid.locator(".ag-row").first).to_contain_text(first)
        viewport = grid.locator(".ag-center-cols-viewport")
        columns = grid.locator(".ag-center-cols-container")
        assert columns.bounding_box()["width"] >= viewport.bounding_box()["width"] - 2, tab
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(500)
    assert _ag_grid_warnings(console) == []
    with page.expect_download() as download:
        page.click("#setup-export")
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book.sheetnames == ["Indicators", "Targets", "Milestones", "Partners", "Periods"]
    assert book["Targets"].max_row == 47


def test_setup_on_an_empty_database(page, empty_server, screenshot):
    page.goto(empty_server.url + "/setup")
    wait_for_dash(page)
    expect(page.locator("h1")).to_have_text("Setup")
    page.get_by_role("tab", name="Reporting periods").click()
    expect(page.locator(".ag-center-cols-container .ag-row")).to_have_count(
        8
    )  # `sharing init` creates the periods
    screenshot("setup-empty")


def test_edits_are_validated_and_saved(page, live_server_factory):
    server = live_server_factory("setup-edit", demo=True)
    page.goto(server.url + "/setup")
    wait_for_dash(page)
    page.get_by_role("tab", name="Targets").click()
    grid = page.locator('[id*="setup-grid"][id*="target"]')
    feedback = page.locator('[id*="setup-feedback"][id*="target"]')

    _edit(page, grid, "target_value", "lots")
    expect(feedback).to_contain_text("Target: 'lots' is not a number")
    expect(grid.locator('.ag-row[row-index="0"] [col-id="target_value"]')).to_have_text("25")

    _edit(page, grid, "target_value", "27 500")
    expect(feedback).to_contain_text("Saved Target = 27\u202f500 (")  # one number formatter
    expect(grid.locator('.ag-row[row-index="0"] [col-id="target_value"]')).to_have_text("27500")

    page.reload()
    wait_for_dash(page)
    page.get_by_role("tab", name="Targets").click()
    expect(grid.locator('.ag-row[row-index="0"] [col-id="target_value"]')).to_have_text("27500")


def _setup_file(page, edit) -> dict:
    with page.expect_download() as download:
        page.click("#setup-export")
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return {
        "name": "setup.xlsx",
        "mimeType": "application/octet-stream",
        "buffer": buffer.getvalue(),
    }


def test_a_setup_workbook_is_checked_then_applied(page, live_server_factory, screenshot):
    server = live_server_factory("setup-import", demo=True)
    page.goto(server.url + "/setup")
    wait_for_dash(page)

    def broken(book):
        book["Targets"]["F2"] = "lots"

    page.set_input_files("#setup-import-file input[type=file]", files=[_setup_file(page, broken)])
    result = page.locator("#setup-import-result")
    expect(result).to_contain_text("Nothing was changed")
    expect(result.locator(".upload-issue")).to_contain_text("Targets!F2")
    expect(page.locator("#setup-import-apply")).to_be_hidden()

    def fixed(book):
        book["Targets"]["F2"] = "30 000"

    page.set_input_files("#setup-import-file input[type=file]", files=[_setup_file(page, fixed)])
    expect(result).to_contain_text("Targets: 0 new, 1 changed")
    screenshot("setup-import-check")
    page.click("#setup-import-apply")
    expect(result).to_contain_text("The setup was updated")
    page.reload()
    wait_for_dash(page)
    page.get_by_role("tab", name="Targets").click()
    cell = page.locator(
        '[id*="setup-grid"][id*="target"] .ag-row[row-index="0"] [col-id="target_value"]'
    )
    expect(cell.first).to_have_text("30000")


def test_a_milestone_is_deleted_after_confirmation(page, live_server_factory, screenshot):
    server = live_server_factory("setup-delete", demo=True)
    page.goto(server.url + "/setup")
    wait_for_dash(page)
    page.get_by_role("tab", name="Milestones").click()
    page.select_option("#setup-milestone-partner", "PLH")
    page.select_option("#setup-milestone-indicator", "ESU-USERS")
    page.select_option("#setup-milestone-period", "P7")
    page.fill("#setup-milestone-value", "600")
    page.click("#setup-add-milestone")
    feedback = page.locator('[id*="setup-feedback"][id*="milestone"]')
    expect(feedback).to_contain_text("Added PLH · ESU-USERS · P7")
    grid = page.locator('[id*="setup-grid"][id*="milestone"]')
    rows = grid.locator(".ag-center-cols-container .ag-row")
    expect(rows).to_have_count(1)

    delete = page.get_by_role("button", name="Delete selected")
    expect(delete).to_be_disabled()
    grid.locator(".ag-selection-checkbox input").first.click()
    delete.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("PLH · ESU-USERS · P7")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(rows).to_have_count(1)

    delete.click()
    expect(dialog).to_contain_text("This cannot be undone")
    screenshot("setup-delete-confirm")
    dialog.get_by_role("button", name="Delete", exact=True).click()
    expect(feedback).to_contain_text("Deleted PLH · ESU-USERS · P7.")
    expect(rows).to_have_count(0)

    page.reload()
    wait_for_dash(page)
    page.get_by_role("tab", name="Milestones").click()
    expect(rows).to_have_count(0)
