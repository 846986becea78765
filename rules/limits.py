"""How large a number, how early or late a date and how long a text people type may be: the one table the
cell parsers, the value rule, the Setup fields, the services and the model's safety net all read.

Numbers. No value is NaN or infinite. An amount (euros) is at most ``MAX_ABS_VALUE`` (10^15, a thousand
times the EU's yearly budget); a count (people, services, transactions, meetings) at most ``MAX_COUNT``
(10^12: a hundred times every e-service transaction a region of the partnership could log in a period, a
thousand times the EU's population, and still an exact integer in a float); a percentage lies in 0-100.
Anything beyond is a typo or a unit mix-up (1e309, 400 nines, euros typed as cents), never a figure.

Dates. Every date people type (a baseline, a report due date, a stage event of a policy change) lies in
``EARLIEST_DATE``..``LATEST_DATE``. 1990 is when Interreg, the programme that funds this monitoring,
began: no policy instrument it follows, and no baseline its indicators compare against, is older. The
latest date is ten years after ``PROGRAMME_END`` (the last day a 2021-2027 Interreg Europe project may
run): room for follow-up targets, none for 9999-12-31. A stage event is also never in the future
(rules.stages).

Texts. ``TEXT_LIMITS`` gives the most characters of every text column, by ``table.column``: the String(n)
length where the column has one (which SQLite does not enforce), and an application limit for Text
columns (a note, a reason, a comment, a description: a few paragraphs, 5,000 characters). Services refuse
a longer text with ``text_problem`` (naming the field and the limit); models.limits refuses any text
longer than this table or its column at flush time, so no path can store one.
"""

from __future__ import annotations

from datetime import date

from .formatting import format_number
from .problems import Problem, error

# --- numbers -------------------------------------------------------------------------------------

MAX_ABS_VALUE = 1e15
MAX_COUNT = 1e12
MAX_PERCENTAGE = 100.0


def value_limit(value_kind: str) -> float:
    """The largest value an indicator of ``value_kind`` (count, amount, percentage) may have."""
    if value_kind == "count":
        return MAX_COUNT
    if value_kind == "percentage":
        return MAX_PERCENTAGE
    return MAX_ABS_VALUE


# --- dates ---------------------------------------------------------------------------------------

EARLIEST_DATE = date(1990, 1, 1)
PROGRAMME_END = date(2029, 12, 31)
LATEST_DATE = date(PROGRAMME_END.year + 10, 12, 31)


def date_problem(day: date, where: str = "", sheet: str = "") -> Problem | None:
    """The problem with a date outside EARLIEST_DATE..LATEST_DATE (reusing "not-a-date"), or None."""
    if EARLIEST_DATE <= day <= LATEST_DATE:
        return None
    return error(
        "not-a-date", sheet, where, day, variant="out-of-range", first=EARLIEST_DATE.year,
        last=LATEST_DATE.year,
    )  # fmt: skip


# --- texts ---------------------------------------------------------------------------------------

NOTE_CHARS = 5000
# What a message shows of a long value: enough to recognise it, never megabytes.
SHOWN_CHARS = 80

TEXT_LIMITS: dict[str, int] = {
    # Notes, reasons, comments and descriptions (Text columns: the limit is the application's).
    "audit_event.comment": NOTE_CHARS,
    "indicator.description": NOTE_CHARS,
    "observation.comment": NOTE_CHARS,
    "observation_revision.reason": NOTE_CHARS,
    "period_lock.reason": NOTE_CHARS,
    "sign_in_attempt.reason": 200,
    "submission.decision_comment": NOTE_CHARS,
    "policy_change.abandon_reason": NOTE_CHARS,
    "policy_change.description": NOTE_CHARS,
    "stage_event.note": NOTE_CHARS,
    # Names, codes, titles, units and web addresses (String(n) columns: the limit is n).
    "app_user.email": 254,
    "app_user.name": 120,
    "change_type.label": 200,
    "evidence_item.title": 300,
    "evidence_item.url": 1000,
    "indicator.code": 30,
    "indicator.eu_code": 20,
    "indicator.name": 300,
    "indicator.name_fr": 300,
    "indicator.name_hr": 300,
    "indicator.name_lv": 300,
    "indicator.name_ro": 300,
    "indicator.unit": 60,
    "partner.code": 20,
    "partner.name": 200,
    "partner.nuts_code": 10,
    "partner.short_name": 60,
    "policy_change.title": 300,
    "policy_instrument.legal_reference": 300,
    "policy_instrument.managing_body": 300,
    "policy_instrument.title": 300,
    "policy_instrument.url": 500,
    "share_link.label": 200,
    "upload.filename": 255,
}


def text_problem(
    column: str, text: str, where: str = "", sheet: str = "", *, variant: str = ""
) -> Problem | None:
    """The problem with ``text`` when it is longer than ``column``'s limit (TEXT_LIMITS), or None.

    The message names ``where`` (the field or cell) and both lengths: "Note: at most 5 000 characters
    (this one has 10 485 760)". ``variant`` "comment": ``where`` is the value cell whose comment is too
    long.
    """
    return length_problem(TEXT_LIMITS[column], text, where, sheet, variant=variant)


def length_problem(
    limit: int, text: str, where: str = "", sheet: str = "", *, variant: str = ""
) -> Problem | None:
    """``text_problem`` for a limit given as a number (a Setup field's); the value shown is shortened."""
    if len(text) <= limit:
        return None
    return error(
        "text-too-long", sheet, where, shorten(text), variant=variant, limit=format_number(limit),
        length=format_number(len(text)),
    )  # fmt: skip


def shorten(text: str, chars: int = SHOWN_CHARS) -> str:
    """``text`` cut to ``chars`` characters with an ellipsis, for messages and derived titles."""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"
