"""README.md stays true: every setting and every CLI command is documented (Datasette's habit)."""

import re
from pathlib import Path

import click

from cli.main import main

README = (Path(__file__).parents[2] / "README.md").read_text()
ROOT = Path(__file__).parents[2]
# Where the environment is read: the web app's settings and the database URL (shared with migrations).
SETTINGS_SOURCE = "".join(
    (ROOT / path).read_text() for path in ("dashboard/settings.py", "models/database.py")
)


def test_every_environment_variable_is_documented():
    variables = set(re.findall(r'"((?:DATABASE|SECRET|SHARING)_[A-Z_]+)"', SETTINGS_SOURCE))
    assert variables >= {"DATABASE_URL", "SECRET_KEY", "SHARING_PROJECT_START"}
    undocumented = {name for name in variables if f"`{name}`" not in README}
    assert not undocumented


def test_every_cli_command_is_documented():
    commands = main.list_commands(click.Context(main))  # with the ones imported on first use
    assert {"init", "import", "users", "worker"} <= set(commands)
    undocumented = {name for name in commands if f"sharing {name}" not in README}
    assert not undocumented


def test_the_two_commands_are_in_the_readme():
    assert "make run" in README and "make test" in README
