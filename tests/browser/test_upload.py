"""The upload flow end to end in a real browser, with a messy workbook: dry run, problems with cell
references, annotated download, fix, import, and the new value on the partner page and in the history."""

import io
import re

import openpyxl
from playwright.sync_api import expect

from tests.factories.workbooks import xlsx
from tests.support.browser import wait_for_dash

# Latvian headers under a merged title, starting in column B, comma decimals and a "%" sign.
HEADER = ("Rādītājs", "Periods", "Vērtība", "Komentārs")


POLICY_HEADER = ("Change id", "Stage", "Date", "Evidence URL", "Note")


def _workbook(users: str) -> bytes:
    rows = [
        ("ESU-SERVICES", "P7", "41", "jauns portāls"),
        ("ESU-USERS", "P7", users, None),
        ("DSK-BASIC", "P7", "56,5 %", None),
    ]
    policy = [
        POLICY_HEADER,
        (
            "SMILTENE-2",
            "ieviests",
            "01.10.2026",
            "https://www.smiltene.lv/programma",
            "Courses run",
        ),
    ]
    return xlsx(
        rows, HEADER, title_rows=("Smiltenes novads — SHARING pārskats",), header_row=3,
        first_column=2, extra_sheets={"Policy changes": policy},
    )  # fmt: skip


def _counts(page) -> dict[str, int]:
    """The figures of the counts row by label: {"rows read": 4, "new": 1, ...}."""
    boxes = page.locator("#upload-counts .count-box")
    expect(boxes).to_have_count(5)
    figures = {}
    for box in boxes.all():
        number, label = box.locator("div").all_inner_texts()
        figures[label] = int(number.replace("\u202f", ""))
    return figures


def _drop(page, name: str, content: bytes) -> None:
    page.set_input_files(
        "#upload-file input[type=file]",
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": content}],
    )


def test_upload_page_renders(page, demo_server, empty_server, screenshot):
    page.goto(demo_server.url + "/upload")
    wait_for_dash(page)
    expect(page.locator("h1")).to_have_text("Send a workbook")
    expect(page.locator("#upload-file")).to_contain_text("Drag and drop the workbook here")
    # No partner chosen yet (an officer sends for every partner): the button says what to choose.
    page.click("#upload-template")
    expect(page.locator("#upload-template-choose")).to_contain_text("Choose the partner")
    expect(page.locator("#upload-period")).to_contain_text(
        re.compile(r"P7 \(01\.03\.2026–31\.08\.2026\)")
    )
    with page.expect_download() as download:
        page.locator("#upload-partner").click()
        expect(
            page.get_by_role("option", name="PLH · Municipality of Plœuc-L'Hermitage")
        ).to_be_visible()
        page.get_by_role("option", name="SMILTENE · Smiltene Municipality").click()
        page.click("#upload-template")
    expect(page.locator("#upload-template-choose")).to_have_count(0)
    assert download.value.suggested_filename == "SHARING-SMILTENE-P7.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert "Indicators" in book.sheetnames
    screenshot("upload")

    page.goto(empty_server.url + "/upload")
    wait_for_dash(page)
    expect(page.locator("#upload-empty")).to_contain_text("no partners you can send data for")
    screenshot("upload-empty")


