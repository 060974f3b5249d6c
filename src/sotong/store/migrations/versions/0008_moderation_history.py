"""Moderation history with undo: each decision keeps the post's state before it, the action it was
part of (a bulk decision or a ban) and when it was undone.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("decisions") as decisions:
        decisions.add_column(sa.Column("prior", JSON))
        decisions.add_column(sa.Column("batch", sa.String(26)))
        decisions.add_column(sa.Column("ban_id", sa.Integer))
        decisions.add_column(sa.Column("undone_at", sa.DateTime(timezone=True)))
        decisions.add_column(sa.Column("undone_by", sa.String(400)))
    op.create_index("ix_decisions_post_id", "decisions", ["post_id", "id"])
    op.create_index("ix_decisions_batch", "decisions", ["batch"])


def downgrade() -> None:
    op.drop_index("ix_decisions_batch", "decisions")
    op.drop_index("ix_decisions_post_id", "decisions")
    with op.batch_alter_table("decisions") as decisions:
        for column in ("undone_by", "undone_at", "ban_id", "batch", "prior"):
            decisions.drop_column(column)
