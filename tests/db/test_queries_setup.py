"""Setup queries: the tables, validated edits naming the field, additions, and the workbook export."""

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from dashboard.access import AccessDenied, Actor
from dashboard.queries.setup import (
    indicators_frame,
    milestones_frame,
    partners_frame,
    periods_frame,
    targets_frame,
)
from i18n import use_language
from models import Indicator, Milestone, Observation, Partner, Target
from services.catalogue import (
    SetupError,
    add_indicator,
    add_milestone,
    add_target,
    delete_setup_row,
    update_setup_value,
)
from services.setup_workbook import import_setup_workbook
from tests.factories.workbooks import zip_bomb_xlsx
from tests.support.catalogues import StandIn, install, shouting
from workbooks.setup_workbook import setup_workbook

OFFICER = Actor(name="officer", role="admin")
SMILTENE_EDITOR = Actor(name="anna", role="editor", partner_code="SMILTENE")
ALL = ["MDPWA", "SWO-RDA", "REDEA", "SMILTENE", "PLH"]

LIMIT = 20 * 1024 * 1024  # SHARING_MAX_UPLOAD_MB's default


def _target_id(session, partner: str, indicator: str) -> int:
    return session.scalar(
        select(Target.id)
        .join(Partner, Partner.id == Target.partner_id)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .where(Partner.code == partner, Indicator.code == indicator)
    )


def test_tables(demo):
    assert len(indicators_frame(demo)) == 16
    assert len(targets_frame(demo, ALL)) == 46
    assert set(targets_frame(demo, ["PLH"])["partner_code"]) == {"PLH"}
    assert milestones_frame(demo, ALL).empty
    assert partners_frame(demo, ALL)["code"].tolist() == ALL
    assert periods_frame(demo)["label"].tolist()[-1] == "P8"


def test_a_target_edited_as_partners_write_numbers(demo):
    target_id = _target_id(demo, "SMILTENE", "ESU-USERS")
    saved = update_setup_value(demo, SMILTENE_EDITOR, "target", target_id, "target_value", "6 500")
    demo.commit()
    assert saved == "Target = 6\u202f500"  # integers read as integers, grouped like every number
    target = demo.get(Target, target_id)
    assert target.target_value == 6500
    assert target.is_demo is False  # an officer's figure is no longer invented


@pytest.mark.parametrize(
    ("table", "column", "raw", "message"),
    [
        ("target", "target_value", "lots", "Target: 'lots' is not a number"),
        ("target", "target_value", "", "Target: cannot be empty"),
        ("target", "target_value", "-5", "Target: '-5' is negative"),
        ("target", "baseline_date", "31.02.2024", "Baseline date:"),
        ("indicator", "category", "misc", "Category: 'misc' is not one of"),
        ("indicator", "display_order", "1.5", "Order: '1.5' is not a whole number"),
        ("indicator", "code", "NEW", "cannot be edited here"),
        ("partner", "country", "Latvia", "Country: write the two-letter code"),
        ("partner", "level", "global", "Level: 'global' is not one of"),
    ],
)
def test_invalid_edits_name_the_field(demo, table, column, raw, message):
    row_id = {
        "target": _target_id(demo, "SMILTENE", "ESU-USERS"),
        "indicator": demo.scalar(select(Indicator.id).where(Indicator.code == "ESU-USERS")),
        "partner": demo.scalar(select(Partner.id).where(Partner.code == "PLH")),
    }[table]
    with pytest.raises(SetupError, match=message):
        update_setup_value(demo, OFFICER, table, row_id, column, raw)
    demo.rollback()


def test_percentage_targets_stay_within_100(demo):
    target_id = _target_id(demo, "SMILTENE", "DSK-BASIC")
    with pytest.raises(SetupError, match="above 100"):
        update_setup_value(demo, OFFICER, "target", target_id, "target_value", "120")


def test_rights(demo):
    plh_target = _target_id(demo, "PLH", "ESU-USERS")
    with pytest.raises(AccessDenied):
        update_setup_value(demo, SMILTENE_EDITOR, "target", plh_target, "target_value", "10")
    indicator_id = demo.scalar(select(Indicator.id).where(Indicator.code == "ESU-USERS"))
    with pytest.raises(AccessDenied):
        update_setup_value(demo, SMILTENE_EDITOR, "indicator", indicator_id, "unit", "people")


def test_partner_country_is_upper_cased(demo):
    partner_id = demo.scalar(select(Partner.id).where(Partner.code == "PLH"))
    update_setup_value(demo, OFFICER, "partner", partner_id, "country", "fr")
    assert demo.get(Partner, partner_id).country == "FR"


