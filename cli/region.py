"""``sharing demo --scale region``: load the region data set (seed.region) and say what it added and how
long it took."""

from __future__ import annotations

import time

import click

from cli.common import UserError, open_database
from dashboard.settings import Settings
from i18n import N_, _
from models.database import make_session_factory, transaction
from rules.formatting import format_number

# What each count of seed.region's summary is, as the command prints it (in order).
COUNT_LABELS = {
    "bodies": N_("bodies"),
    "instruments": N_("policy instruments"),
    "indicators": N_("indicators added"),
    "monthly periods": N_("monthly periods"),
    "semester values": N_("semester values"),
    "monthly values": N_("monthly values"),
    "revisions": N_("revisions"),
    "uploads": N_("uploads"),
    "submissions approved": N_("submissions approved"),
    "submissions submitted": N_("submissions awaiting review"),
    "submissions returned": N_("submissions returned"),
    "targets": N_("targets"),
    "milestones": N_("milestones"),
    "policy changes": N_("policy changes"),
    "stage events": N_("stage events"),
    "users": N_("editor accounts"),
}


def load_region_command(
    settings: Settings, *, seed: int | None, bodies: int | None, months: int | None
) -> None:
    """Load the region set in one transaction (all of it or nothing) and print its counts."""
    from seed.region import BODIES, DEFAULT_SEED, MONTHS, RegionAlreadyLoaded, load_region

    seed = DEFAULT_SEED if seed is None else seed
    click.echo(
        _("Loading the region data set (seed {seed}); this can take minutes.").format(seed=seed)
    )
    started = time.perf_counter()
    engine = open_database(settings)
    try:
        with transaction(make_session_factory(engine)) as session:
            summary = load_region(
                session, settings.project_start, seed=seed,
                bodies=BODIES if bodies is None else bodies,
                months=MONTHS if months is None else months,
            )  # fmt: skip
        # A million new rows: statistics now (0.1-0.6 s). PostgreSQL's autovacuum would take minutes
        # to get to them, during which the pages are planned for nearly empty tables; SQLite keeps
        # none unless asked, and without them reads all 880,000 values for the overview's targets
        # instead of the targets' own (cold overview target progress 340 -> 190 ms).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    except RegionAlreadyLoaded as loaded:
        click.echo(
            _("The region data set is loaded already ({bodies} bodies); nothing was added.").format(
                bodies=format_number(loaded.args[0])
            )
        )
        return
    finally:
        engine.dispose()
    seconds = time.perf_counter() - started
    width = max(len(_(label)) for label in COUNT_LABELS.values())
    for key, label in COUNT_LABELS.items():
        click.echo(f"  {_(label):<{width}}  {format_number(summary.counts.get(key, 0)):>12}")
    values = summary.counts["semester values"] + summary.counts["monthly values"]
    click.echo(
        _("Region data set loaded: {values} values in {seconds} s.").format(
            values=format_number(values), seconds=format_number(seconds, decimals=1)
        )
    )


def refuse_region_options_without_region(scale: str, **options) -> None:
    """--seed, --bodies and --months shape the region set only: refuse them without it."""
    given = [name for name, value in options.items() if value is not None]
    if scale != "region" and given:
        raise UserError(_("--{option} applies to --scale region only.").format(option=given[0]))
