"""Partner pages in a real browser: the report table, the partners index, unknown codes, the period in
the URL, and a correction or a missing value entered by hand that becomes a revision on the Imports
page."""

import re

from playwright.sync_api import expect

from tests.support.browser import sign_in, wait_for_dash


def _open(page, server, path):
    page.goto(server.url + path)
    wait_for_dash(page)


def test_a_partner_page_in_the_words_of_the_reports(page, demo_server, screenshot):
    _open(page, demo_server, "/partners/SMILTENE")
    expect(page.locator("h1")).to_contain_text("Smiltene Municipality")
    table = page.locator(".indicator-table")
    for header in ("Baseline", "Target", "Previously reported", "Current report (P7)"):
        expect(table.locator("thead")).to_contain_text(header)
    expect(table.locator("tbody tr")).to_have_count(10)
    expect(page.locator("#partner-indicators")).to_contain_text("Demo data")
    expect(page.get_by_text("SMILTENE-1")).to_be_visible()
    screenshot("partner")


def test_the_period_lives_in_the_url(page, demo_server):
    _open(page, demo_server, "/partners/PLH")
    expect(page.locator(".indicator-table tbody")).to_contain_text("not reported yet")
    page.locator("#partner-period").click()
    page.get_by_role("option", name=re.compile(r"^P6 ")).click()
    page.wait_for_url(re.compile(r"/partners/PLH\?period=P6$"))
    wait_for_dash(page)
    expect(page.locator(".indicator-table thead")).to_contain_text("Current report (P6)")
    expect(page.locator(".indicator-table tbody")).not_to_contain_text("not reported yet")


def test_partners_index_links_to_each_partner(page, demo_server, screenshot):
    _open(page, demo_server, "/partners")
    expect(page.locator(".partner-card")).to_have_count(5)
    screenshot("partners")
    page.locator(".partner-card", has_text="REDEA").click()
    page.wait_for_url(re.compile(r"/partners/REDEA$"))
    wait_for_dash(page)
    expect(page.locator("h1")).to_contain_text("Međimurje")


def test_an_unknown_code_is_a_friendly_page(page, demo_server, screenshot):
    _open(page, demo_server, "/partners/NOPE")
    expect(page.locator("h1")).to_have_text("No such partner")
    expect(page.locator("#partner-not-found")).to_contain_text("NOPE")
    expect(page.get_by_role("link", name="SMILTENE")).to_be_visible()
    screenshot("partner-unknown")


def test_empty_database(page, empty_server, screenshot):
    _open(page, empty_server, "/partners")
    expect(page.locator("#partners-empty")).to_contain_text("No partners yet")
    _open(page, empty_server, "/partners/SMILTENE")
    expect(page.locator("h1")).to_have_text("No such partner")
    screenshot("partner-empty")


def test_a_correction_becomes_a_revision_on_the_imports_page(page, live_server_factory):
    server = live_server_factory("partner-correction", demo=True)
    _open(page, server, "/partners/REDEA?period=P6")
    row = page.locator("tr", has=page.locator(".indicator-code", has_text="ESU-USERS"))
    row.get_by_role("button", name="Correct").click()
    expect(page.locator("#partner-correct-modal")).to_contain_text("ESU-USERS · P6")

    page.fill("#partner-correct-value", "12 345")
    page.click("#partner-correct-save")
    expect(page.locator("#partner-correct-feedback")).to_contain_text("Reason:")

    page.fill("#partner-correct-reason", "Typo in the P6 report <b>really</b>")
    page.click("#partner-correct-save")
    expect(page.locator("#partner-correct-modal")).to_be_hidden()
    row = page.locator("tr", has=page.locator(".indicator-code", has_text="ESU-USERS"))
    expect(row).to_contain_text("12\u202f345")
    expect(row).to_contain_text("corrected on the page")

    _open(page, server, "/imports?partner=REDEA&indicator=ESU-USERS")
    revision = page.locator(".revision-row").first
    expect(revision).to_contain_text("P6")
    expect(revision).to_contain_text("12\u202f345")
    expect(revision).to_contain_text("correction on the page")
    expect(revision).to_contain_text("Typo in the P6 report <b>really</b>")


def test_a_missing_value_is_entered_by_hand_with_its_reason(page, live_server_factory, screenshot):
    server = live_server_factory("partner-entry", demo=True)
    _open(page, server, "/partners/PLH?period=P7")
    row = page.locator("tr", has=page.locator(".indicator-code", has_text="ESU-USERS"))
    expect(row).to_contain_text("not reported yet")
    row.get_by_role("button", name="Enter").click()
    modal = page.locator("#partner-enter-modal")
    expect(modal).to_contain_text("ESU-USERS · P7")
    expect(modal).to_contain_text("Not reported yet by PLH")

    page.fill("#partner-enter-value", "1 480")
    page.click("#partner-enter-save")
    expect(page.locator("#partner-enter-feedback")).to_contain_text("Reason:")
    page.fill("#partner-enter-reason", "Figure sent by e-mail on 3 December")
    screenshot("partner-enter")
    page.click("#partner-enter-save")
    expect(modal).to_be_hidden()
    row = page.locator("tr", has=page.locator(".indicator-code", has_text="ESU-USERS"))
    expect(row).to_contain_text("1\u202f480")
    expect(row.get_by_role("button", name="Correct")).to_be_visible()

    _open(page, server, "/imports?partner=PLH&indicator=ESU-USERS")
    revision = page.locator(".revision-row").first
    expect(revision).to_contain_text("not reported")
    expect(revision).to_contain_text("1\u202f480")
    expect(revision).to_contain_text("entered on the page")
    expect(revision).to_contain_text("Figure sent by e-mail on 3 December")


def test_a_viewer_sees_no_enter_button(page, demo_server):
    sign_in(page, demo_server, "viewer")
    _open(page, demo_server, "/partners/PLH?period=P7")
    expect(page.locator(".indicator-table tbody")).to_contain_text("not reported yet")
    expect(page.get_by_role("button", name="Enter")).to_have_count(0)
