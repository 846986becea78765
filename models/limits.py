"""The safety net under every text limit: a flush that would store a text longer than its column allows is
refused, on every database (SQLite stores a 10 MB string in a String(300) column without a word).

A column's limit is rules.limits.TEXT_LIMITS' entry for ``table.column`` where there is one (every Text
column has one), else its String(n) length. Services refuse long texts earlier with a sentence naming the
field; this guard names the column, for the path nobody thought of. Core bulk statements (the importer's
observation inserts) do not flush through the ORM: the importer checks those texts itself.
"""

from __future__ import annotations

import functools

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Mapper, Session

from rules.limits import TEXT_LIMITS


class TextTooLongError(ValueError):
    """A text longer than its column's limit reached a flush; the message names table.column."""


@functools.cache
def _limited_attributes(mapper: Mapper) -> tuple[tuple[str, str, int], ...]:
    """(attribute, "table.column", most characters) for every text column of ``mapper``'s table."""
    found = []
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if not isinstance(column.type, String) or column.table is None:
            continue
        name = f"{column.table.name}.{column.name}"
        limit = TEXT_LIMITS.get(name, column.type.length)
        if limit is not None:
            found.append((prop.key, name, limit))
    return tuple(found)


@event.listens_for(Session, "before_flush")
def _texts_fit_their_columns(session: Session, _context, _instances) -> None:
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        for key, name, limit in _limited_attributes(state.mapper):
            # Only what this flush writes: a new object's texts, a dirty one's changed texts (a row
            # stored before a limit existed can still be edited elsewhere). Never loads a column.
            if key not in state.dict or (state.key and not state.attrs[key].history.added):
                continue
            value = state.dict[key]
            if isinstance(value, str) and len(value) > limit:
                raise TextTooLongError(
                    f"{name}: {len(value)} characters, more than its limit of {limit}; "
                    "shorten the text (rules.limits.TEXT_LIMITS)"
                )
