"""background import jobs: an upload too large to check or import within a web request is queued on its
own Upload row (job_state queued -> running -> done / failed, with progress, the request that queued it and
the result), so the state is in the database, survives a worker restart and any instance can show it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 08:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.add_column(sa.Column("job_state", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("job_progress", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("job_request", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("job_result", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("job_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("job_heartbeat_at", sa.DateTime(), nullable=True))
        batch_op.create_check_constraint(
            "job_state_known",
            "job_state IS NULL OR job_state IN ('queued', 'running', 'done', 'failed')",
        )
        batch_op.create_index("ix_upload_job_state", ["job_state", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.drop_index("ix_upload_job_state")
        batch_op.drop_constraint("job_state_known", type_="check")
        for column in (
            "job_heartbeat_at", "job_attempts", "job_result", "job_request", "job_progress",
            "job_state",
        ):  # fmt: skip
            batch_op.drop_column(column)
