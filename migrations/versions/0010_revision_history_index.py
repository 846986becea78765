"""revision history index: observation_revision (changed_at, id), so the Imports page's value history
(newest first, 200 rows) reads the newest revisions instead of sorting all of them
(PostgreSQL, region data set: 123 -> 1.6 ms)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("observation_revision", schema=None) as batch_op:
        batch_op.create_index("ix_observation_revision_changed", ["changed_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("observation_revision", schema=None) as batch_op:
        batch_op.drop_index("ix_observation_revision_changed")
