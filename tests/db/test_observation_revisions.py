"""A value is never overwritten silently through the ORM: a revision must record the previous value."""

from datetime import date

import pytest
from sqlalchemy import select

from models import Observation, ObservationRevision
from models.observation import SilentOverwriteError
from seed.demo import load_demo


def test_changing_a_value_without_a_revision_is_refused(session):
    load_demo(session, date(2023, 3, 1), today=date(2026, 11, 27))
    session.commit()
    observation = session.scalars(select(Observation).where(Observation.value > 0)).first()
    observation.value = observation.value + 1
    with pytest.raises(SilentOverwriteError, match="record an ObservationRevision"):
        session.flush()
    session.rollback()

    previous = observation.value
    session.add(
        ObservationRevision(
            observation_id=observation.id,
            previous_value=previous,
            previous_source_kind=observation.source_kind,
            new_value=previous + 1,
            changed_by="officer",
            reason="typo in the sheet",
        )
    )
    observation.value = previous + 1
    observation.comment = "corrected"
    session.commit()
    assert observation.revisions[-1].previous_value == previous
