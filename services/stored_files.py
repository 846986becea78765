"""File bytes kept once per SHA-256: uploaded workbooks and evidence documents."""

from __future__ import annotations

import hashlib

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import StoredFile


def store_file(session: Session, content: bytes) -> str:
    """Keep ``content`` once per SHA-256 and return the hash.

    Not audited on its own: a file is stored for an upload or an evidence item, whose event names it.
    """
    sha256 = hashlib.sha256(content).hexdigest()
    if session.get(StoredFile, sha256) is None:
        try:
            # A savepoint: another worker may store the same bytes at the same moment.
            with session.begin_nested():
                session.add(StoredFile(sha256=sha256, size_bytes=len(content), content=content))
        except IntegrityError:
            pass
    return sha256
