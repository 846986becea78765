"""Importing real partner workbooks into a real database: values, revisions, audit, all-or-nothing."""

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from dashboard.access import AccessDenied, Actor
from importers import workbook_import
from importers.workbook_import import UploadNotFoundError, import_stored_upload
from models import AuditEvent, Observation, ObservationRevision, ReportingPeriod, StoredFile, Upload
from tests.factories import workbooks

HEADER = ("Indicator", "Period", "Value", "Comment")


def test_messy_romanian_workbook_imports_every_value(import_db):
    content = workbooks.messy_partner_xlsx()
    result = import_db.run(content, "raport.xlsx", partner="MDPWA")
    assert result.status == "imported", result.issues
    assert result.exit_code == 0
    count = len(workbooks.ROMANIAN_EXPECTED)
    assert result.rows.to_dict() == {
        "read": count, "inserted": count, "updated": 0, "unchanged": 0, "invalid": 0,
    }  # fmt: skip
    values = import_db.values()
    for (indicator, period), value in workbooks.ROMANIAN_EXPECTED.items():
        assert values[("MDPWA", indicator, period)] == value
    with import_db.factory() as session:
        upload = session.get(Upload, result.upload_id)
        assert (upload.outcome, upload.rows_inserted, upload.uploaded_by) == (
            "imported",
            count,
            "tester",
        )
        assert session.get(StoredFile, upload.sha256).content == content
    assert {change.cell for change in result.changes} >= {"Raport!D6", "Raport!D10", "Raport!D12"}


def test_broken_workbook_reports_each_problem_cell(import_db):
    result = import_db.run(workbooks.broken_partner_xlsx(), partner="MDPWA")
    assert result.status == "rejected"
    assert {(i.code, i.cell) for i in result.errors} == {
        ("unknown-indicator", "B6"), ("unknown-period", "C7"), ("not-a-number", "D8"),
        ("percentage-out-of-range", "D9"), ("formula-without-value", "D10"), ("duplicate-row", "D12"),
    }  # fmt: skip


def test_importing_the_same_file_twice_says_unchanged(import_db):
    content = workbooks.messy_partner_xlsx()
    assert import_db.run(content, partner="MDPWA").status == "imported"
    before = import_db.counts()
    again = import_db.run(content, partner="MDPWA")
    assert again.status == "unchanged" and again.exit_code == 0
    assert again.rows.unchanged == len(workbooks.ROMANIAN_EXPECTED)
    assert again.rows.inserted == again.rows.updated == 0
    after = import_db.counts()
    assert after["Upload"] == before["Upload"] + 1
    assert {k: v for k, v in after.items() if k != "Upload"} == {
        k: v for k, v in before.items() if k != "Upload"
    }


def test_changed_values_keep_the_previous_one_as_a_revision(import_db_both):
    db = import_db_both
    first = db.run(workbooks.xlsx([("ESU-SERVICES", "P1", 3), ("ESU-USERS", "P1", 100)]))
    assert first.status == "imported"
    second = db.run(
        workbooks.xlsx(
            [("ESU-SERVICES", "P1", 4), ("ESU-USERS", "P1", 100), ("ESU-SERVICES", "P2", "n/a")]
        )
    )
    assert second.status == "imported", second.issues
    assert second.rows.to_dict() == {
        "read": 3,
        "inserted": 1,
        "updated": 1,
        "unchanged": 1,
        "invalid": 0,
    }
    assert db.values()[("SMILTENE", "ESU-SERVICES", "P1")] == 4
    assert db.values()[("SMILTENE", "ESU-SERVICES", "P2")] is None
    [change] = [c for c in second.changes if not c.is_new]
    assert (change.old_value, change.new_value, change.cell) == (3, 4, "Indicators!C2")
    with db.factory() as session:
        [revision] = session.scalars(select(ObservationRevision)).all()
        assert (revision.previous_value, revision.new_value) == (3, 4)
        assert (revision.upload_id, revision.previous_upload_id) == (
            second.upload_id,
            first.upload_id,
        )
        assert revision.previous_source_kind == "upload"


