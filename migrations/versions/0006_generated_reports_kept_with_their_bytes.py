"""generated reports kept with their bytes: who generated which report of which period, partners, values
and language, and when; the file itself in stored_file (never pruned)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 22:41:37.866335
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "generated_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("partner_codes", sa.JSON(), nullable=False),
        sa.Column("include_submitted", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("file_format", sa.String(length=5), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("data_date", sa.DateTime(), nullable=True),
        sa.Column("generated_by", sa.String(length=120), nullable=False),
        sa.Column("generated_by_role", sa.String(length=20), nullable=False),
        sa.Column("generated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "file_format IN ('pdf', 'xlsx')", name=op.f("ck_generated_report_format_known")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["reporting_period.id"],
            name=op.f("fk_generated_report_period_id_reporting_period"),
        ),
        sa.ForeignKeyConstraint(
            ["sha256"], ["stored_file.sha256"], name=op.f("fk_generated_report_sha256_stored_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generated_report")),
    )
    with op.batch_alter_table("generated_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_generated_report_period_id"), ["period_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("generated_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_generated_report_period_id"))

    op.drop_table("generated_report")
