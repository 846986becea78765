"""Chart data downloads: formula-like text quoted in CSV and typed as text in XLSX, numbers left as
numbers (every hostile text is in tests/unit/test_workbook_safety.py)."""

import base64
import io

import openpyxl
import pandas as pd

from dashboard.components.downloads import csv_safe, send_frame

FRAME = pd.DataFrame(
    {
        "partner_code": ["PLH", '=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "ok"],
        "value": [1.5, -3.0, None, 4.0, 5.0, 6.0],
    }
)


def test_csv_text_that_starts_like_a_formula_gets_an_apostrophe():
    safe = csv_safe(FRAME)
    assert safe["partner_code"].tolist() == [
        "PLH", "'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "ok",
    ]  # fmt: skip
    assert safe["value"].iloc[1] == -3.0  # negative numbers are numbers, not formulas
    assert FRAME["partner_code"].iloc[1].startswith("=")  # the input is not modified


def test_csv_download():
    payload = send_frame(FRAME, "pipeline", "csv")
    assert payload["filename"].startswith("pipeline-") and payload["filename"].endswith(".csv")
    text = (
        payload["content"]
        if not payload.get("base64")
        else base64.b64decode(payload["content"]).decode()
    )
    lines = text.splitlines()
    assert lines[0] == "partner_code,value"
    assert lines[2].startswith("\"'=HYPERLINK(")


def test_xlsx_download_holds_no_formula():
    payload = send_frame(FRAME, "pipeline", "xlsx")
    assert payload["filename"].endswith(".xlsx") and payload["base64"]
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(payload["content"])))["data"]
    cells = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert cells[1][0] == '=HYPERLINK("http://x")'  # exact, typed as text, shown as text
    assert sheet["A3"].data_type == "s" and sheet["A3"].quotePrefix
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert cells[1][1] == -3.0


def test_whole_numbers_stay_integers_in_downloads():
    import pandas as pd

    from dashboard.components.downloads import integers_as_integers

    frame = pd.DataFrame(
        {"upload_id": [4.0, None, 12.0], "value": [1.5, 2.0, None], "n": [3.0, 4.0, 5.0]}
    )
    csv = integers_as_integers(frame).to_csv(index=False)
    assert csv.splitlines() == ["upload_id,value,n", "4,1.5,3", ",2.0,4", "12,,5"]
