"""The period report: the PDF in every language (pages, partners, vector charts, text inside the page),
the Excel workbook read back, the copy kept in the database, and ``sharing report``'s exit codes.

The reports are rendered from the same view model as the meeting slides; its queries are tested on both
databases (test_queries_meeting.py), so these run on SQLite only.
"""

import io
from datetime import datetime, timedelta

import openpyxl
import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import func, select

from cli.main import main
from dashboard.access import command_line_actor
from dashboard.queries.meeting import meeting_view
from i18n import LANGUAGES, use_language
from models import AuditEvent, GeneratedReport, StoredFile
from models.database import transaction
from reports.build import render_report, report_filename
from reports.fonts import FontMissing, register_fonts
from services.reports import record_report
from services.storage import prune_stored_files
from tests.db.conftest import DEMO_TODAY
from tests.support.catalogues import StandIn, install
from tests.support.pdf import draws_vectors, forms_and_images, page_texts, words

OFFICER = command_line_actor("tester")
GENERATED_AT = datetime(2026, 11, 27, 9, 30)
CHARTS = {"pipeline", "progress", "e-services", "skills"}


@pytest.fixture
def database_url(sqlite_url):
    return sqlite_url


def _pdf(session, language="en", period="P7", partners=None):
    with use_language(language):
        meeting = meeting_view(session, OFFICER, period, partners, today=DEMO_TODAY)
        return meeting, render_report(
            meeting, "pdf", generated_by="tester", generated_at=GENERATED_AT
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_in_every_language(demo, language):
    meeting, content = _pdf(demo, language)
    pages, found = words(content)
    assert 6 <= len(pages) <= 20
    assert all(round(page.width) == 595 and round(page.height) == 842 for page in pages)  # A4
    outside = [
        word
        for word in found
        if word.x_min < 0
        or word.y_min < 0
        or word.x_max > pages[word.page - 1].width
        or word.y_max > pages[word.page - 1].height
    ]
    assert outside == []
    texts = page_texts(content)
    whole = " ".join(texts)
    for partner in meeting.partners:
        assert partner.name in whole  # the indicator tables' headings
    assert "Plœuc-L'Hermitage" in whole and "Međimurje" in whole  # œ, đ in the embedded font
    if language == "en":
        for number, text in enumerate(texts, start=1):
            assert f"Page {number} of {len(pages)}" in text
    forms, images = forms_and_images(content)
    assert images == 0  # no picture anywhere: every chart is drawn
    drawn = {name.removeprefix("FormXob.chart-") for name in forms if "chart-" in name}
    assert drawn == CHARTS
    assert all(draws_vectors(operators) for operators in forms.values())


def test_the_pdf_in_french_uses_the_catalogue_and_french_dates(demo, monkeypatch):
    install(
        monkeypatch,
        {
            "fr": StandIn(
                {
                    "SHARING steering committee report": "Rapport du comité de pilotage SHARING",
                    "Open issues": "Questions en suspens",
                    "Page {page} of {pages}": "Page {page} sur {pages}",
                }
            )
        },
    )
    _meeting, content = _pdf(demo, "fr")
    whole = " ".join(page_texts(content))
    assert "Rapport du comité de pilotage SHARING" in whole
    assert "Questions en suspens" in whole and "Page 1 sur" in whole
    assert "01/03/2026" in whole  # P7 starts on 1 March 2026, as French writes dates


def test_a_partner_filter_keeps_the_report_to_those_partners(demo):
    meeting, content = _pdf(demo, "en", "P5", ["SMILTENE"])
    whole = " ".join(page_texts(content))
    assert "Smiltene Municipality" in whole
    assert "Međimurje" not in whole
    assert "SMILTENE-1" in whole  # validated in P5: in what moved and in the histories
    assert report_filename(meeting, "pdf", "en") == "sharing-report-P5-SMILTENE-en.pdf"


def test_the_workbook_reads_back_with_its_numbers(demo):
    meeting = meeting_view(demo, OFFICER, "P7", None, today=DEMO_TODAY)
    content = render_report(meeting, "xlsx", generated_by="tester", generated_at=GENERATED_AT)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "Report", "Headline", "Pipeline", "Moves", "Progress", "E-services", "Digital skills",
        "Open issues", "Indicators", "Histories", "Sources",
    ]  # fmt: skip
    for sheet in book.worksheets[1:]:
        assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    headline = {row[0]: row[1:3] for row in book["Headline"].iter_rows(min_row=2, values_only=True)}
    assert headline["Policy changes"] == (11, None)
    assert headline["Targets on track"] == (meeting.headline.targets_on_track, 46)
    skills = book["Digital skills"]
    smiltene = next(row for row in skills.iter_rows(min_row=2) if row[0].value == "Smiltene")
    expected = next(r for r in meeting.skills.rows if r.partner_code == "SMILTENE")
    assert smiltene[2].value == pytest.approx(expected.value / 100)
    assert smiltene[2].number_format == "0.0%"
    lines = list(book["Indicators"].iter_rows(min_row=2, values_only=True))
    assert len(lines) == 46
    users = next(r for r in lines if r[0] == "Smiltene" and r[1] == "ESU-USERS")
    line = next(
        x
        for x in meeting.indicator_lines
        if (x.partner_code, x.indicator_code) == ("SMILTENE", "ESU-USERS")
    )
    assert users[4:8] == (line.baseline, line.target, line.previously_reported, line.current)
    sources = [row[0] for row in book["Sources"].iter_rows(min_row=2, values_only=True)]
    assert "Digital skills" in sources and "Indicators" in sources


