"""A refused or failed action says so: the server's short message appears in a banner, as text."""

from tests.support.browser import wait_for_dash


def test_a_refused_callback_shows_the_servers_sentence(page, demo_server, console, screenshot):
    # The 400 below is the point of the test; Chromium reports it on the console.
    console.allow("status of 400")
    page.goto(demo_server.url + "/upload")
    wait_for_dash(page)
    page.evaluate(
        """() => fetch("_dash-update-component", {
            method: "POST", headers: {"Content-Type": "application/json"},
            body: JSON.stringify({output: "<b>nope</b>.children", outputs: [], inputs: []}),
        })"""
    )
    banner = page.locator("#callback-error-banner")
    banner.wait_for(state="visible")
    text = banner.inner_text()
    assert text.strip() and len(text) < 300
    assert banner.locator("b").count() == 0  # shown as text, never as markup
    screenshot("callback-error-banner")
    banner.locator(".btn-close").click()
    banner.wait_for(state="detached")
