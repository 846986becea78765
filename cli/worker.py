"""``sharing worker``: run the background uploads (jobs/), until stopped."""

from __future__ import annotations

import logging
import signal
import threading

import click

from cli.common import friendly_errors, open_database
from dashboard.settings import Settings
from i18n import _


@click.command("worker")
@click.option(
    "--threads", default=1, show_default=True, type=click.IntRange(1, 16),
    help="How many uploads this worker runs at once.",
)  # fmt: skip
@click.option("--once", is_flag=True, help="Run the queued uploads, then stop (no Celery).")
@click.pass_obj
@friendly_errors
def worker_command(settings: Settings, threads: int, once: bool) -> None:
    """Run large uploads in the background: from the database's queue, or from Redis through Celery
    when REDIS_URL is set. SIGTERM or Ctrl+C lets the running upload finish first."""
    from jobs import worker

    open_database(settings).dispose()  # a clear sentence now, rather than a traceback per job
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if settings.redis_url and not once:
        click.echo(
            _("Background worker on Redis (Celery), {threads} at a time.").format(threads=threads)
        )
        worker.celery_worker(settings, threads)
        return
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_args: stop.set())
    if not once:
        click.echo(
            _("Background worker polling the database, {threads} at a time.").format(
                threads=threads
            )
        )
    pollers = [
        threading.Thread(target=worker.poll, args=(settings, stop), kwargs={"once": once})
        for _thread in range(threads)
    ]
    for poller in pollers:
        poller.start()
    for poller in pollers:
        while poller.is_alive():
            poller.join(0.5)  # wakes for signals
