"""period kinds and body groups: reporting periods get a kind (the programme's semesters, or the months
of the region data set's monthly series); partners get a body type and a county to group region bodies by

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 10:12:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every stored period is one of the programme's semesters, every stored partner a project partner:
    # the server defaults fill the existing rows, then go (the models set the values).
    with op.batch_alter_table("reporting_period", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=10), nullable=False, server_default="semester")
        )
        batch_op.create_check_constraint("kind_known", "kind IN ('semester', 'month')")
    with op.batch_alter_table("reporting_period", schema=None) as batch_op:
        batch_op.alter_column("kind", server_default=None)

    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "body_type", sa.String(length=20), nullable=False, server_default="project partner"
            )
        )
        batch_op.add_column(sa.Column("county", sa.String(length=60), nullable=True))
        batch_op.create_check_constraint(
            "body_type_known",
            "body_type IN ('project partner', 'municipality', 'county council', 'agency')",
        )
        batch_op.create_index("ix_partner_county_body_type", ["county", "body_type"], unique=False)
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.alter_column("body_type", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.drop_index("ix_partner_county_body_type")
        batch_op.drop_constraint(batch_op.f("ck_partner_body_type_known"), type_="check")
        batch_op.drop_column("county")
        batch_op.drop_column("body_type")

    with op.batch_alter_table("reporting_period", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_reporting_period_kind_known"), type_="check")
        batch_op.drop_column("kind")
