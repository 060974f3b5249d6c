"""Which posts are entries: the window's edges, removed posts, bans, staff, one or the best entry
per author."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from sotong.contest.eligibility import (
    Exclusion,
    best_per_author,
    entries,
    exclusion_counts,
    review,
)
from sotong.contest.rules import Eligibility
from sotong.domain import Author, Media, Post, PostStatus

START = datetime(2017, 11, 10, 1, 0, tzinfo=UTC)
END = START + timedelta(hours=8)
IMAGE = (Media(url="/media/a.webp"),)


def post(
    post_id: str,
    *,
    at: datetime = START + timedelta(hours=1),
    author: str = "@yeonsil",
    source: str = "mastodon",
    status: PostStatus = PostStatus.APPROVED,
    media: tuple[Media, ...] = IMAGE,
    tags: tuple[str, ...] = ("서울소셜컨퍼런스",),
    key: str | None = None,
) -> Post:
    return Post(
        id=post_id,
        wall_slug="seoul2017",
        source=source,
        external_id=post_id,
        author=Author(name="고연실", handle=author, key=key or author.casefold()),
        text="",
        html=None,
        tags=tags,
        media=media,
        created_at=at,
        received_at=at + timedelta(seconds=2),
        shown_at=at,
        status=status,
    )


def verdicts(posts: list[Post], rules: Eligibility, banned: list[tuple[str, str]] | None = None):
    return {item.post.id: item.excluded for item in review(posts, rules, banned or [])}


def test_the_window_includes_its_start_and_excludes_its_end() -> None:
    rules = Eligibility(starts_at=START, ends_at=END)
    found = verdicts(
        [
            post("a", at=START - timedelta(microseconds=1), author="@a"),
            post("b", at=START, author="@b"),
            post("c", at=END - timedelta(microseconds=1), author="@c"),
            post("d", at=END, author="@d"),
        ],
        rules,
    )
    assert found == {
        "a": Exclusion.BEFORE_WINDOW,
        "b": None,
        "c": None,
        "d": Exclusion.AFTER_WINDOW,
    }


def test_a_post_without_its_own_time_counts_from_when_it_arrived() -> None:
    late = replace(post("a"), created_at=None, received_at=END)
    assert verdicts([late], Eligibility(ends_at=END)) == {"a": Exclusion.AFTER_WINDOW}


@pytest.mark.parametrize("status", [PostStatus.PENDING, PostStatus.REJECTED, PostStatus.REMOVED])
def test_only_approved_posts_enter(status: PostStatus) -> None:
    found = verdicts([post("a", status=status)], Eligibility())
    assert found == {"a": Exclusion.NOT_APPROVED}


def test_an_image_and_a_chosen_hashtag_can_be_required() -> None:
    rules = Eligibility(require_image=True, hashtags=("#서울소셜컨퍼런스", "SeoulSocial"))
    found = verdicts(
        [
            post("a", media=(), author="@a"),
            post("b", media=(Media(url="/v.mp4", kind="video"),), author="@b"),
            post("c", tags=("2017서울소통컨퍼런스",), author="@c"),
            post("d", tags=("SEOULSOCIAL",), author="@d"),
            post("e", author="@e"),
        ],
        rules,
    )
    assert found == {
        "a": Exclusion.NO_IMAGE,
        "b": Exclusion.NO_IMAGE,
        "c": Exclusion.NO_HASHTAG,
        "d": None,
        "e": None,
    }
    assert rules.hashtags == ("#서울소셜컨퍼런스", "#SeoulSocial")


def test_banned_authors_are_out_by_source_and_key() -> None:
    posts = [
        post("a", author="@banned"),
        post("b", author="@banned", source="bluesky"),
        post("c", author="@fine"),
    ]
    found = verdicts(posts, Eligibility(), banned=[("mastodon", "@BANNED")])
    assert found == {"a": Exclusion.BANNED, "b": None, "c": None}


def test_staff_by_handle_or_author_key() -> None:
    posts = [
        post("a", author="@Organiser"),
        post("b", author="", key="device:abc", source="upload"),
        post("c", author="@guest"),
    ]
    rules = Eligibility(staff=("organiser", "device:ABC"))
    assert verdicts(posts, rules) == {"a": Exclusion.STAFF, "b": Exclusion.STAFF, "c": None}


def test_one_entry_per_author_is_the_earliest_eligible_post() -> None:
    posts = [
        post("late", at=START + timedelta(hours=3)),
        post("early-but-removed", at=START, status=PostStatus.REMOVED),
        post("first", at=START + timedelta(hours=1)),
        post("other", at=START + timedelta(hours=2), author="@other"),
    ]
    reviewed = review(posts, Eligibility(per_author="one"), [])
    assert [p.id for p in entries(reviewed)] == ["first", "other"]
    assert exclusion_counts(reviewed) == {"not_approved": 1, "another_entry": 1}


def test_the_best_entry_per_author_keeps_every_post_until_scores_pick_one() -> None:
    posts = [
        post("a1", at=START + timedelta(hours=1)),
        post("a2", at=START + timedelta(hours=2)),
        post("a3", at=START + timedelta(hours=3)),
        post("b1", at=START + timedelta(hours=1), author="@b"),
        post("b2", at=START + timedelta(hours=2), author="@b"),
    ]
    eligible = entries(review(posts, Eligibility(per_author="best"), []))
    assert len(eligible) == 5
    merit = {"a1": (3000, 0), "a2": (4000, 1), "a3": (4000, 0), "b1": (0, 2), "b2": (0, 2)}
    best = best_per_author(eligible, lambda p: merit[p.id])
    assert [p.id for p in best] == [
        "b1",
        "a2",
    ]  # equal merit: the earlier post; posts keep their order
