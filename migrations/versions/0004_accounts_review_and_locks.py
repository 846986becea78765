"""accounts, review and period locks

- app_user (admin / editor bound to one partner / viewer; disabled, never deleted), one_time_token
  (set-password links an admin passes on), share_link (read-only meeting links), sign_in_attempt (the
  database counts recent failures, so every worker slows the same guesser);
- submission (what a partner editor imports or corrects, reviewed together) and period_lock;
- observation: review_status, approved_value, approved_at, submission_id. Every value stored before this
  migration was entered by the monitoring officer, so it is approved as it stands.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 18:54:23.865201
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REVIEW_STATUSES = "review_status IN ('approved', 'submitted', 'returned')"


def upgrade() -> None:
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempt")),
    )
    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sign_in_attempt_address_at", ["client_address", "attempted_at"], unique=False
        )
        batch_op.create_index(
            "ix_sign_in_attempt_email_at", ["email", "attempted_at"], unique=False
        )

    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(), nullable=True),
        sa.Column("password_changed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "(role = 'editor') = (partner_id IS NOT NULL)",
            name=op.f("ck_app_user_editor_has_partner"),
        ),
        sa.CheckConstraint(
            "role IN ('admin', 'editor', 'viewer')", name=op.f("ck_app_user_role_known")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_app_user_partner_id_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("email", name=op.f("uq_app_user_email")),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_user_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "period_lock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("locked_by", sa.String(length=120), nullable=False),
        sa.Column("locked_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_period_lock_partner_id_partner")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["reporting_period.id"],
            name=op.f("fk_period_lock_period_id_reporting_period"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_lock")),
    )
    with op.batch_alter_table("period_lock", schema=None) as batch_op:
        batch_op.create_index(
            "ix_period_lock_period_partner", ["period_id", "partner_id"], unique=False
        )

    op.create_table(
        "share_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=True),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=120), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["reporting_period.id"],
            name=op.f("fk_share_link_period_id_reporting_period"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_link")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_share_link_token_sha256")),
    )
    op.create_table(
        "one_time_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('set-password')", name=op.f("ck_one_time_token_purpose_known")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_one_time_token_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_time_token")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_one_time_token_token_sha256")),
    )
    with op.batch_alter_table("one_time_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_one_time_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by", sa.String(length=120), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("values_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('import', 'correction')", name=op.f("ck_submission_kind_known")
        ),
        sa.CheckConstraint(
            "status IN ('submitted', 'approved', 'returned')",
            name=op.f("ck_submission_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_submission_partner_id_partner")
        ),
        sa.ForeignKeyConstraint(
            ["upload_id"], ["upload.id"], name=op.f("fk_submission_upload_id_upload")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission")),
    )
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.create_index(
            "ix_submission_status_partner", ["status", "partner_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_submission_upload_id"), ["upload_id"], unique=False)

    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "review_status", sa.String(length=10), nullable=False, server_default="approved"
            )
        )
        batch_op.add_column(sa.Column("approved_value", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("submission_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_observation_submission", ["submission_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_observation_submission_id_submission"),
            "submission",
            ["submission_id"],
            ["id"],
        )
        batch_op.create_check_constraint("review_status_known", _REVIEW_STATUSES)
    op.execute("UPDATE observation SET approved_value = value, approved_at = updated_at")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        # The model gives the default; the server default only served the rows already there.
        batch_op.alter_column("review_status", server_default=None)

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_user_id", sa.Integer(), nullable=True))

    with op.batch_alter_table("observation_revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_observation_revision_submission_id_submission"),
            "submission",
            ["submission_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("actor_user_id")

    with op.batch_alter_table("observation_revision", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_observation_revision_submission_id_submission"), type_="foreignkey"
        )
        batch_op.drop_column("submission_id")

    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_observation_review_status_known"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_observation_submission_id_submission"), type_="foreignkey"
        )
        batch_op.drop_index("ix_observation_submission")
        batch_op.drop_column("submission_id")
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approved_value")
        batch_op.drop_column("review_status")

    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_upload_id"))
        batch_op.drop_index("ix_submission_status_partner")

    op.drop_table("submission")
    with op.batch_alter_table("one_time_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_one_time_token_user_id"))

    op.drop_table("one_time_token")
    op.drop_table("share_link")
    with op.batch_alter_table("period_lock", schema=None) as batch_op:
        batch_op.drop_index("ix_period_lock_period_partner")

    op.drop_table("period_lock")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_user_partner_id"))

    op.drop_table("app_user")
    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_attempt_email_at")
        batch_op.drop_index("ix_sign_in_attempt_address_at")

    op.drop_table("sign_in_attempt")
