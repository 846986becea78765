"""Hand-written callback requests that no browser sends get a short 4xx, change nothing and leave no
traceback or hostile value in the log; a real error is a 500 with an error id, logged once without the
exception's text (dashboard/callback_guard.py)."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import func, select

import dashboard.views.setup_workbook
from dashboard.app import create_app
from dashboard.database import EXTENSION_KEY
from models import Base, Observation, PolicyChange
from tests.support.accounts import ensure_account, signed_in_client
from tests.support.callbacks import request_body

ROUTE = "/_dash-update-component"
HOSTILE = "HOSTILE-cell-value-"
BIG = HOSTILE * (10 * 1024 * 1024 // len(HOSTILE))  # 10 MB
HUGE_ID = 10**30
MISSING_ID = 987_654_321
INJECTION = "1; drop table observation"
MARKERS = (HOSTILE, str(HUGE_ID), "drop table", "secret")


@pytest.fixture
def app(settings, demo):
    app = create_app(settings)
    app.server.test_client().get("/_dash-dependencies")  # the first request adds the page router
    yield app
    app.server.extensions[EXTENSION_KEY]["engine"].dispose()


@pytest.fixture
def client(app, demo):
    """Signed in as an officer: the checks here come after the account's (test_access.py)."""
    officer = ensure_account(demo, "officer@test.example.org", "admin")
    demo.commit()
    return signed_in_client(app, officer)


@pytest.fixture
def known(demo) -> dict:
    """Ids that exist in the demo data."""
    return {
        "observation": demo.scalar(select(func.min(Observation.id))),
        "change": demo.scalar(select(func.min(PolicyChange.code))),
    }


def _row_counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


def _cell_change(**change) -> list[dict]:
    return [
        {"data": {"id": 1, "code": "X"}, "colId": "name", "value": "A", "oldValue": "B", **change}
    ]