def test_add_indicator_target_and_milestone(demo):
    add_indicator(demo, OFFICER, "esu-apps", "Mobile app users", "users", "e-service uptake",
                  "count", "latest")  # fmt: skip
    add_target(demo, OFFICER, "PLH", "ESU-APPS", "1 200", "0")
    add_milestone(demo, OFFICER, "PLH", "ESU-APPS", "P7", "600")
    demo.commit()
    milestones = milestones_frame(demo, ["PLH"])
    assert milestones[["indicator_code", "period", "value"]].values.tolist() == [
        ["ESU-APPS", "P7", 600.0]
    ]
    with pytest.raises(SetupError, match="already has a target"):
        add_target(demo, OFFICER, "PLH", "ESU-APPS", "5")
    with pytest.raises(SetupError, match="already a milestone"):
        add_milestone(demo, OFFICER, "PLH", "ESU-APPS", "P7", "700")
    with pytest.raises(SetupError, match="Code: ESU-APPS is already"):
        add_indicator(demo, OFFICER, "ESU-APPS", "x", "x", "context", "count", "sum")
    with pytest.raises(SetupError, match="Partner: 'NOPE'"):
        add_target(demo, OFFICER, "NOPE", "ESU-APPS", "5")
    with pytest.raises(SetupError, match="no target for"):
        add_milestone(demo, OFFICER, "SMILTENE", "ESU-APPS", "P7", "5")


def test_setup_workbook_has_every_table_and_neutralises_formulas(demo):
    partner_id = demo.scalar(select(Partner.id).where(Partner.code == "PLH"))
    update_setup_value(demo, OFFICER, "partner", partner_id, "short_name", "=HYPERLINK(1)")
    content = setup_workbook(demo, ALL)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Indicators", "Targets", "Milestones", "Partners", "Periods"]
    assert book["Targets"].max_row == 47
    short_names = [row[2] for row in book["Partners"].iter_rows(min_row=2, values_only=True)]
    assert "=HYPERLINK(1)" in short_names  # exact, typed as text (workbooks.cell_text)


def _exported_with(demo, edit) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(setup_workbook(demo, ALL)))
    edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_exported_workbook_imports_back_unchanged(demo):
    result = import_setup_workbook(
        demo, OFFICER, setup_workbook(demo, ALL), dry_run=False, max_bytes=LIMIT
    )
    assert not result.issues
    assert sum(result.added.values()) == sum(result.updated.values()) == 0


def test_the_setup_workbook_in_another_language_imports_back_unchanged(demo, monkeypatch):
    """Sheet names and headers go through the catalogue (a shouting stand-in for French here) and the
    import reads them back; the cells are the same in every language."""
    install(monkeypatch, {"fr": StandIn(rest=shouting)})
    with use_language("fr"):
        content = setup_workbook(demo, ALL)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["INDICATORS", "TARGETS", "MILESTONES", "PARTNERS", "PERIODS"]
    assert "NAME IN FRENCH" in [cell.value for cell in book["INDICATORS"][1]]
    assert [cell.value for cell in book["TARGETS"][1]][:2] == ["PARTNER", "INDICATOR"]
    english = openpyxl.load_workbook(io.BytesIO(setup_workbook(demo, ALL)))
    assert [list(s.values)[1:] for s in book] == [list(s.values)[1:] for s in english]
    result = import_setup_workbook(demo, OFFICER, content, dry_run=True, max_bytes=LIMIT)
    assert not result.issues and not result.changes


def test_a_setup_workbook_updates_and_adds_all_or_nothing(demo):
    def edit(book):
        targets = book["Targets"]
        targets["F2"] = "30 000"  # MDPWA ESU-SERVICES target (column F: target_value)
        targets.append(["PLH", "RCO83", "", None, None, 2, False])
        book["Milestones"].append(["PLH", "RCO83", "P8", 1, ""])

    content = _exported_with(demo, edit)
    preview = import_setup_workbook(demo, OFFICER, content, dry_run=True, max_bytes=LIMIT)
    assert not preview.issues and not preview.applied
    assert preview.added == {
        "Indicators": 0, "Targets": 1, "Milestones": 1, "Partners": 0, "Periods": 0,
    }  # fmt: skip
    assert preview.updated["Targets"] == 1
    demo.rollback()
    assert targets_frame(demo, ["PLH"])["indicator_code"].tolist().count("RCO83") == 0

    result = import_setup_workbook(demo, OFFICER, content, dry_run=False, max_bytes=LIMIT)
    assert result.applied
    demo.commit()
    assert _target_value(demo, "MDPWA", "ESU-SERVICES") == 30000
    assert milestones_frame(demo, ["PLH"])["period"].tolist() == ["P8"]


def _target_value(session, partner, indicator):
    return session.get(Target, _target_id(session, partner, indicator)).target_value


