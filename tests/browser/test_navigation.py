"""The navigation bar: every page is reachable from it, and on a phone it folds behind a toggler."""

from tests.support.browser import wait_for_dash


def test_phone_menu_folds_opens_and_closes_after_navigating(page, demo_server, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_server.url + "/")
    wait_for_dash(page)
    imports_link = page.get_by_role("link", name="Imports")
    assert not imports_link.is_visible()

    page.locator("#shell-nav-toggler").click()
    imports_link.wait_for(state="visible")
    screenshot("navigation-phone-open")
    page.set_viewport_size({"width": 390, "height": 844})

    imports_link.click()
    page.wait_for_url("**/imports")
    wait_for_dash(page)
    page.get_by_role("link", name="Setup").wait_for(state="hidden")


def test_desktop_shows_every_page_in_the_bar(page, demo_server):
    page.goto(demo_server.url + "/")
    wait_for_dash(page)
    for name in (
        "Overview",
        "Policy instruments",
        "E-service uptake",
        "Digital skills",
        "Policy progress",
        "Upload",
        "Imports",
        "Setup",
    ):
        assert page.get_by_role("link", name=name, exact=True).is_visible()
