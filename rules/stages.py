"""How a policy change moves between stages: the one rule the stage form, the importer's Policy changes
sheet and the model all apply.

- 'validated' needs at least one evidence item (the programme validates an improvement only with one);
- 'abandoned' needs a note saying why;
- moving back (a law sent back to the ministry) is allowed, with a note saying why;
- a stage is recorded once it is reached: never on a date in the future, nor before the programme's era
  (rules.limits.EARLIEST_DATE: 0001-01-01 is an empty date picker, not a date).
"""

from __future__ import annotations

import enum
from datetime import date

from i18n import N_, _

from .cells import CellError, fold
from .limits import date_problem
from .problems import Problem, error, warning


class Stage(enum.StrEnum):
    IDENTIFIED = "identified"
    PROPOSED = "proposed"
    SUBMITTED = "submitted"
    ADOPTED = "adopted"
    IMPLEMENTED = "implemented"
    VALIDATED = "validated"
    ABANDONED = "abandoned"

    @property
    def rank(self) -> int:
        """Position on the way to validation; abandoned sits outside the order (-1)."""
        return -1 if self is Stage.ABANDONED else PROGRESS_STAGES.index(self)


PROGRESS_STAGES = [s for s in Stage if s is not Stage.ABANDONED]
STAGE_VALUES = tuple(s.value for s in Stage)

# Stage names in English, French, Romanian, Croatian and Latvian (folded when compared).
STAGE_NAMES: dict[Stage, tuple[str, ...]] = {
    Stage.IDENTIFIED: ("identified", "identifié", "identificat", "identificiran", "identificēts", "identificēta", "identifiée", "identificată", "utvrđen", "utvrđena", "utvrđeno", "identificirana"),
    Stage.PROPOSED: ("proposed", "proposé", "propus", "propusă", "predložen", "predloženo", "ierosināts", "ierosināta", "piedāvāts", "proposée", "predložena"),
    Stage.SUBMITTED: ("submitted", "soumis", "déposé", "depus", "depusă", "transmis", "podnesen", "podneseno", "upućen", "iesniegts", "iesniegta", "soumise", "déposée", "podnesena"),
    Stage.ADOPTED: ("adopted", "adopté", "adoptat", "adoptată", "aprobat", "usvojen", "usvojeno", "donesen", "pieņemts", "pieņemta", "adoptée", "usvojena"),
    Stage.IMPLEMENTED: ("implemented", "mis en œuvre", "mise en œuvre", "implementat", "implementată", "aplicat", "proveden", "provedeno", "implementiran", "īstenots", "īstenota", "ieviests", "provedena", "implementirana"),
    Stage.VALIDATED: ("validated", "validé", "validat", "validată", "potvrđen", "potvrđeno", "validiran", "apstiprināts", "apstiprināta", "validēts", "validée", "potvrđena"),
    Stage.ABANDONED: ("abandoned", "abandonné", "abandonat", "abandonată", "odustalo", "napušten", "napušteno", "atcelts", "atcelta", "pārtraukts", "abandonnée", "napuštena"),
}  # fmt: skip
_STAGE_OF_NAME = {fold(name): stage for stage, names in STAGE_NAMES.items() for name in names}
# A stage as people read it (the template's dropdown, pages). Each translation must be one of the names
# parse_stage reads in that language (STAGE_NAMES): a template's dropdown imports back
# (tests/unit/test_workbook_languages.py checks every catalogue).
STAGE_LABELS: dict[Stage, str] = {
    Stage.IDENTIFIED: N_("identified"),
    Stage.PROPOSED: N_("proposed"),
    Stage.SUBMITTED: N_("submitted"),
    Stage.ADOPTED: N_("adopted"),
    Stage.IMPLEMENTED: N_("implemented"),
    Stage.VALIDATED: N_("validated"),
    Stage.ABANDONED: N_("abandoned"),
}


def stage_label(stage: Stage | str) -> str:
    """The stage's name in the current language."""
    return _(STAGE_LABELS[Stage(stage)])


def parse_stage(raw: object) -> Stage:
    """A stage from its name in any of the five languages; raises CellError("unknown-stage")."""
    stage = _STAGE_OF_NAME.get(fold("" if raw is None else str(raw)))
    if stage is None:
        raise CellError("unknown-stage", names=", ".join(s.value for s in Stage))
    return stage


def is_move_back(current: Stage, stage: Stage) -> bool:
    return (
        stage is not Stage.ABANDONED
        and current is not Stage.ABANDONED
        and stage.rank < current.rank
    )


def stage_move_problems(
    change_code: str,
    current: Stage,
    stage: Stage,
    *,
    has_evidence: bool,
    note: str,
    occurred_on: date,
    today: date,
    variant: str = "",
) -> list[Problem]:
    """Every rule a move of ``change_code`` from ``current`` to ``stage`` breaks (no location yet).

    A move back with a note is a warning (worth a look), without one an error. ``variant`` "sheet" words
    the problems for the Policy changes sheet (which column to fill in).
    """
    problems: list[Problem] = []
    note = note.strip()
    if occurred_on > today:
        problems.append(error("date-in-future", day=f"{occurred_on:%d.%m.%Y}"))
    elif out_of_range := date_problem(occurred_on):
        problems.append(out_of_range)
    if stage is Stage.VALIDATED and not has_evidence:
        problems.append(error("validated-without-evidence", change=change_code, variant=variant))
    if stage is Stage.ABANDONED and not note:
        problems.append(error("abandoned-without-note", change=change_code, variant=variant))
    if is_move_back(current, stage):
        params = {"change": change_code, "current": str(current), "stage": str(stage)}
        if note:
            problems.append(warning("stage-moved-back", note=note, **params))
        else:
            problems.append(error("stage-moved-back-without-note", variant=variant, **params))
    return problems
