"""How a value typed into a form field (or a setup-workbook cell) is read: text lengths, choices, yes/no,
whole numbers, country and code formats, dates, and indicator values (by rules.values). Lengths, dates
and number bounds are rules.limits'.

``clean_value`` returns the value as the column stores it or raises FieldError, whose message starts with
the field's label ("Target: 'lots' is not a number; ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from i18n import N_, _

from .cells import CellError, parse_date
from .limits import length_problem, shorten
from .values import ValueRuleError, read_typed_value

# Yes and no as a clerk writes them in the partnership's five languages (and as spreadsheets store them).
YES_WORDS = frozenset(
    {"true", "yes", "1", "y", "oui", "vrai", "da", "adevărat", "jā", "ja", "istina"}
)
NO_WORDS = frozenset({"false", "no", "0", "n", "non", "faux", "nu", "fals", "ne", "nē", "laž"})


class FieldError(ValueError):
    """A typed value the rules refuse; the message names the field and says what to write."""


@dataclass(frozen=True)
class Field:
    label: str
    kind: str  # text, choice, number, date, integer, boolean, country, code
    max_length: int = 300  # text and code: at most this many characters (rules.limits.TEXT_LIMITS)
    choices: tuple[str, ...] = ()
    required: bool = True


def _problem(field: Field, message: str, **values) -> FieldError:
    """A FieldError from a whole sentence that starts with the field's label ("{field}: ...")."""
    return FieldError(_(message).format(field=_(field.label), **values))


def clean_value(field: Field, raw: object, value_kind: str | None = None, indicator_code: str = ""):
    """``raw`` as the column stores it, or FieldError naming ``field``.

    ``value_kind`` and ``indicator_code``: the indicator a number field belongs to (a target's), whose
    kind of value decides what the number may be.
    """
    text = "" if raw is None else str(raw).strip()
    if not text:
        if field.required:
            raise _problem(field, N_("{field}: cannot be empty"))
        return "" if field.kind == "text" else None
    if field.kind in ("text", "code"):
        too_long = length_problem(field.max_length, text, _(field.label))
        if too_long:
            raise FieldError(too_long.message)
    if field.kind == "text":
        return text
    if field.kind == "choice":
        if text not in field.choices:
            raise _problem(
                field,
                N_("{field}: {text!r} is not one of {choices}"),
                text=shorten(text),
                choices=", ".join(field.choices),
            )
        return text
    if field.kind == "boolean":
        if isinstance(raw, bool):
            return raw
        if text.lower() in YES_WORDS:
            return True
        if text.lower() in NO_WORDS:
            return False
        raise _problem(field, N_("{field}: write yes or no (or 1 or 0)"))
    if field.kind == "integer":
        if not re.fullmatch(r"-?\d{1,9}", text):
            raise _problem(field, N_("{field}: {text!r} is not a whole number"), text=shorten(text))
        return int(text)
    if field.kind == "country":
        if not re.fullmatch(r"[A-Za-z]{2}", text):
            raise _problem(field, N_("{field}: write the two-letter code (RO, HR, LV, FR...)"))
        return text.upper()
    if field.kind == "code":
        if not re.fullmatch(r"[A-Za-z0-9-]+", text):
            raise _problem(
                field,
                N_("{field}: {text!r} must be letters, digits and dashes, at most {n} characters"),
                text=text,
                n=field.max_length,
            )
        return text.upper()
    if field.kind == "date":
        try:
            return parse_date(raw if isinstance(raw, date) else text)
        except CellError as problem:
            shown = shorten(text)
            raise FieldError(problem.to_problem(cell=_(field.label), value=shown).message) from None
    try:
        return read_typed_value(
            raw,
            indicator_code or _(field.label),
            value_kind,
            _(field.label),
        )
    except ValueRuleError as problem:
        raise FieldError(str(problem)) from None
