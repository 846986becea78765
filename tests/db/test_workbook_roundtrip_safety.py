"""The writers that read the database (template, exports, setup workbook) with hostile text in every kind
of text cell they produce: the files open, hold no formula, read back as stored minus what a spreadsheet
cannot hold; and the setup workbook imports back with no change at all.

The database cannot hold some of the hostile characters itself (PostgreSQL refuses NUL, no UTF-8 text
holds a lone surrogate), so those are left out here; tests/unit/test_workbook_safety.py covers them.
"""

from __future__ import annotations

import csv
import io

import openpyxl
from sqlalchemy import select, update

from dashboard.access import Actor
from i18n import use_language
from models import Indicator, Observation, Partner, PolicyChange, PolicyInstrument, Target
from services.catalogue import update_setup_value
from services.setup_workbook import import_setup_workbook
from tests.support.catalogues import StandIn, install, shouting
from tests.unit.test_workbook_safety import (
    FORMULA_LIKE,
    HOSTILE,
    assert_no_formula,
    text_cells,
    visible,
)
from workbooks.cell_text import looks_like_formula
from workbooks.export import EXPORT_COLUMNS, export_observations
from workbooks.setup_workbook import setup_workbook
from workbooks.template import build_template

OFFICER = Actor(name="officer", role="admin")
ALL = ["MDPWA", "SWO-RDA", "REDEA", "SMILTENE", "PLH"]
IN_DATABASE = [text.replace("\x00", "") for text in HOSTILE if "\ud800" not in text]


def _short(text: str, limit: int) -> str:
    return text[:limit]


def _hostile_setup(session) -> list[str]:
    """Hostile names, units and titles on SMILTENE's side of the setup; returns the texts stored."""
    partner = session.scalar(select(Partner).where(Partner.code == "SMILTENE"))
    indicators = list(
        session.scalars(
            select(Indicator)
            .join(Target)
            .where(Target.partner_id == partner.id)
            .order_by(Indicator.display_order)
        )
    )  # those the template lists
    assert 2 * len(indicators) >= len(IN_DATABASE)
    stored = []
    for index, indicator in enumerate(indicators):
        name, unit = IN_DATABASE[index % len(IN_DATABASE)], IN_DATABASE[-1 - index]
        indicator.name, indicator.unit = _short(name, 300), _short(unit, 60)
        stored += [indicator.name, indicator.unit]
    partner.name = '=HYPERLINK("https://evil.example","x")'
    for instrument in session.scalars(
        select(PolicyInstrument).where(PolicyInstrument.partner_id == partner.id)
    ):
        instrument.title = "@SUM(A1)\x01"
    for change in session.scalars(select(PolicyChange)):
        change.title = "-1+2\x1f"
    session.commit()
    return stored


