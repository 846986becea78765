"""Which language each request is answered in, set before any page, callback or form runs.

In order: ``?lang=xx`` on a link (kept in the session, and saved as the account's setting when someone
signed in chooses it with the switcher), the account's language (or the share link's), the browser's
Accept-Language, the language of an editor's partner, English. The choice is a context variable
(i18n.set_language), so two users in different languages on the same worker each get their own, and a
switch applies at once, without a restart.
"""

from __future__ import annotations

import contextlib

from flask import Flask, g, request, session

from dashboard.access import Actor
from i18n import COUNTRY_LANGUAGES, LANGUAGES, negotiate, reset_language, set_language

SESSION_KEY = "lang"


def choose_language(actor: Actor, chosen: str | None, accept_language: str | None) -> str:
    """The language for ``actor``: ``chosen`` (a link's or the switcher's), then the account's, the
    browser's, the partner's, English."""
    for candidate in (
        chosen,
        actor.language,
        negotiate(accept_language),
        COUNTRY_LANGUAGES.get(actor.partner_country or ""),
    ):
        if candidate in LANGUAGES:
            return candidate
    return "en"


def install(server: Flask) -> None:
    @server.before_request
    def choose():
        from dashboard.database import perform
        from services.accounts import set_own_language

        actor = g.get("actor")
        if actor is None:  # a static file
            return
        asked = request.args.get("lang", "")
        if asked in LANGUAGES:
            session[SESSION_KEY] = asked
            if request.method == "GET" and actor.user_id is not None and actor.language != asked:
                perform(set_own_language, asked)
                g.actor = actor = _with_language(actor, asked)
        language = choose_language(
            actor, session.get(SESSION_KEY), request.headers.get("Accept-Language")
        )
        g.language = language
        g.language_token = set_language(language)

    @server.teardown_request
    def forget(_error=None):
        token = g.pop("language_token", None)
        if token is not None:
            # Torn down in another context: the next request sets its own anyway.
            with contextlib.suppress(ValueError):
                reset_language(token)


def _with_language(actor: Actor, language: str) -> Actor:
    from dataclasses import replace

    return replace(actor, language=language)
