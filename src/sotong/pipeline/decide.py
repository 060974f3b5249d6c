"""What happens to a post that matched a wall, before any moderator has seen it."""

from __future__ import annotations

from sotong.domain import IncomingPost, ModerationMode, PostStatus, Wall
from sotong.hashtags import TagMatch
from sotong.moderation.reasons import reason


def decide(
    wall: Wall, post: IncomingPost, match: TagMatch
) -> tuple[PostStatus, str | None, str | None]:
    """The status the wall's mode gives a post, with the reason and rule code when a flag on the
    post itself sends it to the queue."""
    if match.via_particle_only:
        return PostStatus.PENDING, reason("particle", wall.locale), "particle"
    if post.sensitive:
        return PostStatus.PENDING, reason("sensitive", wall.locale), "sensitive"
    if wall.moderation is ModerationMode.PRE:
        return PostStatus.PENDING, None, None
    return PostStatus.APPROVED, None, None
