"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "benchmark_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_code", sa.String(length=60), nullable=False),
        sa.Column("series_name", sa.String(length=300), nullable=False),
        sa.Column("geo", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=30), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_benchmark_value")),
        sa.UniqueConstraint(
            "series_code", "geo", "year", name=op.f("uq_benchmark_value_series_code_geo_year")
        ),
    )
    op.create_table(
        "change_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_type")),
        sa.UniqueConstraint("code", name=op.f("uq_change_type_code")),
    )
    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("unit", sa.String(length=60), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("value_kind", sa.String(length=20), nullable=False),
        sa.Column("aggregation", sa.String(length=10), nullable=False),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.Column("eu_code", sa.String(length=20), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("display_order", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "aggregation IN ('sum', 'latest', 'mean')", name=op.f("ck_indicator_aggregation_known")
        ),
        sa.CheckConstraint(
            "category IN ('policy progress', 'e-service uptake', 'digital skills', 'programme output', 'programme result', 'context')",
            name=op.f("ck_indicator_category_known"),
        ),
        sa.CheckConstraint(
            "value_kind IN ('count', 'percentage', 'amount')",
            name=op.f("ck_indicator_value_kind_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator")),
        sa.UniqueConstraint("code", name=op.f("uq_indicator_code")),
    )
    op.create_table(
        "partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=60), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("nuts_code", sa.String(length=10), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("display_order", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "level IN ('national', 'regional', 'local')", name=op.f("ck_partner_level_known")
        ),
        sa.CheckConstraint("role IN ('lead', 'partner')", name=op.f("ck_partner_role_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner")),
        sa.UniqueConstraint("code", name=op.f("uq_partner_code")),
    )
    op.create_table(
        "reporting_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=10), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "phase IN ('core', 'follow-up')", name=op.f("ck_reporting_period_phase_known")
        ),
        sa.CheckConstraint("start_date <= end_date", name=op.f("ck_reporting_period_ordered")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_period")),
        sa.UniqueConstraint("label", name=op.f("uq_reporting_period_label")),
        sa.UniqueConstraint("number", name=op.f("uq_reporting_period_number")),
    )
    op.create_table(
        "stored_file",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_stored_file")),
    )
    op.create_table(
        "policy_instrument",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("managing_body", sa.String(length=300), nullable=False),
        sa.Column("is_structural_funds", sa.Boolean(), nullable=False),
        sa.Column("legal_reference", sa.String(length=300), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "kind IN ('legal framework', 'ERDF programme', 'development plan', 'local programme', 'territorial operation')",
            name=op.f("ck_policy_instrument_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_policy_instrument_partner_id_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_instrument")),
    )
    with op.batch_alter_table("policy_instrument", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_policy_instrument_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=True),
        sa.Column("baseline_date", sa.Date(), nullable=True),
        sa.Column("target_value", sa.Float(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicator.id"], name=op.f("fk_target_indicator_id_indicator")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_target_partner_id_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target")),
        sa.UniqueConstraint(
            "indicator_id", "partner_id", name=op.f("uq_target_indicator_id_partner_id")
        ),
    )
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_target_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by", sa.String(length=120), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_inserted", sa.Integer(), nullable=False),
        sa.Column("rows_updated", sa.Integer(), nullable=False),
        sa.Column("rows_unchanged", sa.Integer(), nullable=False),
        sa.Column("rows_invalid", sa.Integer(), nullable=False),
        sa.Column("issues", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('imported', 'unchanged', 'dry-run', 'rejected', 'unreadable')",
            name=op.f("ck_upload_outcome_known"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_upload_partner_id_partner")
        ),
        sa.ForeignKeyConstraint(
            ["sha256"], ["stored_file.sha256"], name=op.f("fk_upload_sha256_stored_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload")),
    )
    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_upload_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_upload_sha256"), ["sha256"], unique=False)

    op.create_table(
        "milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["reporting_period.id"],
            name=op.f("fk_milestone_period_id_reporting_period"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["target.id"], name=op.f("fk_milestone_target_id_target")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone")),
        sa.UniqueConstraint(
            "target_id", "period_id", name=op.f("uq_milestone_target_id_period_id")
        ),
    )
    op.create_table(
        "observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("source_kind", sa.String(length=10), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.Column("source_cell", sa.String(length=80), nullable=True),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "source_kind IN ('upload', 'manual', 'demo')",
            name=op.f("ck_observation_source_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicator.id"], name=op.f("fk_observation_indicator_id_indicator")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_observation_partner_id_partner")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["reporting_period.id"],
            name=op.f("fk_observation_period_id_reporting_period"),
        ),
        sa.ForeignKeyConstraint(
            ["upload_id"], ["upload.id"], name=op.f("fk_observation_upload_id_upload")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation")),
        sa.UniqueConstraint(
            "indicator_id",
            "partner_id",
            "period_id",
            name=op.f("uq_observation_indicator_id_partner_id_period_id"),
        ),
    )
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_observation_partner_period", ["partner_id", "period_id"], unique=False
        )

    op.create_table(
        "policy_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("change_type_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("abandon_reason", sa.Text(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "stage IN ('identified', 'proposed', 'submitted', 'adopted', 'implemented', 'validated', 'abandoned')",
            name=op.f("ck_policy_change_stage_known"),
        ),
        sa.ForeignKeyConstraint(
            ["change_type_id"],
            ["change_type.id"],
            name=op.f("fk_policy_change_change_type_id_change_type"),
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["policy_instrument.id"],
            name=op.f("fk_policy_change_instrument_id_policy_instrument"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_change")),
        sa.UniqueConstraint("code", name=op.f("uq_policy_change_code")),
    )
    with op.batch_alter_table("policy_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_policy_change_instrument_id"), ["instrument_id"], unique=False
        )

    op.create_table(
        "evidence_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("added_by", sa.String(length=120), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('official decision', 'amended text', 'launched call', 'letter from managing authority', 'minutes', 'other')",
            name=op.f("ck_evidence_item_kind_known"),
        ),
        sa.CheckConstraint(
            "url IS NOT NULL OR file_sha256 IS NOT NULL", name=op.f("ck_evidence_item_has_target")
        ),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["policy_change.id"],
            name=op.f("fk_evidence_item_change_id_policy_change"),
        ),
        sa.ForeignKeyConstraint(
            ["file_sha256"],
            ["stored_file.sha256"],
            name=op.f("fk_evidence_item_file_sha256_stored_file"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_item")),
    )
    with op.batch_alter_table("evidence_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_item_change_id"), ["change_id"], unique=False)

    op.create_table(
        "observation_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("observation_id", sa.Integer(), nullable=False),
        sa.Column("previous_value", sa.Float(), nullable=True),
        sa.Column("previous_source_kind", sa.String(length=10), nullable=False),
        sa.Column("previous_upload_id", sa.Integer(), nullable=True),
        sa.Column("new_value", sa.Float(), nullable=True),
        sa.Column("changed_by", sa.String(length=120), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observation.id"],
            name=op.f("fk_observation_revision_observation_id_observation"),
        ),
        sa.ForeignKeyConstraint(
            ["previous_upload_id"],
            ["upload.id"],
            name=op.f("fk_observation_revision_previous_upload_id_upload"),
        ),
        sa.ForeignKeyConstraint(
            ["upload_id"], ["upload.id"], name=op.f("fk_observation_revision_upload_id_upload")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation_revision")),
    )
    with op.batch_alter_table("observation_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_observation_revision_observation_id"), ["observation_id"], unique=False
        )

    op.create_table(
        "stage_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "stage IN ('identified', 'proposed', 'submitted', 'adopted', 'implemented', 'validated', 'abandoned')",
            name=op.f("ck_stage_event_stage_known"),
        ),
        sa.ForeignKeyConstraint(
            ["change_id"], ["policy_change.id"], name=op.f("fk_stage_event_change_id_policy_change")
        ),
        sa.ForeignKeyConstraint(
            ["upload_id"], ["upload.id"], name=op.f("fk_stage_event_upload_id_upload")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_event")),
    )
    with op.batch_alter_table("stage_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stage_event_change_id"), ["change_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stage_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stage_event_change_id"))

    op.drop_table("stage_event")
    with op.batch_alter_table("observation_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observation_revision_observation_id"))

    op.drop_table("observation_revision")
    with op.batch_alter_table("evidence_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_item_change_id"))

    op.drop_table("evidence_item")
    with op.batch_alter_table("policy_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_change_instrument_id"))

    op.drop_table("policy_change")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_index("ix_observation_partner_period")

    op.drop_table("observation")
    op.drop_table("milestone")
    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_upload_sha256"))
        batch_op.drop_index(batch_op.f("ix_upload_partner_id"))

    op.drop_table("upload")
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_target_partner_id"))

    op.drop_table("target")
    with op.batch_alter_table("policy_instrument", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_instrument_partner_id"))

    op.drop_table("policy_instrument")
    op.drop_table("stored_file")
    op.drop_table("reporting_period")
    op.drop_table("partner")
    op.drop_table("indicator")
    op.drop_table("change_type")
    op.drop_table("benchmark_value")
