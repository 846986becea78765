"""The SHARING domain model (SQLAlchemy 2 typed ORM). Importing this package registers every table."""

from rules.stages import PROGRESS_STAGES, Stage  # noqa: E402,I001 (re-exported for callers)

from .account import USER_ROLES, OneTimeToken, ShareLink, SignInAttempt, User
from .audit import AuditEvent, AuditTrailError
from .base import Base, utcnow
from .benchmark import BenchmarkValue
from .indicator import AGGREGATIONS, CATEGORIES, VALUE_KINDS, Indicator, Milestone, Target
from .limits import TextTooLongError
from .observation import NOT_REPORTED, Observation, ObservationRevision
from .partner import BODY_TYPES, INSTRUMENT_KINDS, PROJECT_PARTNER, Partner, PolicyInstrument
from .period import MONTH, PERIOD_KINDS, SEMESTER, PeriodSpec, ReportingPeriod, period_specs
from .policy_change import (
    EVIDENCE_KINDS,
    ChangeType,
    EvidenceItem,
    PolicyChange,
    PolicyChangeError,
    StageEvent,
)
from .report import REPORT_FORMATS, GeneratedReport, ReportJob
from .review import PeriodLock, Submission
from .upload import StoredFile, Upload

__all__ = [
    "AGGREGATIONS",
    "AuditEvent",
    "AuditTrailError",
    "BODY_TYPES",
    "CATEGORIES",
    "EVIDENCE_KINDS",
    "INSTRUMENT_KINDS",
    "MONTH",
    "NOT_REPORTED",
    "PERIOD_KINDS",
    "PROJECT_PARTNER",
    "PROGRESS_STAGES",
    "REPORT_FORMATS",
    "SEMESTER",
    "VALUE_KINDS",
    "Base",
    "BenchmarkValue",
    "ChangeType",
    "EvidenceItem",
    "GeneratedReport",
    "ReportJob",
    "Indicator",
    "Milestone",
    "Observation",
    "ObservationRevision",
    "Partner",
    "PeriodSpec",
    "PolicyChange",
    "PolicyChangeError",
    "PolicyInstrument",
    "ReportingPeriod",
    "Stage",
    "StageEvent",
    "StoredFile",
    "Target",
    "TextTooLongError",
    "Upload",
    "USER_ROLES",
    "OneTimeToken",
    "PeriodLock",
    "ShareLink",
    "SignInAttempt",
    "Submission",
    "User",
    "period_specs",
    "utcnow",
]
