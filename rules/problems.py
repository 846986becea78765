"""Problems as data: a stable code, where it is (sheet, cell), the raw value, and the parameters of its
sentence. The sentence itself is rendered from the code's template (rules.messages) only when it is shown,
so a problem stored with an upload can be shown later in the reader's language.

Codes are stable (the dashboard and scripts match on them); the templates are for people.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from i18n import DEFAULT_LANGUAGE, N_, _, use_language

from .messages import LEGACY_MESSAGE, render

Severity = Literal["error", "warning"]
# A severity as people read it (reports, the annotated workbook); the code itself stays in --json.
SEVERITY_LABELS = {"error": N_("error"), "warning": N_("warning")}


def severity_label(severity: str) -> str:
    """The severity ("error" or "warning") in the current language."""
    return _(SEVERITY_LABELS[severity])


@dataclass(frozen=True, eq=False)
class Problem:
    severity: Severity
    code: str
    sheet: str = ""
    cell: str = ""  # "D14", without the sheet name (the sheet has its own field)
    value: str = ""  # the raw cell content as the partner typed it
    # What the sentence needs besides the location and the value; JSON-safe (str, int, float, bool, list).
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def message(self) -> str:
        """The sentence, rendered now (in the current language once catalogues exist)."""
        return render(self.code, self.params, where=self.cell, value=self.value)

    @property
    def location(self) -> str:
        """``Indicators!D14``, ``Indicators`` or ``""``, for messages and ``Observation.source_cell``."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or self.cell

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and self.to_dict() == other.to_dict()

    __hash__ = None

    def to_dict(self) -> dict:
        """The stored and ``--json`` form: the English message travels with the code and parameters, so
        scripts need no catalogue, and the dashboard re-renders from ``code`` and ``params``. English
        whatever the current language: an import run in French stores and prints the same dict."""
        with use_language(DEFAULT_LANGUAGE):
            message = self.message
        # By hand: dataclasses.asdict deep-copies and is ~10x slower, which shows on files with many issues.
        return {
            "severity": self.severity, "code": self.code, "sheet": self.sheet, "cell": self.cell,
            "value": self.value, "message": message, "params": dict(self.params),
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping) -> Problem:
        params = data.get("params")
        if params is None:
            # Stored before problems carried parameters: the sentence is kept as it was written.
            params = {LEGACY_MESSAGE: data.get("message", "")}
        return cls(
            data.get("severity", "error"), data.get("code", ""), data.get("sheet", ""),
            data.get("cell", ""), data.get("value", ""), dict(params),
        )  # fmt: skip


def error(code: str, sheet: str = "", cell: str = "", value: object = "", **params) -> Problem:
    return Problem("error", code, sheet, cell, raw_text(value), params)


def warning(code: str, sheet: str = "", cell: str = "", value: object = "", **params) -> Problem:
    return Problem("warning", code, sheet, cell, raw_text(value), params)


def raw_text(value: object) -> str:
    """A cell value as text for reports: floats without a spurious '.0', dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
