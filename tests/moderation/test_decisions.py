from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sotong.domain import Author, DecisionAction, EventType, Post, PostStatus
from sotong.moderation.decisions import REASON_HIDDEN, apply_action
from sotong.pipeline.ingest import change_events

NOW = datetime(2017, 11, 10, tzinfo=UTC)


def post(status: PostStatus, **changes: object) -> Post:
    values: dict[str, object] = {
        "id": "01ARZ3NDEKTSV4RRFFQ69G5FAV",
        "wall_slug": "w",
        "source": "api",
        "external_id": "1",
        "author": Author("a"),
        "text": "t",
        "html": None,
        "tags": (),
        "media": (),
        "created_at": None,
        "received_at": NOW,
        "shown_at": NOW if status is PostStatus.APPROVED else None,
        "status": status,
    }
    values.update(changes)
    return Post(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "action", "status", "pinned", "event"),
    [
        (PostStatus.PENDING, DecisionAction.APPROVE, PostStatus.APPROVED, False, EventType.POST),
        (PostStatus.PENDING, DecisionAction.REJECT, PostStatus.REJECTED, False, None),
        (PostStatus.PENDING, DecisionAction.PIN, PostStatus.APPROVED, True, EventType.POST),
        (PostStatus.APPROVED, DecisionAction.APPROVE, PostStatus.APPROVED, False, None),
        (PostStatus.APPROVED, DecisionAction.REJECT, PostStatus.REJECTED, False, EventType.REMOVE),
        (PostStatus.APPROVED, DecisionAction.PIN, PostStatus.APPROVED, True, EventType.POST),
        (PostStatus.APPROVED, DecisionAction.UNPIN, PostStatus.APPROVED, False, None),
        (PostStatus.REJECTED, DecisionAction.APPROVE, PostStatus.APPROVED, False, EventType.POST),
        (PostStatus.REJECTED, DecisionAction.REJECT, PostStatus.REJECTED, False, None),
        (PostStatus.REJECTED, DecisionAction.UNFEATURE, PostStatus.REJECTED, False, None),
        (PostStatus.APPROVED, DecisionAction.HIDE, PostStatus.REJECTED, False, EventType.REMOVE),
        (PostStatus.PENDING, DecisionAction.HIDE, PostStatus.PENDING, False, None),
        (PostStatus.REJECTED, DecisionAction.HIDE, PostStatus.REJECTED, False, None),
    ],
)
def test_transitions(
    start: PostStatus,
    action: DecisionAction,
    status: PostStatus,
    pinned: bool,
    event: EventType | None,
) -> None:
    before = post(start)
    after = apply_action(before, action, NOW)
    assert (after.status, after.pinned) == (status, pinned)
    screen = [kind for kind, _ in change_events(before, after) if not kind.private]
    assert screen == ([event] if event else [])
    if after.visible:
        assert after.shown_at is not None


@pytest.mark.parametrize(
    ("start", "action", "moderation"),
    [
        (PostStatus.PENDING, DecisionAction.APPROVE, [EventType.UNQUEUED]),
        (PostStatus.PENDING, DecisionAction.REJECT, [EventType.UNQUEUED]),
        (PostStatus.PENDING, DecisionAction.UNPIN, []),
        (PostStatus.APPROVED, DecisionAction.REJECT, []),
        (PostStatus.REJECTED, DecisionAction.APPROVE, []),
    ],
)
def test_the_queue_hears_when_a_waiting_post_is_decided(
    start: PostStatus, action: DecisionAction, moderation: list[EventType]
) -> None:
    before = post(start)
    events = change_events(before, apply_action(before, action, NOW))
    assert [kind for kind, _ in events if kind.private] == moderation


def test_feature_on_screen_keeps_shown_at() -> None:
    earlier = datetime(2017, 11, 9, tzinfo=UTC)
    after = apply_action(post(PostStatus.APPROVED, shown_at=earlier), DecisionAction.FEATURE, NOW)
    assert after.featured
    assert after.shown_at == earlier


def test_hiding_is_not_refusing_and_approving_shows_it_again() -> None:
    hidden = apply_action(post(PostStatus.APPROVED, pinned=True), DecisionAction.HIDE, NOW)
    assert hidden.reason == REASON_HIDDEN
    shown = apply_action(hidden, DecisionAction.APPROVE, NOW)
    assert (shown.status, shown.reason, shown.pinned) == (PostStatus.APPROVED, None, True)
