"""The one place where the app decides who may see and change what.

Accounts are not built yet (next issue: admin, partner editor bound to one partner, viewer), so every request
acts as the monitoring officer with full rights. Every page, callback and download that reads or writes
partner data must still ask here (``visible_partner_codes``, ``require_edit``), so that adding accounts means
changing this module only.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("admin", "partner", "viewer")


class AccessDenied(PermissionError):
    """The current user may not do this; the message says what and why."""


@dataclass(frozen=True)
class Actor:
    name: str
    role: str
    partner_code: str | None = None

    def can_see(self, partner_code: str) -> bool:
        return self.role in ("admin", "viewer") or partner_code == self.partner_code

    def can_edit(self, partner_code: str | None) -> bool:
        if self.role == "admin":
            return True
        return (
            self.role == "partner"
            and partner_code is not None
            and partner_code == self.partner_code
        )


def current_actor() -> Actor:
    """Who is making this request. Until sign-in exists: the monitoring officer (admin)."""
    return Actor(name="monitoring officer", role="admin")


def visible_partner_codes(actor: Actor, all_codes: list[str]) -> list[str]:
    """The partners whose data ``actor`` may see, in the given order."""
    return [code for code in all_codes if actor.can_see(code)]


def require_edit(actor: Actor, partner_code: str | None) -> None:
    if not actor.can_edit(partner_code):
        raise AccessDenied(f"{actor.name} may not change data of {partner_code or 'all partners'}")
