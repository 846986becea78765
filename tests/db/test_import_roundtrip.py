"""Template -> filled like a partner would -> import -> export gives the same values; the Policy changes
sheet, the annotated workbook and the export's formula neutralisation."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from models import ChangeType, EvidenceItem, Partner, PolicyChange, StageEvent
from tests.factories import workbooks
from workbooks.annotate import PROBLEMS_SHEET, annotate_workbook
from workbooks.cell_text import csv_text as neutralise
from workbooks.export import export_observations
from workbooks.template import TemplateError, build_template


def _template(db, partner="SMILTENE", period="P7"):
    with db.factory() as session:
        return build_template(session, partner, period, language="en")


def _add_change(db, code="SMILTENE-EGOV", stage="proposed"):
    with db.factory() as session, session.begin():
        partner = session.scalar(select(Partner).where(Partner.code == "SMILTENE"))
        change = PolicyChange(
            code=code, instrument=partner.instruments[0], title="One e-service portal for the merged municipality",
            change_type=session.scalar(select(ChangeType).where(ChangeType.code == "management")),
        )  # fmt: skip
        session.add(change)
        change.record_stage("identified", date(2023, 5, 2), "officer")
        if stage == "proposed":
            change.record_stage("proposed", date(2023, 11, 20), "officer")


def test_template_has_what_partners_need(import_db):
    _add_change(import_db)
    book = openpyxl.load_workbook(io.BytesIO(_template(import_db)))
    assert book.sheetnames == ["Instructions", "Indicators", "Policy changes", "Lists"]
    assert book["Lists"].sheet_state == "hidden"
    assert "Smiltene Municipality" in book["Instructions"]["A1"].value
    assert "P7" in book["Instructions"]["A2"].value
    sheet = book["Indicators"]
    assert [c.value for c in sheet[1]] == [
        "Partner",
        "Code",
        "Indicator name",
        "Unit",
        "Period",
        "Value",
        "Comment",
    ]
    assert sheet.freeze_panes == "A2" and sheet.protection.sheet
    assert sheet["A1"].protection.locked and not sheet["F2"].protection.locked
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["ESU-SERVICES"][4] == "P7" and rows["ESU-SERVICES"][5] is None
    percent_row = next(
        r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 2).value == "DSK-BASIC"
    )
    assert "%" in sheet.cell(percent_row, 6).number_format
    formulas = {
        str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    assert formulas["B2"].startswith("='Lists'!$A$2")
    assert formulas["E2"].startswith("='Lists'!$B$2")
    policy = book["Policy changes"]
    assert [c.value for c in policy[2]][:4] == [
        "SMILTENE-EGOV",
        "Local Development Programme 2022-2028 for Smiltene area",
        "One e-service portal for the merged municipality",
        "proposed",
    ]


def test_template_refuses_unknown_partner_or_period(import_db):
    with import_db.factory() as session:
        with pytest.raises(TemplateError, match="SMILTENE"):
            build_template(session, "NOPE")
        with pytest.raises(TemplateError, match="P1, P2"):
            build_template(session, "SMILTENE", "P12")


def test_round_trip_template_filled_imported_exported(import_db):
    filled = workbooks.fill_template(
        _template(import_db),
        {("ESU-SERVICES", "P7"): 14, ("DSK-BASIC", "P7"): 0.473, ("ESU-TRANSACTIONS", "P7"): "1 234", ("ESU-USERS", "P7"): "n/a", ("ESU-SERVICES", "P6"): 12},
    )  # fmt: skip
    result = import_db.run(filled, "smiltene-p7.xlsx", partner="SMILTENE")
    assert result.status == "imported", result.issues
    expected = {
        ("SMILTENE", "ESU-SERVICES", "P7"): 14.0, ("SMILTENE", "DSK-BASIC", "P7"): 47.3,
        ("SMILTENE", "ESU-TRANSACTIONS", "P7"): 1234.0, ("SMILTENE", "ESU-USERS", "P7"): None,
        ("SMILTENE", "ESU-SERVICES", "P6"): 12.0,
    }  # fmt: skip
    assert import_db.values() == pytest.approx(expected)
    with import_db.factory() as session:
        exported_csv = export_observations(session, "SMILTENE", "csv")
        exported_xlsx = export_observations(session, None, "xlsx")
    rows = list(csv.DictReader(io.StringIO(exported_csv.decode("utf-8-sig"))))
    from_csv = {
        (r["partner"], r["indicator"], r["period"]): (float(r["value"]) if r["value"] else None)
        for r in rows
    }
    assert from_csv == pytest.approx(expected)
    assert {r["upload_filename"] for r in rows} == {"smiltene-p7.xlsx"}
    assert {r["source_cell"] for r in rows} >= {"Indicators!F2"}
    sheet = openpyxl.load_workbook(io.BytesIO(exported_xlsx)).active
    header = [c.value for c in sheet[1]]
    from_xlsx = {
        (r[0], r[1], r[3]): r[header.index("value")]
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert from_xlsx == pytest.approx(expected)
    # The exported CSV imports back as the same values: nothing changes.
    assert import_db.run(exported_csv, "export.csv", partner=None).status == "unchanged"


def test_policy_changes_sheet_records_stage_events_and_evidence(import_db):
    _add_change(import_db)
    filled = workbooks.fill_template(
        _template(import_db), {}, {"SMILTENE-EGOV": ("iesniegts", "15.03.2026", "https://smiltene.lv/lemums-12", None)}
    )  # fmt: skip
    result = import_db.run(filled, partner="SMILTENE")
    assert result.status == "imported", result.issues
    assert result.rows.inserted == 1
    with import_db.factory() as session:
        change = session.scalar(select(PolicyChange).where(PolicyChange.code == "SMILTENE-EGOV"))
        assert change.stage == "submitted"
        assert change.events[-1].upload_id == result.upload_id
        assert [e.url for e in change.evidence] == ["https://smiltene.lv/lemums-12"]
    again = import_db.run(filled, partner="SMILTENE")
    assert again.status == "unchanged"


def test_a_dry_run_lists_every_planned_change_of_every_sheet_with_units(import_db):
    _add_change(import_db)
    import_db.run(workbooks.xlsx([("DSK-BASIC", "P6", "84,3 %")]), partner="SMILTENE")
    filled = workbooks.fill_template(
        _template(import_db),
        {("DSK-BASIC", "P6"): "87,5 %", ("ESU-SERVICES", "P7"): 14},
        {"SMILTENE-EGOV": ("adopted", "15.03.2026", "https://smiltene.lv/lemums-12", "Council")},
    )  # fmt: skip
    preview = import_db.run(filled, partner="SMILTENE", dry_run=True)
    assert preview.status == "dry-run", preview.issues
    rows = preview.rows
    assert (rows.inserted, rows.updated) == (2, 1)  # ESU-SERVICES and the policy row; DSK-BASIC
    assert rows.read == rows.inserted + rows.updated + rows.unchanged + rows.invalid
    percent = next(change for change in preview.changes if change.indicator == "DSK-BASIC")
    assert (percent.old_value, percent.new_value) == pytest.approx((84.3, 87.5))
    assert (percent.value_kind, percent.unit) == ("percentage", "%")
    count = next(change for change in preview.changes if change.indicator == "ESU-SERVICES")
    assert (count.value_kind, count.unit, count.is_new) == ("count", "services", True)
    assert [c.to_dict() for c in preview.policy_changes] == [
        {"change": "SMILTENE-EGOV", "cell": "Policy changes!F2", "stage": None,
         "occurred_on": None, "note": "", "url": "https://smiltene.lv/lemums-12"},
        {"change": "SMILTENE-EGOV", "cell": "Policy changes!D2", "stage": "adopted",
         "occurred_on": "2026-03-15", "note": "Council", "url": None},
    ]  # fmt: skip
    assert preview.to_json()["policy_changes"][1]["stage"] == "adopted"
    confirmed = import_db.run(filled, partner="SMILTENE")
    assert confirmed.status == "imported"
    assert [c.stage for c in confirmed.policy_changes] == [None, "adopted"]


def test_the_counts_of_a_refused_file_add_up(import_db):
    _add_change(import_db)
    import_db.run(workbooks.xlsx([("ESU-SERVICES", "P5", 10), ("ESU-SERVICES", "P6", 11)]))
    rows = [("ESU-SERVICES", "P5", 10), ("ESU-SERVICES", "P6", 15), ("ESU-SERVICES", "P7", 12)]
    rows += [("ESU-USERS", f"P{n}", 100 * n) for n in range(1, 8)] + [("DSK-STAFF", "P7", "lots")]
    result = import_db.run(workbooks.xlsx(rows))
    assert result.status == "rejected"
    assert result.rows.to_dict() == {
        "read": 11, "inserted": 8, "updated": 1, "unchanged": 1, "invalid": 1,
    }  # fmt: skip
    assert result.changes == []  # nothing is written, so nothing is listed as changing


def test_an_evidence_link_without_https_is_accepted_with_a_warning(import_db):
    _add_change(import_db)
    filled = workbooks.fill_template(
        _template(import_db), {}, {"SMILTENE-EGOV": ("adopted", "15.03.2026", "www.smiltene.lv/lemums-12", None)}
    )  # fmt: skip
    result = import_db.run(filled, partner="SMILTENE")
    assert result.status == "imported", result.issues
    (added,) = result.warnings
    assert (added.code, added.location, added.value) == (
        "url-scheme-added", "Policy changes!F2", "www.smiltene.lv/lemums-12",
    )  # fmt: skip
    assert added.message == (
        "F2: 'www.smiltene.lv/lemums-12' has no https:// in front, so it is read as "
        "https://www.smiltene.lv/lemums-12; check that the link opens"
    )
    assert [c.url for c in result.policy_changes if c.url] == ["https://www.smiltene.lv/lemums-12"]
    with import_db.factory() as session:
        change = session.scalar(select(PolicyChange).where(PolicyChange.code == "SMILTENE-EGOV"))
        assert [e.url for e in change.evidence] == ["https://www.smiltene.lv/lemums-12"]
    # The same link typed with its https:// is the same evidence: nothing new.
    again = workbooks.fill_template(
        _template(import_db), {}, {"SMILTENE-EGOV": ("adopted", "15.03.2026", "https://www.smiltene.lv/lemums-12", None)}
    )  # fmt: skip
    assert import_db.run(again, partner="SMILTENE").status == "unchanged"


@pytest.mark.parametrize(
    ("stage", "day", "url", "note", "code"),
    [
        ("validated", "15.03.2026", None, None, "validated-without-evidence"),
        ("identified", "15.03.2026", None, None, "stage-moved-back-without-note"),
        ("abandonné", "15.03.2026", None, None, "abandoned-without-note"),
        ("approved?", "15.03.2026", None, None, "unknown-stage"),
        ("adopted", "31.02.2026", None, None, "not-a-date"),
        ("adopted", "15.03.2026", "www.example", None, "not-a-url"),
        ("adopted", "15.03.2099", None, None, "date-in-future"),
    ],
)
def test_policy_change_rules_are_checked_before_writing(import_db, stage, day, url, note, code):
    _add_change(import_db)
    filled = workbooks.fill_template(
        _template(import_db), {}, {"SMILTENE-EGOV": (stage, day, url, note)}
    )
    result = import_db.run(filled, partner="SMILTENE")
    assert result.status == "rejected"
    assert [i.code for i in result.errors] == [code]
    assert result.errors[0].sheet == "Policy changes" and result.errors[0].cell[0] in "DEF"
    with import_db.factory() as session:
        assert len(session.scalars(select(StageEvent)).all()) == 2


def test_moving_back_with_a_note_is_a_warning(import_db):
    _add_change(import_db)
    filled = workbooks.fill_template(
        _template(import_db),
        {},
        {"SMILTENE-EGOV": ("identified", "15.03.2026", None, "sent back by the council")},
    )
    result = import_db.run(filled, partner="SMILTENE")
    assert result.status == "imported"
    assert [i.code for i in result.warnings] == ["stage-moved-back"]


def test_validated_with_evidence_in_the_same_row(import_db):
    _add_change(import_db)
    filled = workbooks.fill_template(
        _template(import_db),
        {},
        {
            "SMILTENE-EGOV": (
                "Apstiprināts",
                "15.03.2026",
                "https://smiltene.lv/decision",
                "council decision 12",
            )
        },
    )
    result = import_db.run(filled, partner="SMILTENE")
    assert result.status == "imported", result.issues
    with import_db.factory() as session:
        assert session.scalar(select(PolicyChange.stage)) == "validated"
        assert session.scalar(select(EvidenceItem.title)) == "council decision 12"


def test_annotated_workbook_highlights_and_comments_problem_cells(import_db):
    content = workbooks.xlsx([("ESU-SERVICES", "P1", "12,5,0"), ("ESU-SERVISES", "P1", 3)])
    result = import_db.run(content)
    book = openpyxl.load_workbook(io.BytesIO(annotate_workbook(content, "r.xlsx", result.issues)))
    assert book.sheetnames[0] == PROBLEMS_SHEET
    sheet = book["Indicators"]
    assert "not-a-number" in sheet["C2"].comment.text and "12,5" in sheet["C2"].comment.text
    assert sheet["C2"].fill.fgColor.rgb.endswith("F4B6B6")
    assert "unknown-indicator" in sheet["A3"].comment.text
    problems = list(book[PROBLEMS_SHEET].iter_rows(min_row=2, values_only=True))
    assert {(p[1], p[3]) for p in problems} == {("not-a-number", "C2"), ("unknown-indicator", "A3")}


@pytest.mark.parametrize("kind", ["ods", "csv"])
def test_annotating_ods_and_csv_gives_an_xlsx_copy(import_db, kind):
    rows = [("Indicator", "Period", "Value"), ("ESU-SERVICES", "P1", "=1+1")]
    content = workbooks.ods({"Data": rows}) if kind == "ods" else workbooks.csv_bytes(rows)
    result = import_db.run(content, f"r.{kind}")
    assert result.status == "rejected"
    book = openpyxl.load_workbook(
        io.BytesIO(annotate_workbook(content, f"r.{kind}", result.issues))
    )
    sheet = book[book.sheetnames[1]]
    assert sheet["C2"].value == "=1+1" and sheet["C2"].data_type == "s"  # text, never a formula
    assert sheet["C2"].comment is not None


def test_export_neutralises_formula_text():
    assert [neutralise(v) for v in ("=HYPERLINK()", "+1", "-x", "@SUM", "\tx", "ok", -3.5)] == [
        "'=HYPERLINK()",
        "'+1",
        "'-x",
        "'@SUM",
        "'\tx",
        "ok",
        -3.5,
    ]


def test_export_csv_neutralises_comments(import_db):
    import_db.run(
        workbooks.xlsx(
            [("ESU-SERVICES", "P1", 3, "+cmd|' /C calc'!A0")],
            ("Indicator", "Period", "Value", "Comment"),
        )
    )
    with import_db.factory() as session:
        text = export_observations(session).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["comment"] == "'+cmd|' /C calc'!A0" and row["value"] == "3"


def test_the_value_history_says_how_a_comment_changed(import_db):
    from sqlalchemy import select

    from models import ObservationRevision

    import_db.run(workbooks.xlsx([("ESU-SERVICES", "P1", "12")]))
    import_db.run(workbooks.xlsx([("ESU-SERVICES", "P1", "14")]))
    with import_db.factory() as session:
        reason = session.scalars(select(ObservationRevision.reason)).one()
    assert reason.startswith("upload of Indicators!C") and "comment" not in reason

    import_db.run(workbooks.xlsx([("ESU-SERVICES", "P1", "14", "two counters merged")]))
    with import_db.factory() as session:
        reasons = session.scalars(
            select(ObservationRevision.reason).order_by(ObservationRevision.id)
        )
        last = list(reasons)[-1]
    assert last == "comment: '' -> 'two counters merged'"
