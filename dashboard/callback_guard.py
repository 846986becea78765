"""Every Dash callback request is checked here before Dash runs the callback, and every error is answered
here, so callbacks stay glue and a hand-written POST cannot reach them with values they do not expect.

``install(app)`` adds to the app's Flask server:

- a ``before_request`` hook for Dash's callback route (``<routes_pathname_prefix>_dash-update-component``).
  It refuses a body that is not a JSON object (400), names no server callback (400) or does not fit the
  callback's declared outputs, inputs and states (400), and checks every input and state value against the
  rule declared for its (component, property) below (400). Nothing runs, so nothing changes.
- error handlers: an ``HTTPException`` (a refusal, ``NotFound`` raised by a callback, 413 for a body over
  ``MAX_CONTENT_LENGTH``) is answered with its short message; ``AccessDenied`` with 403; any other exception
  is a bug: logged once with an error id, its type and its stack's file:line:function only (an exception's
  text and the request body can carry partners' cell values, so neither is logged), and answered 500 with
  "Something went wrong; quote error id ...". Dash's own ``PreventUpdate`` (204) keeps its handler.

Where rules are declared: ``BY_COMPONENT`` for a (component id, property), the component id being the
``type`` of a pattern-matching id; ``BY_PROPERTY`` for properties that mean the same on every component
(``n_clicks``, ``search``, ``contents``, AG Grid's ``cellValueChanged``...); ``ID_KEYS`` for the values a
pattern-matching id's wildcard keys may take (``{"type": "imports-original", "upload": <id>}``). A
(component, property) with no rule is refused, and tests/unit/test_callback_guard.py fails for it, so a
new callback cannot be added without declaring what its inputs may be.
"""

from __future__ import annotations

import json
import logging
import math
import re
import secrets
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path

from dash import Dash
from flask import Response, current_app, request
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge
from werkzeug.exceptions import NotFound as HTTPNotFound

from dashboard.access import AccessDenied, callback_permission, current_actor, require
from dashboard.queries.review import VALUE_SORTS
from i18n import _
from models.database import DatabaseBusy
from services.catalogue import MODELS

logger = logging.getLogger(__name__)

CALLBACK_ROUTE = "_dash-update-component"
ENVELOPE_KEYS = {"output", "outputs", "inputs", "state", "changedPropIds", "parsedChangedPropsIds"}
MAX_ITEMS = 10_000  # components one pattern-matching dependency may list, rows a grid may send
WILDCARDS = (["MATCH"], ["ALL"], ["ALLSMALLER"])
PROJECT_DIR = Path(__file__).resolve().parents[1]


class NotFound(HTTPNotFound):
    """Raised by a callback when the id it was given (an upload, a value, a policy change, a file) does not
    exist or is not visible to the user: answered 404 with the message, nothing changed."""


class BadInput(ValueError):
    """A value does not follow its rule. The message says what was expected, never what was sent."""


Rule = Callable[[object], None]


# --- rules: each takes a JSON value and raises BadInput ----------------------------------------------


def optional(rule: Rule) -> Rule:
    def check(value: object) -> None:
        if value is not None:
            rule(value)

    return check


def integer(low: int, high: int) -> Rule:
    def check(value: object) -> None:
        if type(value) is not int or not low <= value <= high:  # type(): True is not a number here
            raise BadInput(f"a whole number from {low} to {high}")

    return check


def number(limit: float = 1e15) -> Rule:
    def check(value: object) -> None:
        if type(value) not in (int, float) or not math.isfinite(value) or abs(value) > limit:
            raise BadInput(f"a number of at most {limit:g}")

    return check


def boolean(value: object) -> None:
    if type(value) is not bool:
        raise BadInput("true or false")


def text(max_chars: int, pattern: str | None = None) -> Rule:
    compiled = re.compile(pattern) if pattern else None

    def check(value: object) -> None:
        if not isinstance(value, str) or len(value) > max_chars:
            raise BadInput(f"text of at most {max_chars} characters")
        if compiled and not compiled.fullmatch(value):
            raise BadInput(f"text of the form {pattern}")

    return check