def test_a_generated_report_is_kept_and_never_pruned(demo, session_factory):
    meeting, content = _pdf(demo)
    with transaction(session_factory) as session:
        report = record_report(
            session, OFFICER, meeting, file_format="pdf", filename="p7.pdf", content=content,
            language="en",
        )  # fmt: skip
        number = report.id
    with transaction(session_factory) as session:
        prune_stored_files(session, OFFICER, older_than=timedelta(0))
    with session_factory() as session:
        kept = session.get(GeneratedReport, number)
        assert kept.period.label == "P7" and kept.partner_codes == list(meeting.partner_codes)
        assert kept.size_bytes == len(content) and kept.generated_by == OFFICER.name
        assert session.get(StoredFile, kept.sha256).content == content
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "report.generated"))
        assert event.after["period"] == "P7" and event.after["format"] == "pdf"


def test_sharing_report_writes_keeps_and_refuses_with_one_sentence(demo, settings, tmp_path):
    runner = CliRunner()
    env = {"DATABASE_URL": settings.database_url, "SHARING_INSTANCE_PATH": str(tmp_path)}
    output = tmp_path / "p7.xlsx"
    done = runner.invoke(
        main, ["report", "--period", "p7", "--partner", "smiltene,PLH", "--lang", "fr", "-o",
               str(output)], env=env,
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    # in French (--lang fr): the report's number and size, in the catalogue's words
    assert done.output.startswith("Rapport de P7") and " 1." in done.output
    assert output.stat().st_size > 5_000
    for arguments, sentence in (
        (["--period", "P9"], "There is no reporting period P9; choose one of P1,"),
        (["--period", "P7", "--partner", "XX"], "There is no partner XX; the partners are"),
    ):
        refused = runner.invoke(
            main, ["report", *arguments, "-o", str(tmp_path / "x.pdf")], env=env
        )
        assert refused.exit_code == 2 and sentence in refused.output
        assert "Traceback" not in refused.output
    wrong = runner.invoke(main, ["report", "--period", "P7", "-o", "x.docx"], env=env)
    assert wrong.exit_code == 2 and "must end in .pdf or .xlsx" in wrong.output
    assert not (tmp_path / "x.pdf").exists()
    assert demo.scalar(select(func.count()).select_from(GeneratedReport)) == 1


def test_a_missing_font_is_one_sentence(monkeypatch):
    from reports import fonts

    monkeypatch.setattr(fonts, "find_font", lambda filename, family: None)
    register_fonts.cache_clear()
    try:
        with pytest.raises(FontMissing, match="install Debian's fonts-dejavu-core"):
            register_fonts()
    finally:
        register_fonts.cache_clear()


def test_a_report_over_many_bodies_lays_out(demo):
    """Past a dozen partners (the region's bodies) the cover names twelve and counts the rest, and a
    chart with a row per body taller than a page is scaled down to it, still vectors: the PDF used to
    stop with ReportLab's LayoutError."""
    from datetime import date

    from reports.pdf import CHART_MAX_HEIGHT
    from seed.region import load_region

    load_region(demo, date(2023, 3, 1), seed=5, bodies=10, months=1, today=DEMO_TODAY)
    demo.commit()
    meeting, content = _pdf(demo)
    assert len(meeting.partners) == 15
    assert "and 3 more" in page_texts(content)[0]
    forms, _images = forms_and_images(content)
    assert {name.removeprefix("FormXob.chart-") for name in forms if "chart-" in name} >= CHARTS
    tallest = max(
        float(reference.get_object()["/BBox"][3])
        for page in PdfReader(io.BytesIO(content)).pages
        for reference in page["/Resources"].get("/XObject", {}).values()
        if reference.get_object().get("/Subtype") == "/Form"
    )
    assert tallest > CHART_MAX_HEIGHT  # a chart drawn taller than a page allows, and yet laid out