def test_setup_workbook_problems_name_sheet_and_cell_and_nothing_is_written(demo):
    def edit(book):
        book["Targets"]["F2"] = "lots"
        book["Targets"]["F3"] = "999"  # MDPWA ESU-ONLINE-SHARE is a percentage
        book["Partners"]["D2"] = "Romania"  # country
        book["Milestones"].append(["NOPE", "RCO83", "P8", 1, ""])
        book["Targets"]["F4"] = "1"  # a valid change, not applied because of the errors

    result = import_setup_workbook(
        demo, OFFICER, _exported_with(demo, edit), dry_run=False, max_bytes=LIMIT
    )
    demo.rollback()
    assert not result.applied
    where = {(i.sheet, i.cell): i.message for i in result.issues}
    assert where[("Targets", "F2")].startswith("Target: 'lots' is not a number")
    assert "above 100" in where[("Targets", "F3")]
    assert where[("Partners", "D2")].startswith("Country:")
    assert "'NOPE' is not a known partner" in where[("Milestones", "A2")]
    assert _target_value(demo, "MDPWA", "ESU-TRANSACTIONS") == 500000


def test_not_a_setup_workbook(demo):
    result = import_setup_workbook(demo, OFFICER, b"not a zip", dry_run=True, max_bytes=LIMIT)
    # Read like a partner's workbook: the importer's refusal says what the file is instead.
    assert result.unreadable and result.issues[0].code == "not-a-spreadsheet"
    with pytest.raises(AccessDenied):
        import_setup_workbook(demo, SMILTENE_EDITOR, b"", dry_run=True, max_bytes=LIMIT)


def test_a_report_due_date_can_move_but_not_before_the_period_ends(demo):
    from models import ReportingPeriod

    period = demo.scalar(select(ReportingPeriod).where(ReportingPeriod.label == "P7"))
    update_setup_value(demo, OFFICER, "period", period.id, "due_date", "15.12.2026")
    assert period.due_date == date(2026, 12, 15)
    with pytest.raises(SetupError, match="Report due: 2026-08-01 is before the period ends"):
        update_setup_value(demo, OFFICER, "period", period.id, "due_date", "2026-08-01")
    with pytest.raises(SetupError, match="cannot be edited here"):
        update_setup_value(demo, OFFICER, "period", period.id, "start_date", "2026-01-01")


def test_add_a_partner_with_its_instrument(demo):
    from dashboard.queries.partner import partner_profile
    from services.catalogue import add_partner

    fields = dict(
        code="tallinn", name="Tallinn City", short_name="Tallinn", country="ee", nuts_code="EE001",
        level="local", instrument_title="Tallinn 2035", instrument_kind="development plan",
        managing_body="Tallinn City Council",
    )  # fmt: skip
    add_partner(demo, OFFICER, **fields)
    profile = partner_profile(demo, "TALLINN")
    assert (profile.country, profile.instrument_title) == ("EE", "Tallinn 2035")
    with pytest.raises(SetupError, match="already a partner"):
        add_partner(demo, OFFICER, **fields)
    with pytest.raises(SetupError, match="Kind of instrument: 'law'"):
        add_partner(demo, OFFICER, **{**fields, "code": "X", "instrument_kind": "law"})
    with pytest.raises(AccessDenied):
        add_partner(demo, SMILTENE_EDITOR, **{**fields, "code": "Y"})


def test_setup_import_refuses_a_zip_bomb_before_opening_it(demo):
    result = import_setup_workbook(demo, OFFICER, zip_bomb_xlsx(), dry_run=False, max_bytes=LIMIT)
    assert not result.applied
    assert [issue.code for issue in result.issues] == ["zip-bomb"]


def test_setup_import_refuses_a_file_over_the_limit(demo):
    content = setup_workbook(demo, ALL)
    result = import_setup_workbook(demo, OFFICER, content, dry_run=True, max_bytes=len(content) - 1)
    assert [issue.code for issue in result.issues] == ["file-too-large"]


def _indicator_id(session, code: str) -> int:
    return session.scalar(select(Indicator.id).where(Indicator.code == code))


def test_a_milestone_is_deleted(demo):
    milestone = add_milestone(demo, OFFICER, "PLH", "ESU-USERS", "P7", "600")
    demo.commit()
    assert delete_setup_row(demo, OFFICER, "milestone", milestone.id) == "PLH · ESU-USERS · P7"
    demo.commit()
    assert milestones_frame(demo, ALL).empty
    assert _target_id(demo, "PLH", "ESU-USERS")  # the target stays