def test_a_file_with_one_error_changes_nothing(import_db_both):
    db = import_db_both
    db.run(workbooks.xlsx([("ESU-SERVICES", "P1", 3)]))
    values, counts = db.values(), db.counts()
    result = db.run(
        workbooks.xlsx(
            [("ESU-SERVICES", "P1", 5), ("ESU-USERS", "P1", 7), ("ESU-USERS", "P2", "12,5,0")]
        )
    )
    assert result.status == "rejected" and result.exit_code == 1
    assert [(i.code, i.cell) for i in result.errors] == [("not-a-number", "C4")]
    # Every row is counted as what it is (the counts add up to the rows read), yet nothing is written.
    assert result.rows.to_dict() == {
        "read": 3, "inserted": 1, "updated": 1, "unchanged": 0, "invalid": 1,
    }  # fmt: skip
    assert result.changes == []
    assert db.values() == values
    after = db.counts()
    assert after["Upload"] == counts["Upload"] + 1 and after["Observation"] == counts["Observation"]
    with db.factory() as session:
        upload = session.get(Upload, result.upload_id)
        assert upload.outcome == "rejected"
        assert upload.issues[0]["code"] == "not-a-number" and upload.issues[0]["cell"] == "C4"


def test_every_problem_is_reported_with_its_cell(import_db):
    rows = [
        ("ESU-SERVISES", "P1", 3, None),  # A2 unknown indicator (did you mean)
        ("ESU-SERVICES", "P9", 3, None),  # B3 unknown period
        ("ESU-USERS", "P1", "12,5,0", None),  # C4 not a number
        ("DSK-BASIC", "P1", 140, None),  # C5 percentage out of range
        ("DSK-TRAINED", "P1", -2, None),  # C6 negative count
        ("ESU-SERVICES", "P2", 1, None),
        ("ESU-SERVICES", "P2", 2, None),  # C8 duplicate
        ("ESU-TRANSACTIONS", "P1", "=A1*2", None),  # C9 formula without a saved value
        ("ESU-SERVICES", "2024-S1", 2, None),  # B10 calendar half-year over two periods
        ("STK-MEETINGS", "P1", "45 %", None),  # C11 percentage for a count
    ]
    result = import_db.run(workbooks.xlsx(rows, HEADER))
    found = {(i.code, i.cell) for i in result.errors}
    assert found == {
        ("unknown-indicator", "A2"), ("unknown-period", "B3"), ("not-a-number", "C4"),
        ("percentage-out-of-range", "C5"), ("negative-count", "C6"), ("duplicate-row", "C8"),
        ("formula-without-value", "C9"), ("ambiguous-period", "B10"), ("unexpected-percent", "C11"),
    }  # fmt: skip
    messages = {i.code: i.message for i in result.errors}
    assert (
        messages["not-a-number"]
        == "C4: '12,5,0' is not a number; write a number such as 12,5 or 1 234"
    )
    assert "did you mean ESU-SERVICES?" in messages["unknown-indicator"]
    assert (
        "P2 (01.09.2023-29.02.2024) or P3 (01.03.2024-31.08.2024)" in messages["ambiguous-period"]
    )
    assert "C7" in messages["duplicate-row"]
    assert "open the file in Excel or LibreOffice, save it" in messages["formula-without-value"]
    assert all(
        i.sheet == "Indicators" and i.value != "" or i.code == "formula-without-value"
        for i in result.errors
    )
    assert result.rows.invalid == 9 and import_db.values() == {}


def test_percentages_in_every_form_mean_the_same(import_db):
    rows = [
        ("DSK-BASIC", "P1", 45),
        ("DSK-BASIC", "P2", "45 %"),
        ("DSK-BASIC", "P3", "45%"),
        ("DSK-BASIC", "P4", 0.45),
        ("DSK-BASIC", "P5", "45,0"),
    ]
    result = import_db.run(workbooks.xlsx(rows, percent_cells=["C5"]))
    assert result.status == "imported", result.issues
    assert {period: v for (_, _, period), v in import_db.values().items()} == dict.fromkeys(
        ["P1", "P2", "P3", "P4", "P5"], 45.0
    )


def test_a_fraction_in_a_plain_cell_is_a_warning_not_a_guess(import_db):
    result = import_db.run(workbooks.xlsx([("DSK-BASIC", "P1", 0.45)]))
    assert result.status == "imported"
    assert [i.code for i in result.warnings] == ["percentage-looks-like-fraction"]
    assert import_db.values()[("SMILTENE", "DSK-BASIC", "P1")] == 0.45


