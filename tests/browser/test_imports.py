"""The Imports page in a real browser: empty states, the filters in the URL, and a refused upload's
problems shown in place."""

import re
import subprocess

from playwright.sync_api import expect

from tests.factories.workbooks import xlsx
from tests.support.browser import BIN, wait_for_dash


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


def test_a_refused_upload_shows_its_problems_and_dry_runs_are_listed(
    page, live_server_factory, tmp_path, screenshot
):
    server = live_server_factory("imports-problems", demo=True)
    refused = tmp_path / "smiltene-refused.xlsx"
    refused.write_bytes(xlsx([("ESU-USERS", "P7", "lots"), ("ESU-SERVICES", "P7", "12,5,0")]))
    refusal = subprocess.run(
        [str(BIN / "sharing"), "import", str(refused), "--partner", "SMILTENE"], env=server.env,
        capture_output=True, check=False,
    )  # fmt: skip
    assert refusal.returncode == 1  # the data has errors
    preview = tmp_path / "smiltene-preview.xlsx"
    preview.write_bytes(xlsx([("ESU-USERS", "P7", "4 700")]))
    server.sharing("import", str(preview), "--partner", "SMILTENE", "--dry-run")

    page.goto(server.url + "/imports")
    wait_for_dash(page)
    uploads = page.locator("#imports-uploads")
    expect(uploads.locator("tr", has_text="smiltene-preview.xlsx")).to_contain_text("dry run")
    row = uploads.locator("tr", has_text="smiltene-refused.xlsx")
    expect(row).to_contain_text("rejected")
    problems = row.locator(".stored-problems")
    expect(problems.locator(".stored-problem").first).to_be_hidden()  # folded until asked for
    problems.locator("summary").click()
    expect(problems.locator(".stored-problem")).to_have_count(2)
    first = problems.locator(".stored-problem").first
    expect(first).to_contain_text("Indicators!C2")
    expect(first).to_contain_text("lots")
    expect(first).to_contain_text("is not a number")
    screenshot("imports-problems")

    page.locator("#imports-filter-outcome").click()
    page.get_by_role("option", name="dry run").click()
    page.wait_for_url(re.compile(r"/imports\?outcome=dry-run$"))
    wait_for_dash(page)
    expect(page.locator("#imports-uploads tbody tr")).to_have_count(1)
    expect(page.locator("#imports-uploads")).to_contain_text("smiltene-preview.xlsx")


def test_partner_filters_match_any_case_and_say_when_nothing_matches(page, demo_server):
    page.goto(demo_server.url + "/imports?partner=smiltene")
    wait_for_dash(page)
    expect(page.locator("#imports-filter-partner")).to_contain_text("SMILTENE")
    expect(page.locator("#imports-partner-notice")).to_have_count(0)
    page.goto(demo_server.url + "/imports?partner=XX")
    wait_for_dash(page)
    expect(page.locator("#imports-partner-notice")).to_contain_text("Unknown partner XX")
    expect(page.locator("#imports-uploads")).not_to_contain_text("No uploads yet")
    page.goto(demo_server.url + "/instruments?partner=XX")
    wait_for_dash(page)
    expect(page.locator("#instruments-partner-notice")).to_contain_text("Unknown partner XX")
    expect(page.locator(".change-heading")).to_have_count(0)
    page.goto(demo_server.url + "/partners/smiltene")
    wait_for_dash(page)
    expect(page.locator("h1")).to_contain_text("Smiltene Municipality")
