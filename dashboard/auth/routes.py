"""The pages around the dashboard that are plain HTML forms (they work without JavaScript, and password
managers understand them): sign in, sign out, change one's password, set a password from a one-time
link, and open a meeting's share link.

Every form carries the session's CSRF token, and every POST must come from this site (dashboard.auth's
Origin check): a foreign page can neither sign someone in as the attacker nor post on their behalf.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request
from sqlalchemy import select

from dashboard.database import app_settings, perform_unsigned, read_session
from i18n import LANGUAGES, N_, _, current_language
from models import User
from services.accounts import (
    AccountError,
    change_own_password,
    open_share_link,
    password_link_account,
    record_signed_out,
    sign_in,
    unsign_token,
    use_password_link,
    valid_share_link,
)

from .sessions import (
    begin_account_session,
    begin_share_session,
    csrf_token,
    csrf_valid,
    end_session,
    refresh_version,
)

blueprint = Blueprint("auth", __name__, template_folder="templates")

ENDED_NOTICES = {
    "idle": N_("You were signed out after a while without activity; sign in again."),
    "changed": N_("Your account changed (password, role or access); sign in again."),
    "link": N_("The share link has expired or was revoked."),
    "signed-out": N_("You are signed out."),
    "password-set": N_("Your password is set: sign in with it."),
}


@blueprint.app_context_processor
def _template_helpers() -> dict:
    return {"_": _, "language": current_language()}


def client_address() -> str:
    """The client's address (as the trusted proxies report it: see SHARING_TRUSTED_PROXIES)."""
    return (request.remote_addr or "unknown")[:64]


def safe_next(raw: str | None) -> str:
    """Where to go after signing in: a path of this site only (never ``//evil.example`` or a URL)."""
    raw = (raw or "/").strip()
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or not raw.startswith("/") or raw.startswith("//"):
        return "/"
    if "\\" in raw or len(raw) > 2000:
        return "/"
    return raw


def _sign_in_page(*, refusal: str = "", status: int = 200, email: str = "", next_path: str = "/"):
    with read_session() as session:
        demo_accounts = session.scalars(
            select(User).where(User.is_demo.is_(True), User.is_active.is_(True)).order_by(User.id)
        ).all()
        notice = (
            _(ENDED_NOTICES[request.args["ended"]])
            if request.args.get("ended") in (ENDED_NOTICES)
            else ""
        )
        settings = app_settings()
        html = render_template(
            "sign_in.html", title=_("Sign in"), csrf=csrf_token(), refusal=refusal, notice=notice,
            email=email, next_path=safe_next(next_path), demo_accounts=demo_accounts,
            oidc_label=settings.oidc_label if settings.oidc_enabled else None,
        )  # fmt: skip
    return html, status


@blueprint.get("/sign-in")
def sign_in_form():
    if g.actor.is_authenticated and g.actor.user_id is not None:
        return redirect(safe_next(request.args.get("next")))
    return _sign_in_page(next_path=request.args.get("next", "/"))


@blueprint.post("/sign-in")
def sign_in_submit():
    email = request.form.get("email", "")[:254]
    next_path = request.form.get("next", "/")
    if not csrf_valid():
        return _sign_in_page(
            refusal=_("The form had expired; please sign in again."), status=400, email=email,
            next_path=next_path,
        )  # fmt: skip
    outcome = perform_unsigned(
        lambda session: _signed_in(sign_in(session, email, request.form.get("password", ""),
                                           client_address()))
    )  # fmt: skip
    if outcome is None:
        return redirect(safe_next(next_path))
    status = 429 if "wait a minute" in outcome else 401
    return _sign_in_page(refusal=outcome, status=status, email=email, next_path=next_path)


def _signed_in(result) -> str | None:
    """Begin the browser's session for a successful sign-in; the refusal otherwise."""
    if result.user is None:
        return result.refusal
    begin_account_session(result.user)
    return None


@blueprint.post("/sign-out")
def sign_out():
    actor = g.actor
    if actor.user_id is not None and csrf_valid():
        perform_unsigned(record_signed_out, actor, client_address())
    end_session()
    return redirect("/sign-in?ended=signed-out")


@blueprint.route("/account/password", methods=["GET", "POST"])
def change_password():
    actor = g.actor
    if actor.user_id is None:
        return redirect("/sign-in?next=/account/password")
    page = {"title": _("Change your password"), "account": f"{actor.name} <{actor.email}>",
            "action": "/account/password", "ask_current": True}  # fmt: skip
    if request.method == "GET":
        return render_template("set_password.html", csrf=csrf_token(), **page)
    refusal = _check_form()
    if not refusal:
        try:
            user = perform_unsigned(
                change_own_password, actor, request.form.get("current", ""),
                request.form.get("password", ""),
            )  # fmt: skip
            refresh_version(user)
            return render_template(
                "message.html", title=_("Password changed"),
                message=_("Your password is changed; other browsers signed in as you are signed out."),
                link="/", link_text=_("Back to the dashboard"),
            )  # fmt: skip
        except AccountError as problem:
            refusal = str(problem)
    return render_template("set_password.html", csrf=csrf_token(), refusal=refusal, **page), 400


def _check_form() -> str:
    if not csrf_valid():
        return _("The form had expired; please try again.")
    if request.form.get("password", "") != request.form.get("confirm", ""):
        return _("The two new passwords differ; type the same password twice.")
    return ""


@blueprint.route("/set-password/<signed>", methods=["GET", "POST"])
def set_password_from_link(signed: str):
    token = unsign_token(current_app.secret_key, "set-password", signed)
    with read_session() as session:
        user = password_link_account(session, token) if token else None
        account = f"{user.name} <{user.email}>" if user else None
    page = {"title": _("Choose your password"), "account": account,
            "action": request.path, "ask_current": False}  # fmt: skip
    if user is None:
        refusal = _(
            "This link is no longer valid (used, expired or replaced); ask an officer for a new one."
        )
        return render_template("set_password.html", refusal=refusal, **page), 404
    if request.method == "GET":
        return render_template("set_password.html", csrf=csrf_token(), **page)
    refusal = _check_form()
    if not refusal:
        try:
            perform_unsigned(use_password_link, token, request.form.get("password", ""))
            end_session()
            return redirect("/sign-in?ended=password-set")
        except AccountError as problem:
            refusal = str(problem)
    return render_template("set_password.html", csrf=csrf_token(), refusal=refusal, **page), 400


@blueprint.get("/share/<signed>")
def open_share(signed: str):
    token = unsign_token(current_app.secret_key, "share-link", signed)
    opened = perform_unsigned(_open_link, token) if token else None
    if opened is None:
        return render_template(
            "message.html", title=_("Link not valid"),
            message=_("This share link has expired or was revoked; ask the monitoring officers for a new one."),
            link="/sign-in", link_text=_("Sign in with an account instead"),
        ), 404  # fmt: skip
    link_id, language, period = opened
    begin_share_session(link_id)
    # A ?lang added to the shared address wins over the language the link was made with.
    asked = request.args.get("lang", "")
    language = asked if asked in LANGUAGES else language
    query = "&".join(part for part in (f"lang={language}" if language else "",
                                       f"period={period}" if period else "") if part)  # fmt: skip
    return redirect("/" + (f"?{query}" if query else ""))


def _open_link(session, token: str):
    link = valid_share_link(session, token)
    if link is None:
        return None
    open_share_link(session, link, client_address())
    return link.id, link.language, link.period.label if link.period else None