def test_ambiguous_thousands_are_decided_by_the_rest_of_the_file(import_db):
    rows = [("ESU-TRANSACTIONS", "P1", "1.234"), ("DSK-TRAINED", "P1", "12,5")]
    assert import_db.run(workbooks.xlsx(rows)).status == "imported"
    assert import_db.values()[("SMILTENE", "ESU-TRANSACTIONS", "P1")] == 1234


def test_ambiguous_thousands_without_evidence_are_reported(import_db):
    result = import_db.run(
        workbooks.xlsx([("ESU-TRANSACTIONS", "P1", "1,234"), ("DSK-TRAINED", "P1", "7")])
    )
    assert result.status == "rejected"
    [problem] = result.errors
    assert problem.code == "ambiguous-number" and problem.cell == "C2"
    assert "1.234 or 1234" in problem.message


def test_dry_run_reports_what_would_happen_and_can_be_confirmed_later(import_db):
    import_db.run(workbooks.xlsx([("ESU-SERVICES", "P1", 3)]))
    counts = import_db.counts()
    preview = import_db.run(
        workbooks.xlsx([("ESU-SERVICES", "P1", 4), ("ESU-USERS", "P1", 9)]), dry_run=True
    )
    assert preview.status == "dry-run" and preview.exit_code == 0
    assert preview.rows.to_dict() == {
        "read": 2,
        "inserted": 1,
        "updated": 1,
        "unchanged": 0,
        "invalid": 0,
    }
    assert [(c.indicator, c.old_value, c.new_value) for c in preview.changes] == [
        ("ESU-SERVICES", 3, 4),
        ("ESU-USERS", None, 9),
    ]
    assert import_db.counts() == {**counts, "Upload": counts["Upload"] + 1}
    confirmed = import_stored_upload(
        import_db.factory,
        preview.upload_id,
        actor=Actor("officer", "admin"),
        max_bytes=import_db.settings.max_upload_bytes,
    )
    assert confirmed.status == "imported" and confirmed.upload_id != preview.upload_id
    assert import_db.values()[("SMILTENE", "ESU-SERVICES", "P1")] == 4


def test_consolidated_sheet_without_partner_option(import_db):
    rows = [
        ("SMILTENE", "ESU-SERVICES", "P1", 3),
        ("Plœuc-L'Hermitage", "ESU-SERVICES", "P1", 5),
        ("redea", "ESU-SERVICES", "P2", 1),
    ]
    result = import_db.run(
        workbooks.xlsx(rows, ("Partner", "Indicator", "Period", "Value")), partner=None
    )
    assert result.status == "imported", result.issues
    assert import_db.values() == {
        ("SMILTENE", "ESU-SERVICES", "P1"): 3,
        ("PLH", "ESU-SERVICES", "P1"): 5,
        ("REDEA", "ESU-SERVICES", "P2"): 1,
    }


def test_partner_column_is_required_without_partner_option(import_db):
    result = import_db.run(workbooks.xlsx([("ESU-SERVICES", "P1", 3)]), partner=None)
    assert [i.code for i in result.errors] == ["missing-partner-column"]


def test_a_row_for_another_partner_is_an_error(import_db):
    rows = [
        ("SMILTENE", "ESU-SERVICES", "P1", 3),
        ("PLH", "ESU-SERVICES", "P1", 5),
        ("Atlantis", "ESU-SERVICES", "P2", 1),
    ]
    result = import_db.run(
        workbooks.xlsx(rows, ("Partner", "Indicator", "Period", "Value")), partner="SMILTENE"
    )
    assert {(i.code, i.cell) for i in result.errors} == {
        ("other-partner", "A3"),
        ("unknown-partner", "A4"),
    }


def test_ods_from_libreoffice_with_a_percent_cell(import_db):
    rows = [
        ("Indicateur", "Période", "Valeur"),
        ("ESU-SERVICES", "Semestre 2", 4),
        ("DSK-BASIC", "01.09.2023 - 29.02.2024", 0.5),
    ]
    result = import_db.run(
        workbooks.ods({"Rapport": rows}, {"Rapport": {(2, 2)}}), "rapport.ods", partner="PLH"
    )
    assert result.status == "imported", result.issues
    assert import_db.values() == {("PLH", "ESU-SERVICES", "P2"): 4, ("PLH", "DSK-BASIC", "P2"): 50}


