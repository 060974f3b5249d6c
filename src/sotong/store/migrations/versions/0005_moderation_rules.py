"""Moderation rules: the rule that flagged a post, and a fingerprint of its text for duplicates.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as posts:
        posts.add_column(sa.Column("rule", sa.String(32)))
        posts.add_column(sa.Column("text_hash", sa.String(32)))
    op.create_index("ix_posts_wall_text_hash", "posts", ["wall_id", "text_hash"])


def downgrade() -> None:
    op.drop_index("ix_posts_wall_text_hash", "posts")
    with op.batch_alter_table("posts") as posts:
        posts.drop_column("text_hash")
        posts.drop_column("rule")