def test_a_target_is_deleted_with_its_milestones(demo):
    add_milestone(demo, OFFICER, "PLH", "ESU-USERS", "P7", "600")
    add_milestone(demo, OFFICER, "PLH", "ESU-USERS", "P8", "900")
    demo.commit()
    target_id = _target_id(demo, "PLH", "ESU-USERS")
    what = delete_setup_row(demo, OFFICER, "target", target_id)
    demo.commit()
    assert what == "PLH · ESU-USERS (and its 2 milestones)"
    assert _target_id(demo, "PLH", "ESU-USERS") is None
    assert demo.scalar(select(func.count(Milestone.id))) == 0
    assert len(targets_frame(demo, ALL)) == 45


def test_an_indicator_in_use_is_refused_with_counts(demo):
    indicator_id = _indicator_id(demo, "ESU-USERS")
    values = demo.scalar(
        select(func.count(Observation.id)).where(Observation.indicator_id == indicator_id)
    )
    targets = demo.scalar(select(func.count(Target.id)).where(Target.indicator_id == indicator_id))
    assert values and targets
    message = f"ESU-USERS cannot be deleted: {values} reported values and {targets} targets use it"
    with pytest.raises(SetupError, match=message):
        delete_setup_row(demo, OFFICER, "indicator", indicator_id)
    demo.rollback()
    assert _indicator_id(demo, "ESU-USERS") == indicator_id


def test_an_indicator_with_only_a_target_is_refused(demo):
    add_indicator(demo, OFFICER, "ESU-APPS", "Mobile app users", "users", "e-service uptake",
                  "count", "latest")  # fmt: skip
    add_target(demo, OFFICER, "PLH", "ESU-APPS", "1 200")
    with pytest.raises(SetupError, match="0 reported values and 1 target use it"):
        delete_setup_row(demo, OFFICER, "indicator", _indicator_id(demo, "ESU-APPS"))


def test_an_unused_indicator_is_deleted(demo):
    add_indicator(demo, OFFICER, "ESU-APPS", "Mobile app users", "users", "e-service uptake",
                  "count", "latest")  # fmt: skip
    demo.commit()
    assert (
        delete_setup_row(demo, OFFICER, "indicator", _indicator_id(demo, "ESU-APPS")) == "ESU-APPS"
    )
    demo.commit()
    assert _indicator_id(demo, "ESU-APPS") is None
    assert len(indicators_frame(demo)) == 16


@pytest.mark.parametrize("table", ["partner", "period"])
def test_partners_and_periods_cannot_be_deleted(demo, table):
    frame = partners_frame(demo, ALL) if table == "partner" else periods_frame(demo)
    row_id = int(frame["id"].iloc[0])
    with pytest.raises(SetupError, match="cannot be deleted: reported values and workbooks"):
        delete_setup_row(demo, OFFICER, table, row_id)


def test_only_monitoring_officers_delete(demo):
    milestone = add_milestone(demo, OFFICER, "SMILTENE", "ESU-USERS", "P7", "600")
    demo.commit()
    for table, row_id in [
        ("milestone", milestone.id),
        ("target", _target_id(demo, "SMILTENE", "ESU-USERS")),
        ("indicator", _indicator_id(demo, "ESU-USERS")),
    ]:
        with pytest.raises(AccessDenied):
            delete_setup_row(demo, SMILTENE_EDITOR, table, row_id)
    demo.rollback()
    assert len(milestones_frame(demo, ALL)) == 1


@pytest.mark.parametrize(
    ("sheet", "headers"),
    [
        ("Cibles", ["Partenaire", "Indicateur", "Valeur cible"]),
        ("Ținte", ["Partener", "Indicator", "Valoare țintă"]),
        ("Ciljevi", ["Šifra partnera", "Pokazatelj", "Ciljna vrijednost"]),
        ("Mērķi", ["Partneris", "Rādītājs", "Mērķa vērtība"]),
    ],
)
def test_a_setup_workbook_in_another_language_with_its_header_lower_down(demo, sheet, headers):
    book = openpyxl.Workbook()
    targets = book.active
    targets.title = sheet
    targets.append(["SHARING — objectifs / ținte / ciljevi / mērķi"])
    targets.append([])
    targets.append(headers)
    targets.append(["SMILTENE", "ESU-USERS", "6 100"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_setup_workbook(demo, OFFICER, buffer.getvalue(), dry_run=False, max_bytes=LIMIT)
    demo.commit()
    assert not result.issues and result.updated["Targets"] == 1
    assert _target_value(demo, "SMILTENE", "ESU-USERS") == 6100


def test_a_setup_sheet_without_its_key_columns_names_what_is_missing(demo):
    book = openpyxl.Workbook()
    book.active.title = "Targets"
    book.active.append(["Something", "Else"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_setup_workbook(demo, OFFICER, buffer.getvalue(), dry_run=False, max_bytes=LIMIT)
    assert [(i.code, i.sheet, i.cell) for i in result.issues] == [
        ("missing-column", "Targets", "A1")
    ]
    assert "partner_code, indicator_code" in result.issues[0].message