def one_of(*choices: str) -> Rule:
    def check(value: object) -> None:
        if not isinstance(value, str) or value not in choices:
            raise BadInput("one of " + ", ".join(choices))

    return check


def any_of(*rules: Rule, expected: str) -> Rule:
    def check(value: object) -> None:
        for rule in rules:
            try:
                rule(value)
                return
            except BadInput:
                continue
        raise BadInput(expected)

    return check


def list_of(rule: Rule, max_items: int = MAX_ITEMS) -> Rule:
    def check(value: object) -> None:
        if not isinstance(value, list) or len(value) > max_items:
            raise BadInput(f"a list of at most {max_items} items")
        for item in value:
            try:
                rule(item)
            except BadInput as error:
                raise BadInput(f"a list whose every item is {error}") from None

    return check


def record(
    required: Mapping[str, Rule],
    optional_keys: Mapping[str, Rule] | None = None,
    others: Rule | None = None,
) -> Rule:
    """An object with the ``required`` keys, maybe the ``optional_keys``, and other keys only when
    ``others`` says what their values may be."""
    optional_keys = optional_keys or {}

    def check(value: object) -> None:
        if not isinstance(value, dict) or not set(required) <= set(value):
            raise BadInput("an object with the keys " + ", ".join(required))
        for key, item in value.items():
            rule = required.get(key) or optional_keys.get(key) or others
            if rule is None or not isinstance(key, str) or len(key) > 100:
                raise BadInput("an object with the keys " + ", ".join([*required, *optional_keys]))
            try:
                rule(item)
            except BadInput as error:
                raise BadInput(f"an object whose {key} is {error}") from None

    return check


def json_value(max_depth: int = 20) -> Rule:
    """Any JSON nested at most ``max_depth`` deep: labels that are components, for instance."""

    def check(value: object, depth: int = 0) -> None:
        if depth > max_depth:
            raise BadInput(f"JSON nested at most {max_depth} deep")
        if isinstance(value, dict):
            for item in value.values():
                check(item, depth + 1)
        elif isinstance(value, list):
            for item in value:
                check(item, depth + 1)
        elif isinstance(value, float) and not math.isfinite(value):
            raise BadInput("finite numbers")

    return check


def slider_marks(value: object) -> None:
    """A slider's marks, keyed by the numbers they mark (here: the period numbers)."""
    if not isinstance(value, dict) or len(value) > 1_000:
        raise BadInput("slider marks")
    if not all(re.fullmatch(r"\d{1,4}", key) for key in value):
        raise BadInput("slider marks keyed by whole numbers")
    json_value()(value)


_DATA_URL = re.compile(r"data:[\w.+/-]{0,200}(;[\w.+=-]{1,100}){0,5};base64,")
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


def data_url(value: object) -> None:
    """What dcc.Upload sends: ``data:<type>;base64,<base64>``. Its size is bounded by MAX_CONTENT_LENGTH;
    the upload limit itself is the importer's, which says so in the page."""
    prefix = _DATA_URL.match(value) if isinstance(value, str) else None
    if prefix is None or not _BASE64.fullmatch(value, prefix.end()):
        raise BadInput("a file as a base64 data URL")


# --- what values mean here ---------------------------------------------------------------------------

