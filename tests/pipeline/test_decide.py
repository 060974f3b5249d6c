from __future__ import annotations

import pytest

from sotong.domain import Author, IncomingPost, ModerationMode, PostStatus, Wall
from sotong.hashtags import match_tags
from sotong.moderation.reasons import reason
from sotong.pipeline.decide import decide

REASON_PARTICLE = reason("particle", "ko")
REASON_SENSITIVE = reason("sensitive", "ko")

TAGS = ("#2017서울소통컨퍼런스", "#서울소셜컨퍼런스")


def wall(mode: ModerationMode) -> Wall:
    return Wall(1, "w", "W", TAGS, mode, "ko", match_particles=True)


def post(sensitive: bool = False) -> IncomingPost:
    return IncomingPost("api", "1", Author("a"), "t", sensitive=sensitive)


@pytest.mark.parametrize(
    ("mode", "tags", "sensitive", "expected"),
    [
        (ModerationMode.POST, ["서울소셜컨퍼런스"], False, (PostStatus.APPROVED, None, None)),
        (ModerationMode.PRE, ["서울소셜컨퍼런스"], False, (PostStatus.PENDING, None, None)),
        (
            ModerationMode.POST,
            ["서울소셜컨퍼런스에서"],
            False,
            (PostStatus.PENDING, REASON_PARTICLE, "particle"),
        ),
        (
            ModerationMode.POST,
            ["서울소셜컨퍼런스에서", "서울소셜컨퍼런스"],
            False,
            (PostStatus.APPROVED, None, None),
        ),
        (
            ModerationMode.POST,
            ["서울소셜컨퍼런스"],
            True,
            (PostStatus.PENDING, REASON_SENSITIVE, "sensitive"),
        ),
    ],
)
def test_decide(
    mode: ModerationMode,
    tags: list[str],
    sensitive: bool,
    expected: tuple[PostStatus, str | None, str | None],
) -> None:
    match = match_tags(tags, TAGS, match_particles=True)
    assert decide(wall(mode), post(sensitive), match) == expected