@pytest.mark.parametrize(
    ("encoding", "rows", "partner"),
    [
        (
            "cp1257",
            [("Rādītājs", "Periods", "Vērtība"), ("ESU-SERVICES", "P1", "1 234,5")],
            "SMILTENE",
        ),
        (
            "cp1250",
            [
                ("Pokazatelj", "Razdoblje", "Vrijednost", "Napomena"),
                ("ESU-SERVICES", "1. razdoblje", "1 234,5", "Međimurje"),
            ],
            "REDEA",
        ),
        ("cp1252", [("Indicateur", "Période", "Valeur"), ("ESU-SERVICES", "P1", "1 234,5")], "PLH"),
        (
            "utf-8-sig",
            [("Indicator", "Perioadă", "Valoare"), ("ESU-SERVICES", "P1", "1.234,5")],
            "MDPWA",
        ),
    ],
)
def test_csv_in_the_partners_encodings(import_db, encoding, rows, partner):
    content = workbooks.csv_bytes(
        rows, encoding=encoding.replace("-sig", ""), bom=encoding.endswith("-sig")
    )
    result = import_db.run(content, "report.csv", partner=partner)
    assert result.status == "imported", result.issues
    assert import_db.values() == {(partner, "ESU-SERVICES", "P1"): 1234.5}


def test_wide_layout(import_db):
    rows = [
        ("ESU-SERVICES", "E-services", 3, 4, None),
        ("DSK-BASIC", "Basic skills", "41 %", "n/a", 47),
    ]
    result = import_db.run(
        workbooks.xlsx(
            rows, ("Code", "Name", "P1", "P2", "P3"), title_rows=("Smiltene",), header_row=3
        )
    )
    assert result.status == "imported", result.issues
    assert import_db.values() == {
        ("SMILTENE", "ESU-SERVICES", "P1"): 3, ("SMILTENE", "ESU-SERVICES", "P2"): 4,
        ("SMILTENE", "DSK-BASIC", "P1"): 41, ("SMILTENE", "DSK-BASIC", "P2"): None, ("SMILTENE", "DSK-BASIC", "P3"): 47,
    }  # fmt: skip


def test_indicator_by_name_and_formula_with_saved_value(import_db):
    content = workbooks.xlsx(
        [("E-services offered online", "P1", "=1+2")], ("Indicator name", "Period", "Value")
    )
    content = workbooks.with_saved_formula_values(content, {"C2": 3})
    result = import_db.run(content)
    assert result.status == "imported", result.issues
    assert import_db.values() == {("SMILTENE", "ESU-SERVICES", "P1"): 3}


def test_plausibility_warnings_do_not_block(import_db):
    import_db.run(workbooks.xlsx([("ESU-USERS", "P1", 100), ("ESU-TRANSACTIONS", "P1", 100)]))
    rows = [("ESU-USERS", "P2", 80), ("ESU-TRANSACTIONS", "P2", 1000), ("ESU-SERVICES", "P8", 5)]
    result = import_db.run(workbooks.xlsx(rows))
    assert result.status == "imported"
    assert {(i.code, i.cell) for i in result.warnings} == {
        ("cumulative-decrease", "C2"), ("far-from-previous", "C3"), ("period-not-ended", "C4"),
    }  # fmt: skip


def test_unreadable_files_are_audited_too(import_db):
    result = import_db.run(workbooks.zip_bomb_xlsx(30 * 1024 * 1024), "bomb.xlsx")
    assert result.status == "unreadable" and result.exit_code == 2
    assert [i.code for i in result.issues] == ["zip-bomb"]
    with import_db.factory() as session:
        assert session.get(Upload, result.upload_id).outcome == "unreadable"


def test_unknown_partner_code_is_a_wrong_call(import_db):
    from importers.workbook_import import UnknownPartnerError

    with pytest.raises(UnknownPartnerError, match="SMILTENE"):
        import_db.run(workbooks.xlsx([("ESU-SERVICES", "P1", 3)]), partner="NOPE")


def test_a_blank_value_never_erases_a_stored_one(import_db):
    import_db.run(workbooks.xlsx([("ESU-SERVICES", "P1", 3)]))
    result = import_db.run(workbooks.xlsx([("ESU-SERVICES", "P1", None), ("ESU-USERS", "P1", 2)]))
    assert result.status == "imported" and result.rows.read == 1
    assert import_db.values()[("SMILTENE", "ESU-SERVICES", "P1")] == 3


