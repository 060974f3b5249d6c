"""Initial schema: walls, authors, posts, media, decisions, event log, cursors, API tokens.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def timestamp(name: str, *, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "walls",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("hashtags", JSON, nullable=False),
        sa.Column("moderation", sa.String(8), nullable=False),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("match_particles", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("last_event_seq", sa.BigInteger, nullable=False, server_default="0"),
        timestamp("created_at", nullable=False),
        timestamp("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_walls"),
        sa.UniqueConstraint("slug", name="uq_walls_slug"),
    )
    op.create_table(
        "authors",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("handle", sa.String(300)),
        sa.Column("avatar_url", sa.String(2048)),
        timestamp("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_authors"),
        sa.UniqueConstraint("source", "key", name="uq_authors_source_key"),
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.String(26), nullable=False),
        sa.Column("wall_id", sa.Integer, nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(512), nullable=False),
        sa.Column("author_id", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("html", sa.Text),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("permalink", sa.String(2048)),
        timestamp("created_at"),
        timestamp("received_at", nullable=False),
        timestamp("shown_at"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(300)),
        sa.Column("pinned", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("featured", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("sensitive", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name="pk_posts"),
        sa.ForeignKeyConstraint(
            ["wall_id"], ["walls.id"], name="fk_posts_wall_id_walls", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["author_id"], ["authors.id"], name="fk_posts_author_id_authors"),
        sa.UniqueConstraint(
            "wall_id", "source", "external_id", name="uq_posts_wall_source_external"
        ),
    )
    op.create_index("ix_posts_wall_status_id", "posts", ["wall_id", "status", "id"])
    op.create_index("ix_posts_wall_status_shown", "posts", ["wall_id", "status", "shown_at"])
    op.create_table(
        "media",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("post_id", sa.String(26), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("thumb_url", sa.String(2048)),
        sa.Column("width", sa.Integer),
        sa.Column("height", sa.Integer),
        sa.Column("alt", sa.Text),
        sa.Column("blurhash", sa.String(128)),
        sa.PrimaryKeyConstraint("id", name="pk_media"),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name="fk_media_post_id_posts", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_media_post_id", "media", ["post_id", "position"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("post_id", sa.String(26), nullable=False),
        sa.Column("wall_id", sa.Integer, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(300)),
        timestamp("decided_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name="fk_decisions_post_id_posts", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["wall_id"], ["walls.id"], name="fk_decisions_wall_id_walls", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_decisions_wall_id", "decisions", ["wall_id", "id"])
    op.create_table(
        "events",
        sa.Column("wall_id", sa.Integer, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        timestamp("created_at", nullable=False),
        sa.PrimaryKeyConstraint("wall_id", "seq", name="pk_events"),
        sa.ForeignKeyConstraint(
            ["wall_id"], ["walls.id"], name="fk_events_wall_id_walls", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "source_cursors",
        sa.Column("wall_id", sa.Integer, nullable=False),
        sa.Column("source_key", sa.String(200), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        timestamp("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("wall_id", "source_key", name="pk_source_cursors"),
        sa.ForeignKeyConstraint(
            ["wall_id"], ["walls.id"], name="fk_source_cursors_wall_id_walls", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("wall_id", sa.Integer, nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        timestamp("created_at", nullable=False),
        timestamp("revoked_at"),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.ForeignKeyConstraint(
            ["wall_id"], ["walls.id"], name="fk_api_tokens_wall_id_walls", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )


def downgrade() -> None:
    for table in (
        "api_tokens",
        "source_cursors",
        "events",
        "decisions",
        "media",
        "posts",
        "authors",
        "walls",
    ):
        op.drop_table(table)
