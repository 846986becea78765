"""``sharing users`` and ``--user EMAIL`` as a script uses them: real processes on a real database; every
refusal is one sentence on stderr with exit code 2, and no password ever reaches the output."""

from __future__ import annotations

import json

import pytest

from tests.factories import workbooks
from tests.support.processes import run_sharing, sharing_env

GOOD = "a long enough passphrase"


def _demo_env(folder):
    env = sharing_env(f"sqlite:///{folder / 'sharing.db'}", folder)
    assert run_sharing("init", env=env).returncode == 0
    assert run_sharing("demo", env=env).returncode == 0
    return env


@pytest.fixture
def env(tmp_path):
    return _demo_env(tmp_path)


@pytest.fixture(scope="module")
def refusals_env(tmp_path_factory):
    """One database for the refusals, which change nothing."""
    return _demo_env(tmp_path_factory.mktemp("refusals"))


def _users(env, *args, stdin: str | None = None):
    import subprocess

    from tests.support.processes import BIN

    return subprocess.run(
        [str(BIN / "sharing"), "users", *args], env=env, input=stdin, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip


def test_users_add_list_set_password_disable(env):
    added = _users(env, "add", "Ana@Example.org", "--role", "editor", "--partner", "redea",
                   "--name", "Ana", "--password-stdin", stdin=GOOD + "\n")  # fmt: skip
    assert added.returncode == 0 and "ana@example.org" in added.stdout
    assert GOOD not in added.stdout + added.stderr
    listed = json.loads(_users(env, "list", "--json").stdout)
    ana = next(row for row in listed if row["email"] == "ana@example.org")
    assert (ana["role"], ana["partner"], ana["active"], ana["has_password"]) == (
        "editor", "REDEA", True, True,
    )  # fmt: skip
    assert all("password" not in key or key == "has_password" for row in listed for key in row)
    assert _users(env, "set-password", "ana@example.org", "--password-stdin",
                  stdin="another long passphrase\n").returncode == 0  # fmt: skip
    link = _users(env, "password-link", "ana@example.org")
    assert link.returncode == 0 and "/set-password/" in link.stdout
    assert _users(env, "disable", "ana@example.org").returncode == 0
    listed = json.loads(_users(env, "list", "--json").stdout)
    assert not next(row for row in listed if row["email"] == "ana@example.org")["active"]
    assert _users(env, "enable", "ana@example.org").returncode == 0
    no_password = _users(env, "add", "viewer@example.org", "--role", "viewer", "--no-password")
    assert no_password.returncode == 0 and "/set-password/" in no_password.stdout
    audit = run_sharing("audit", "--action", "user.", "--json", env=env)
    actions = [json.loads(line)["action"] for line in audit.stdout.splitlines()]
    assert {"user.added", "user.password-set", "user.disabled", "user.enabled"} <= set(actions)


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (("add", "x@example.org", "--role", "editor"), GOOD, "name the partner"),
        (("add", "x@example.org", "--role", "editor", "--partner", "ZAGREB"), GOOD,
         "No partner has the code"),
        (("add", "x@example.org", "--role", "viewer", "--partner", "PLH"), GOOD,
         "Only an editor is bound"),
        (("add", "x@example.org", "--role", "admin"), "short\n", "at least 12"),
        (("add", "x@example.org", "--role", "admin"), "password1234\n", "guessers try"),
        (("add", "not-an-address", "--role", "admin"), GOOD, "not an e-mail address"),
        (("add", "officer@demo.example.org", "--role", "admin"), GOOD, "already has an account"),
        (("add", "x@example.org", "--role", "admin", "--language", "de"), GOOD, "not offered"),
        (("add", "x@example.org", "--role", "admin"), "", "standard input is empty"),
        (("disable", "nobody@example.org"), None, "No account has"),
        (("set-password", "nobody@example.org"), GOOD, "No account has"),
    ],
)  # fmt: skip
def test_bad_input_is_one_sentence_and_exit_2(refusals_env, args, stdin, says):
    env = refusals_env
    options = ["--password-stdin"] if args[0] in ("add", "set-password") else []
    done = _users(
        env, *args, *options, stdin=None if stdin is None else stdin + "\n" * (stdin == GOOD)
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert says in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_the_last_admin_cannot_be_disabled(refusals_env):
    done = _users(refusals_env, "disable", "officer@demo.example.org")
    assert done.returncode == 2 and "last active admin" in done.stderr


def test_import_as_an_account_stays_within_its_partner(env, tmp_path):
    report = tmp_path / "redea.xlsx"
    report.write_bytes(workbooks.xlsx([("ESU-SERVICES", "P7", 12)]))
    refused = run_sharing(
        "import", str(report), "--partner", "REDEA", "--user", "smiltene@demo.example.org", env=env
    )
    assert refused.returncode == 2 and "may change only SMILTENE" in refused.stderr
    viewer = run_sharing(
        "import", str(report), "--partner", "REDEA", "--user", "committee@demo.example.org", env=env
    )
    assert viewer.returncode == 2 and "read-only" in viewer.stderr
    unknown = run_sharing("import", str(report), "--partner", "REDEA", "--user", "x@y.org", env=env)
    assert unknown.returncode == 2 and "No active account" in unknown.stderr
    own = run_sharing(
        "import", str(report), "--partner", "REDEA", "--user", "redea@demo.example.org", "--json",
        env=env,
    )  # fmt: skip
    assert own.returncode == 0 and json.loads(own.stdout)["review"] == "submitted"
    operator = run_sharing("import", str(report), "--partner", "REDEA", "--json", env=env)
    assert operator.returncode == 0
    audit = run_sharing("audit", "--action", "upload.imported", "--json", env=env)
    names = [json.loads(line)["actor_name"] for line in audit.stdout.splitlines()]
    assert names[0].startswith("command line (") and "Demo editor (REDEA" in names[1]