def test_today_decides_which_periods_have_ended(import_db):
    result = import_db.run(workbooks.xlsx([("ESU-SERVICES", "P3", 3)]), today=date(2024, 6, 1))
    assert [i.code for i in result.warnings] == ["period-not-ended"]


_FAILING_TRIGGER = {
    "sqlite": [
        "CREATE TRIGGER revisions_fail BEFORE INSERT ON observation_revision "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION revisions_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$ "
        "LANGUAGE plpgsql",
        "CREATE TRIGGER revisions_fail BEFORE INSERT ON observation_revision "
        "FOR EACH ROW EXECUTE FUNCTION revisions_fail()",
    ],
}


def test_a_crash_half_way_writes_nothing_and_leaves_the_attempt_on_record(import_db_both):
    db = import_db_both
    db.run(workbooks.xlsx([("ESU-SERVICES", "P1", 3)]))
    values, counts = db.values(), db.counts()
    with db.factory() as session, session.begin():
        # A real database failure in the middle of the write: new rows go in first, then revisions fail.
        for statement in _FAILING_TRIGGER[session.bind.dialect.name]:
            session.execute(text(statement))
    with pytest.raises(DBAPIError, match="disk full"):
        db.run(workbooks.xlsx([("ESU-USERS", "P1", 7), ("ESU-SERVICES", "P1", 4)]))
    assert db.values() == values
    after = db.counts()
    assert after == {**counts, "Upload": counts["Upload"] + 1}
    with db.factory() as session:
        upload = session.scalars(select(Upload).order_by(Upload.id.desc())).first()
        assert upload.outcome == "rejected"
        assert upload.issues[0]["code"] == "import-interrupted"


class _ProcessKilled(BaseException):
    """What a worker killed in the middle of reading looks like from the inside: nothing after it runs."""


def _last_upload(db) -> Upload:
    with db.factory() as session:
        return session.scalars(select(Upload).order_by(Upload.id.desc())).first()


def test_the_attempt_is_on_record_with_its_file_before_the_file_is_read(
    import_db_both, monkeypatch
):
    db = import_db_both
    content = workbooks.xlsx([("ESU-SERVICES", "P1", 3)])

    def killed(*_args, **_kwargs):
        raise _ProcessKilled

    monkeypatch.setattr(workbook_import, "extract", killed)
    with pytest.raises(_ProcessKilled):
        db.run(content, "p1.xlsx")
    upload = _last_upload(db)
    assert (upload.outcome, upload.filename, upload.file_discarded) == (
        "unreadable",
        "p1.xlsx",
        None,
    )
    assert [issue["code"] for issue in upload.issues] == ["import-interrupted"]
    assert upload.issues[0]["message"] == (
        "Reading p1.xlsx did not finish, so nothing from it was written. Try again, and tell the "
        "monitoring team if it keeps happening."
    )
    with db.factory() as session:
        assert session.get(StoredFile, upload.sha256).content == content
    assert db.values() == {}


def test_a_crash_while_reading_is_an_unreadable_outcome_with_one_sentence(
    import_db_both, monkeypatch, caplog
):
    db = import_db_both

    def crash(*_args, **_kwargs):
        raise RuntimeError("cell value 4711 that must not reach the log")

    monkeypatch.setattr(workbook_import, "extract", crash)
    result = db.run(workbooks.xlsx([("ESU-SERVICES", "P1", 4711)]), "p1.xlsx")
    assert (result.status, result.exit_code) == ("unreadable", 2)
    assert [issue.code for issue in result.issues] == ["import-interrupted"]
    assert result.issues[0].message.startswith("Reading p1.xlsx did not finish")
    assert "4711" not in caplog.text and "RuntimeError" in caplog.text
    upload = _last_upload(db)
    assert upload.id == result.upload_id and upload.outcome == "unreadable"
    with db.factory() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "upload.received")
        ).one()
        assert event.after["outcome"] == "unreadable"


def test_a_partner_column_naming_a_partner_the_editor_may_not_change_is_refused_on_record(
    import_db,
):
    editor = Actor(name="anna", role="editor", partner_code="SMILTENE")
    content = workbooks.xlsx(
        [("SMILTENE", "ESU-SERVICES", "P1", 3), ("REDEA", "ESU-SERVICES", "P1", 4)],
        header=("Partner", "Indicator", "Period", "Value"),
    )
    with pytest.raises(AccessDenied):
        workbook_import.run_import(
            import_db.factory, content, "all.xlsx", actor=editor, partner_code=None, dry_run=True,
            max_bytes=import_db.settings.max_upload_bytes,
        )  # fmt: skip
    upload = _last_upload(import_db)
    assert (upload.outcome, upload.issues[0]["code"]) == ("rejected", "import-not-allowed")
    assert upload.issues[0]["message"].endswith("Nothing from this file was written.")
    assert import_db.values() == {}