DB_ID = integer(1, 2**63 - 1)
CODE = text(64, r"[\w.-]+")  # partner, indicator, period, change, stage and action codes
SHA256 = text(64, r"[0-9a-f]{64}")
CLICKS = optional(integer(0, 10**9))
URL_PART = optional(text(2_000))
FREE_TEXT = optional(text(10_000))  # twice the services' 5,000, so they can say what is too long
SHORT_TEXT = optional(text(1_000))
ISO_DATE = optional(text(40, r"\d{4}-\d{2}-\d{2}([T ][\d:.]{0,20})?"))
SCALAR = any_of(
    lambda value: None if value is None else boolean(value),
    number(),
    text(10_000),
    expected="a single value (text, number, true/false or nothing)",
)
ROW = record({"id": DB_ID}, others=SCALAR)
# One column's filter of an AG Grid (text or number; one condition, or two joined by AND / OR).
FILTER_CONDITION = record(
    {"filterType": one_of("text", "number", "date")},
    {
        "type": optional(text(40, r"\w+")),
        "filter": optional(any_of(number(), text(1_000), expected="a number or text")),
        "filterTo": optional(number()),
        "dateFrom": optional(text(40)),
        "dateTo": optional(text(40)),
    },
)
FILTER = any_of(
    FILTER_CONDITION,
    record(
        {
            "filterType": one_of("text", "number", "date"),
            "conditions": list_of(FILTER_CONDITION, 2),
        },
        {"operator": one_of("AND", "OR")},
    ),
    expected="an AG Grid column filter",
)
# Lists of partners: the region's hundreds of bodies with room to grow.
MAX_PARTNERS = 5_000
CODES = optional(list_of(CODE, MAX_PARTNERS))
OPTIONS = list_of(record({"value": CODE}, others=json_value()), MAX_PARTNERS)
# A county's name or a type of body (the group filters): letters of any language, spaces, hyphens.
GROUP = optional(text(60, r"[\w .'()-]+"))
SETUP_TABLES = tuple(MODELS)

BY_PROPERTY: dict[str, Rule] = {
    "n_clicks": CLICKS,
    "n_intervals": optional(integer(0, 10**9)),
    "pathname": URL_PART,
    "search": URL_PART,
    "hash": URL_PART,
    "contents": optional(data_url),
    "filename": optional(text(255)),
    "start_date": ISO_DATE,
    "end_date": ISO_DATE,
    # dash-ag-grid: the selected rows' data; the edited cells, as its cellValueChanged event sends them
    "selectedRows": optional(list_of(ROW)),
    "cellValueChanged": optional(
        list_of(
            record(
                {"data": ROW, "colId": text(64, r"\w+"), "value": SCALAR, "oldValue": SCALAR},
                {
                    "rowIndex": optional(integer(0, 10**7)),
                    "rowId": optional(text(40)),
                    "timestamp": number(),
                },
            ),
            1_000,
        )
    ),
}


def _each(rule: Rule, *component_ids: str, prop: str = "value") -> dict[tuple[str, str], Rule]:
    return {(component_id, prop): rule for component_id in component_ids}


def _indicator_page(name: str) -> dict[tuple[str, str], Rule]:
    """The filters of an indicator page (views/indicator_page.py): partner checklist, period slider,
    indicator drop-down, their options, and the switches (values awaiting approval, own scale)."""
    return {
        (f"{name}-partners", "value"): CODES,
        (f"{name}-periods", "value"): optional(list_of(integer(0, 1_000), 2)),
        (f"{name}-indicator", "value"): optional(CODE),
        (f"{name}-partners", "options"): optional(OPTIONS),
        (f"{name}-indicator", "options"): optional(OPTIONS),
        (f"{name}-periods", "marks"): optional(slider_marks),
        (f"{name}-submitted", "value"): optional(boolean),
        (f"{name}-scale", "value"): optional(boolean),
        **_each(GROUP, f"{name}-county", f"{name}-type"),
    }


SETUP_FORMS = {  # the Setup page's add forms (views/setup_forms.py): their fields' id suffixes
    "target": ("partner", "indicator", "baseline", "value"),
    "milestone": ("partner", "indicator", "period", "value"),
    "indicator": ("code", "name", "unit", "category", "kind", "aggregation"),
    "partner": ("code", "name", "short", "country", "nuts", "level", "instrument", "kind", "body"),
}

