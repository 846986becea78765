"""The ``sharing`` command, run as a user runs it, against SQLite and PostgreSQL."""

import json

import pytest
from sqlalchemy import create_engine, func, select

from models import Observation
from tests.factories import workbooks
from tests.support.processes import run_sharing, sharing_env


@pytest.fixture
def env(database_url, tmp_path):
    return sharing_env(database_url, tmp_path)


def test_help_is_everywhere(tmp_path):
    env = sharing_env(f"sqlite:///{tmp_path}/x.db", tmp_path)
    top = run_sharing("--help", env=env)
    assert top.returncode == 0
    for command in ("init", "demo", "serve", "check"):
        assert command in top.stdout
        assert run_sharing(command, "--help", env=env).returncode == 0


def test_init_demo_check_and_demo_again(env, database_url):
    check = run_sharing("check", env=env)
    assert check.returncode == 1 and "run `sharing init`" in check.stdout

    demo_too_early = run_sharing("demo", env=env)
    assert demo_too_early.returncode == 2 and "run `sharing init` first" in demo_too_early.stderr

    init = run_sharing("init", env=env)
    assert init.returncode == 0, init.stderr
    assert "8 reporting periods" in init.stdout
    assert run_sharing("init", env=env).returncode == 0  # upgrading a current database is a no-op

    first = run_sharing("demo", env=env)
    assert first.returncode == 0, first.stderr
    again = run_sharing("demo", env=env)
    assert "added 0 policy changes, 0 targets, 0 observations" in again.stdout

    engine = create_engine(database_url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Observation)) > 300
    engine.dispose()
    check = run_sharing("check", env=env)
    assert check.returncode == 0 and "schema is current" in check.stdout


def test_an_unreachable_database_gives_one_sentence_with_the_password_masked(tmp_path):
    env = sharing_env("postgresql+psycopg://monitor:hunter2@127.0.0.1:1/sharing", tmp_path)
    for command in ("check", "init"):
        result = run_sharing(command, env=env)
        assert result.returncode == 2
        assert (
            "Cannot reach the database at postgresql+psycopg://monitor:***@127.0.0.1:1/sharing"
            in result.stderr
        )
        assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


def test_a_bad_setting_is_named(tmp_path):
    env = sharing_env(f"sqlite:///{tmp_path}/x.db", tmp_path, SHARING_PROJECT_START="March 2023")
    result = run_sharing("check", env=env)
    assert result.returncode == 2
    assert "SHARING_PROJECT_START='March 2023' is not a date" in result.stderr


def test_periods_never_move_silently_when_the_start_changes(env):
    assert run_sharing("init", env=env).returncode == 0
    moved = run_sharing("init", env={**env, "SHARING_PROJECT_START": "2024-01-01"})
    assert moved.returncode == 2
    assert "SHARING_PROJECT_START" in moved.stderr


# SQLite only: fourteen runs of the command, whose services are tested on both databases elsewhere
# (test_queries_setup.py, test_audit.py); on PostgreSQL too this one test took 75 s of the suite.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_setup_export_import_and_audit_from_the_command_line(env, tmp_path):
    import json

    import openpyxl

    assert run_sharing("init", env=env).returncode == 0
    assert run_sharing("demo", env=env).returncode == 0
    exported = tmp_path / "setup.xlsx"
    done = run_sharing("setup", "export", "-o", str(exported), env=env)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(exported)
    column = workbooks.setup_column(book["Targets"], "target_value")
    book["Targets"].cell(2, column).value = "77"
    book.save(edited := tmp_path / "edited.xlsx")

    dry = run_sharing("setup", "import", str(edited), "--dry-run", "--json", env=env)
    assert dry.returncode == 0 and json.loads(dry.stdout)["status"] == "dry-run"
    add = ("users", "add", "ioana@swo.example.org", "--role", "admin", "--name", "ioana")
    assert run_sharing(*add, "--no-password", env=env).returncode == 0
    editor = run_sharing(
        "setup", "import", str(edited), "--user", "smiltene@demo.example.org", env=env
    )
    assert editor.returncode == 2 and "only monitoring officers" in editor.stderr
    unknown = run_sharing("setup", "import", str(edited), "--user", "nobody@x.org", env=env)
    assert unknown.returncode == 2 and "No active account" in unknown.stderr
    applied = run_sharing(
        "setup", "import", str(edited), "--user", "ioana@swo.example.org", env=env
    )
    assert applied.returncode == 0 and "Setup updated" in applied.stdout

    book["Targets"].cell(2, column).value = "lots"
    book.save(bad := tmp_path / "bad.xlsx")
    refused = run_sharing("setup", "import", str(bad), env=env)
    assert (
        refused.returncode == 1
        and "Targets!" in refused.stderr
        and "not a number" in refused.stderr
    )
    unreadable = tmp_path / "x.xlsx"
    unreadable.write_bytes(b"not a workbook")
    assert run_sharing("setup", "import", str(unreadable), env=env).returncode == 2

    audit = run_sharing("audit", "--json", env=env)
    events = [json.loads(line) for line in audit.stdout.splitlines()]
    events = [e for e in events if not e["action"].startswith("user.")]  # the demo's accounts
    assert [e["action"] for e in events] == ["setup.imported", "target.updated"]
    assert events[1]["actor_name"] == "ioana" and events[1]["after"] == {"target_value": 77}
    text = run_sharing("audit", "--action", "target.", "--since", "2020-01-01", env=env)
    assert text.returncode == 0 and "target.updated" in text.stdout and "by ioana" in text.stdout
    assert run_sharing("audit", "--action", "nonsense", env=env).returncode == 2
    assert run_sharing("audit", "--partner", "NOPE", env=env).returncode == 2
    assert run_sharing("audit", "--since", "yesterday", env=env).returncode == 2


