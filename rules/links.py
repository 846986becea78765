"""Evidence links as people type them: a web address, with or without its ``https://``.

Council decisions are often quoted as ``www.smiltene.lv/lemums-12``: such an address is read with
``https://`` in front, and the caller says so (a warning in the importer, a note in the stage form). What
is not a web address (``decision.pdf``, ``www.example``, ``javascript:...``) is refused by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WITH_SCHEME = re.compile(r"https?://\S+\.\S+", re.IGNORECASE)
_HOST = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
# "www." and at least two more labels ("www.smiltene.lv"), or a host with a top-level domain followed by
# a path ("smiltene.lv/lemums"): a bare "decision.pdf" is a file name, not an address.
_WITHOUT_SCHEME = re.compile(
    rf"(?:www\.{_HOST}(?:\.{_HOST})+(?::\d{{1,5}})?(?:[/?#]\S*)?"
    rf"|{_HOST}(?:\.{_HOST})*\.[a-z]{{2,}}(?::\d{{1,5}})?/\S*)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Link:
    url: str  # with its scheme
    scheme_added: bool  # "https://" was put in front of what was typed


def read_link(text: str) -> Link | None:
    """The web address ``text`` (stripped) names, or None when it is not one."""
    text = text.strip()
    if _WITH_SCHEME.fullmatch(text):
        return Link(text, scheme_added=False)
    if _WITHOUT_SCHEME.fullmatch(text):
        return Link("https://" + text, scheme_added=True)
    return None