def test_the_upload_flow_end_to_end(page, live_server_factory, screenshot):
    server = live_server_factory("upload-flow", demo=True)
    page.goto(server.url + "/upload?partner=SMILTENE")
    wait_for_dash(page)

    # A large workbook: progress shows while it is checked, and the problem list stays readable.
    duplicates = [("ESU-TRANSACTIONS", "P7", str(1000 + i), None) for i in range(8000)]
    _drop(page, "large.xlsx", xlsx(duplicates))
    expect(page.locator("#upload-progress")).to_be_visible()
    expect(page.locator("#upload-progress-text")).to_contain_text("Checking large.xlsx")
    expect(page.locator("#upload-status")).to_contain_text("nothing was imported", timeout=60_000)
    expect(page.locator("#upload-progress")).to_be_hidden()
    expect(page.locator("#upload-issues .upload-issue")).to_have_count(500)
    expect(page.locator("#upload-details")).to_contain_text("more in the annotated workbook")

    _drop(page, "smiltene-P7.xlsx", _workbook("četri tūkstoši"))
    expect(page.locator("#upload-status")).to_contain_text("nothing was imported")
    problems = page.locator("#upload-issues .upload-issue")
    expect(problems).to_have_count(1)
    # The counts of a refused file add up: every row read is new, updated, unchanged or invalid.
    counts = _counts(page)
    assert counts["rows read"] == 4 and counts["invalid"] == 1
    assert counts["rows read"] == sum(v for k, v in counts.items() if k != "rows read")
    expect(problems.first).to_contain_text("Indicators!D5")
    expect(problems.first).to_contain_text("četri tūkstoši")
    expect(page.locator("#upload-confirm")).to_be_hidden()
    screenshot("upload-problems")

    with page.expect_download() as download:
        page.click("#upload-annotated")
    assert download.value.suggested_filename == "smiltene-P7-annotated.xlsx"
    annotated = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert "not a number" in annotated["Indicators"]["D5"].comment.text

    _drop(page, "smiltene-P7.xlsx", _workbook("4 700"))
    expect(page.locator("#upload-status")).to_contain_text("The workbook is fine")
    change = page.locator("#upload-changes .upload-change", has_text="ESU-USERS")
    expect(change).to_contain_text("Indicators!D5")
    expect(change).to_contain_text("4\u202f700")
    expect(change).to_contain_text("users")  # the unit of a count
    percent = page.locator("#upload-changes .upload-change", has_text="DSK-BASIC")
    expect(percent).to_contain_text("56.5 %")
    # The Policy changes sheet's row: its evidence link and its stage event, each listed.
    planned = page.locator("#upload-policy-changes .upload-policy-change")
    expect(planned).to_have_count(2)
    expect(planned.nth(0)).to_contain_text("https://www.smiltene.lv/programma")
    expect(planned.nth(1)).to_contain_text("implemented")
    expect(planned.nth(1)).to_contain_text("01.10.2026")
    expect(planned.nth(1)).to_contain_text("Policy changes!B2")
    counts = _counts(page)
    assert counts["rows read"] == 4 and counts["new"] >= 1
    assert counts["rows read"] == sum(v for k, v in counts.items() if k != "rows read")
    screenshot("upload-dry-run")
    page.click("#upload-confirm")
    expect(page.locator("#upload-import-done")).to_contain_text("Imported")
    expect(page.locator("#upload-import-done")).to_contain_text("Policy changes recorded")
    expect(page.locator("#upload-confirm")).to_be_hidden()
    screenshot("upload-imported")

    page.click("#upload-partner-link")
    page.wait_for_url(re.compile(r"/partners/SMILTENE$"))
    wait_for_dash(page)
    row = page.locator("tr", has=page.locator(".indicator-code", has_text="ESU-USERS"))
    expect(row).to_contain_text("4\u202f700")
    expect(row).to_contain_text(re.compile(r"upload #\d+ · Indicators!D5"))
    expect(page.locator(".uploads-table")).to_contain_text("imported")

    page.goto(server.url + "/imports?partner=SMILTENE&indicator=ESU-USERS")
    wait_for_dash(page)
    uploads = page.locator("#imports-uploads")
    expect(uploads).to_contain_text("rejected")
    expect(uploads).to_contain_text("imported")
    expect(page.locator(".revision-row").first).to_contain_text("4\u202f700")
    with page.expect_download() as original:
        uploads.get_by_role("button", name="smiltene-P7.xlsx").first.click()
    assert original.value.suggested_filename == "smiltene-P7.xlsx"
    assert original.value.path().read_bytes()[:2] == b"PK"
    rejected = uploads.locator("tr", has_text="rejected").first
    with page.expect_download() as later:
        rejected.get_by_role("button", name="annotated workbook").click()
    assert later.value.suggested_filename.endswith("-annotated.xlsx")
    screenshot("imports-after-upload")


def test_a_confirmation_after_someone_changed_the_values_shows_the_new_preview(
    page, live_server_factory, tmp_path, screenshot
):
    server = live_server_factory("upload-outdated", demo=True)
    page.goto(server.url + "/upload?partner=SMILTENE")
    wait_for_dash(page)
    _drop(page, "smiltene-P7.xlsx", xlsx([("ESU-USERS", "P7", "555")]))
    expect(page.locator("#upload-status")).to_contain_text("The workbook is fine")
    expect(page.locator("#upload-confirm")).to_be_visible()

    # Meanwhile another officer imports a different value for the same cell.
    other = tmp_path / "other.xlsx"
    other.write_bytes(xlsx([("ESU-USERS", "P7", "777")]))
    server.sharing("import", str(other), "--partner", "SMILTENE")

    page.click("#upload-confirm")
    expect(page.locator("#upload-status")).to_contain_text("the stored values changed")
    changes = page.locator("#upload-changes")
    expect(changes).to_contain_text("777")  # what the file would replace now
    expect(changes).to_contain_text("555")
    screenshot("upload-outdated")

    page.click("#upload-confirm")  # the new preview, confirmed as shown
    expect(page.locator("#upload-status")).to_contain_text("Imported")
    assert "555" in server.sharing("export", "--partner", "SMILTENE")
