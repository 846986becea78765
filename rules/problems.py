"""Import problems as data: every problem names its sheet, cell, raw value and what was expected.

Codes are stable (the dashboard and scripts match on them); messages are for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    severity: Severity
    code: str
    message: str
    sheet: str = ""
    cell: str = ""  # "D14", without the sheet name (the sheet has its own field)
    value: str = ""  # the raw cell content as the partner typed it

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def location(self) -> str:
        """``Indicators!D14``, ``Indicators`` or ``""``, for messages and ``Observation.source_cell``."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or self.cell

    def to_dict(self) -> dict[str, str]:
        # By hand: dataclasses.asdict deep-copies and is ~10x slower, which shows on files with many issues.
        return {
            "severity": self.severity, "code": self.code, "sheet": self.sheet, "cell": self.cell,
            "value": self.value, "message": self.message,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict) -> Problem:
        return cls(**{key: data.get(key, "") for key in cls.__dataclass_fields__})


def error(code: str, message: str, sheet: str = "", cell: str = "", value: object = "") -> Problem:
    return Problem("error", code, message, sheet, cell, raw_text(value))


def warning(
    code: str, message: str, sheet: str = "", cell: str = "", value: object = ""
) -> Problem:
    return Problem("warning", code, message, sheet, cell, raw_text(value))


def raw_text(value: object) -> str:
    """A cell value as text for reports: floats without a spurious '.0', dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