def test_confirming_an_unknown_upload_is_a_wrong_call(import_db):
    with pytest.raises(UploadNotFoundError):
        import_stored_upload(import_db.factory, 999, actor=Actor("x", "admin"), max_bytes=1000)


def test_a_percent_format_does_not_change_text(import_db):
    result = import_db.run(
        workbooks.xlsx(
            [("DSK-BASIC", "P1", "45,5"), ("ESU-SERVICES", "P1", "7")], percent_cells=["C2", "C3"]
        )
    )
    assert result.status == "imported", result.issues
    assert import_db.values() == {
        ("SMILTENE", "DSK-BASIC", "P1"): 45.5,
        ("SMILTENE", "ESU-SERVICES", "P1"): 7,
    }


def test_old_xls_is_imported_with_advice_to_save_as_xlsx(import_db):
    content = workbooks.xls([("Indicator", "Period", "Value"), ("ESU-SERVICES", "P1", 12.5)])
    result = import_db.run(content, "old.xls")
    assert result.status == "imported"
    assert [i.code for i in result.warnings] == ["old-xls-format"]
    assert import_db.values() == {("SMILTENE", "ESU-SERVICES", "P1"): 12.5}


# --- what clerks write (issue 10) ------------------------------------------------------------------------


def test_a_totals_row_in_a_name_column_is_skipped_not_a_refusal(import_db):
    rows = [
        (1, "ESU-SERVICES", "E-services", "P1", 3),
        (2, "ESU-USERS", "Users", "P1", 4),
        ("TOTAL", None, None, "P1", 7),
    ]
    header = ("Nr.", "Indicator", "Name", "Period", "Value")
    result = import_db.run(workbooks.xlsx(rows, header, merge=["A4:C4"]))
    assert result.status == "imported", result.issues
    assert [(i.code, i.cell) for i in result.warnings] == [("total-row-skipped", "B4")]
    assert import_db.values() == {
        ("SMILTENE", "ESU-SERVICES", "P1"): 3, ("SMILTENE", "ESU-USERS", "P1"): 4,
    }  # fmt: skip


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_merged_indicator_cells_are_filled_down_in_xls_and_ods(import_db, kind):
    rows = [("Indicator", "Period", "Value"), ("ESU-SERVICES", "P1", 3), (None, "P2", 4)]
    if kind == "xls":
        content = workbooks.xls(rows, merged=[(1, 0, 2, 0)])
    else:
        content = workbooks.ods({"Indicators": rows}, merged={"Indicators": [(1, 0, 2, 0)]})
    result = import_db.run(content, f"report.{kind}")
    assert result.status == "imported", result.issues
    assert import_db.values() == {
        ("SMILTENE", "ESU-SERVICES", "P1"): 3, ("SMILTENE", "ESU-SERVICES", "P2"): 4,
    }  # fmt: skip


def test_natural_romanian_headers_are_read(import_db):
    header = ("Codul indicatorului", "Perioada raportării", "Valoare raportată", "Valoare țintă")
    result = import_db.run(workbooks.xlsx([("ESU-SERVICES", "P1", 3, 10)], header), partner="MDPWA")
    assert result.status == "imported", result.issues
    assert import_db.values() == {("MDPWA", "ESU-SERVICES", "P1"): 3}


def test_a_header_without_a_value_column_says_so_once(import_db):
    header = ("Pokazatelj", "Razdoblje", "Ciljna vrijednost")
    result = import_db.run(workbooks.xlsx([("ESU-SERVICES", "P1", 10)], header), partner="REDEA")
    assert result.status == "rejected"
    [problem] = result.errors
    assert (problem.code, problem.params["variant"], problem.cell) == (
        "incomplete-header",
        "value",
        "A1",
    )


