"""The one place that decides who may see and change what.

Everything asks here with an ``Actor``: the services before they write (``require``), the queries for the
partners a reader may see (``partner_scope``, a SQL condition they join, so it holds for hundreds of
bodies), the web layer for each page and callback (``PAGE_PERMISSIONS``, ``callback_permission``). A check
that is only a hidden button is not a check: the server asks here on every request.

Roles (models.account.USER_ROLES):

- **admin** (the monitoring officers): everything, for every partner.
- **editor**, bound to one partner: reads what the committee reads; uploads, corrects and records stage
  events for its own partner only; sees its own partner's uploads and values awaiting review.
- **viewer** (the steering committee): reads every partner's values, approved and submitted, and changes
  nothing. A share link acts as a viewer who sees approved values only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, false, true

from i18n import N_, _


class Permission(StrEnum):
    READ = "read"  # the dashboards: every partner's approved values, instruments and targets
    READ_SUBMITTED = "read-submitted"  # values awaiting review (per partner)
    EDIT_DATA = "edit-data"  # uploads, corrections, stage events and evidence (per partner)
    READ_UPLOADS = "read-uploads"  # the files a partner sent and their problems (per partner)
    MANAGE_SETUP = "manage-setup"  # indicators, targets, milestones, partners, periods
    REVIEW = "review"  # approve or return submissions; lock and unlock periods
    MANAGE_USERS = "manage-users"  # accounts, set-password links, share links
    READ_AUDIT = "read-audit"  # the Activity page and `sharing audit`


# Permissions that concern one partner's data: granted for every partner (ALL) or the actor's own (OWN).
PER_PARTNER = {
    Permission.READ_SUBMITTED,
    Permission.EDIT_DATA,
    Permission.READ_UPLOADS,
}
ALL, OWN = "all", "own"

GRANTS: dict[str, dict[Permission, str]] = {
    "admin": dict.fromkeys(Permission, ALL),
    "editor": {
        Permission.READ: ALL,
        Permission.READ_SUBMITTED: OWN,
        Permission.EDIT_DATA: OWN,
        Permission.READ_UPLOADS: OWN,
    },
    "viewer": {Permission.READ: ALL, Permission.READ_SUBMITTED: ALL},
    # A meeting's share link: the committee's view of approved values, nothing else.
    "share-link": {Permission.READ: ALL},
    "anonymous": {},
}

# Which pages need what (the rest need READ). The navigation lists only the pages an actor may open, and
# a page the actor may not open renders a refusal instead of its layout.
PAGE_PERMISSIONS: dict[str, Permission] = {
    "/upload": Permission.EDIT_DATA,
    "/imports": Permission.READ_UPLOADS,
    "/activity": Permission.READ_AUDIT,
    "/setup": Permission.MANAGE_SETUP,
    "/review": Permission.REVIEW,
    "/users": Permission.MANAGE_USERS,
}

# Callbacks by the prefix of their first output's id (ids are prefixed with their page's name). A callback
# whose prefix is not here needs READ; its writes are checked again by the services with the partner.
CALLBACK_PREFIXES: dict[str, Permission] = {
    "upload-": Permission.EDIT_DATA,
    "imports-": Permission.READ_UPLOADS,
    "activity-": Permission.READ_AUDIT,
    "setup-": Permission.MANAGE_SETUP,
    "review-": Permission.REVIEW,
    "users-": Permission.MANAGE_USERS,
}


class AccessDenied(PermissionError):
    """The current user may not do this; the message says what and why."""


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in account, a share link, the command line, or nobody.

    ``role`` is a key of GRANTS; ``partner_code`` and ``partner_id`` bind an editor to its partner.
    """

    name: str
    role: str
    partner_code: str | None = None
    partner_id: int | None = None
    user_id: int | None = None
    email: str | None = None
    # "account", "share-link", "command-line" or "anonymous"; the audit trail records it.
    via: str = "account"
    language: str | None = None
    share_link_id: int | None = None
    # The country of an editor's partner: its language is the default after the browser's.
    partner_country: str | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.role != "anonymous"

    def grant(self, permission: Permission) -> str | None:
        return GRANTS.get(self.role, {}).get(permission)

    def can(self, permission: Permission, partner_code: str | None = None) -> bool:
        """May this actor do ``permission`` (on ``partner_code``'s data, for a per-partner one)?

        A per-partner permission asked without a partner means "for every partner" (an import whose file
        names its partners, a list of everyone's uploads): only an ALL grant gives it.
        """
        grant = self.grant(permission)
        if grant is None:
            return False
        if grant == ALL or permission not in PER_PARTNER:
            return True
        return partner_code is not None and partner_code.upper() == (self.partner_code or "")

    def can_any(self, permission: Permission) -> bool:
        """May this actor do ``permission`` for at least one partner (its own, for an editor)? What
        opening a page or calling one of its callbacks needs; the data itself is checked per partner."""
        return self.grant(permission) is not None

    # The names pages and services used before permissions were named; they ask ``can``.
    def can_see(self, partner_code: str) -> bool:
        return self.can(Permission.READ, partner_code)

    def can_edit(self, partner_code: str | None) -> bool:
        if partner_code is None:
            return self.can(Permission.MANAGE_SETUP)
        return self.can(Permission.EDIT_DATA, partner_code)


