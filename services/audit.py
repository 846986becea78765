"""Recording audit events: who changed what, when, from what to what, and why.

Every service calls ``record_event`` in the transaction of its change. Actions are stable codes
(``ACTIONS``); the Activity page and ``sharing audit`` show them with their English label.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy.orm import Session

from dashboard.access import Actor
from i18n import N_
from models import AuditEvent

ACTIONS: dict[str, str] = {
    "observation.corrected": N_("value corrected"),
    "observation.entered": N_("missing value entered"),
    "upload.received": N_("file received"),
    "upload.imported": N_("workbook imported"),
    "upload.outdated": N_("preview out of date, nothing imported"),
    "upload.busy": N_("import not saved, partner busy"),
    "stage.recorded": N_("stage recorded"),
    "evidence.added": N_("evidence added"),
    "target.added": N_("target added"),
    "target.updated": N_("target changed"),
    "target.deleted": N_("target deleted"),
    "milestone.added": N_("milestone added"),
    "milestone.updated": N_("milestone changed"),
    "milestone.deleted": N_("milestone deleted"),
    "indicator.added": N_("indicator added"),
    "indicator.updated": N_("indicator changed"),
    "indicator.deleted": N_("indicator deleted"),
    "partner.added": N_("partner added"),
    "partner.updated": N_("partner changed"),
    "period.updated": N_("period changed"),
    "setup.imported": N_("setup workbook imported"),
    "storage.pruned": N_("old files removed from the file store"),
    "user.added": N_("account added"),
    "user.updated": N_("account changed"),
    "user.disabled": N_("account disabled"),
    "user.enabled": N_("account enabled"),
    "user.password-set": N_("password set by an officer"),
    "user.password-changed": N_("password changed"),
    "user.password-link-created": N_("set-password link created"),
    "user.signed-in": N_("signed in"),
    "user.sign-in-failed": N_("sign-in failed"),
    "user.signed-out": N_("signed out"),
    "share-link.created": N_("share link created"),
    "share-link.revoked": N_("share link revoked"),
    "share-link.opened": N_("share link opened"),
    "submission.approved": N_("values approved"),
    "submission.returned": N_("values returned to the partner"),
    "period.locked": N_("period locked"),
    "period.unlocked": N_("period unlocked"),
    "export.downloaded": N_("data exported"),
    "report.generated": N_("period report generated"),
}
# Texts people type into comments and notes: kept whole up to this size (a 10 MB note is not a note).
MAX_COMMENT_CHARS = 5000


def record_event(
    session: Session,
    actor: Actor,
    action: str,
    *,
    object_type: str,
    object_id: object,
    label: str,
    partner_code: str | None = None,
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
    comment: str = "",
) -> AuditEvent:
    """Append one audit event to ``session`` (flushed with the change it describes)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; add it to services.audit.ACTIONS")
    event = AuditEvent(
        actor_name=actor.name[:120],
        actor_role=actor.role,
        actor_partner=actor.partner_code,
        actor_user_id=actor.user_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_label=label[:300],
        partner_code=partner_code,
        before=json_safe(before or {}),
        after=json_safe(after or {}),
        comment=(comment or "")[:MAX_COMMENT_CHARS],
    )
    session.add(event)
    return event


def changed_fields(before: Mapping[str, object], after: Mapping[str, object]) -> tuple[dict, dict]:
    """Only the fields whose value differs, as (before, after)."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def json_safe(values: Mapping[str, object]) -> dict:
    """Dates as ISO text, integral floats as integers ("42", not "42.0"), NaN as None."""
    return {key: _json_value(value) for key, value in values.items()}


def _json_value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)
