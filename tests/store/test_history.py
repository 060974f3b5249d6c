"""The moderation history in the store: the state before a decision survives the round trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sotong.domain import Author, Post, PostStatus
from sotong.store.history import PostState

NOW = datetime(2017, 11, 10, 1, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    "state",
    [
        PostState(
            PostStatus.PENDING, "hashtag matched only with a particle attached", False, False, None
        ),
        PostState(PostStatus.APPROVED, None, True, True, NOW + timedelta(microseconds=123)),
        PostState(PostStatus.REJECTED, "hidden by a moderator", True, False, NOW),
    ],
)
def test_a_state_survives_json(state: PostState) -> None:
    assert PostState.from_json(state.to_json()) == state


def test_applying_a_state_changes_only_what_moderation_changes() -> None:
    post = Post(
        "01ARZ3NDEKTSV4RRFFQ69G5FAV",
        "w",
        "api",
        "1",
        Author("a"),
        "글",
        None,
        (),
        (),
        None,
        NOW,
        None,
        PostStatus.PENDING,
    )
    state = PostState(PostStatus.APPROVED, None, True, False, NOW)
    after = state.applied_to(post)
    assert PostState.of(after) == state
    assert (after.text, after.author, after.received_at) == (
        post.text,
        post.author,
        post.received_at,
    )