ANONYMOUS = Actor(name="anonymous", role="anonymous", via="anonymous")


def command_line_actor(login: str) -> Actor:
    """The local operator running ``sharing`` without ``--user``: an admin, named as such in the audit."""
    return Actor(name=f"command line ({login})"[:120], role="admin", via="command-line")


def current_actor() -> Actor:
    """Who is making this web request (dashboard.auth sets it before any page or callback runs)."""
    from flask import g, has_request_context

    if not has_request_context():
        return ANONYMOUS
    return g.get("actor", ANONYMOUS)


def require(actor: Actor, permission: Permission, partner_code: str | None = None) -> None:
    """Raise AccessDenied, with a sentence saying what is refused, unless ``actor.can(...)``."""
    if actor.can(permission, partner_code):
        return
    if not actor.is_authenticated:
        raise AccessDenied(_("Sign in first."))
    if permission in PER_PARTNER and partner_code and actor.grant(permission) == OWN:
        raise AccessDenied(
            _("{name} may change only {own}'s data, not {partner}'s.").format(
                name=actor.name, own=actor.partner_code, partner=partner_code.upper()
            )
        )
    raise AccessDenied(_(REFUSALS[permission]).format(name=actor.name))


def require_edit(actor: Actor, partner_code: str | None) -> None:
    """A partner's data (``partner_code``) or, with None, the setup shared by the whole partnership."""
    if partner_code is None:
        require(actor, Permission.MANAGE_SETUP)
    else:
        require(actor, Permission.EDIT_DATA, partner_code)


REFUSALS: dict[Permission, str] = {
    Permission.READ: N_("{name} may not read the dashboard."),
    Permission.READ_SUBMITTED: N_("{name} may not see values awaiting review."),
    Permission.EDIT_DATA: N_("{name} may not change partners' data (the account is read-only)."),
    Permission.READ_UPLOADS: N_("{name} may not see the uploaded files."),
    Permission.MANAGE_SETUP: N_("{name} may not change the setup; only monitoring officers may."),
    Permission.REVIEW: N_("{name} may not approve, return or lock; only monitoring officers may."),
    Permission.MANAGE_USERS: N_("{name} may not manage accounts; only monitoring officers may."),
    Permission.READ_AUDIT: N_("{name} may not read the audit trail; only monitoring officers may."),
}


def partner_scope(actor: Actor, permission: Permission, partner_id_column) -> ColumnElement[bool]:
    """A SQL condition on ``partner_id_column`` (``Partner.id``, ``Upload.partner_id``...): true for the
    partners whose data ``actor`` may ``permission``. Queries join it instead of a list of codes."""
    grant = actor.grant(permission)
    if grant == ALL or (grant is not None and permission not in PER_PARTNER):
        return true()
    if grant == OWN and actor.partner_id is not None:
        return partner_id_column == actor.partner_id
    return false()


def page_permission(path: str) -> Permission:
    """What opening the page at ``path`` needs (``/partners/SMILTENE`` is the Partners page's)."""
    for prefix, permission in PAGE_PERMISSIONS.items():
        if path == prefix or path.startswith(prefix + "/"):
            return permission
    return Permission.READ


def callback_permission(output_id: str) -> Permission:
    """What calling the callback whose first output has the id ``output_id`` needs."""
    for prefix, permission in CALLBACK_PREFIXES.items():
        if output_id.startswith(prefix):
            return permission
    return Permission.READ
