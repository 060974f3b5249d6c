"""The things Sotong talks about, as plain typed values with no I/O."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class ModerationMode(enum.StrEnum):
    PRE = "pre"
    POST = "post"


class PostStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REMOVED = "removed"


class DecisionAction(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    PIN = "pin"
    UNPIN = "unpin"
    FEATURE = "feature"
    UNFEATURE = "unfeature"
    HIDE = "hide"  # off every screen for now, not refused: approving shows it again


class EventType(enum.StrEnum):
    RESET = "reset"
    POST = "post"
    REMOVE = "remove"
    WALL = "wall"  # the wall's public settings changed (title, hashtags, layout...)
    QUEUED = "queued"  # a post waits for a decision, or a waiting post changed
    UNQUEUED = "unqueued"  # a waiting post was decided, withdrawn or deleted
    CONTEST = "contest"  # a step of a contest's winner reveal (docs/contest.md)
    ANNOUNCE = "announce"  # the wall's current announcement changed (or was cleared)
    AGENDA = "agenda"  # the wall's agenda changed: the sessions still to come
    SCREEN = "screen"  # an operator reloads a named screen or switches its layout

    @property
    def private(self) -> bool:
        """Only the console's moderation stream carries private events; screens never see them."""
        return self in _PRIVATE_EVENTS


_PRIVATE_EVENTS = frozenset({EventType.QUEUED, EventType.UNQUEUED})


class TokenScope(enum.StrEnum):
    INGEST = "ingest"
    MODERATE = "moderate"
    READ = "read"

    def grants(self, required: TokenScope) -> bool:
        return self is required or (self is TokenScope.MODERATE and required is TokenScope.READ)


class Role(enum.StrEnum):
    """What a console user may do. Owners run the event; moderators decide on posts; judges score
    contest entries."""

    OWNER = "owner"
    MODERATOR = "moderator"
    JUDGE = "judge"

    def grants(self, required: Role) -> bool:
        return self is required or self is Role.OWNER


@dataclass(frozen=True, slots=True)
class Wall:
    id: int
    slug: str
    title: str
    hashtags: tuple[str, ...]
    moderation: ModerationMode
    locale: str
    match_particles: bool = False


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    handle: str | None = None
    avatar_url: str | None = None
    # Who they are for bans and caps: given by a source when no handle says it (an uploader's
    # device); filled from the store when a post is read back. Never shown publicly.
    key: str | None = None


@dataclass(frozen=True, slots=True)
class Media:
    url: str
    kind: str = "image"
    thumb_url: str | None = None
    width: int | None = None
    height: int | None = None
    alt: str | None = None
    blurhash: str | None = None
    phash: str | None = None  # perceptual hash of a processed image, to find near-duplicates


@dataclass(frozen=True, slots=True)
class IncomingPost:
    """A post as a source hands it to the pipeline, before matching and moderation."""

    source: str
    external_id: str
    author: Author
    text: str = ""
    html: str | None = None
    tags: tuple[str, ...] = ()
    media: tuple[Media, ...] = ()
    created_at: datetime | None = None
    permalink: str | None = None
    sensitive: bool = False


@dataclass(frozen=True, slots=True)
class Post:
    id: str
    wall_slug: str
    source: str
    external_id: str
    author: Author
    text: str
    html: str | None
    tags: tuple[str, ...]
    media: tuple[Media, ...]
    created_at: datetime | None
    received_at: datetime
    shown_at: datetime | None
    status: PostStatus
    reason: str | None = None
    permalink: str | None = None
    pinned: bool = False
    featured: bool = False
    sensitive: bool = False
    rule: str | None = None  # the moderation rule that set `reason` (RuleCode)

    @property
    def visible(self) -> bool:
        return self.status is PostStatus.APPROVED


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """One row of a wall's append-only event log; `data` is the JSON text screens receive."""

    wall_id: int
    seq: int
    type: EventType
    data: str
    created: float = 0.0  # when the change was accepted (Unix seconds), for latency metrics


@dataclass(frozen=True, slots=True)
class IngestResult:
    post_id: str | None
    status: str
    reason: str | None
    created: bool


@dataclass(frozen=True, slots=True)
class CursorUpdate:
    """A source's resume position, saved in the same transaction as the posts it produced."""

    source_key: str
    value: str