def test_reimporting_a_wide_file_with_a_new_comment_makes_no_revisions(import_db_both):
    db = import_db_both
    header = ("Code", "P1", "P2", "P3", "Comment")
    first = db.run(workbooks.xlsx([("ESU-SERVICES", 3, 4, None, "estimate")], header))
    assert first.status == "imported", first.issues
    again = db.run(workbooks.xlsx([("ESU-SERVICES", 3, 4, None, "estimate")], header))
    assert again.status == "unchanged"
    # Next semester: P3 added, the row's comment now about P3. P1 and P2 did not change.
    third = db.run(workbooks.xlsx([("ESU-SERVICES", 3, 4, 5, "counted by the portal")], header))
    assert third.status == "imported", third.issues
    assert third.rows.to_dict() == {
        "read": 3, "inserted": 1, "updated": 0, "unchanged": 2, "invalid": 0,
    }  # fmt: skip
    assert db.counts()["ObservationRevision"] == 0
    # The comment went to the row's latest period each time; P2 keeps the one it was given.
    with db.factory() as session:
        rows = session.execute(
            select(ReportingPeriod.label, Observation.comment).join(
                ReportingPeriod, ReportingPeriod.id == Observation.period_id
            )
        )
        assert dict(rows.all()) == {"P1": "", "P2": "estimate", "P3": "counted by the portal"}


def test_a_file_without_a_comment_column_keeps_the_stored_comments(import_db):
    import_db.run(workbooks.xlsx([("ESU-SERVICES", "P1", 3, "checked by phone")]))
    again = import_db.run(
        workbooks.xlsx([("ESU-SERVICES", "P1", 3)], ("Indicator", "Period", "Value"))
    )
    assert again.status == "unchanged", again.issues
    with import_db.factory() as session:
        assert session.scalars(select(Observation.comment)).one() == "checked by phone"


@pytest.mark.parametrize(
    ("content", "where"),
    [
        # The REDEA template sent under SMILTENE: every row's Partner cell names REDEA.
        (workbooks.xlsx([("REDEA", "ESU-SERVICES", "P1", 3), ("REDEA", "ESU-USERS", "P1", 4)],
                        ("Partner", "Indicator", "Period", "Value")), ("Indicators", "A2")),
        # A title above the table names the partner.
        (workbooks.xlsx([("ESU-SERVICES", "P1", 3)], title_rows=("Partner: REDEA (Međimurje)",),
                        header_row=3), ("Indicators", "A1")),
        (workbooks.xlsx([("ESU-SERVICES", "P1", 3)], title_rows=("Izvješće pokazatelja - REDEA",),
                        header_row=3), ("Indicators", "A1")),
        # The sheet is named after the partner.
        (workbooks.xlsx([("ESU-SERVICES", "P1", 3)], sheet="REDEA"), ("REDEA", "")),
    ],
)  # fmt: skip
def test_another_partners_workbook_is_one_error(import_db, content, where):
    result = import_db.run(content, partner="SMILTENE")
    assert result.status == "rejected"
    [problem] = result.errors
    assert (problem.code, problem.params["variant"]) == ("other-partner", "workbook")
    assert (problem.sheet, problem.cell) == where
    assert (
        "this workbook is REDEA's, not SMILTENE's; choose REDEA as the partner" in problem.message
    )
    assert import_db.values() == {}


def test_a_title_naming_the_chosen_partner_or_several_partners_is_no_objection(import_db):
    for title in ("Partner: Smiltene Municipality", "SHARING partners: SMILTENE, REDEA, PLH"):
        content = workbooks.xlsx([("ESU-SERVICES", "P1", 3)], title_rows=(title,), header_row=3)
        assert import_db.run(content, partner="SMILTENE").status in ("imported", "unchanged")


def test_a_code_typo_matched_through_the_name_is_imported_with_a_warning_at_the_code(import_db):
    content = workbooks.xlsx(
        [("ESU-SERVISES", "E-services offered online", "P1", 3)],
        ("Indicator", "Indicator name", "Period", "Value"),
    )
    result = import_db.run(content)
    assert result.status == "imported", result.issues
    [warning] = result.warnings
    assert (warning.code, warning.cell, warning.value) == (
        "indicator-code-corrected",
        "A2",
        "ESU-SERVISES",
    )
    assert warning.message == (
        "A2: 'ESU-SERVISES' is not an indicator code, but the name in B2 is ESU-SERVICES's, so the "
        "row was read as ESU-SERVICES; correct the code"
    )
    assert import_db.values() == {("SMILTENE", "ESU-SERVICES", "P1"): 3}