# (case, trigger, values, ids, status): one wrong value each, for every kind of input property.
VALUE_CASES = [
    ("n_clicks as text", "upload-confirm.n_clicks", {"upload-confirm.n_clicks": "1"}, {}, 400),
    ("n_clicks 1.5", "upload-confirm.n_clicks", {"upload-confirm.n_clicks": 1.5}, {}, 400),
    ("n_clicks -1", "upload-confirm.n_clicks", {"upload-confirm.n_clicks": -1}, {}, 400),
    ("n_clicks 10^30", "upload-confirm.n_clicks", {"upload-confirm.n_clicks": HUGE_ID}, {}, 400),
    ("n_clicks true", "upload-confirm.n_clicks", {"upload-confirm.n_clicks": True}, {}, 400),
    ("n_clicks object", "setup-export.n_clicks", {"setup-export.n_clicks": {"$gt": 0}}, {}, 400),
    ("n_clicks list", "setup-export.n_clicks", {"setup-export.n_clicks": [2]}, {}, 400),
    ("upload id 10^30", "upload-confirm.n_clicks",
     {"upload-confirm.n_clicks": 1, "upload-id.data": HUGE_ID}, {}, 400),
    ("upload id -1", "upload-confirm.n_clicks",
     {"upload-confirm.n_clicks": 1, "upload-id.data": -1}, {}, 400),
    ("upload id 1.5", "upload-annotated.n_clicks",
     {"upload-annotated.n_clicks": 1, "upload-id.data": 1.5}, {}, 400),
    ("upload id injection", "upload-confirm.n_clicks",
     {"upload-confirm.n_clicks": 1, "upload-id.data": INJECTION}, {}, 400),
    ("upload id object", "upload-confirm.n_clicks",
     {"upload-confirm.n_clicks": 1, "upload-id.data": {"id": 1}}, {}, 400),
    ("upload id that does not exist", "upload-confirm.n_clicks",
     {"upload-confirm.n_clicks": 1, "upload-id.data": MISSING_ID}, {}, 404),
    ("annotated upload that does not exist", "upload-annotated.n_clicks",
     {"upload-annotated.n_clicks": 1, "upload-id.data": MISSING_ID}, {}, 404),
    ("contents not a data URL", "upload-file.contents",
     {"upload-file.contents": HOSTILE, "upload-partner.value": "MDPWA"}, {}, 400),
    ("contents not base64", "upload-file.contents",
     {"upload-file.contents": f"data:text/csv;base64,{HOSTILE}!!", "upload-partner.value": "MDPWA"},
     {}, 400),
    ("contents a number", "upload-file.contents", {"upload-file.contents": 12345}, {}, 400),
    ("contents a list", "setup-import-file.contents",
     {"setup-import-file.contents": ["data:;base64,AAAA"]}, {}, 400),
    ("filename of 10 MB", "upload-file.filename", {"upload-file.filename": BIG}, {}, 400),
    ("filename a number", "upload-file.filename", {"upload-file.filename": 7}, {}, 400),
    ("partner a list", "upload-template.n_clicks",
     {"upload-template.n_clicks": 1, "upload-partner.value": ["MDPWA"]}, {}, 400),
    ("partner injection", "upload-template.n_clicks",
     {"upload-template.n_clicks": 1, "upload-partner.value": INJECTION}, {}, 400),
    ("template for a partner that does not exist", "upload-template.n_clicks",
     {"upload-template.n_clicks": 1, "upload-partner.value": "NOSUCHPARTNER", "upload-period.value": "P1"},
     {}, 404),
    ("observation id injection", "partner-correct-save.n_clicks",
     {"partner-correct-save.n_clicks": 1, "partner-observation.data": INJECTION,
      "partner-correct-value.value": "1", "partner-correct-reason.value": "r"}, {}, 400),
    ("observation id 10^30", "partner-correct-save.n_clicks",
     {"partner-correct-save.n_clicks": 1, "partner-observation.data": HUGE_ID}, {}, 400),
    ("observation that does not exist", "partner-correct-save.n_clicks",
     {"partner-correct-save.n_clicks": 1, "partner-observation.data": MISSING_ID,
      "partner-correct-value.value": "1", "partner-correct-reason.value": "typo",
      "partner-code.data": "MDPWA", "partner-period.value": "P1"}, {}, 404),
    ("reason of 10 MB", "partner-correct-save.n_clicks",
     {"partner-correct-save.n_clicks": 1, "partner-correct-reason.value": BIG}, {}, 400),
    ("value a nested object", "partner-correct-save.n_clicks",
     {"partner-correct-save.n_clicks": 1, "partner-correct-value.value": {"a": {"b": [HOSTILE]}}},
     {}, 400),
    ("pattern id injection", "partner-correct-open.n_clicks",
     {"partner-correct-open.n_clicks": 1}, {"observation": INJECTION}, 400),
    ("pattern id 10^30", "partner-correct-open.n_clicks",
     {"partner-correct-open.n_clicks": 1}, {"observation": HUGE_ID}, 400),
    ("pattern id 1.5", "imports-original.n_clicks",
     {"imports-original.n_clicks": 1}, {"upload": 1.5}, 400),
    ("pattern id -1", "imports-annotated.n_clicks",
     {"imports-annotated.n_clicks": 1}, {"upload": -1}, 400),
    ("value to correct that does not exist", "partner-correct-open.n_clicks",
     {"partner-correct-open.n_clicks": 1}, {"observation": MISSING_ID}, 404),
    ("original of an upload that does not exist", "imports-original.n_clicks",
     {"imports-original.n_clicks": 1}, {"upload": MISSING_ID}, 404),
    ("evidence hash malformed", "instruments-evidence.n_clicks",
     {"instruments-evidence.n_clicks": 1}, {"sha256": "../" + HOSTILE}, 400),
    ("evidence that does not exist", "instruments-evidence.n_clicks",
     {"instruments-evidence.n_clicks": 1}, {"sha256": "0" * 64}, 404),
    ("change code a number", "instruments-record-open.n_clicks",
     {"instruments-record-open.n_clicks": 1}, {"change": 999}, 400),
    ("change that does not exist", "instruments-record-open.n_clicks",
     {"instruments-record-open.n_clicks": 1}, {"change": "NOSUCH-CHANGE"}, 404),
    ("stage note of 10 MB", "instruments-record-save.n_clicks",
     {"instruments-record-save.n_clicks": 1, "instruments-record-note.value": BIG}, {}, 400),
    ("grid edit an object", "setup-grid.cellValueChanged",
     {"setup-grid.cellValueChanged": {"data": {"id": 1}}}, {"table": "indicator"}, 400),
    ("grid edit without value", "setup-grid.cellValueChanged",
     {"setup-grid.cellValueChanged": [{"data": {"id": 1}, "colId": "name", "oldValue": "x"}]},
     {"table": "indicator"}, 400),
    ("grid row id 10^30", "setup-grid.cellValueChanged",
     {"setup-grid.cellValueChanged": _cell_change(data={"id": HUGE_ID})}, {"table": "indicator"}, 400),
    ("grid column injection", "setup-grid.cellValueChanged",
     {"setup-grid.cellValueChanged": _cell_change(colId=INJECTION)}, {"table": "indicator"}, 400),
    ("grid value nested", "setup-grid.cellValueChanged",
     {"setup-grid.cellValueChanged": _cell_change(value={"x": [HOSTILE]})}, {"table": "indicator"},
     400),
    ("grid of an unknown table", "setup-grid.cellValueChanged",
     {"setup-grid.cellValueChanged": _cell_change()}, {"table": "users"}, 400),
    ("selected rows as text", "setup-grid.selectedRows",
     {"setup-grid.selectedRows": "all"}, {"table": "target"}, 400),
    ("delete pending of an unknown table", "setup-delete-confirm.n_clicks",
     {"setup-delete-confirm.n_clicks": 1, "setup-delete-pending.data": {"table": "partner_x", "id": 1}},
     {"table": "target"}, 400),
    ("delete pending id as text", "setup-delete-confirm.n_clicks",
     {"setup-delete-confirm.n_clicks": 1, "setup-delete-pending.data": {"table": "target", "id": "1"}},
     {"table": "target"}, 400),
    ("setup workbook hash a path", "setup-import-apply.n_clicks",
     {"setup-import-apply.n_clicks": 1, "setup-import-sha.data": "../../etc/passwd"}, {}, 400),
    ("add form field of 10 MB", "setup-add-partner.n_clicks",
     {"setup-add-partner.n_clicks": 1, "setup-partner-name.value": BIG}, {}, 400),
    ("multi drop-down as text", "overview-partners.value", {"overview-partners.value": "MDPWA"}, {},
     400),
    ("range slider of three", "dsk-partners.value", {"dsk-periods.value": [1, 2, 3]}, {}, 400),
    ("slider marks not numbers", "esu-partners.value", {"esu-periods.marks": {"abc": "P1"}}, {}, 400),
    ("date not a date", "activity-filter-partner.value", {"activity-dates.start_date": HOSTILE}, {},
     400),
    ("chart data rows as text", "chart-download-button.n_clicks",
     {"chart-download-button.n_clicks": 1, "chart-data.data": {"basename": "x", "columns": [],
                                                                 "rows": HOSTILE}},
     {"chart": "esu-values", "format": "csv"}, 400),
    ("chart format unknown", "chart-download-button.n_clicks",
     {"chart-download-button.n_clicks": 1}, {"chart": "esu-values", "format": "exe"}, 400),
    ("pathname of 10 MB", "_pages_location.pathname", {"_pages_location.pathname": BIG}, {}, 400),
    ("search an object", "_pages_location.pathname",
     {"_pages_location.pathname": "/", "_pages_location.search": {"q": HOSTILE}}, {}, 400),
]  # fmt: skip