BY_COMPONENT: dict[tuple[str, str], Rule] = {
    **_indicator_page("esu"),
    **_indicator_page("dsk"),
    **_indicator_page("policy"),
    # overview
    ("overview-partners", "value"): CODES,
    ("overview-indicator", "value"): optional(CODE),
    ("overview-partners", "options"): optional(OPTIONS),
    ("overview-indicator", "options"): optional(OPTIONS),
    ("overview-submitted", "value"): optional(boolean),
    **_each(GROUP, "overview-county", "overview-type"),
    # Setup: whose targets and milestones the grids show (narrowed again to what the actor may see)
    ("setup-scope", "data"): CODES,
    # meeting mode and the overview: the period report's filters (views/meeting_report.py)
    ("meeting-report-job", "data"): optional(
        record({"id": DB_ID, "format": one_of("pdf", "xlsx"), "partners": integer(0, MAX_PARTNERS)})
    ),
    ("meeting-report-filters", "data"): optional(
        record({"period": CODE}, {"partners": CODES, "submitted": optional(boolean)})
    ),
    # activity
    **_each(optional(CODE), "activity-filter-partner", "activity-filter-action"),
    ("activity-filter-object", "value"): optional(CODE),
    ("activity-object-id", "data"): optional(text(100, r"[\w.-]+")),
    # imports
    **_each(CODES, "imports-filter-partner", "imports-filter-outcome"),
    **_each(optional(CODE), "imports-filter-indicator", "imports-filter-period"),
    # instruments and the stage-event form
    **_each(
        CODES, "instruments-filter-partner", "instruments-filter-stage", "instruments-filter-type"
    ),
    ("instruments-change", "data"): optional(CODE),
    ("instruments-record-stage", "value"): optional(CODE),
    ("instruments-record-evidence-kind", "value"): optional(text(100)),  # "official decision"
    ("instruments-record-date", "value"): optional(text(40)),
    ("instruments-record-note", "value"): FREE_TEXT,
    ("instruments-record-evidence-title", "value"): SHORT_TEXT,
    ("instruments-record-evidence-url", "value"): URL_PART,
    # partner page
    ("partner-period", "value"): optional(CODE),
    ("partner-code", "data"): optional(CODE),
    ("partner-observation", "data"): optional(DB_ID),
    **_each(SHORT_TEXT, "partner-correct-value", "partner-enter-value"),
    **_each(FREE_TEXT, "partner-correct-reason", "partner-enter-reason"),
    ("partner-entry", "data"): optional(CODE),
    # review: decisions and period locks
    ("review-comment", "value"): FREE_TEXT,
    **_each(optional(CODE), "review-lock-period", "review-lock-partner"),
    ("review-lock-reason", "value"): FREE_TEXT,
    # a large submission's values, a page at a time (sorted by one column, searched)
    ("review-values", "page_current"): optional(integer(0, 10**6)),
    ("review-values", "sort_by"): optional(
        list_of(record({"column_id": one_of(*VALUE_SORTS), "direction": one_of("asc", "desc")}), 1)
    ),
    ("review-values-search", "value"): optional(text(100)),
    # users: accounts and share links
    **_each(SHORT_TEXT, "users-add-email", "users-add-name", "users-share-label"),
    **_each(optional(CODE), "users-add-role", "users-add-partner", "users-add-language"),
    **_each(optional(CODE), "users-share-language", "users-share-period"),
    ("users-share-days", "value"): optional(integer(1, 90)),
    **_each(optional(DB_ID), "users-account", "users-share-link"),
    **_each(optional(CODE), "users-change-role", "users-change-partner"),
    # upload
    **_each(optional(CODE), "upload-partner", "upload-period"),
    ("upload-id", "data"): optional(DB_ID),
    # the background upload the page follows (its row is checked against the actor's partners)
    ("upload-job", "data"): optional(record({"id": DB_ID, "kind": one_of("preview", "import")})),
    # setup: add forms (the services check the content), the delete dialog, the setup workbook
    **_each(
        SHORT_TEXT,
        *(f"setup-{form}-{field}" for form, fields in SETUP_FORMS.items() for field in fields),
    ),
    ("setup-delete-pending", "data"): optional(
        record({"table": one_of(*SETUP_TABLES), "id": DB_ID})
    ),
    ("setup-import-sha", "data"): optional(SHA256),
    # the targets and milestones grids loading block by block (infinite row model)
    ("setup-grid", "getRowsRequest"): optional(
        record(
            {"startRow": integer(0, 10**7), "endRow": integer(0, 10**7)},
            {
                "sortModel": optional(
                    list_of(
                        record(
                            {"colId": text(64, r"\w+"), "sort": one_of("asc", "desc")},
                            {"type": optional(text(40, r"\w+"))},  # AG Grid's "default"
                        ),
                        20,
                    )
                ),
                "filterModel": optional(record({}, others=FILTER)),
                # dash-ag-grid sends the grid's API object along, serialised as {}
                "context": json_value(4),
                "api": json_value(4),
            },
        )
    ),
    ("setup-grid", "rowModelType"): optional(one_of("clientSide", "infinite")),
    ("setup-import-fingerprint", "data"): optional(SHA256),
    # chart downloads (components/downloads.py): the rows the chart draws
    ("chart-data", "data"): optional(
        record(
            {
                "basename": text(100, r"[\w.-]+"),
                "columns": list_of(text(200), 200),
                "rows": list_of(list_of(SCALAR, 200), 100_000),
            }
        )
    ),
}

