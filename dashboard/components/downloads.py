"""Every chart's data as CSV or XLSX, through dcc.Download.

``download_buttons("esu-values", frame, "e-service-uptake")`` returns the two buttons, a dcc.Download and
a dcc.Store holding exactly the rows the chart draws (already aggregated, so small). One callback,
registered here for every chart through pattern-matching ids, turns the stored rows into a file.

Header and data cells follow workbooks.cell_text: text is cleaned of what a spreadsheet cannot store;
text that a spreadsheet would run as a formula gets a leading apostrophe in CSV (OWASP "CSV injection")
and stays exact, typed as text, in XLSX. Numbers stay numbers.
"""

from __future__ import annotations

import io
from datetime import date

import dash_bootstrap_components as dbc
import openpyxl
import pandas as pd
from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from i18n import _
from workbooks.cell_text import csv_text, write_only_value

FORMATS = {"csv": "CSV", "xlsx": "XLSX"}


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for CSV: header and text cells cleaned, those that start like a formula with an apostrophe
    first (workbooks.cell_text.csv_text); numbers untouched."""
    safe = frame.copy()
    safe.columns = [csv_text(str(column)) for column in safe.columns]
    for position in range(safe.shape[1]):
        series = safe.iloc[:, position]
        if pd.api.types.is_string_dtype(series) or series.dtype == object:
            safe.isetitem(position, series.map(csv_text))
    return safe


def xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """``frame`` as an .xlsx (header row, then one row per record; missing values are empty cells), text
    typed as text so that nothing in it can run as a formula (workbooks.cell_text)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    sheet.append([write_only_value(sheet, str(column)) for column in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        sheet.append([None if _is_missing(v) else write_only_value(sheet, v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _is_missing(value: object) -> bool:
    return value is None or (
        pd.api.types.is_scalar(value) and not isinstance(value, str) and pd.isna(value)
    )


def integers_as_integers(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where float columns that hold only whole numbers (ids, counts, with gaps) are integers:
    a CSV then says ``upload_id`` 4, not 4.0; the gaps stay empty cells."""
    result = frame.copy()
    for column in result.columns:
        series = result[column]
        if pd.api.types.is_float_dtype(series):
            present = series.dropna()
            if (
                not present.empty
                and (present == present.round()).all()
                and present.abs().max() < 2**53
            ):
                result[column] = series.astype("Int64")
    return result


def send_frame(frame: pd.DataFrame, basename: str, file_format: str) -> dict:
    """The dcc.Download payload for ``frame`` as ``<basename>-<today>.csv`` or ``.xlsx``."""
    whole = integers_as_integers(frame)
    filename = f"{basename}-{date.today().isoformat()}.{file_format}"
    if file_format == "csv":
        return dcc.send_data_frame(csv_safe(whole).to_csv, filename, index=False)
    if file_format == "xlsx":
        return dcc.send_bytes(xlsx_bytes(whole), filename)
    raise ValueError(f"unknown download format {file_format!r}")


def download_buttons(chart_id: str, frame: pd.DataFrame, basename: str) -> html.Div:
    """Buttons that download ``frame`` (the chart's data) as CSV / XLSX; ``chart_id`` unique per page."""
    buttons = [
        dbc.Button(
            _("Data as {file_format}").format(file_format=label),
            id={"type": "chart-download-button", "chart": chart_id, "format": file_format},
            size="sm",
            color="secondary",
            outline=True,
            className="me-1",
        )
        for file_format, label in FORMATS.items()
    ]
    stored = {
        "basename": basename,
        "columns": [str(c) for c in frame.columns],
        # Plain Python values, missing ones as None (JSON null), for the browser-side store.
        "rows": [
            [None if pd.isna(cell) else cell for cell in row]
            for row in frame.itertuples(index=False, name=None)
        ],
    }
    return html.Div(
        [
            *buttons,
            dcc.Download(id={"type": "chart-download", "chart": chart_id}),
            dcc.Store(id={"type": "chart-data", "chart": chart_id}, data=stored),
        ],
        className="chart-downloads",
    )


@callback(
    Output({"type": "chart-download", "chart": MATCH}, "data"),
    Input({"type": "chart-download-button", "chart": MATCH, "format": ALL}, "n_clicks"),
    State({"type": "chart-data", "chart": MATCH}, "data"),
    prevent_initial_call=True,
)
def _send_chart_data(clicks, stored):
    if not any(clicks) or not stored or not isinstance(ctx.triggered_id, dict):
        raise PreventUpdate
    frame = pd.DataFrame(stored["rows"], columns=stored["columns"])
    return send_frame(frame, stored["basename"], ctx.triggered_id["format"])