def _page(pathname: str = "/imports") -> dict:
    return {"_pages_location.pathname": pathname, "_pages_location.search": ""}


def _mutated(app, change) -> dict:
    body = request_body(app, "_pages_location.pathname", _page())
    change(body)
    return body


# (case, body as Python or bytes, content type, status): the envelope itself is wrong.
ENVELOPE_CASES = [
    ("malformed JSON", b'{"output": "x", ', "application/json", 400),
    ("JSON but an array", b"[]", "application/json", 400),
    ("not JSON", b"output=x", "application/x-www-form-urlencoded", 400),
    ("nested 100000 deep", b"[" * 100_000, "application/json", 400),
    ("integer of 5000 digits", b'{"output": ' + b"9" * 5000 + b"}", "application/json", 400),
    ("NaN", b'{"output": NaN, "outputs": [], "inputs": []}', "application/json", 400),
]

MUTATIONS = [
    ("missing output", lambda b: b.pop("output"), 400),
    ("missing inputs", lambda b: b.pop("inputs"), 400),
    ("missing outputs", lambda b: b.pop("outputs"), 400),
    ("unknown output id", lambda b: b.update(output=f"{HOSTILE}.children"), 400),
    (
        "output of a clientside callback",
        lambda b: b.update(output="shell-nav-collapse.is_open"),
        400,
    ),
    ("output a list", lambda b: b.update(output=[HOSTILE]), 400),
    ("one input missing", lambda b: b["inputs"].pop(), 400),
    ("input without property", lambda b: b["inputs"][0].pop("property"), 400),
    ("input of another component", lambda b: b["inputs"][0].update(id="upload-id"), 400),
    ("input with an unknown key", lambda b: b["inputs"][0].update(extra=HOSTILE), 400),
    ("inputs an object", lambda b: b.update(inputs={"a": 1}), 400),
    (
        "outputs of another callback",
        lambda b: b.update(outputs=[{"id": "x", "property": "y"}]),
        400,
    ),
    ("changed prop not an input", lambda b: b.update(changedPropIds=["upload-id.data"]), 400),
    ("changed prop malformed", lambda b: b.update(changedPropIds=['{"type": .x']), 400),
    ("unknown top-level key", lambda b: b.update(sql=INJECTION), 400),
    ("state a number", lambda b: b.update(state=1), 400),
]


def _logged(caplog) -> str:
    return "\n".join(
        record.getMessage() + (record.exc_text or "") + str(record.exc_info or "")
        for record in caplog.records
    )