# --- languages: run in-process (click's CliRunner) so a stand-in catalogue can stand for a translated one


def _invoke(database_url, tmp_path, *args: str, **locale: str | None):
    from click.testing import CliRunner

    from cli.main import main

    env = {"DATABASE_URL": database_url, "SHARING_INSTANCE_PATH": str(tmp_path)}
    env |= {"LC_ALL": None, "LC_MESSAGES": None, "LANG": None} | locale
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def _headers(path) -> list[str]:
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet, _columns = workbooks.template_table(book, "value")
    return [cell.value for cell in sheet[1]]


def test_a_template_is_in_the_partners_language_unless_lang_chooses(
    import_db, tmp_path, monkeypatch
):
    from i18n import current_language
    from tests.support.catalogues import template_words

    template_words(monkeypatch)
    url, out = import_db.settings.database_url, tmp_path / "plh.xlsx"

    made = _invoke(url, tmp_path, "template", "--partner", "PLH", "--period", "P6", "-o", str(out))
    assert made.exit_code == 0, made.output
    assert made.output == f"Template for PLH (Français) written to {out}.\n"
    assert _headers(out)[:6] == ["Partenaire", "Code", "Intitulé de l'indicateur", "Unité", "Période", "Valeur"]  # fmt: skip

    english = _invoke(url, tmp_path, "template", "--partner", "plh", "--lang", "en", "-o", str(out))
    assert english.exit_code == 0 and "(English)" in english.output
    assert _headers(out)[5] == "Value"
    latvian = _invoke(url, tmp_path, "--lang", "LV", "template", "--partner", "PLH", "-o", str(out))
    assert latvian.exit_code == 0 and _headers(out)[5] == "Vērtība"
    assert current_language() == "en"  # nothing leaks out of a command

    wrong = _invoke(url, tmp_path, "template", "--partner", "PLH", "--lang", "de")
    assert wrong.exit_code == 2 and "'de' is not one of" in wrong.output


def test_human_output_follows_lang_or_the_locale_and_json_stays_english(
    import_db, tmp_path, monkeypatch
):
    from tests.support.catalogues import StandIn, install, shouting

    install(monkeypatch, {"lv": StandIn(rest=shouting)})
    url, out = import_db.settings.database_url, tmp_path / "plh.xlsx"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbooks.xlsx([("ESU-SERVICES", "P1", "12,5,0")]))
    annotated = tmp_path / "fix.xlsx"

    # The locale sets the operator's language only; --lang also sets the template's.
    runs = (
        ({"LANG": "lv_LV.UTF-8"}, (), "Français"),
        ({"LANG": "C.UTF-8"}, ("--lang", "lv"), "Latviešu"),
    )
    for locale, lang, template_language in runs:
        made = _invoke(
            url, tmp_path, *lang, "template", "--partner", "PLH", "-o", str(out), **locale
        )
        assert made.output.startswith(f"TEMPLATE FOR PLH ({template_language}) WRITTEN TO ")
        text = _invoke(url, tmp_path, *lang, "import", str(bad), "--partner", "SMILTENE",
                       "--annotate", str(annotated), **locale)  # fmt: skip
        assert text.exit_code == 1
        assert text.output.startswith("NOT IMPORTED: THE FILE HAS ERRORS, NOTHING WAS WRITTEN (1 ")
        assert "Indicators!C2: '12,5,0' IS NOT A NUMBER" in text.output
        assert "IMPORT PROBLEMS" in _sheet_names(annotated)
        as_json = _invoke(url, tmp_path, *lang, "import", str(bad), "--partner", "SMILTENE",
                          "--json", **locale)  # fmt: skip
        issue = json.loads(as_json.output)["issues"][0]
        assert issue["message"].startswith("C2: '12,5,0' is not a number")

    french_locale = _invoke(url, tmp_path, "import", str(bad), "--partner", "SMILTENE",
                            LC_ALL="fr_FR.UTF-8", LANG="lv_LV.UTF-8")  # fmt: skip
    # LC_ALL wins: French from its catalogue, neither the shouted Latvian nor English
    first_line = french_locale.output.splitlines()[0]
    assert not first_line.startswith(("NOT IMPORTED", "Not imported")), first_line
    assert "C2" in first_line or "C2" in french_locale.output


def _sheet_names(path) -> list[str]:
    import openpyxl

    return openpyxl.load_workbook(path).sheetnames


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "lv_LV.UTF-8", "LC_ALL": "hr_HR.UTF-8"}, "hr"),
        ({"LC_MESSAGES": "ro_RO", "LANG": "fr_FR"}, "ro"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "sr_RS@latin"}, "en"),
        ({"LC_ALL": "", "LANG": "lv"}, "lv"),
    ],
)
def test_the_environments_language(environ, language):
    from cli.common import environment_language

    assert environment_language(environ) == language
