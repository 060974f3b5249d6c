"""The display: agenda sessions, announcements, connected screens.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def timestamp(name: str, *, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def wall_column(table: str) -> list[object]:
    return [
        sa.Column("wall_id", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(
            ["wall_id"], ["walls.id"], name=f"fk_{table}_wall_id_walls", ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "agenda_sessions",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        *wall_column("agenda_sessions"),  # type: ignore[arg-type]
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("speaker", sa.String(200), nullable=False, server_default=""),
        sa.Column("room", sa.String(100), nullable=False, server_default=""),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        timestamp("starts_at", nullable=False),
        timestamp("ends_at", nullable=False),
        timestamp("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agenda_sessions"),
    )
    op.create_index("ix_agenda_sessions_wall_starts", "agenda_sessions", ["wall_id", "starts_at"])
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        *wall_column("announcements"),  # type: ignore[arg-type]
        sa.Column("text", sa.String(300), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        timestamp("created_at", nullable=False),
        sa.Column("created_by", sa.String(400), nullable=False),
        timestamp("expires_at"),
        timestamp("cleared_at"),
        sa.Column("cleared_by", sa.String(400)),
        sa.PrimaryKeyConstraint("id", name="pk_announcements"),
    )
    op.create_index("ix_announcements_wall_created", "announcements", ["wall_id", "created_at"])
    op.create_table(
        "screen_presence",
        sa.Column("id", sa.String(32), nullable=False),
        *wall_column("screen_presence"),  # type: ignore[arg-type]
        sa.Column("process", sa.String(32), nullable=False),
        sa.Column("name", sa.String(32), nullable=False, server_default=""),
        sa.Column("layout", sa.String(16), nullable=False, server_default=""),
        sa.Column("address", sa.String(64), nullable=False, server_default=""),
        timestamp("connected_at", nullable=False),
        timestamp("last_seen_at", nullable=False),
        sa.Column("last_event_id", sa.BigInteger, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_screen_presence"),
    )
    op.create_index("ix_screen_presence_wall", "screen_presence", ["wall_id", "last_seen_at"])


def downgrade() -> None:
    op.drop_table("screen_presence")
    op.drop_table("announcements")
    op.drop_table("agenda_sessions")