ID_KEYS: dict[str, Rule] = {
    "table": one_of(*SETUP_TABLES),
    "upload": DB_ID,
    "observation": DB_ID,
    "indicator": CODE,
    "change": CODE,
    "sha256": SHA256,
    "chart": text(100, r"[\w-]+"),
    "format": one_of("csv", "xlsx"),
    "submission": DB_ID,
    "values": integer(0, 10**7),
}


def rule_for(component: str, prop: str) -> Rule | None:
    return BY_COMPONENT.get((component, prop)) or BY_PROPERTY.get(prop)


# --- checking one request ----------------------------------------------------------------------------


def _parse_id(raw: str | dict) -> str | dict:
    return json.loads(raw) if isinstance(raw, str) and raw.startswith("{") else raw


def _name(pattern: str | dict) -> str:
    return pattern.get("type", "?") if isinstance(pattern, dict) else pattern


def _is_multi(pattern: str | dict) -> bool:
    return isinstance(pattern, dict) and any(
        v in (["ALL"], ["ALLSMALLER"]) for v in pattern.values()
    )


def _refuse(message: str) -> BadRequest:
    return BadRequest(_("Bad request: {reason}").format(reason=message))


def _canonical(component_id: object) -> str:
    return (
        json.dumps(component_id, sort_keys=True)
        if isinstance(component_id, dict)
        else str(component_id)
    )


def _check_id(pattern: str | dict, concrete: object, matched: dict) -> None:
    if isinstance(pattern, str):
        if concrete != pattern:
            raise _refuse(f"an input, state or output is not {pattern}")
        return
    if not isinstance(concrete, dict) or set(concrete) != set(pattern):
        raise _refuse(f"a {_name(pattern)} id has other keys than the callback's")
    for key, wanted in pattern.items():
        value = concrete[key]
        if wanted not in WILDCARDS:
            if type(value) is not type(wanted) or value != wanted:
                raise _refuse(f"a {_name(pattern)} id is not the callback's")
            continue
        rule = ID_KEYS.get(key)
        try:
            if rule is None:
                raise BadInput("declared")
            rule(value)
        except BadInput as error:
            raise _refuse(f"{key} in a {_name(pattern)} id must be {error}") from None
        if wanted == ["MATCH"] and matched.setdefault(key, value) != value:
            raise _refuse(f"{key} differs between the MATCH ids of the callback")


def _entries(pattern: str | dict, entry: object) -> list:
    if _is_multi(pattern):
        if not isinstance(entry, list) or len(entry) > MAX_ITEMS:
            raise _refuse(f"{_name(pattern)} must be a list of at most {MAX_ITEMS} items")
        return entry
    return [entry]


def _check_dependency(spec: Mapping, entry: object, matched: dict, seen: set) -> None:
    """One input or state of the request against its declaration ``spec`` ({"id", "property"})."""
    pattern, prop = _parse_id(spec["id"]), spec["property"]
    name = _name(pattern)
    for item in _entries(pattern, entry):
        if (
            not isinstance(item, dict)
            or not {"id", "property"} <= set(item) <= {"id", "property", "value"}
            or item["property"] != prop
        ):
            raise _refuse(f"{name}.{prop} must be an object with id, property and value")
        _check_id(pattern, item["id"], matched)
        rule = rule_for(name, prop)
        if rule is None:
            raise _refuse(f"{name}.{prop} has no declared rule")
        try:
            rule(item.get("value"))
        except BadInput as error:
            raise _refuse(f"{name}.{prop} must be {error}") from None
        seen.add((_canonical(item["id"]), prop))


