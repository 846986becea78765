"""Each role's day in a real browser: SMILTENE's editor sends a workbook and sees it "submitted", the
officer approves it on the Review page, the steering committee sees the approved value; a viewer cannot
open the officers' pages, a share link opens the dashboard read-only, and signing in and out works."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories.workbooks import xlsx
from tests.support.browser import ACCOUNTS, TEST_PASSWORD, sign_in, wait_for_dash


def _reported_p7(page, server) -> float | None:
    """The committee's view of SMILTENE's ESU-USERS in P7, read from the panel's plotly figure."""
    page.goto(server.url + "/e-services?indicator=ESU-USERS&partner=SMILTENE")
    wait_for_dash(page)
    return page.evaluate(
        """() => {
            const plot = document.querySelector('#esu-panel-SMILTENE .js-plotly-plot');
            const trace = plot.data.find(t => t.name === 'reported');
            return trace.y[trace.y.length - 1];
        }"""
    )


def test_a_submission_from_upload_to_approval(page, browser, live_server_factory, screenshot):
    server = live_server_factory("roles", demo=True)
    # The committee's value before anything happens.
    sign_in(page, server, "viewer")
    before = _reported_p7(page, server)
    assert before is not None and before != 4321

    # SMILTENE's editor: only its own partner, and an upload is submitted for review.
    sign_in(page, server, "editor")
    page.goto(server.url + "/upload")
    wait_for_dash(page)
    expect(page.locator("#shell-account")).to_contain_text(ACCOUNTS["editor"][0].split("@")[0])
    page.locator("#upload-partner").click()
    expect(page.get_by_role("option")).to_have_count(1)
    page.keyboard.press("Escape")
    page.set_input_files(
        "#upload-file input[type=file]",
        files=[{"name": "p7.xlsx", "mimeType": "application/octet-stream",
                "buffer": xlsx([("ESU-USERS", "P7", "4 321")])}],
    )  # fmt: skip
    expect(page.locator("#upload-status")).to_contain_text("The workbook is fine")
    page.click("#upload-confirm")
    expect(page.locator("#upload-import-done")).to_contain_text("submitted for review")
    screenshot("roles-editor-submitted")
    page.goto(server.url + "/partners/SMILTENE")
    wait_for_dash(page)
    row = page.locator("tr", has=page.locator(".indicator-code", has_text="ESU-USERS"))
    expect(row).to_contain_text("awaiting approval")
    expect(page.locator("#partner-waiting")).to_contain_text("1 value awaits approval")
    for forbidden in ("/review", "/setup", "/users", "/activity"):
        page.goto(server.url + forbidden)
        wait_for_dash(page)
        expect(page.locator("#page-refused")).to_be_visible()

    # The committee still sees the approved value.
    sign_in(page, server, "viewer")
    assert _reported_p7(page, server) == before

    # The officer approves it on the Review page.
    sign_in(page, server, "admin")
    page.goto(server.url + "/review")
    wait_for_dash(page)
    card = page.locator(".review-submission", has_text="SMILTENE")
    expect(card).to_contain_text("4\u202f321")
    screenshot("roles-review")
    card.get_by_role("button", name="Approve").click()
    expect(page.locator("#review-done")).to_contain_text("approved")
    expect(page.locator("#review-nothing")).to_be_visible()
    expect(page.locator("#review-decisions")).to_contain_text("SMILTENE")

    sign_in(page, server, "viewer")
    assert _reported_p7(page, server) == 4321
    screenshot("roles-viewer-after-approval")


def test_a_returned_submission_reaches_the_partner(page, live_server_factory, tmp_path):
    server = live_server_factory("roles-returned", demo=True)
    report = tmp_path / "p7.xlsx"
    report.write_bytes(xlsx([("ESU-USERS", "P7", "99")]))
    server.sharing("import", str(report), "--partner", "SMILTENE", "--user", ACCOUNTS["editor"][0])
    sign_in(page, server, "admin")
    page.goto(server.url + "/review")
    wait_for_dash(page)
    card = page.locator(".review-submission", has_text="SMILTENE")
    card.get_by_role("button", name="Return to the partner").click()
    expect(page.locator("#review-refused")).to_contain_text("Say what the partner should correct")
    card.locator("textarea").fill("<b>99</b> users cannot be right; check the portal export")
    card.get_by_role("button", name="Return to the partner").click()
    expect(page.locator("#review-done")).to_contain_text("returned")

    sign_in(page, server, "editor")
    page.goto(server.url + "/upload")
    wait_for_dash(page)
    banner = page.locator("#upload-returned")
    # What the officer typed is shown as text, never as markup.
    expect(banner).to_contain_text("<b>99</b> users cannot be right")
    assert banner.locator("b").count() == 0


def test_sign_in_sign_out_and_a_share_link(page, console, live_server_factory, screenshot):
    server = live_server_factory("roles-sign-in", demo=True)
    page.signed_in_to = "anonymous"
    page.goto(server.url + "/setup")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/setup"))
    expect(page.locator("#demo-accounts-notice")).to_contain_text("officer@demo.example.org")
    page.fill("#email", ACCOUNTS["admin"][0])
    page.fill("#password", "not the password")
    console.allow(r"status of 401 \(UNAUTHORIZED\).*/sign-in")  # the refused sign-in answers 401
    page.click("#sign-in-submit")
    expect(page.locator("#auth-refusal")).to_contain_text("is not right")
    screenshot("sign-in-refused")
    page.fill("#password", TEST_PASSWORD)
    page.click("#sign-in-submit")
    page.wait_for_url(re.compile(r"/setup$"))
    wait_for_dash(page)
    expect(page.locator("h1")).to_have_text("Setup")

    # The officer makes a share link for the meeting.
    page.goto(server.url + "/users")
    wait_for_dash(page)
    page.fill("#users-share-label", "Steering committee, December")
    page.click("#users-share-create")
    link = page.locator("#users-share-created-url").inner_text()
    assert "/share/" in link, link
    screenshot("users")

    page.locator("#shell-account").click()
    page.click("#shell-sign-out")
    expect(page.locator("#auth-notice")).to_contain_text("signed out")

    page.goto(link)
    wait_for_dash(page)
    expect(page.locator("h1")).to_have_text("Overview")
    expect(page.locator("#shell-account")).to_contain_text("Read-only link")
    expect(page.get_by_role("link", name="Upload")).to_have_count(0)
    page.goto(server.url + "/upload")
    wait_for_dash(page)
    expect(page.locator("#page-refused")).to_be_visible()
    screenshot("share-link-overview")
