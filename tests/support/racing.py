"""Two writers at the same moment: helpers that run one write in a separate process (spawned, so each has
its own engine and connection, as two gunicorn workers or two ``sharing import`` runs have).

Each racer waits at a barrier so that the writes really overlap, then reports what it got back.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.access import Actor
from models import Observation, ObservationRevision
from models.database import make_engine, make_session_factory, transaction

TODAY = date(2026, 11, 27)


def _import(url: str, content: bytes, name: str, barrier) -> str:
    from importers.workbook_import import run_import

    engine = make_engine(url)
    factory = make_session_factory(engine)
    barrier.wait()
    result = run_import(
        factory, content, f"{name}.xlsx", actor=Actor(name, "admin"), partner_code="SMILTENE",
        dry_run=False, max_bytes=20 * 1024 * 1024, today=TODAY,
    )  # fmt: skip
    engine.dispose()
    return result.status


def _correct(url: str, observation_ids: Sequence[int], value: str, name: str, barrier) -> str:
    from services.observations import correct_observation

    engine = make_engine(url)
    factory = make_session_factory(engine)
    barrier.wait()
    for observation_id in observation_ids:
        with transaction(factory) as session:
            correct_observation(session, Actor(name, "admin"), observation_id, value, "race")
    engine.dispose()
    return "corrected"


def _run(target: Callable, args: tuple, barrier, results, index: int) -> None:
    try:
        results[index] = target(*args, barrier)
    except BaseException as failure:  # the test reports it; a traceback in a child is easy to miss
        results[index] = f"failed: {type(failure).__name__}: {failure}"


def race(*writers: tuple[Callable, tuple]) -> list[str]:
    """Run each ``(function, args)`` in its own process, all released at once; their results in order."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(writers))
    with context.Manager() as manager:
        results = manager.list([None] * len(writers))
        processes = [
            context.Process(target=_run, args=(function, args, barrier, results, index))
            for index, (function, args) in enumerate(writers)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=180)
        return list(results)


def import_racer(url: str, content: bytes, name: str) -> tuple[Callable, tuple]:
    return _import, (url, content, name)


def correction_racer(
    url: str, observation_ids: Sequence[int], value: str, name: str
) -> tuple[Callable, tuple]:
    return _correct, (url, tuple(observation_ids), value, name)


def broken_revision_chains(session: Session) -> list[str]:
    """Every observation whose history does not add up: each revision's previous value must be the
    value the revision before it wrote, and the last revision's new value the value stored now."""
    broken = []
    revisions: dict[int, list[ObservationRevision]] = {}
    for revision in session.scalars(select(ObservationRevision).order_by(ObservationRevision.id)):
        revisions.setdefault(revision.observation_id, []).append(revision)
    for observation in session.scalars(select(Observation)):
        chain = revisions.get(observation.id, [])
        for before, after in zip(chain, chain[1:], strict=False):
            if before.new_value != after.previous_value:
                broken.append(
                    f"observation {observation.id}: revision {after.id} says it replaced "
                    f"{after.previous_value}, but revision {before.id} had written {before.new_value}"
                )
        if chain and chain[-1].new_value != observation.value:
            broken.append(
                f"observation {observation.id}: stored {observation.value}, last revision wrote "
                f"{chain[-1].new_value}"
            )
    return broken
