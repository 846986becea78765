"""The pages past MANY_BODIES bodies (the region data set at a test size, beside the demo): the overview
and the indicator pages show aggregates by group instead of a column or panel per body, a searchable
multi-select instead of a checkbox each, and drill down to a county, a type of body and one body; a
handful of bodies picked brings the per-body views back. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import re
import sys
from datetime import date
from urllib.parse import quote_plus

import pytest
from sqlalchemy import func, select

from dashboard.app import create_app
from dashboard.components.filters import MANY_BODIES
from dashboard.database import EXTENSION_KEY
from models import PROJECT_PARTNER, Partner, Submission, Target
from seed.region import load_region
from tests.support.accounts import ensure_account, signed_in_client
from tests.support.callbacks import ROUTE, page_request, request_body

from .conftest import DEMO_TODAY

BODIES = 20  # with the five partners: 25 bodies, past MANY_BODIES


@pytest.fixture
def region(demo):
    load_region(demo, date(2023, 3, 1), seed=3, bodies=BODIES, months=1, today=DEMO_TODAY)
    demo.commit()
    return demo


@pytest.fixture
def app(settings, region):
    app = create_app(settings)
    app.server.test_client().get("/_dash-dependencies")  # the first request adds the page router
    yield app
    app.server.extensions[EXTENSION_KEY]["engine"].dispose()


@pytest.fixture
def officer(app, region):
    user = ensure_account(region, "officer@test.example.org", "admin")
    user.language = "en"
    region.commit()
    return signed_in_client(app, user)


def _page(app, client, path: str, search: str = "") -> str:
    answer = client.post(ROUTE, json=page_request(app, path, search))
    assert answer.status_code == 200, answer.text[:300]
    return answer.text


def _nodes(text: str):
    """Every JSON object in a page-router response, depth first."""
    stack = [json.loads(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))


def _component(text: str, component_id: str) -> dict:
    """The props of the component ``component_id`` in a page-router response."""
    found = [
        node["props"]
        for node in _nodes(text)
        if isinstance(node.get("props"), dict) and node["props"].get("id") == component_id
    ]
    assert found, f"no {component_id} in the page"
    return found[0]


def _hrefs(text: str) -> set[str]:
    """Every link address in a page-router response."""
    return {node["href"] for node in _nodes(text) if isinstance(node.get("href"), str)}


def _counties(session) -> dict[str, int]:
    rows = session.execute(
        select(Partner.county, func.count())
        .where(Partner.body_type != PROJECT_PARTNER)
        .group_by(Partner.county)
    ).all()
    return dict(rows)


def test_the_overview_of_many_bodies_shows_aggregates_and_a_picker(app, officer, region):
    text = _page(app, officer, "/")
    assert "overview-indicator-status" in text
    assert "overview-status-matrix" not in text  # no column per body
    picker = _component(text, "overview-partners")
    assert picker["multi"] is True and picker["value"] == []
    assert len(picker["options"]) == BODIES + 5
    assert f"All {BODIES + 5} bodies" in picker["placeholder"]
    # Every county is a drill-down link; each body is a link to its own page from the rankings.
    links = _hrefs(text)
    for county in _counties(region):
        assert f"/?county={quote_plus(county)}" in links
    assert any(re.fullmatch(r"/partners/RO\d{3}-[MCA]\d{3}", link) for link in links)
    # The per-indicator table counts bodies: its numbers add up to the bodies with targets.
    table = _component(text, "overview-indicator-status")
    first = table["data"][0]
    assert first["on_track"] + first["behind"] + first["no_data"] == BODIES


def test_a_county_narrows_every_figure_and_the_picker(app, officer, region):
    county, members = max(_counties(region).items(), key=lambda item: item[1])
    text = _page(app, officer, "/", f"?county={county}")
    picker = _component(text, "overview-partners")
    if members > MANY_BODIES:
        assert len(picker["options"]) == members
    else:  # few enough for a checkbox each
        assert len(picker["options"]) == members and "multi" not in picker
    assert _component(text, "overview-county")["value"] == county
    # The headline "up to date" counts only the county's bodies.
    card = _component(text, "overview-card-freshness")
    assert f"/ {members}" in json.dumps(card)
    # A county that does not exist is ignored, as any unknown filter value.
    unknown = _page(app, officer, "/", "?county=Atlantis")
    assert _component(unknown, "overview-county")["value"] is None


def test_a_handful_of_bodies_brings_back_the_detail_views(app, officer, region):
    codes = [c for (c,) in region.execute(select(Partner.code).order_by(Partner.code).limit(3))]
    text = _page(app, officer, "/", "?partner=" + ",".join(codes))
    assert "overview-status-matrix" in text  # a column per chosen body again
    assert sorted(_component(text, "overview-partners")["value"]) == codes
    indicator = _page(app, officer, "/e-services", "?partner=" + ",".join(codes))
    assert "esu-distribution-card" not in indicator


def test_the_indicator_pages_show_the_distribution_of_many_bodies(app, officer):
    for path, prefix in (("/e-services", "esu"), ("/digital-skills", "dsk")):
        text = _page(app, officer, path)
        assert f"{prefix}-distribution-card" in text, path
        figure = _component(text, f"{prefix}-distribution")["figure"]
        names = [trace.get("name") for trace in figure["data"]]
        assert "median" in names
        # The source line counts the uploads rather than listing hundreds of numbers.
        assert "#40," not in text


def _url_callback(app, client, values: dict, triggered: str) -> str:
    body = request_body(app, "overview-partners.value", values, changed=triggered)
    answer = client.post(ROUTE, json=body)
    assert answer.status_code == 200, answer.text[:300]
    return answer.get_json()["response"]["overview-url"]["search"]


def test_the_url_keeps_the_group_and_a_new_group_forgets_the_picked_bodies(app, officer, region):
    options = [{"label": c, "value": c} for (c,) in region.execute(select(Partner.code))]
    values = {
        "overview-partners.value": ["RO411-M001"],
        "overview-indicator.value": None,
        "overview-submitted.value": False,
        "overview-county.value": "Dolj",
        "overview-type.value": None,
        "overview-partners.options": options,
        "overview-indicator.options": [],
    }
    assert _url_callback(app, officer, values, "overview-partners.value") == (
        "?partner=RO411-M001&county=Dolj"
    )
    assert _url_callback(app, officer, values, "overview-county.value") == "?county=Dolj"
    # The picker left empty means all of the group, not none of it.
    values["overview-partners.value"] = []
    assert _url_callback(app, officer, values, "overview-partners.value") == "?county=Dolj"


def test_a_hand_written_group_value_is_refused_before_the_callback_runs(app, officer):
    values = {
        "overview-partners.value": [],
        "overview-indicator.value": None,
        "overview-submitted.value": False,
        "overview-county.value": "<script>alert(1)</script>",
        "overview-type.value": None,
        "overview-partners.options": [],
        "overview-indicator.options": [],
    }
    body = request_body(app, "overview-partners.value", values, changed="overview-county.value")
    answer = officer.post(ROUTE, json=body)
    assert answer.status_code == 400 and "overview-county" in answer.get_data(as_text=True)


def _plain(text: str) -> str:
    """A page-router response as readable JSON text (no \\u escapes)."""
    return json.dumps(json.loads(text), ensure_ascii=False)


def test_the_instruments_are_listed_a_page_at_a_time(app, officer, region):
    from dashboard.views.instrument_list import PAGE_SIZE

    card = '"className": "mb-3 instrument-card"'
    total = region.scalar(select(func.count()).select_from(Partner))  # one instrument each
    text = _page(app, officer, "/instruments")
    assert _plain(text).count(card) == PAGE_SIZE
    assert f"Instruments 1–{PAGE_SIZE} of {total} (page 1 of 2)" in _plain(text)
    assert "/instruments?page=2" in _hrefs(text)
    last = _page(app, officer, "/instruments", "?page=2")
    assert _plain(last).count(card) == total - PAGE_SIZE
    # A page past the end shows the last one; a page that is no number, the first.
    assert _plain(_page(app, officer, "/instruments", "?page=99")).count(card) == total - PAGE_SIZE
    assert _plain(_page(app, officer, "/instruments", "?page=x%27")).count(card) == PAGE_SIZE


def test_the_review_page_pages_its_submissions_and_lists_only_bodies_with_locks(
    app, officer, region, monkeypatch
):
    from dashboard.access import command_line_actor
    from models import Submission
    from services.review import lock_period

    actor = command_line_actor("tests")
    lock_period(region, actor, "P1", None, "filed")
    lock_period(region, actor, "P2", "RO411-C001", "checked by the county")
    region.commit()
    text = _plain(_page(app, officer, "/review"))
    grid = _component(_page(app, officer, "/review"), "review-locks-grid")
    rows = [
        row["props"]["children"][0]["props"]["children"]
        for row in grid["children"][1]["props"]["children"]
    ]
    assert rows == ["Every partner", "CJ Dolj"]  # not a row per body
    others = BODIES + 5 - 1
    assert f"{others} other partners have no lock of their own." in text

    waiting = region.scalar(
        select(func.count()).select_from(Submission).where(Submission.status == "submitted")
    )
    assert waiting >= 2, "the region seed leaves some submissions waiting"
    # The module as Dash Pages loaded it (importing it again would register the page twice).
    review_page = next(
        module
        for name, module in list(sys.modules.items())
        if name.endswith("pages.review") and hasattr(module, "WAITING_PAGE_SIZE")
    )
    monkeypatch.setattr(review_page, "WAITING_PAGE_SIZE", 1)
    first = _plain(_page(app, officer, "/review"))
    assert f"Submissions 1–1 of {waiting} (page 1 of {waiting})" in first
    assert "/review?page=2" in _hrefs(_page(app, officer, "/review"))
    # A region body's submission holds more values than a table shows at once: only a page of them
    # is sent, the server pages, sorts and searches the rest.
    table = next(
        node["props"]
        for node in _nodes(_page(app, officer, "/review"))
        if isinstance(node.get("props"), dict)
        and isinstance(node["props"].get("id"), dict)
        and node["props"]["id"].get("type") == "review-values"
    )
    assert table["page_action"] == "custom" and len(table["data"]) == table["page_size"] == 20
    assert table["page_count"] > 1


def _values_page(app, client, submission: int, page=0, sort_by=None, search=None, searched=False):
    """The Review page's request for a page of a submission's values; ``searched``: the search box
    changed (else the table's page or sort)."""
    values = {
        "review-values.page_current": page,
        "review-values.sort_by": sort_by or [],
        "review-values-search.value": search,
    }
    changed = None
    if searched:
        changed = json.dumps({"submission": submission, "type": "review-values-search"})
        changed = changed.replace(" ", "") + ".value"
    body = request_body(
        app, "review-values.page_current", values, ids={"submission": submission}, changed=changed
    )
    return client.post(ROUTE, json=body)


def _table(answer) -> dict:
    """The table's new props in a callback answer (keyed by its pattern-matching id)."""
    assert answer.status_code == 200, answer.text[:300]
    (props,) = answer.json["response"].values()
    return props


def _shown(answer) -> list[tuple[str, str]]:
    return [(row["indicator"].split(" — ")[0], row["period"]) for row in _table(answer)["data"]]


def test_a_large_submission_is_read_a_page_at_a_time(app, officer, region):
    from models import Indicator, Observation, ReportingPeriod

    submission, total = region.execute(
        select(Observation.submission_id, func.count())
        .where(Observation.review_status == "submitted", Observation.submission_id.is_not(None))
        .group_by(Observation.submission_id)
        .order_by(func.count().desc())
    ).first()
    assert total > 40, "the region seed leaves a submission of many values waiting"
    rows = region.execute(
        select(Observation.value, Indicator.display_order, Indicator.code, ReportingPeriod.number,
               ReportingPeriod.label)
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
        .where(Observation.submission_id == submission, Observation.review_status == "submitted")
    ).all()  # fmt: skip
    in_order = sorted(rows, key=lambda row: (row.display_order, row.code, row.number))

    second = _values_page(app, officer, submission, page=1)
    response = _table(second)
    assert (response["page_count"], response["page_current"]) == (-(-total // 20), 1)
    assert _shown(second) == [(row.code, row.label) for row in in_order[20:40]]

    # Sorted on the server before paging: the largest values first, those without one last.
    largest = sorted(in_order, key=lambda row: (row.value is None, -(row.value or 0)))
    by_value = _values_page(
        app, officer, submission, sort_by=[{"column_id": "submitted", "direction": "desc"}]
    )
    assert _shown(by_value) == [(row.code, row.label) for row in largest[:20]]

    # A search starts again at the first page and counts only what it finds.
    code = in_order[-1].code
    found = _values_page(app, officer, submission, page=3, search=code.lower(), searched=True)
    matching = [(row.code, row.label) for row in in_order if code.lower() in row.code.lower()]
    assert _table(found)["page_current"] == 0
    assert _table(found)["page_count"] == max(1, -(-len(matching) // 20))
    assert set(_shown(found)) <= set(matching) and _shown(found)
    # % and _ are matched as typed, not as SQL wildcards.
    assert _shown(_values_page(app, officer, submission, search="%", searched=True)) == []

    # A page past the end is the last page; a submission nobody has is not found.
    last = _values_page(app, officer, submission, page=10**5)
    assert _table(last)["page_current"] == -(-total // 20) - 1
    assert _values_page(app, officer, 10**9).status_code == 404


def test_the_values_of_a_submission_refuse_hand_written_requests(app, officer, region, demo):
    submission = region.scalar(select(func.min(Submission.id)))
    for sort_by in (
        [{"column_id": "value; DROP TABLE observation", "direction": "asc"}],
        [{"column_id": "cell", "direction": "sideways"}],
        [{"column_id": "cell", "direction": "asc"}] * 2,
    ):
        answer = _values_page(app, officer, submission, sort_by=sort_by)
        assert answer.status_code == 400 and "review-values" in answer.text
    assert (
        _values_page(app, officer, submission, search="x" * 101, searched=True).status_code == 400
    )
    assert _values_page(app, officer, submission, page=-1).status_code == 400
    # Only monitoring officers review: an editor, even of the submission's partner, is refused.
    partner = region.scalar(
        select(Partner.code)
        .join(Submission, Submission.partner_id == Partner.id)
        .where(Submission.id == submission)
    )
    editor = ensure_account(region, "editor@test.example.org", "editor", partner)
    region.commit()
    assert _values_page(app, signed_in_client(app, editor), submission).status_code == 403


def test_the_imports_page_lists_uploads_a_page_at_a_time(app, officer, region, monkeypatch):
    from models import Upload

    imports_page = next(
        module
        for name, module in list(sys.modules.items())
        if name.endswith("pages.imports") and hasattr(module, "UPLOADS_PAGE_SIZE")
    )
    monkeypatch.setattr(imports_page, "UPLOADS_PAGE_SIZE", 10)
    total = region.scalar(select(func.count()).select_from(Upload))
    first = _plain(_page(app, officer, "/imports"))
    assert f"Uploads 1–10 of {total} (page 1 of {-(-total // 10)})" in first
    imported = region.scalar(
        select(func.count()).select_from(Upload).where(Upload.outcome == "imported")
    )
    pages = -(-imported // 10)
    # Past the last page: the last one, its links keeping the outcome filter.
    last = _page(app, officer, "/imports", f"?page={pages + 5}&outcome=imported")
    assert f"(page {pages} of {pages})" in _plain(last)
    assert f"/imports?outcome=imported&page={pages - 1}" in _hrefs(last)

    # The value history, a page at a time too, newest first; each pager keeps the other's page.
    monkeypatch.setattr(imports_page, "REVISIONS_PAGE_SIZE", 10)
    newest = _page(app, officer, "/imports", "?page=2")
    assert "Changes 1–10, newest first" in _plain(newest)
    assert "/imports?page=2&changes=2" in _hrefs(newest)
    older = _page(app, officer, "/imports", "?page=2&changes=2")
    assert "Changes 11–20, newest first" in _plain(older)
    assert {"/imports?page=2", "/imports?page=2&changes=3"} <= _hrefs(older)
    assert "/imports?changes=2" in _hrefs(older)  # the uploads pager keeps the changes page
    first_ids = _component(newest, "imports-revisions")
    second_ids = _component(older, "imports-revisions")
    assert json.dumps(first_ids) != json.dumps(second_ids)
    gone = _page(app, officer, "/imports", "?changes=99999")
    assert "No changes this far back." in _plain(gone)


def test_setup_asks_for_a_group_before_listing_targets_and_milestones(app, officer, region):
    text = _page(app, officer, "/setup")
    assert "choose a county or a type of body" in _plain(text)
    assert _component(text, "setup-scope")["data"] == []
    county, members = max(_counties(region).items(), key=lambda item: item[1])
    narrowed = _page(app, officer, "/setup", f"?county={quote_plus(county)}")
    scope = _component(narrowed, "setup-scope")["data"]
    assert len(scope) == members
    targets = region.scalar(
        select(func.count())
        .select_from(Target)
        .join(Partner, Partner.id == Target.partner_id)
        .where(Partner.county == county)
    )
    assert targets > 0
    grids = {
        node["id"]["table"]: node
        for node in _nodes(narrowed)
        if isinstance(node.get("id"), dict) and node["id"].get("type") == "setup-grid"
    }
    # Thousands of rows at region size: these two grids load block by block, nothing is shipped.
    for table in ("target", "milestone"):
        assert grids[table]["rowModelType"] == "infinite" and "rowData" not in grids[table]

    block = _rows(app, officer, "target", scope, {"startRow": 0, "endRow": 100})
    assert block["rowCount"] == targets
    assert {row["partner_code"] for row in block["rowData"]} <= set(scope)

    # Filtered and sorted on the server, as the grid's column menus ask.
    one = scope[0]
    narrowed_rows = _rows(app, officer, "target", scope, {
        "startRow": 0, "endRow": 100,
        "filterModel": {"partner_code": {"filterType": "text", "type": "equals", "filter": one.lower()}},
        "sortModel": [{"colId": "target_value", "sort": "desc", "type": "default"}],
    })  # fmt: skip
    values = [row["target_value"] for row in narrowed_rows["rowData"]]
    assert {row["partner_code"] for row in narrowed_rows["rowData"]} == {one}
    assert values == sorted(values, reverse=True) and narrowed_rows["rowCount"] == len(values)
    either = _rows(app, officer, "milestone", scope, {
        "startRow": 0, "endRow": 5000,
        "filterModel": {"period": {"filterType": "text", "operator": "OR", "conditions": [
            {"filterType": "text", "type": "equals", "filter": "P1"},
            {"filterType": "text", "type": "equals", "filter": "P8"},
        ]}},
    })  # fmt: skip
    assert {row["period"] for row in either["rowData"]} <= {"P1", "P8"} and either["rowData"]
    # A block is at most a thousand rows, whatever endRow says.
    assert (
        len(_rows(app, officer, "milestone", scope, {"startRow": 0, "endRow": 10**6})["rowData"])
        <= 1000
    )


def test_hand_written_block_requests(app, officer, region):
    """Only officers load Setup's blocks, and only well-formed requests reach the query."""
    editor = ensure_account(region, "smiltene@test.example.org", "editor", "SMILTENE")
    editor.language = "en"
    region.commit()
    everyone = list(region.scalars(select(Partner.code)))
    body = _rows_body(app, "target", everyone, {"startRow": 0, "endRow": 1000})
    assert signed_in_client(app, editor).post(ROUTE, json=body).status_code == 403
    for request in (
        {"startRow": "0", "endRow": 100},
        {"startRow": 0, "endRow": 100, "sortModel": [{"colId": "x;drop", "sort": "asc"}]},
        {"startRow": 0, "endRow": 100, "filterModel": {"partner_code": {"filterType": "sql"}}},
        {"startRow": -1, "endRow": 100},
    ):
        refused = officer.post(ROUTE, json=_rows_body(app, "target", everyone, request))
        assert refused.status_code == 400, request
    # A filter of a column the grid does not have keeps every row rather than failing.
    kept = _rows(app, officer, "target", everyone, {
        "startRow": 0, "endRow": 10, "filterModel": {"nope": {"filterType": "text", "type": "equals", "filter": "x"}},
    })  # fmt: skip
    assert kept["rowCount"] > 10


def _rows_body(app, table: str, scope: list[str], request: dict) -> dict:
    return request_body(
        app, "setup-grid.getRowsRequest", {"setup-grid.getRowsRequest": request, "setup-scope.data": scope},
        ids={"table": table},
    )  # fmt: skip


def _rows(app, client, table: str, scope: list[str], request: dict) -> dict:
    answer = client.post(ROUTE, json=_rows_body(app, table, scope, request))
    assert answer.status_code == 200, answer.text[:300]
    return answer.json["response"][
        json.dumps({"table": table, "type": "setup-grid"}, separators=(",", ":"))
    ]["getRowsResponse"]


def test_a_report_over_the_region_is_made_in_the_background(app, officer, region, settings):
    """Past a dozen partners the report buttons queue a report job: the page shows its progress, a
    worker makes and keeps it, and the page then downloads it; nobody else can fetch it."""
    import base64
    import threading

    import openpyxl

    from jobs.worker import poll
    from models import GeneratedReport, ReportJob

    filters = {"period": "P7", "partners": [], "submitted": False}
    clicked = officer.post(ROUTE, json=request_body(app, "meeting-report-pdf.n_clicks", {
        "meeting-report-xlsx.n_clicks": 1, "meeting-report-filters.data": filters,
    }, changed="meeting-report-xlsx.n_clicks"))  # fmt: skip
    assert clicked.status_code == 200, clicked.text[:300]
    answer = clicked.json["response"]
    job = answer["meeting-report-job"]["data"]
    assert job["format"] == "xlsx" and "queued for a background worker" in json.dumps(answer)
    assert answer["meeting-report-poll"]["disabled"] is False

    follow = request_body(app, "meeting-report-poll.n_intervals", {
        "meeting-report-poll.n_intervals": 1, "meeting-report-job.data": job,
        "meeting-report-filters.data": filters,
    })  # fmt: skip
    waiting = officer.post(ROUTE, json=follow).json["response"]
    assert "meeting-report-download" not in waiting
    assert waiting["meeting-report-poll"]["disabled"] is False

    assert poll(settings, threading.Event(), once=True) == 1  # `sharing worker` takes it
    done = officer.post(ROUTE, json=follow).json["response"]
    download = done["meeting-report-download"]["data"]
    assert download["filename"] == "sharing-report-P7-en.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(download["content"])))
    assert book.sheetnames
    assert done["meeting-report-poll"]["disabled"] is True
    kept = region.scalar(select(ReportJob.report_id).where(ReportJob.id == job["id"]))
    assert region.get(GeneratedReport, kept).generated_by == "officer"

    viewer = ensure_account(region, "committee@test.example.org", "viewer")
    viewer.language = "en"
    region.commit()
    stranger = signed_in_client(app, viewer).post(ROUTE, json=follow)
    assert stranger.status_code == 404


def test_the_partners_index_comes_a_page_at_a_time(app, officer, region):
    first = _page(app, officer, "/partners")
    links = {node["props"]["href"] for node in _nodes(first) if isinstance(node.get("props"), dict)
             and str(node["props"].get("href", "")).startswith("/partners/")}  # fmt: skip
    assert len(links) == 24
    assert "Partners 1–24 of 25 (page 1 of 2)" in _plain(first)
    second = _page(app, officer, "/partners", "?page=2")
    assert "Partners 25–25 of 25 (page 2 of 2)" in _plain(second)
    assert _page(app, officer, "/partners", "?page=99") == _page(
        app, officer, "/partners", "?page=2"
    )
