"""The partner's template in each of the five languages, filled in as that language writes numbers,
percentages, dates and stage names, imports back without a single problem.

Until the catalogues are translated, the template's words come from the sample translations of
tests/support/catalogues.py (names the importer accepts, as a translator must choose them; the unit
test tests/unit/test_workbook_languages.py holds the real catalogues to the same rule).
"""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from dashboard.access import Actor
from i18n import LANGUAGES, _, use_language
from importers.workbook_import import run_import
from models import (
    Indicator,
    Observation,
    Partner,
    PolicyChange,
    PolicyInstrument,
    ReportingPeriod,
    StageEvent,
)
from rules.formatting import format_date, format_number, format_percent
from rules.stages import PROGRESS_STAGES, Stage, stage_label
from tests.db.conftest import DEMO_TODAY
from tests.factories import workbooks
from tests.support.catalogues import template_words
from workbooks.template import INDICATOR_COLUMNS, SHEET_NAMES, build_template

OFFICER = Actor(name="officer", role="admin")
# Each language's partner (its template defaults to that language); English is asked for explicitly.
PARTNER_OF = {"en": "SWO-RDA", "fr": "PLH", "ro": "MDPWA", "hr": "REDEA", "lv": "SMILTENE"}


def _values(session, partner: str, period: str) -> dict[str, tuple[float | None, str]]:
    rows = session.execute(
        select(Indicator.code, Observation.value, Indicator.value_kind)
        .join(Observation, Observation.indicator_id == Indicator.id)
        .join(Partner, Partner.id == Observation.partner_id)
        .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
        .where(Partner.code == partner, ReportingPeriod.label == period)
    )
    return {code: (value, kind) for code, value, kind in rows}


def _typed(value: float, value_kind: str) -> str:
    """A value as the current language writes it: "45,3 %", "1 234,5", "1.234,5"..."""
    return format_percent(value) if value_kind == "percentage" else format_number(value)


def _change_to_move(session, partner: str) -> tuple[str, Stage]:
    """A change of the partner still on its way, and the stage after its current one."""
    change = session.scalars(
        select(PolicyChange)
        .join(PolicyInstrument)
        .join(Partner)
        .where(Partner.code == partner, PolicyChange.stage.not_in(("validated", "abandoned")))
        .order_by(PolicyChange.code)
    ).first()
    return change.code, PROGRESS_STAGES[Stage(change.stage).rank + 1]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_template_filled_in_as_its_language_writes_imports_back(
    demo, session_factory, settings, monkeypatch, language
):
    template_words(monkeypatch)
    partner = PARTNER_OF[language]
    content = build_template(
        demo, partner, "P7", today=DEMO_TODAY, language="en" if language == "en" else None
    )
    previous = {code: kept for code, kept in _values(demo, partner, "P6").items() if kept[0]}
    change, stage = _change_to_move(demo, partner)
    moved_on = date(2026, 10, 15)
    with use_language(language):
        sheet_names = [_(name) for name in SHEET_NAMES.values()]
        headers = [_(header) for _role, header in INDICATOR_COLUMNS]
        typed = {(code, "P7"): _typed(*kept) for code, kept in previous.items()}
        stages = {
            change: (
                stage_label(stage),
                format_date(moved_on),
                "https://example.org/decision",
                "ok",
            )
        }
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == sheet_names
    assert [cell.value for cell in book[sheet_names[1]][1]] == headers
    assert any("," in text for text in typed.values()) or language == "en"

    filled = workbooks.fill_template(content, typed, stages)
    result = run_import(
        session_factory, filled, f"{partner}-P7.xlsx", actor=OFFICER, partner_code=partner,
        dry_run=False, max_bytes=settings.max_upload_bytes, today=DEMO_TODAY,
    )  # fmt: skip

    assert result.issues == [] and result.status == "imported"
    with session_factory() as session:
        imported = _values(session, partner, "P7")
        event = session.scalars(
            select(StageEvent).join(PolicyChange).where(PolicyChange.code == change)
            .order_by(StageEvent.id.desc())
        ).first()  # fmt: skip
        assert (event.stage, event.occurred_on) == (stage.value, moved_on)
    for code, (value, _kind) in previous.items():
        assert imported[code][0] == pytest.approx(value), code
