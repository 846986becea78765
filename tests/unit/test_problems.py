"""Problems as data: every code has a sentence, sentences render late, stored problems come back."""

from __future__ import annotations

import ast
import json
import string
from pathlib import Path

import pytest

import rules.messages
from i18n import current_language, use_language
from importers.headers import HEADER_SEARCH_ROWS
from rules.cells import CellError
from rules.messages import LEGACY_MESSAGE, MESSAGES, render
from rules.problems import Problem, error, warning
from tests.support.catalogues import StandIn, install, shouting
from workbooks.annotate import PROBLEMS_SHEET, annotate_workbook

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("importers", "rules", "services")
PROBLEM_CALLS = {"error", "warning", "CellError"}


def _constants(node: ast.AST | None, assigned: dict[str, list[ast.AST]]) -> set[str] | None:
    """The strings an expression can be: a literal, either branch of ``a if c else b``, or a local name
    assigned such expressions. None when it is computed some other way."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = _constants(node.body, assigned), _constants(node.orelse, assigned)
        return None if body is None or orelse is None else body | orelse
    if isinstance(node, ast.Name) and node.id in assigned:
        found: set[str] = set()
        for value in assigned[node.id]:
            strings = _constants(value, {})
            if strings is None:
                return None
            found |= strings
        return found
    return None


def _scope(scope: ast.AST):
    """The nodes of a module or function body, without those of the functions defined inside it."""
    for child in ast.iter_child_nodes(scope):
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            yield child
            yield from _scope(child)


def _uses() -> list[tuple[str, str | None, str]]:
    """(code, variant, where) for every error(...), warning(...) and CellError(...) call with a literal
    code; variant None when the call computes it."""
    uses = set()
    for path in sorted(p for folder in SCANNED for p in (ROOT / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        scopes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]
        for scope in scopes:
            nodes = list(_scope(scope))
            assigned: dict[str, list[ast.AST]] = {}
            for node in nodes:
                if (
                    isinstance(node, ast.Assign)
                    and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)
                ):
                    assigned.setdefault(node.targets[0].id, []).append(node.value)
            for node in nodes:
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in PROBLEM_CALLS
                    and node.args
                ):
                    continue
                codes = _constants(node.args[0], assigned)
                if codes is None:
                    continue  # error(first.code, ...) and the like pass on a code found elsewhere
                keyword = next((k.value for k in node.keywords if k.arg == "variant"), None)
                if node.func.id == "CellError" and len(node.args) > 1:
                    keyword = node.args[1]
                variants = {""} if keyword is None else _constants(keyword, assigned)
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                for code in codes:
                    for variant in variants or {None}:
                        uses.add((code, variant, where))
    return sorted(uses, key=lambda use: (use[0], use[1] or "", use[2]))


USES = _uses()


def test_the_scan_finds_the_importers_problems():
    codes = {code for code, _, _ in USES}
    # A few from each layer: cells, values, stages, reading, layout, validation, policy sheet, import.
    assert {
        "not-a-number", "unknown-period", "number-too-large", "negative-count", "negative-amount",
        "date-in-future", "stage-moved-back", "zip-bomb", "no-header", "unknown-indicator",
        "not-a-url", "no-values", "import-interrupted",
    } <= codes  # fmt: skip


@pytest.mark.parametrize(("code", "variant", "where"), USES)
def test_every_code_used_has_a_template(code, variant, where):
    assert code in MESSAGES, f"{where}: no template for {code!r} in rules/messages.py"
    template = MESSAGES[code]
    if variant is not None:
        if isinstance(template, dict):
            assert variant in template, f"{where}: {code!r} has no variant {variant!r}"
        else:
            assert variant == "", f"{where}: {code!r} has one sentence, not a variant {variant!r}"


def test_every_period_problem_has_a_column_header_sentence():
    # importers.layout words a period in a column header with the variant "header-<variant>".
    for code in ("unknown-period", "ambiguous-period"):
        for variant in MESSAGES[code]:
            if not variant.startswith("header"):
                assert ("header-" + variant if variant else "header") in MESSAGES[code]


# One representative value for every parameter a template can name: a new parameter needs one here.
REPRESENTATIVE = {
    "first": "01.03.2023", "last": "31.08.2027", "labels": "P1, P2, P3", "listed": "P1 or P2",
    "example": "P1", "limit": "1e+15", "one": 1.234, "other": 1234.0, "thousands": "1234",
    "decimal": "1,234", "indicator": "ESU-SERVICES", "kind": "count", "number": 0.45,
    "percent": 45.0, "names": "identified, proposed", "change": "PC-01", "current": "adopted",
    "stage": "proposed", "note": "sent back", "day": "01.01.2030", "size": "30.5", "filename": "r.xlsx",
    "detail": "bad XML", "expanded": "900", "encoding": "cp1250", "rows": HEADER_SEARCH_ROWS,
    "partner": "SMILTENE", "period": "P2", "suggestion": "ESU-SERVICES", "codes": "SMILTENE, ZAGREB",
    "found": "ZAGREB", "fixed": "SMILTENE", "owner": "ZAGREB", "series": "P1", "previous": 12.0,
    "end": "31.08.2026", "count": 3, "sheets": "Indicators, Targets", "columns": "Code", "table": "target",
    "key": "ESU-SERVICES", "length": "10 485 760", "used": "1,998", "quota": "2,000",
    "line": 12, "member": "xl/worksheets/sheet1.xml", "ratio": "1028", "name_cell": "B14",
    "indicator_header": "'Cod indicator'", "period_header": "'Perioadă'",
    "value_header": "'Valoare'", "cells": "17,179,869,184",
    "sheet_name": "Raport", "locked_on": "2026-12-01", "locked_by": "Ioana (SWO RDA)",
    "reason": "anna may change SMILTENE's data only, not REDEA's.",
    "url": "https://www.smiltene.lv/lemums-12",
}  # fmt: skip
TEMPLATES = [
    (code, variant, template)
    for code, entry in MESSAGES.items()
    for variant, template in (entry.items() if isinstance(entry, dict) else [("", entry)])
]


@pytest.mark.parametrize(("code", "variant", "template"), TEMPLATES)
def test_every_variant_renders_with_representative_params(code, variant, template):
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    missing = names - {"where", "value"} - set(REPRESENTATIVE)
    assert not missing, f"add a representative value for {sorted(missing)}"
    params = {
        "variant": variant,
        **{name: REPRESENTATIVE[name] for name in names - {"where", "value"}},
    }
    located = render(code, params, where="D14", value="12,5,0")
    assert "{" not in located and "}" not in located
    if "{where}" in template:
        assert located.startswith("D14")
    else:
        assert located == render(code, params, where="", value="12,5,0")
    if template[:1].isalpha():
        assert located[:1].isupper(), "a whole-file sentence starts with a capital"


def test_every_kind_of_not_a_spreadsheet_has_its_sentence():
    from importers.reading import _KNOWN_NOT_SPREADSHEETS

    kinds = {*_KNOWN_NOT_SPREADSHEETS.values(), "binary", "text", "word", "zip"}
    assert kinds <= set(MESSAGES["not-a-spreadsheet"])


def test_a_problem_round_trips_through_its_stored_form_and_says_the_same():
    problem = warning(
        "far-from-previous", "Raport", "D6", 1200.0, number=1200.0, indicator="ESU-USERS",
        partner="SMILTENE", period="P2", previous=12.0,
    )  # fmt: skip
    stored = json.loads(json.dumps(problem.to_dict()))
    assert stored["message"] == problem.message
    assert stored["params"] == {
        "number": 1200.0, "indicator": "ESU-USERS", "partner": "SMILTENE", "period": "P2",
        "previous": 12.0,
    }  # fmt: skip
    again = Problem.from_dict(stored)
    assert again == problem
    assert (
        again.message
        == problem.message
        == (
            "D6: 1200 is far from what SMILTENE reported for ESU-USERS in P2 (12); check it is not "
            "a typo or a different unit"
        )
    )
    assert (again.severity, again.code, again.location, again.value) == (
        "warning", "far-from-previous", "Raport!D6", "1200",
    )  # fmt: skip


def test_a_problem_stored_with_an_older_template_still_reads():
    # stored before the partner was a parameter of its own, and one with a parameter lost
    older = Problem.from_dict(
        {"code": "far-from-previous", "severity": "warning", "sheet": "Raport", "cell": "D6",
         "params": {"number": 12.0, "series": "ESU-USERS for SMILTENE", "period": "P2",
                    "previous": 1.0}}
    )  # fmt: skip
    assert older.message.startswith("D6: 12 is far from what SMILTENE reported for ESU-USERS in P2")
    assert render("far-from-previous", {"period": "P2"}, where="D6").startswith("D6: ? is far")


def test_stage_names_in_a_problem_are_the_readers_words():
    problem = error("missing-date", "Policy changes", "C4", stage="adopted")
    assert "'adopted'" in problem.message
    with use_language("fr"):
        assert "'adopted'" not in problem.message
    hint = render("unknown-stage", {"names": "identified, proposed, submitted, adopted, implemented, validated, abandoned"}, where="C4", value="x")  # fmt: skip
    assert hint.endswith(
        "identified, proposed, submitted, adopted, implemented, validated, abandoned"
    )


def test_a_cell_problem_keeps_its_variant_through_storage():
    problem = CellError("not-a-date", "not-real").to_problem("Policy changes", "C4", "31.02.2025")
    again = Problem.from_dict(json.loads(json.dumps(problem.to_dict())))
    assert again.params == {"variant": "not-real"}
    assert again.message == "C4: '31.02.2025' is not a real date; write a date such as 31.12.2024 or 2024-12-31"  # fmt: skip


def test_an_old_stored_problem_without_params_shows_its_old_message():
    old_row = {
        "severity": "error", "code": "not-a-number", "sheet": "Raport", "cell": "D8",
        "value": "12,5,0", "message": "D8: '12,5,0' is not a number (worded in 2025)",
    }  # fmt: skip
    problem = Problem.from_dict(old_row)
    assert problem.message == "D8: '12,5,0' is not a number (worded in 2025)"
    assert problem.is_error and problem.location == "Raport!D8"
    assert Problem.from_dict(problem.to_dict()).message == problem.message
    assert LEGACY_MESSAGE not in render("not-a-number", {}, where="D8", value="12,5,0")


def test_an_old_stored_problem_with_a_code_no_longer_known_still_shows():
    problem = Problem.from_dict(
        {"severity": "warning", "code": "retired-code", "message": "Old text"}
    )
    assert (problem.message, problem.is_error) == ("Old text", False)


def test_the_sentence_is_rendered_when_shown_not_when_the_problem_is_made(monkeypatch):
    problem = error("not-a-url", "Policy changes", "E3", "www")
    stored = problem.to_dict()
    assert problem.message.startswith("E3: 'www' is not a web address")
    monkeypatch.setitem(
        rules.messages.MESSAGES, "not-a-url", "{where}: '{value}' n'est pas une adresse web"
    )
    assert problem.message == "E3: 'www' n'est pas une adresse web"
    assert Problem.from_dict(stored).message == "E3: 'www' n'est pas une adresse web"
    book = annotate_workbook(b"%PDF-1.4 not a workbook", "r.xlsx", [Problem.from_dict(stored)])
    assert b"n'est pas une adresse web" in _problem_sheet_text(book)


def test_the_stored_and_json_form_carries_the_english_sentence_in_any_language(monkeypatch):
    """Upload.issues and ``--json`` keep the English sentence (scripts read it) even when the problem is
    made, and shown, in another language; the reader's sentence is rendered from code and params."""
    install(monkeypatch, {"fr": StandIn(rest=shouting)})
    problem = error("not-a-url", "Policy changes", "E3", "www")
    with use_language("fr"):
        assert problem.message.startswith("E3: 'www' IS NOT A WEB ADDRESS")
        stored = problem.to_dict()
        assert current_language() == "fr"
    assert stored["message"].startswith("E3: 'www' is not a web address")


def test_a_variant_change_is_seen_by_stored_problems_too(monkeypatch):
    stored = error("unknown-indicator", "Raport", "A4", "ESU-SERVCES", variant="close",
                   suggestion="ESU-SERVICES").to_dict()  # fmt: skip
    variants = {**MESSAGES["unknown-indicator"], "close": "{where}: meinten Sie {suggestion}?"}
    monkeypatch.setitem(rules.messages.MESSAGES, "unknown-indicator", variants)
    assert Problem.from_dict(stored).message == "A4: meinten Sie ESU-SERVICES?"


def test_a_whole_file_problem_starts_with_its_sentence():
    assert error("no-values").message.startswith("The file has the right columns but no values")
    # A cell template used without a cell drops the leading ": " rather than showing it.
    assert error("not-a-number", value="x").message == (
        "'x' is not a number; write a number such as 12,5 or 1 234"
    )


def _problem_sheet_text(content: bytes) -> bytes:
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(content))[PROBLEMS_SHEET]
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row).encode()
