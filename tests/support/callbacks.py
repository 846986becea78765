"""Callback requests as Dash's renderer sends them, built from an app's callback map, for tests that post
to ``/_dash-update-component`` by hand (tests/db/test_callback_bodies.py, tests/db/test_access.py)."""

from __future__ import annotations

import json

from dash._utils import stringify_id

from dashboard.callback_guard import WILDCARDS

ROUTE = "/_dash-update-component"


def _parse(raw):
    return json.loads(raw) if isinstance(raw, str) and raw.startswith("{") else raw


def request_body(
    app,
    trigger: str,
    values: dict | None = None,
    ids: dict | None = None,
    changed: str | None = None,
) -> dict:
    """The body the renderer sends for the callback whose first input is ``trigger`` ("name.property",
    the name of a pattern-matching id being its type): every input and state set from ``values``
    (by "name.property", default None), wildcards of pattern-matching ids from ``ids``; the input
    that changed is ``changed`` (a plain id's "name.property"), else the first."""
    values, ids = values or {}, ids or {}

    def name(spec_id) -> str:
        pattern = _parse(spec_id)
        return pattern["type"] if isinstance(pattern, dict) else pattern

    output, callback = next(
        (key, cb)
        for key, cb in app.callback_map.items()
        if "callback" in cb
        and f"{name(cb['inputs'][0]['id'])}.{cb['inputs'][0]['property']}" == trigger
    )

    def entry(spec: dict, with_value: bool):
        pattern = _parse(spec["id"])
        concrete = (
            {key: ids[key] if wanted in WILDCARDS else wanted for key, wanted in pattern.items()}
            if isinstance(pattern, dict)
            else pattern
        )
        item = {"id": concrete, "property": spec["property"]}
        if with_value:
            item["value"] = values.get(f"{name(spec['id'])}.{spec['property']}")
        multi = isinstance(pattern, dict) and ["ALL"] in pattern.values()
        return [item] if multi else item

    declared = callback["output"]
    outputs = [
        entry(o.to_dict(), False) for o in (declared if isinstance(declared, list) else [declared])
    ]
    first = entry(callback["inputs"][0], False)
    first = first[0] if isinstance(first, list) else first
    return {
        "output": output,
        "outputs": outputs if isinstance(declared, list) else outputs[0],
        "inputs": [entry(spec, True) for spec in callback["inputs"]],
        "state": [entry(spec, True) for spec in callback["state"]],
        "changedPropIds": [changed or f"{stringify_id(first['id'])}.{first['property']}"],
    }


def page_request(app, pathname: str, search: str = "") -> dict:
    """What the page router sends when the browser opens ``pathname``."""
    values = {"_pages_location.pathname": pathname, "_pages_location.search": search}
    return request_body(app, "_pages_location.pathname", values)
