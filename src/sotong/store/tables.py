"""The schema, as SQLAlchemy Core tables. Alembic migrations create it; keep them in step."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

JsonType = sa.JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware datetimes, stored in UTC on every backend (SQLite keeps no zone itself)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        converted = value.astimezone(UTC)
        return converted.replace(tzinfo=None) if dialect.name == "sqlite" else converted

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


walls = sa.Table(
    "walls",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("slug", sa.String(64), nullable=False, unique=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("hashtags", JsonType, nullable=False),
    sa.Column("moderation", sa.String(8), nullable=False),
    sa.Column("locale", sa.String(8), nullable=False),
    sa.Column("match_particles", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("last_event_seq", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # The wall's whole configuration (`WallSettings` as JSON); the columns above mirror what
    # queries need. `origin` is "config" (the file) or "console"; `config_hash` is the file's
    # version of the wall last applied, so a console edit stands until the file itself changes.
    sa.Column("settings", JsonType, nullable=False, server_default="{}"),
    sa.Column("origin", sa.String(16), nullable=False, server_default="config"),
    sa.Column("config_hash", sa.String(64)),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("archived_at", UTCDateTime),
)

authors = sa.Table(
    "authors",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("key", sa.String(300), nullable=False),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("handle", sa.String(300)),
    sa.Column("avatar_url", sa.String(2048)),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("source", "key", name="uq_authors_source_key"),
)

posts = sa.Table(
    "posts",
    metadata,
    sa.Column("id", sa.String(26), primary_key=True),
    sa.Column("wall_id", sa.Integer, sa.ForeignKey("walls.id", ondelete="CASCADE"), nullable=False),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("external_id", sa.String(512), nullable=False),
    sa.Column("author_id", sa.Integer, sa.ForeignKey("authors.id"), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("html", sa.Text),
    sa.Column("tags", JsonType, nullable=False),
    sa.Column("permalink", sa.String(2048)),
    sa.Column("created_at", UTCDateTime),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("shown_at", UTCDateTime),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reason", sa.String(300)),
    sa.Column("pinned", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("featured", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("sensitive", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("rule", sa.String(32)),  # the moderation rule that set `reason`
    sa.Column("text_hash", sa.String(32)),  # moderation.rules.text_fingerprint, for duplicates
    sa.UniqueConstraint("wall_id", "source", "external_id", name="uq_posts_wall_source_external"),
    sa.Index("ix_posts_wall_status_id", "wall_id", "status", "id"),
    sa.Index("ix_posts_wall_status_shown", "wall_id", "status", "shown_at"),
    sa.Index("ix_posts_wall_text_hash", "wall_id", "text_hash"),
)

media = sa.Table(
    "media",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "post_id", sa.String(26), sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("url", sa.String(2048), nullable=False),
    sa.Column("thumb_url", sa.String(2048)),
    sa.Column("width", sa.Integer),
    sa.Column("height", sa.Integer),
    sa.Column("alt", sa.Text),
    sa.Column("blurhash", sa.String(128)),
    sa.Column("phash", sa.String(16)),
    sa.Index("ix_media_post_id", "post_id", "position"),
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "post_id", sa.String(26), sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("wall_id", sa.Integer, sa.ForeignKey("walls.id", ondelete="CASCADE"), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("reason", sa.String(300)),
    sa.Column("decided_at", UTCDateTime, nullable=False),
    # Moderation history and undo: the post's moderation state before the decision (NULL: not
    # undoable), the action it was part of (a bulk decision, a ban), and when it was undone.
    sa.Column("prior", JsonType),
    sa.Column("batch", sa.String(26)),
    sa.Column("ban_id", sa.Integer),
    sa.Column("undone_at", UTCDateTime),
    sa.Column("undone_by", sa.String(400)),
    sa.Index("ix_decisions_wall_id", "wall_id", "id"),
    sa.Index("ix_decisions_post_id", "post_id", "id"),
    sa.Index("ix_decisions_batch", "batch"),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column(
        "wall_id", sa.Integer, sa.ForeignKey("walls.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

source_cursors = sa.Table(
    "source_cursors",
    metadata,
    sa.Column(
        "wall_id", sa.Integer, sa.ForeignKey("walls.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("source_key", sa.String(200), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("wall_id", sa.Integer, sa.ForeignKey("walls.id", ondelete="CASCADE"), nullable=False),
    sa.Column("scope", sa.String(16), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime),
)

uploads = sa.Table(
    "uploads",
    metadata,
    sa.Column("secret_hash", sa.String(64), primary_key=True),
    sa.Column(
        "post_id",
        sa.String(26),
        sa.ForeignKey("posts.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    sa.Column("wall_id", sa.Integer, sa.ForeignKey("walls.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("withdrawn_at", UTCDateTime),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(256), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("password_changed_at", UTCDateTime, nullable=False),
    sa.Column("disabled_at", UTCDateTime),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Index("ix_sessions_user_id", "user_id"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(400), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("wall_id", sa.Integer, sa.ForeignKey("walls.id", ondelete="SET NULL")),
    sa.Column("post_id", sa.String(26)),
    sa.Column("detail", JsonType, nullable=False),
    sa.Index("ix_audit_log_at", "at"),
)

author_bans = sa.Table(
    "author_bans",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # NULL: banned from every wall.
    sa.Column("wall_id", sa.Integer, sa.ForeignKey("walls.id", ondelete="CASCADE")),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("author_key", sa.String(300), nullable=False),
    sa.Column("author_name", sa.String(300), nullable=False),
    sa.Column("reason", sa.String(300)),
    sa.Column("created_by", sa.String(400), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("lifted_at", UTCDateTime),
    sa.Column("lifted_by", sa.String(400)),
    sa.Index("ix_author_bans_author", "source", "author_key"),
)

# The creativity contest (docs/contest.md). Claims hold the only personal data, sealed, apart from
# posts, and are deleted on schedule; a winner row keeps what the report needs without them.

contests = sa.Table(
    "contests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("wall_id", sa.Integer, sa.ForeignKey("walls.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    # `ContestRules` as JSON (eligibility, rubric, prizes as first written, selection).
    sa.Column("rules", JsonType, nullable=False),
    sa.Column("judging_closed_at", UTCDateTime),
    sa.Column("reveal", JsonType),
    sa.Column("created_by", sa.String(400), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Index("ix_contests_wall_id", "wall_id"),
)

contest_prizes = sa.Table(
    "contest_prizes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "contest_id", sa.Integer, sa.ForeignKey("contests.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("winners", sa.Integer, nullable=False),
    sa.Column("stock", sa.Integer, nullable=False),
    sa.CheckConstraint("stock >= 0", name="stock_not_negative"),
    sa.Index("ix_contest_prizes_contest_id", "contest_id", "position"),
)

contest_shortlist = sa.Table(
    "contest_shortlist",
    metadata,
    sa.Column(
        "contest_id", sa.Integer, sa.ForeignKey("contests.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "post_id", sa.String(26), sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("added_by", sa.String(400), nullable=False),
    sa.Column("added_at", UTCDateTime, nullable=False),
)

contest_scores = sa.Table(
    "contest_scores",
    metadata,
    sa.Column(
        "contest_id", sa.Integer, sa.ForeignKey("contests.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "post_id", sa.String(26), sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("scores", JsonType, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

contest_votes = sa.Table(
    "contest_votes",
    metadata,
    sa.Column(
        "contest_id", sa.Integer, sa.ForeignKey("contests.id", ondelete="CASCADE"), primary_key=True
    ),
    # HMAC of the voting device's id: one vote per device, and the device id itself is not kept.
    sa.Column("voter", sa.String(64), primary_key=True),
    sa.Column(
        "post_id", sa.String(26), sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("voted_at", UTCDateTime, nullable=False),
)

contest_draws = sa.Table(
    "contest_draws",
    metadata,
    sa.Column(
        "contest_id", sa.Integer, sa.ForeignKey("contests.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("commitment", sa.String(64), nullable=False),
    sa.Column("seed", sa.String(64), nullable=False),  # published only once the draw has run
    sa.Column("input", sa.Text, nullable=False),  # the canonical JSON that `input_hash` is of
    sa.Column("input_hash", sa.String(64), nullable=False),
    sa.Column("committed_by", sa.String(400), nullable=False),
    sa.Column("committed_at", UTCDateTime, nullable=False),
    sa.Column("drawn_by", sa.String(400)),
    sa.Column("drawn_at", UTCDateTime),
)

contest_winners = sa.Table(
    "contest_winners",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "contest_id", sa.Integer, sa.ForeignKey("contests.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column(
        "prize_id",
        sa.Integer,
        sa.ForeignKey("contest_prizes.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "post_id", sa.String(26), sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("claimed_at", UTCDateTime),
    sa.Column("delivered_at", UTCDateTime),
    sa.Column("delivered_by", sa.String(400)),
    sa.UniqueConstraint("contest_id", "rank", name="uq_contest_winners_contest_rank"),
    sa.Index("ix_contest_winners_post_id", "post_id"),
)

contest_claims = sa.Table(
    "contest_claims",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "winner_id",
        sa.Integer,
        sa.ForeignKey("contest_winners.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    sa.Column("name", sa.Text, nullable=False),  # sealed (sotong.contest.claims.ClaimCipher)
    sa.Column("phone", sa.Text, nullable=False),  # sealed
    sa.Column("delivery", sa.String(8), nullable=False),
    sa.Column("address", sa.Text),  # sealed; only for delivery by mail
    sa.Column("consent_version", sa.String(32), nullable=False),
    sa.Column("consented_at", UTCDateTime, nullable=False),
    sa.Column("delete_after", UTCDateTime, nullable=False),
    sa.Index("ix_contest_claims_delete_after", "delete_after"),
)


# The display: a wall's agenda, its announcements, and the screens connected to each process.

agenda_sessions = sa.Table(
    "agenda_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("wall_id", sa.Integer, sa.ForeignKey("walls.id", ondelete="CASCADE"), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("speaker", sa.String(200), nullable=False, server_default=""),
    sa.Column("room", sa.String(100), nullable=False, server_default=""),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("starts_at", UTCDateTime, nullable=False),
    sa.Column("ends_at", UTCDateTime, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_agenda_sessions_wall_starts", "wall_id", "starts_at"),
)

announcements = sa.Table(
    "announcements",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("wall_id", sa.Integer, sa.ForeignKey("walls.id", ondelete="CASCADE"), nullable=False),
    sa.Column("text", sa.String(300), nullable=False),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(400), nullable=False),
    sa.Column("expires_at", UTCDateTime),
    sa.Column("cleared_at", UTCDateTime),
    sa.Column("cleared_by", sa.String(400)),
    sa.Index("ix_announcements_wall_created", "wall_id", "created_at"),
)

screen_presence = sa.Table(
    "screen_presence",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("wall_id", sa.Integer, sa.ForeignKey("walls.id", ondelete="CASCADE"), nullable=False),
    sa.Column("process", sa.String(32), nullable=False),
    sa.Column("name", sa.String(32), nullable=False, server_default=""),
    sa.Column("layout", sa.String(16), nullable=False, server_default=""),
    sa.Column("address", sa.String(64), nullable=False, server_default=""),
    sa.Column("connected_at", UTCDateTime, nullable=False),
    sa.Column("last_seen_at", UTCDateTime, nullable=False),
    sa.Column("last_event_id", sa.BigInteger, nullable=False, server_default="0"),
    sa.Index("ix_screen_presence_wall", "wall_id", "last_seen_at"),
)
