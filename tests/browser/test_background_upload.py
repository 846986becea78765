"""A large upload in a real browser: queued for a background worker, a progress bar while it waits, then
the preview and the import as the worker finishes them (``sharing worker --once`` runs the queue)."""

from playwright.sync_api import expect

from tests.factories.workbooks import xlsx
from tests.support.browser import sign_in, wait_for_dash

ROWS = [(code, period, str(500 + i * 10 + j), None)
        for i, code in enumerate(("ESU-SERVICES", "ESU-USERS", "DSK-TRAINED"))
        for j, period in enumerate(("P1", "P2", "P3"))]  # fmt: skip


def test_a_large_upload_is_checked_and_imported_in_the_background(
    page, live_server_factory, screenshot
):
    # Every file counts as large here (over 1 kB); in production over 1 MB.
    server = live_server_factory("background", demo=True, env={"SHARING_BACKGROUND_MB": "0.001"})
    sign_in(page, server, "editor")
    page.goto(server.url + "/upload?lang=en")
    wait_for_dash(page)
    page.set_input_files(
        "#upload-file input[type=file]",
        files=[
            {"name": "region.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx(ROWS)}
        ],
    )
    panel = page.locator("#upload-job-panel")
    expect(panel).to_contain_text("is queued")
    expect(panel.locator(".progress")).to_be_visible()
    screenshot("upload-background-queued")

    server.sharing("worker", "--once")  # no worker was running: the job waited on its row
    expect(page.locator("#upload-confirm")).to_be_visible(timeout=30_000)
    expect(panel).to_have_count(0)
    # What a request would have shown: the values that would change, with their cells.
    expect(page.locator("#upload-details")).to_contain_text("Indicators!C4")

    page.locator("#upload-confirm").click()
    expect(panel).to_contain_text("The import (upload #")
    server.sharing("worker", "--once")
    expect(page.locator("#upload-import-done")).to_be_visible(timeout=30_000)
    screenshot("upload-background-done")

    page.goto(server.url + "/imports?lang=en")
    wait_for_dash(page)
    expect(page.locator(".uploads-table")).to_contain_text("imported")
