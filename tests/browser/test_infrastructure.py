"""The browser fixtures themselves: servers answer, the console recorder catches errors, screenshots land."""

from tests.support.browser import SCREENSHOT_DIR, wait_for_dash


def test_demo_and_empty_servers_serve_the_app(page, demo_server, empty_server):
    for server in (demo_server, empty_server):
        page.goto(server.url + "/")
        wait_for_dash(page)
        assert page.locator(".navbar").is_visible()


def test_console_errors_are_recorded(page, demo_server, console):
    page.goto(demo_server.url + "/")
    wait_for_dash(page)
    page.evaluate("() => console.error('provoked on purpose')")
    page.wait_for_timeout(100)
    assert any("provoked on purpose" in error for error in console.errors)
    console.allow("provoked on purpose")


def test_screenshot_saves_desktop_and_phone_width(page, demo_server, screenshot):
    page.goto(demo_server.url + "/")
    wait_for_dash(page)
    desktop, phone = screenshot("infrastructure-smoke")
    assert desktop == SCREENSHOT_DIR / "infrastructure-smoke.png" and desktop.stat().st_size > 0
    assert phone.name == "infrastructure-smoke-phone.png" and phone.stat().st_size > 0
    assert page.viewport_size == {"width": 1920, "height": 1080}