def _check_outputs(declared, outputs: object, matched: dict) -> None:
    multi = isinstance(declared, list | tuple)
    specs = list(declared) if multi else [declared]
    if multi:
        if not isinstance(outputs, list) or len(outputs) != len(specs):
            raise _refuse("outputs must list the callback's outputs")
        given = outputs
    else:
        given = [outputs]
    for output, entry in zip(specs, given, strict=True):
        pattern = _parse_id(output.to_dict()["id"])
        for item in _entries(pattern, entry):
            if (
                not isinstance(item, dict)
                or set(item) != {"id", "property"}
                or not isinstance(item["property"], str)
                or item["property"].split("@")[0] != output.component_property
            ):
                raise _refuse(f"outputs must name {_name(pattern)}.{output.component_property}")
            _check_id(pattern, item["id"], matched)


def _check_changed(changed: object, seen: set) -> None:
    """``changedPropIds``: which inputs triggered the call; each must be one of the inputs sent."""
    if not isinstance(changed, list) or len(changed) > MAX_ITEMS:
        raise _refuse("changedPropIds must be a list")
    for prop_id in changed:
        if not isinstance(prop_id, str) or "." not in prop_id or len(prop_id) > 2_000:
            raise _refuse("changedPropIds must name inputs as id.property")
        raw_id, prop = prop_id.rsplit(".", 1)
        try:
            component_id = _parse_id(raw_id)
        except (ValueError, RecursionError):
            raise _refuse("changedPropIds must name inputs as id.property") from None
        if (_canonical(component_id), prop) not in seen:
            raise _refuse("changedPropIds must name inputs of the callback")


def check_body(callback_map: Mapping[str, dict], body: object) -> None:
    """Raise ``BadRequest`` unless ``body`` is a callback request that fits a server callback of
    ``callback_map`` and every input and state value follows its rule."""
    if not isinstance(body, dict):
        raise _refuse("the body must be a JSON object")
    if not set(body) <= ENVELOPE_KEYS or not {"output", "outputs", "inputs"} <= set(body):
        raise _refuse("the body must have output, outputs, inputs and nothing unknown")
    output = body["output"]
    callback = callback_map.get(output) if isinstance(output, str) else None
    if callback is None or "callback" not in callback:  # clientside callbacks never come here
        raise _refuse("there is no such callback")
    matched: dict = {}
    seen: set = set()
    for key in ("inputs", "state"):
        entries, specs = body.get(key, []), callback[key]
        if not isinstance(entries, list) or len(entries) != len(specs):
            raise _refuse(f"{key} must list the callback's {len(specs)} {key}")
        for spec, entry in zip(specs, entries, strict=True):
            _check_dependency(spec, entry, matched, seen if key == "inputs" else set())
    _check_outputs(callback["output"], body["outputs"], matched)
    _check_changed(body.get("changedPropIds", []), seen)
    parsed = body.get("parsedChangedPropsIds", [])
    if not isinstance(parsed, list) or len(parsed) > MAX_ITEMS:
        raise _refuse("parsedChangedPropsIds must be a list")


def first_output_name(callback: Mapping) -> str:
    """The component id (a pattern-matching id's type) of a callback's first output."""
    outputs = callback["output"] if isinstance(callback["output"], list) else [callback["output"]]
    return _name(_parse_id(outputs[0].to_dict()["id"]))


