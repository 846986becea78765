"""``sharing prune``: keep the file store within its budget by removing the bytes of old dry runs and refused
files (services.storage). Run on every release, after ``sharing init``; safe to run at any time."""

from __future__ import annotations

import getpass
import json
from datetime import timedelta

import click

from cli.common import friendly_errors, open_database
from dashboard.access import command_line_actor
from dashboard.settings import Settings
from i18n import _, ngettext
from models.database import make_session_factory, transaction
from rules.formatting import format_datetime, format_number
from services.accounts import prune_sign_in_attempts
from services.storage import compact_database, prune_stored_files
from services.stored_files import MEGABYTE, stored_bytes


@click.command("prune")
@click.option("--dry-run", is_flag=True, help="Say what would be freed, changing nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@friendly_errors
def prune_command(settings: Settings, dry_run: bool, as_json: bool) -> None:
    """Remove the files of dry runs never imported, and of refused and unreadable uploads, sent more than
    SHARING_KEEP_DRY_RUNS_DAYS days ago (files still used by an import or as evidence are kept)."""
    engine = open_database(settings)
    factory = make_session_factory(engine, storage_quota_bytes=settings.storage_quota_bytes)
    try:
        with transaction(factory) as session:
            pruning = prune_stored_files(
                session, command_line_actor(getpass.getuser()),
                older_than=timedelta(days=settings.keep_dry_runs_days), dry_run=dry_run,
            )  # fmt: skip
            # Sign-in attempts only slow guessers for a minute; the audit trail keeps the failures.
            attempts = 0 if dry_run else prune_sign_in_attempts(session)
        if pruning.applied and pruning.files:
            compact_database(engine)
        with factory() as session:
            used = stored_bytes(session)
    finally:
        engine.dispose()
    if as_json:
        report = {
            **pruning.to_dict(), "applied": pruning.applied, "stored_bytes": used,
            "quota_bytes": settings.storage_quota_bytes, "sign_in_attempts_removed": attempts,
        }  # fmt: skip
        click.echo(json.dumps(report))
        return
    values = {
        "freed": _megabytes(pruning.bytes_freed), "files": pruning.files,
        "uploads": pruning.uploads, "day": format_datetime(pruning.sent_before),
    }  # fmt: skip
    if dry_run:
        freed = ngettext(
            "Would free {freed} MB by deleting {files} file.",
            "Would free {freed} MB by deleting {files} files.",
            pruning.files,
        )
        kept = ngettext(
            "{uploads} upload sent before {day} UTC (dry runs never imported, refused and "
            "unreadable files) would no longer keep its file. Nothing was changed.",
            "{uploads} uploads sent before {day} UTC (dry runs never imported, refused and "
            "unreadable files) would no longer keep their file. Nothing was changed.",
            pruning.uploads,
        )
    else:
        freed = ngettext(
            "Freed {freed} MB by deleting {files} file.",
            "Freed {freed} MB by deleting {files} files.",
            pruning.files,
        )
        kept = ngettext(
            "{uploads} upload sent before {day} UTC (dry runs never imported, refused and "
            "unreadable files) no longer keeps its file.",
            "{uploads} uploads sent before {day} UTC (dry runs never imported, refused and "
            "unreadable files) no longer keep their file.",
            pruning.uploads,
        )
    click.echo(freed.format(**values) + " " + kept.format(**values))
    click.echo(
        _("The file store holds {used} of {quota} MB (SHARING_STORAGE_QUOTA_MB).").format(
            used=_megabytes(used), quota=_megabytes(settings.storage_quota_bytes)
        )
    )


def _megabytes(size: int) -> str:
    """Megabytes as services.stored_files.megabytes rounds them (whole from 10 MB, one decimal below),
    written in the current language."""
    value = size / MEGABYTE
    return format_number(value, decimals=0 if value >= 10 else 1)
