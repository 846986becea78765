"""background report jobs: a report too large to generate within a request (the region's hundreds of
bodies) is a report_job row a worker renders into a generated_report

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 09:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("job_request", sa.JSON(), nullable=False),
        sa.Column("period_label", sa.String(length=20), nullable=False),
        sa.Column("partner_codes", sa.JSON(), nullable=True),
        sa.Column("include_submitted", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("file_format", sa.String(length=5), nullable=False),
        sa.Column("job_state", sa.String(length=10), nullable=False),
        sa.Column("job_progress", sa.Integer(), nullable=False),
        sa.Column("job_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("job_heartbeat_at", sa.DateTime(), nullable=True),
        sa.Column("job_message", sa.String(length=1000), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "file_format IN ('pdf', 'xlsx')", name=op.f("ck_report_job_format_known")
        ),
        sa.CheckConstraint(
            "job_state IN ('queued', 'running', 'done', 'failed')",
            name=op.f("ck_report_job_job_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["generated_report.id"],
            name=op.f("fk_report_job_report_id_generated_report"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_job")),
    )
    with op.batch_alter_table("report_job", schema=None) as batch_op:
        batch_op.create_index("ix_report_job_state", ["job_state", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_job", schema=None) as batch_op:
        batch_op.drop_index("ix_report_job_state")
    op.drop_table("report_job")