def test_the_template_holds_no_formula_whatever_the_names(demo):
    stored = _hostile_setup(demo)
    book = assert_no_formula(build_template(demo, "SMILTENE", "P7", language="en"))
    texts = text_cells(book)
    for text in stored:
        assert visible(text) in texts
    assert '=HYPERLINK("https://evil.example","x")' in book["Instructions"]["A1"].value
    rows = list(book["Indicators"].iter_rows(min_row=2, values_only=True))
    assert [(row[2], row[3]) for row in rows[: len(stored) // 2]] == [
        (visible(name), visible(unit)) for name, unit in zip(stored[::2], stored[1::2], strict=True)
    ]
    changes = [r for r in book["Policy changes"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert changes and {(row[1], row[2]) for row in changes} == {("@SUM(A1)", "-1+2")}


def _hostile_comments(session) -> list[str]:
    ids = list(session.scalars(select(Observation.id).order_by(Observation.id)))
    for observation_id, text in zip(ids, IN_DATABASE, strict=False):
        # Core: the comment is what is being tested, not the revision rules of an edit.
        session.execute(
            update(Observation).where(Observation.id == observation_id).values(comment=text)
        )
    session.commit()
    return IN_DATABASE[: len(ids)]


def test_the_xlsx_export_holds_no_formula_and_numbers_stay_numbers(demo):
    comments = _hostile_comments(demo)
    _hostile_setup(demo)
    book = assert_no_formula(export_observations(demo, None, "xlsx"))
    rows = list(book["Observations"].iter_rows(values_only=True))
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    column = EXPORT_COLUMNS.index("comment")
    exported = {row[column] for row in rows[1:]}
    assert {visible(text) for text in comments} <= exported
    values = [row[EXPORT_COLUMNS.index("value")] for row in rows[1:]]
    assert all(value is None or isinstance(value, int | float) for value in values)


def test_the_export_stays_machine_readable_in_every_language(demo, monkeypatch):
    """The data sheet and the CSV are the same whoever downloads them; only the XLSX's notes sheet
    (what each column holds) is in the reader's language (a shouting stand-in for Latvian here)."""
    install(monkeypatch, {"lv": StandIn(rest=shouting)})
    with use_language("lv"):
        csv_lv, xlsx_lv = (export_observations(demo, None, fmt) for fmt in ("csv", "xlsx"))
    assert csv_lv == export_observations(demo, None, "csv")
    latvian = openpyxl.load_workbook(io.BytesIO(xlsx_lv))
    english = openpyxl.load_workbook(io.BytesIO(export_observations(demo, None, "xlsx")))
    assert latvian.sheetnames == ["Observations", "COLUMNS"]
    assert english.sheetnames == ["Observations", "Columns"]
    assert list(latvian["Observations"].values) == list(english["Observations"].values)
    notes = list(latvian["COLUMNS"].values)
    assert notes[0] == ("COLUMN", "WHAT IT HOLDS")
    assert [row[0] for row in notes[1:]] == list(EXPORT_COLUMNS)
    assert dict(notes[1:])["review_status"].startswith("approved, submitted (AWAITING APPROVAL)")


def test_the_csv_export_quotes_formula_like_text(demo):
    comments = _hostile_comments(demo)
    text = export_observations(demo, None, "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    exported = {row["comment"] for row in rows}
    for comment in comments:
        shown = visible(comment)
        assert ("'" + shown if looks_like_formula(shown) else shown) in exported
    assert all(not row["value"].startswith("'") for row in rows)  # numbers are not quoted


def test_the_setup_workbook_holds_no_formula_and_imports_back_unchanged(demo):
    indicators = list(demo.scalars(select(Indicator.id).order_by(Indicator.display_order)))
    partners = list(demo.scalars(select(Partner.id).order_by(Partner.display_order)))
    for row_id, text in zip(indicators, FORMULA_LIKE, strict=False):
        update_setup_value(demo, OFFICER, "indicator", row_id, "name", text)
        update_setup_value(demo, OFFICER, "indicator", row_id, "unit", text[:60])
    for row_id, text in zip(partners, FORMULA_LIKE, strict=False):
        update_setup_value(demo, OFFICER, "partner", row_id, "short_name", text[:60])
    demo.commit()
    names = list(demo.scalars(select(Indicator.name).order_by(Indicator.display_order)))
    assert any(name.startswith("=HYPERLINK") for name in names)

    content = setup_workbook(demo, ALL)
    book = assert_no_formula(content)
    short_names = [row[2] for row in book["Partners"].iter_rows(min_row=2, values_only=True)]
    assert '=HYPERLINK("https://evil.example","x")' in short_names  # exact: no apostrophe added
    result = import_setup_workbook(demo, OFFICER, content, dry_run=True, max_bytes=10**7)
    assert not result.issues
    assert sum(result.updated.values()) == sum(result.added.values()) == 0, result.updated


def test_an_older_setup_workbook_with_our_apostrophe_imports_back_unchanged(demo):
    """Exports made before text cells were typed as text kept "'=..." in the cell; that apostrophe was
    ours, so importing such a workbook unchanged changes nothing."""
    partner = demo.scalars(select(Partner).order_by(Partner.display_order)).first()
    update_setup_value(demo, OFFICER, "partner", partner.id, "short_name", "=HYPERLINK(1)")
    demo.commit()
    book = openpyxl.load_workbook(io.BytesIO(setup_workbook(demo, ALL)))
    sheet = book["Partners"]
    cell = next(c for c in sheet["C"] if c.value == "=HYPERLINK(1)")
    cell.value, cell.data_type = "'=HYPERLINK(1)", "s"
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_setup_workbook(demo, OFFICER, buffer.getvalue(), dry_run=True, max_bytes=10**7)
    assert sum(result.updated.values()) == 0, result.updated