def _problem(response, status: int, caplog, before: dict, engine) -> str | None:
    """What is wrong with the answer to a hostile request, or None."""
    logged = _logged(caplog)
    caplog.clear()
    if response.status_code != status:
        return f"answered {response.status_code}: {response.get_data(as_text=True)[:200]}"
    if len(response.data) >= 200:
        return "a long answer"
    if _row_counts(engine) != before:
        return "the database changed"
    if "Traceback" in logged or any(marker in logged for marker in MARKERS):
        return "the log holds a traceback or the hostile value"
    return None


def _refusals(cases, send, caplog, engine) -> dict[str, str]:
    """Send every case (one app and database for all: loading the demo is the slow part); the cases
    whose answer is wrong, with what is wrong."""
    caplog.set_level(logging.INFO)
    before = _row_counts(engine)
    problems = {}
    for name, *case, status in cases:
        problem = _problem(send(*case), status, caplog, before, engine)
        if problem:
            problems[name] = problem
    return problems


def test_a_wrong_value_is_refused_and_changes_nothing(app, client, engine, caplog):
    assert len(VALUE_CASES) >= 40

    def send(trigger, values, ids):
        return client.post(ROUTE, json=request_body(app, trigger, values, ids))

    assert _refusals(VALUE_CASES, send, caplog, engine) == {}


def test_a_body_that_is_no_callback_request_is_refused(client, engine, caplog):
    def send(data, content_type):
        return client.post(ROUTE, data=data, content_type=content_type)

    assert _refusals(ENVELOPE_CASES, send, caplog, engine) == {}


def test_a_request_that_does_not_fit_its_callback_is_refused(app, client, engine, caplog):
    def send(change):
        return client.post(ROUTE, json=_mutated(app, change))

    assert _refusals(MUTATIONS, send, caplog, engine) == {}


def test_a_body_over_the_limit_answers_413(app, client, engine, caplog):
    limit = app.server.config["MAX_CONTENT_LENGTH"]
    oversized = [("over MAX_CONTENT_LENGTH", b" " * (limit + 1), 413)]

    def send(data):
        response = client.post(ROUTE, data=data, content_type="application/json")
        assert "MB" in response.get_data(as_text=True)
        return response

    assert _refusals(oversized, send, caplog, engine) == {}


def test_requests_the_pages_send_still_work(app, client, known):
    """The guard lets through what the renderer sends: the page router, opening a form, a no-op."""
    page = client.post(ROUTE, json=request_body(app, "_pages_location.pathname", _page()))
    assert page.status_code == 200 and "Value history" in page.get_data(as_text=True)
    for trigger in ("partner-correct-open.n_clicks", "instruments-record-open.n_clicks"):
        opened = client.post(ROUTE, json=request_body(app, trigger, {trigger: 1}, known))
        assert opened.status_code == 200 and '"is_open":true' in opened.get_data(as_text=True)
    untouched = request_body(app, "upload-confirm.n_clicks", {"upload-confirm.n_clicks": 0})
    assert client.post(ROUTE, json=untouched).status_code == 204  # PreventUpdate


def test_an_id_typed_into_the_activity_url_is_checked_in_the_page(app, client):
    for search in (
        f"?object=observation&id={HUGE_ID}", "?object=upload&id=-1", "?object=target&id=1.5",
        "?object=observation&id=1%3B%20drop%20table", "?action=a&action=b&object=x&object=y&id=1",
    ):  # fmt: skip
        values = {"_pages_location.pathname": "/activity", "_pages_location.search": search}
        response = client.post(ROUTE, json=request_body(app, "_pages_location.pathname", values))
        assert response.status_code == 200, search
        page = response.get_data(as_text=True)
        assert "Every change to the data" in page, search
        if "object=x" not in search:
            assert "not an id of this kind of object" in page, search


def test_a_real_error_answers_500_with_an_error_id_and_logs_it_without_its_text(
    app, client, caplog, monkeypatch
):
    def broken(*_args, **_kwargs):
        raise ValueError("secret cell value 12345")

    monkeypatch.setattr(dashboard.views.setup_workbook, "setup_workbook", broken)
    caplog.set_level(logging.INFO)
    response = client.post(
        ROUTE, json=request_body(app, "setup-export.n_clicks", {"setup-export.n_clicks": 1})
    )
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "secret" not in text
    error_id = re.search(r"quote error id ([0-9A-F]{8})", text).group(1)
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    message = errors[0].getMessage()
    assert error_id in message and "ValueError" in message
    assert "dashboard/views/setup_workbook.py" in message
    assert errors[0].exc_info is None
    assert "secret cell value" not in _logged(caplog) and "Traceback" not in _logged(caplog)
