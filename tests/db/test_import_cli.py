"""``sharing import / template / export`` run as a user runs them: exit codes 0/1/2 and the --json shape."""

import json

import openpyxl
import pytest

from tests.factories import workbooks
from tests.support.processes import run_sharing, sharing_env


@pytest.fixture
def env(import_db, tmp_path):
    return sharing_env(import_db.settings.database_url, tmp_path)


def _json(result):
    assert result.stdout.count("\n") == 1, result.stdout
    return json.loads(result.stdout)


def test_import_exit_codes_and_json(env, tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbooks.xlsx([("ESU-SERVICES", "P1", "12,5")]))
    dry = run_sharing("import", str(good), "--partner", "SMILTENE", "--dry-run", "--json", env=env)
    assert dry.returncode == 0, dry.stderr
    report = _json(dry)
    assert report["status"] == "dry-run"
    assert report["rows"] == {"read": 1, "inserted": 1, "updated": 0, "unchanged": 0, "invalid": 0}

    imported = run_sharing("import", str(good), "--partner", "SMILTENE", env=env)
    assert imported.returncode == 0 and imported.stdout.startswith("Imported (1 row read: 1 new")
    again = run_sharing("import", str(good), "--partner", "SMILTENE", "--json", env=env)
    assert (again.returncode, _json(again)["status"]) == (0, "unchanged")

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbooks.xlsx([("ESU-SERVICES", "P1", "12,5,0")]))
    annotated = tmp_path / "annotated.xlsx"
    rejected = run_sharing(
        "import", str(bad), "--partner", "SMILTENE", "--json", "--annotate", str(annotated), env=env
    )
    assert rejected.returncode == 1
    report = _json(rejected)
    assert report["status"] == "rejected"
    assert report["issues"] == [
        {"severity": "error", "code": "not-a-number", "sheet": "Indicators", "cell": "C2", "value": "12,5,0",
         "message": "C2: '12,5,0' is not a number; write a number such as 12,5 or 1 234", "params": {}}
    ]  # fmt: skip
    assert openpyxl.load_workbook(annotated)["Indicators"]["C2"].comment is not None

    text = run_sharing("import", str(bad), "--partner", "SMILTENE", env=env)
    assert text.returncode == 1 and "Indicators!C2: '12,5,0' is not a number" in text.stderr


def test_unreadable_file_and_wrong_calls_exit_2(env, tmp_path):
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(workbooks.encrypted_xlsx())
    unreadable = run_sharing("import", str(locked), "--partner", "SMILTENE", "--json", env=env)
    assert unreadable.returncode == 2 and _json(unreadable)["status"] == "unreadable"
    assert run_sharing("import", str(tmp_path / "missing.xlsx"), env=env).returncode == 2
    wrong_partner = run_sharing("import", str(locked), "--partner", "NOPE", env=env)
    assert wrong_partner.returncode == 2 and "use one of" in wrong_partner.stderr
    assert "Traceback" not in wrong_partner.stderr


def test_too_large_uses_the_configured_limit(import_db, tmp_path):
    env = sharing_env(import_db.settings.database_url, tmp_path, SHARING_MAX_UPLOAD_MB="0.001")
    big = tmp_path / "big.xlsx"
    big.write_bytes(workbooks.messy_partner_xlsx())
    result = run_sharing("import", str(big), "--partner", "MDPWA", "--json", env=env)
    assert result.returncode == 2
    assert _json(result)["issues"][0]["code"] == "file-too-large"


def test_template_then_import_then_export(env, tmp_path):
    template = tmp_path / "smiltene.xlsx"
    made = run_sharing(
        "template", "--partner", "SMILTENE", "--period", "P6", "-o", str(template), env=env
    )
    assert made.returncode == 0, made.stderr
    template.write_bytes(
        workbooks.fill_template(template.read_bytes(), {("ESU-SERVICES", "P6"): 9})
    )
    assert run_sharing("import", str(template), "--partner", "SMILTENE", env=env).returncode == 0
    exported = run_sharing("export", "--partner", "SMILTENE", env=env)
    assert exported.returncode == 0
    assert "SMILTENE,ESU-SERVICES,E-services offered online,P6" in exported.stdout
    out = tmp_path / "all.xlsx"
    assert run_sharing("export", "-o", str(out), env=env).returncode == 0
    assert openpyxl.load_workbook(out).active.max_row == 2
    assert run_sharing("template", "--partner", "NOPE", env=env).returncode == 2
    assert run_sharing("export", "-o", str(tmp_path / "x.pdf"), env=env).returncode == 2


def test_commands_refuse_an_uninitialised_database(tmp_path):
    env = sharing_env(f"sqlite:///{tmp_path}/empty.db", tmp_path)
    result = run_sharing("export", env=env)
    assert result.returncode == 2 and "sharing init" in result.stderr


def test_files_that_once_raised_while_reading_now_exit_0_or_2_with_a_sentence(env, tmp_path):
    header = ("Indicator", "Period", "Value")
    cases = {
        # A cell longer than the csv module's limit: refused with its line (exit 2).
        "long.csv": (workbooks.csv_bytes([header, ("ESU-SERVICES", "P1", "9" * 200_000)]), 2),
        # 60 blank lines above the header, and UTF-16 cut in the middle of a character: read.
        "blank.csv": (b"\r\n" * 60 + workbooks.csv_bytes([header, ("ESU-SERVICES", "P1", "3")]), 0),
        "cut.csv": ("Indicator;Period;Value\r\nESU-USERS;P1;4\r\n".encode("utf-16") + b"\x00", 0),
        # A two-cell workbook reaching XFD1048576: refused before calamine tries to hold it.
        "far.xlsx": (workbooks.far_reaching("xlsx"), 2),
    }
    for name, (content, code) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = run_sharing("import", str(path), "--partner", "SMILTENE", env=env)
        assert (name, result.returncode) == (name, code), result.stderr
        assert "Traceback" not in result.stderr
        if code == 2:
            assert result.stderr.strip().count("\n") == 0, result.stderr
