"""indicator names per language: name_fr, name_ro, name_hr, name_lv beside the English name (NULL: the
English name is shown, marked for officers)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 21:24:43.871973
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_fr", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("name_ro", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("name_hr", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("name_lv", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.drop_column("name_lv")
        batch_op.drop_column("name_hr")
        batch_op.drop_column("name_ro")
        batch_op.drop_column("name_fr")
