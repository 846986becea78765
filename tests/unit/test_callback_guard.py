"""Every callback's inputs and states have a declared rule, and the rules refuse what they should
(dashboard/callback_guard.py). No database: the app is built but never reads one."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import BadRequest

from dashboard import callback_guard as guard
from dashboard.app import create_app
from dashboard.settings import Settings


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("instance")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'unused.db'}", secret_key="test", instance_path=folder
    )
    app = create_app(settings)
    app.server.test_client().get("/_dash-dependencies")  # the first request adds the page router
    return app


def test_every_server_callback_declares_its_inputs_and_states(app):
    server_callbacks = [cb for cb in app.callback_map.values() if "callback" in cb]
    assert len(server_callbacks) >= 30
    assert guard.undeclared(app.callback_map) == [], (
        "declare a rule in dashboard/callback_guard.py (BY_COMPONENT, BY_PROPERTY or ID_KEYS)"
    )


def test_an_undeclared_input_is_reported(app):
    output, callback = next(
        (key, cb) for key, cb in app.callback_map.items() if "callback" in cb and cb["state"]
    )
    extended = {**callback, "state": [*callback["state"], {"id": "x-new", "property": "value"}]}
    assert guard.undeclared({output: extended}) == ["x-new.value"]


def test_the_page_router_request_passes(app):
    output = next(key for key in app.callback_map if "_pages_content" in key)
    body = {
        "output": output,
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": "/setup"},
            {"id": "_pages_location", "property": "search", "value": "?partner=MDPWA"},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "parsedChangedPropsIds": ["_pages_location.pathname"],
    }
    guard.check_body(app.callback_map, body)
    body["inputs"][1]["value"] = ["?partner=MDPWA"]
    with pytest.raises(BadRequest, match="_pages_location.search"):
        guard.check_body(app.callback_map, body)


@pytest.mark.parametrize(
    ("rule", "good", "bad"),
    [
        (guard.CLICKS, [None, 0, 3, 10**9], [-1, 1.5, True, "1", [1], 10**30, float("nan")]),
        (guard.DB_ID, [1, 2**63 - 1], [0, -1, 1.5, True, "1", 2**63, None, {"id": 1}]),
        (guard.CODE, ["MDPWA", "ESU-APPS", "target."], ["", "1; drop table", "a" * 65, 7, None]),
        (guard.SHA256, ["0" * 64], ["0" * 63, "G" * 64, "../../etc/passwd"]),
        (
            guard.data_url,
            ["data:text/csv;base64,QUJD", "data:application/octet-stream;base64,"],
            ["QUJD", "data:text/csv,QUJD", "data:text/csv;base64,QU!D", 12, ["data:;base64,"]],
        ),
        (guard.SCALAR, [None, True, 1, 1.5, "text"], [{"a": 1}, [1], float("inf")]),
        (guard.slider_marks, [{"1": "P1", "12": {"label": "P12"}}], [{"x": "P1"}, [1], "P1"]),
        (
            guard.BY_PROPERTY["cellValueChanged"],
            [
                None,
                [{"data": {"id": 1, "name": "A"}, "colId": "name", "value": "B", "oldValue": "A"}],
            ],
            [
                {"data": {"id": 1}},
                [{"data": {"id": 1}, "colId": "name", "value": "B"}],
                [{"data": {"id": "1"}, "colId": "name", "value": "B", "oldValue": "A"}],
            ],
        ),
    ],
    ids=["n_clicks", "database id", "code", "sha256", "data URL", "cell", "marks", "grid edit"],
)
def test_rules(rule, good, bad):
    for value in good:
        rule(value)
    for value in bad:
        with pytest.raises(guard.BadInput):
            rule(value)


def test_a_refusal_never_repeats_the_value():
    with pytest.raises(guard.BadInput) as refused:
        guard.text(10)("secret cell value 12345")
    assert "secret" not in str(refused.value)


def test_match_ids_of_one_request_must_agree(app):
    output = next(key for key in app.callback_map if "rowTransaction" in key)

    def body(output_table: str) -> dict:
        grid = {"type": "setup-grid", "table": "target"}
        feedback = {"type": "setup-feedback", "table": output_table}
        return {
            "output": output,
            "outputs": [
                {"id": {**grid, "table": output_table}, "property": "rowTransaction"},
                {"id": {"type": "setup-grid-sync", "table": output_table}, "property": "data"},
                *({"id": feedback, "property": p} for p in ("children", "color", "is_open")),
            ],
            "inputs": [{"id": grid, "property": "cellValueChanged", "value": None}],
            "state": [{"id": grid, "property": "rowModelType", "value": "clientSide"}],
            "changedPropIds": ['{"table":"target","type":"setup-grid"}.cellValueChanged'],
        }

    guard.check_body(app.callback_map, body("target"))
    with pytest.raises(BadRequest, match="MATCH"):
        guard.check_body(app.callback_map, body("indicator"))


def test_every_indicator_has_one_page_that_charts_it_over_the_periods(app):
    """The overview's links (indicator_href) and the indicator pages agree: each indicator of the
    catalogue, and each category an officer may give a new one, is charted on exactly one page."""
    import sys

    import dash

    from dashboard.components.overview_cards import indicator_href
    from models import CATEGORIES
    from seed.reference_data import INDICATORS

    pages = {
        entry["path"]: sys.modules[entry["module"]].PAGE
        for entry in dash.page_registry.values()
        if hasattr(sys.modules[entry["module"]], "PAGE")
    }
    assert set(pages) == {"/e-services", "/digital-skills", "/policy-progress"}

    def charted_on(code: str, category: str) -> list[str]:
        return [
            path
            for path, page in pages.items()
            if (category in page.categories or code in page.extra_codes)
            and code not in page.excluded_codes
        ]

    for code, _name, _unit, category, *_rest in INDICATORS:
        assert charted_on(code, category) == [indicator_href(code, category).split("?")[0]], code
    for category in CATEGORIES:
        assert len(charted_on("NEW-CODE", category)) == 1, category
    assert indicator_href("RCO81", "programme output", ("SMILTENE", "PLH")) == (
        "/policy-progress?indicator=RCO81&partner=SMILTENE,PLH"
    )
