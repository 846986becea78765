"""storage budget and previews: an upload may have no bytes kept; a dry run records what it previewed

- upload.sha256 is no longer a foreign key: files refused as too large or not a spreadsheet are not kept
  (their hash, size and reason are), and dry runs never imported are pruned (``sharing prune``);
- upload.file_discarded says why the bytes are not kept;
- upload.preview_fingerprint is the digest of the changes a dry run showed, so that its confirmation writes
  only what was previewed;
- the outcome "outdated": a confirmation that found the stored values changed since the preview.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_OUTCOMES = "outcome IN ('imported', 'unchanged', 'dry-run', 'rejected', 'unreadable')"
_NEW_OUTCOMES = (
    "outcome IN ('imported', 'unchanged', 'dry-run', 'outdated', 'rejected', 'unreadable')"
)
_DISCARDED = (
    "file_discarded IS NULL OR file_discarded IN "
    "('too-large', 'not-a-spreadsheet', 'pruned', 'quota-full')"
)


def upgrade() -> None:
    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_upload_sha256_stored_file"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_upload_outcome_known"), type_="check")
        batch_op.add_column(sa.Column("file_discarded", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("preview_fingerprint", sa.String(length=64), nullable=True))
        batch_op.create_check_constraint("outcome_known", _NEW_OUTCOMES)
        batch_op.create_check_constraint("file_discarded_known", _DISCARDED)


def downgrade() -> None:
    # Rows whose bytes are gone cannot point at stored_file again: they are removed with their outcome.
    op.execute("DELETE FROM upload WHERE file_discarded IS NOT NULL")
    op.execute("UPDATE upload SET outcome = 'dry-run' WHERE outcome = 'outdated'")
    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_upload_file_discarded_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_upload_outcome_known"), type_="check")
        batch_op.drop_column("preview_fingerprint")
        batch_op.drop_column("file_discarded")
        batch_op.create_check_constraint("outcome_known", _OLD_OUTCOMES)
        batch_op.create_foreign_key(
            op.f("fk_upload_sha256_stored_file"), "stored_file", ["sha256"], ["sha256"]
        )
