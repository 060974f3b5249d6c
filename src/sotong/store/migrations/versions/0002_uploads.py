"""Attendee uploads, and perceptual hashes of images for near-duplicate detection.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("media") as media:
        media.add_column(sa.Column("phash", sa.String(16)))
    op.create_table(
        "uploads",
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("post_id", sa.String(26), nullable=False),
        sa.Column("wall_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("secret_hash", name="pk_uploads"),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name="fk_uploads_post_id_posts", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["wall_id"], ["walls.id"], name="fk_uploads_wall_id_walls", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("post_id", name="uq_uploads_post_id"),
    )


def downgrade() -> None:
    op.drop_table("uploads")
    with op.batch_alter_table("media") as media:
        media.drop_column("phash")
