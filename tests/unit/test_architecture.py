"""The house keeps its shape: data flows one way (spreadsheet -> importers -> services -> models ->
queries -> pages), queries only read, pages never hold a writing session, rules depend on nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
WRITE_METHODS = {"add", "add_all", "delete", "commit", "flush", "merge", "begin", "begin_nested"}
WRITE_STATEMENTS = {"insert", "update", "delete"}


def _modules(folder: str) -> list[Path]:
    return sorted(path for path in (ROOT / folder).rglob("*.py"))


def _session_writes(tree: ast.AST) -> list[str]:
    """Calls such as ``session.add(...)`` or ``connection.execute(insert(...))``: a write method on
    something named like a session or a connection (``frame.merge`` is pandas, not a write)."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        receiver = ast.unparse(node.func.value).lower()
        if node.func.attr in WRITE_METHODS and ("session" in receiver or "connection" in receiver):
            found.append(f"line {node.lineno}: {ast.unparse(node.func)}()")
    return found


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _imports_from(path: Path, packages: tuple[str, ...]) -> list[str]:
    return sorted(
        name
        for name in _imports(path)
        if any(name == p or name.startswith(p + ".") for p in packages)
    )


def _ids(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize(
    "path", _modules("dashboard/queries") + _modules("dashboard/components"), ids=_ids
)
def test_queries_and_components_do_not_import_the_importer(path):
    assert _imports_from(path, ("importers",)) == []


@pytest.mark.parametrize("path", _modules("dashboard/queries"), ids=_ids)
def test_queries_only_read(path):
    writes = _session_writes(ast.parse(path.read_text()))
    statements = [
        name
        for name in _imports(path)
        if name.startswith("sqlalchemy.") and name.split(".")[-1] in WRITE_STATEMENTS
    ]
    assert writes == [] and statements == []
    assert _imports_from(path, ("services", "importers", "workbooks")) == []


@pytest.mark.parametrize(
    "path", _modules("dashboard/pages") + _modules("dashboard/views"), ids=_ids
)
def test_pages_never_open_a_writing_session(path):
    tree = ast.parse(path.read_text())
    opened = [
        f"line {node.lineno}: {ast.unparse(node.func)}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Attribute) and node.func.attr in WRITE_METHODS)
            or (
                isinstance(node.func, ast.Name) and node.func.id in ("write_session", "transaction")
            )
        )
    ]
    assert opened == []
    assert _imports_from(path, ("models.database", "sqlalchemy")) == []


@pytest.mark.parametrize("path", _modules("rules"), ids=_ids)
def test_rules_depend_on_nothing_of_the_house(path):
    forbidden = ("dashboard", "models", "importers", "services", "workbooks", "seed", "cli")
    assert _imports_from(path, (*forbidden, "sqlalchemy", "dash", "pandas")) == []


@pytest.mark.parametrize(
    "path", _modules("importers") + _modules("services") + _modules("models"), ids=_ids
)
def test_the_lower_floors_never_import_dash_or_pages(path):
    assert _imports_from(path, ("dash", "dashboard.pages", "dashboard.components", "cli")) == []


@pytest.mark.parametrize("path", _modules("models"), ids=_ids)
def test_models_do_not_import_pandas_or_services(path):
    assert _imports_from(path, ("pandas", "services", "importers", "dashboard")) == []


@pytest.mark.parametrize("path", _modules("services"), ids=_ids)
def test_every_service_takes_the_session_and_the_actor(path):
    """Public functions that write take ``(session, actor, ...)`` so rights and audit come with them."""
    tree = ast.parse(path.read_text())
    wrong = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        names = [arg.arg for arg in node.args.args]
        writes = any(
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr in WRITE_METHODS | {"execute"}
            for call in ast.walk(node)
        ) or any(isinstance(call, ast.Call) and getattr(call.func, "id", "") in (
            "record_event", "write_values", "store_file", "open_upload", "record_reading"
        ) for call in ast.walk(node))  # fmt: skip
        if writes and names[:1] == ["session"] and names[1:2] != ["actor"]:
            wrong.append(f"{node.name}({', '.join(names)})")
    # Building blocks the services share: each acts for the service that calls it.
    allowed = {"record_event", "store_file", "stored_values", "lock_partners"}
    # The steps before anyone is signed in (the actor is what they establish), and housekeeping.
    allowed |= {
        "sign_in", "sign_in_by_provider", "record_signed_in", "use_password_link", "open_share_link",
        "prune_sign_in_attempts",
    }  # fmt: skip
    assert [name for name in wrong if name.split("(")[0] not in allowed] == []


def test_migrations_read_the_database_url_without_the_web_app():
    assert _imports_from(ROOT / "migrations" / "env.py", ("dashboard",)) == []