def undeclared(callback_map: Mapping[str, dict]) -> list[str]:
    """The (component.property) inputs and states, and the wildcard id keys, of the server callbacks in
    ``callback_map`` that have no rule: a request naming one is refused."""
    missing = []
    for callback in callback_map.values():
        if "callback" not in callback:
            continue
        outputs = (
            callback["output"] if isinstance(callback["output"], list) else [callback["output"]]
        )
        patterns = [_parse_id(o.to_dict()["id"]) for o in outputs]
        for spec in callback["inputs"] + callback["state"]:
            pattern = _parse_id(spec["id"])
            patterns.append(pattern)
            if rule_for(_name(pattern), spec["property"]) is None:
                missing.append(f"{_name(pattern)}.{spec['property']}")
        missing += [
            f"{_name(p)} id key {key}"
            for p in patterns
            if isinstance(p, dict)
            for key, wanted in p.items()
            if wanted in WILDCARDS and key not in ID_KEYS
        ]
    return sorted(set(missing))


# --- the Flask side ----------------------------------------------------------------------------------


def _is_callback_request(app: Dash) -> bool:
    return request.endpoint == app.config.routes_pathname_prefix + CALLBACK_ROUTE


def _plain(message: str, status: int) -> Response:
    return Response(message, status=status, mimetype="text/plain")


def _stack(error: BaseException) -> str:
    """Where the error happened, as file:line:function from the first frame of this project on (before
    it, only Flask's and Dash's dispatching); no values, no message."""

    def ours(path: Path) -> bool:
        return path.is_relative_to(PROJECT_DIR) and "site-packages" not in path.parts

    def where(frame: traceback.FrameSummary) -> str:
        path = Path(frame.filename)
        if ours(path):
            path = path.relative_to(PROJECT_DIR)
        elif "site-packages" in path.parts:
            path = Path(*path.parts[path.parts.index("site-packages") + 1 :])
        return f"{path}:{frame.lineno}:{frame.name}"

    frames = traceback.extract_tb(error.__traceback__)
    first = next((i for i, frame in enumerate(frames) if ours(Path(frame.filename))), 0)
    return " > ".join(where(frame) for frame in frames[first:])


def _type_name(error: BaseException) -> str:
    kind = type(error)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def install(app: Dash) -> None:
    """Check every callback request of ``app`` and answer its errors (see the module docstring)."""
    server = app.server

    @server.before_request
    def check_callback_request():
        if not _is_callback_request(app):
            return
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        if limit is not None and (request.content_length or 0) > limit:
            raise RequestEntityTooLarge()
        try:
            body = request.get_json(silent=True)
        except RecursionError:
            body = None
        # Who may call it, before anything else is looked at: by the page its first output belongs to
        # (dashboard.access.CALLBACK_PREFIXES). The data itself is checked per partner by the services.
        output = body.get("output") if isinstance(body, dict) else None
        callback = app.callback_map.get(output) if isinstance(output, str) else None
        if callback is not None and "callback" in callback:
            permission = callback_permission(first_output_name(callback))
            if not current_actor().can_any(permission):
                require(current_actor(), permission)
        check_body(app.callback_map, body)

    @server.errorhandler(HTTPException)
    def answer_refusal(error: HTTPException):
        if not _is_callback_request(app) or error.code is None:
            return error
        message = error.description
        if isinstance(error, RequestEntityTooLarge):
            megabytes = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
            message = _("The request is larger than {mb} MB.").format(mb=megabytes)
        # The message is this module's or a callback's, built from declarations, never from the body.
        logger.warning("Refused a callback request (%s): %s", error.code, message)
        return _plain(message, error.code)

    @server.errorhandler(AccessDenied)
    def answer_access_denied(error: AccessDenied):
        logger.warning("Refused a request (403): %s", error)
        return _plain(str(error), 403)

    @server.errorhandler(DatabaseBusy)
    def answer_busy(error: DatabaseBusy):
        # Not a bug and not a bad request: another write held the data; nothing was written.
        logger.warning("A write found the database busy (503)")
        return _plain(str(error), 503)

    @server.errorhandler(Exception)
    def answer_error(error: Exception):
        error_id = secrets.token_hex(4).upper()
        cause = error.__cause__ or error.__context__
        logger.error(
            "Error %s on %s: %s%s at %s",
            error_id,
            request.endpoint,
            _type_name(error),
            f" (after {_type_name(cause)})" if cause else "",
            _stack(error),
        )
        return _plain(_("Something went wrong; quote error id {id}.").format(id=error_id), 500)
