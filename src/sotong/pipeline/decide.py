"""What happens to a post that matched a wall, before any moderator has seen it."""

from __future__ import annotations

from sotong.domain import IncomingPost, ModerationMode, PostStatus, Wall
from sotong.hashtags import TagMatch

REASON_PARTICLE = "hashtag matched only with a particle attached"
REASON_SENSITIVE = "marked sensitive by its source"


def decide(wall: Wall, post: IncomingPost, match: TagMatch) -> tuple[PostStatus, str | None]:
    if match.via_particle_only:
        return PostStatus.PENDING, REASON_PARTICLE
    if post.sensitive:
        return PostStatus.PENDING, REASON_SENSITIVE
    if wall.moderation is ModerationMode.PRE:
        return PostStatus.PENDING, None
    return PostStatus.APPROVED, None
