"""gunicorn's access log without secrets: the one-time set-password links and the share links carry their
token in the path (and pages opened from them send it as the Referer), so it is masked before a line is
written. Passwords never appear in a URL (the forms POST them)."""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

_SECRET_PATH = re.compile(r"(/(?:share|set-password)/)[^/?#\s\"]+")
# The access-log atoms that may hold a URL: the request line, the path, the query, the referer.
_URL_ATOMS = ("r", "U", "q", "f", "{raw_uri}e")


def mask_secrets(text: str) -> str:
    return _SECRET_PATH.sub(r"\1…", text)


class MaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in _URL_ATOMS:
            if isinstance(atoms.get(key), str):
                atoms[key] = mask_secrets(atoms[key])
        return atoms
