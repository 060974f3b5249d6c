"""Which posts of a wall are contest entries, and why the others are not. Pure: the caller loads
the posts, the active bans and the contest's rules."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sotong.contest.rules import Eligibility
from sotong.domain import Post, PostStatus
from sotong.hashtags import tag_key
from sotong.store.posts import author_key

AuthorId = tuple[str, str]
"""(source, author key): who posted, as bans and caps know them."""


class Exclusion(enum.StrEnum):
    NOT_APPROVED = "not_approved"  # waiting, rejected, removed or withdrawn
    BEFORE_WINDOW = "before_window"
    AFTER_WINDOW = "after_window"
    NO_IMAGE = "no_image"
    NO_HASHTAG = "no_hashtag"
    BANNED = "banned"
    STAFF = "staff"
    ANOTHER_ENTRY = "another_entry"  # one entry per author: an earlier post is the entry


@dataclass(frozen=True, slots=True)
class Reviewed:
    post: Post
    excluded: Exclusion | None

    @property
    def eligible(self) -> bool:
        return self.excluded is None


def post_time(post: Post) -> datetime:
    return post.created_at or post.received_at


def author_of(post: Post) -> AuthorId:
    return post.source, (post.author.key or author_key(post.author)).casefold()


def normalise_staff(value: str) -> str:
    return value.strip().casefold().removeprefix("@")


def _is_staff(post: Post, staff: frozenset[str]) -> bool:
    if not staff:
        return False
    names = {normalise_staff(author_of(post)[1])}
    if post.author.handle:
        names.add(normalise_staff(post.author.handle))
    return not names.isdisjoint(staff)


def _has_image(post: Post) -> bool:
    return any(item.kind == "image" for item in post.media)


def _exclusion(
    post: Post,
    rules: Eligibility,
    banned: frozenset[AuthorId],
    staff: frozenset[str],
    tags: frozenset[str],
) -> Exclusion | None:
    if post.status is not PostStatus.APPROVED:
        return Exclusion.NOT_APPROVED
    moment = post_time(post)
    if rules.starts_at is not None and moment < rules.starts_at:
        return Exclusion.BEFORE_WINDOW
    if rules.ends_at is not None and moment >= rules.ends_at:
        return Exclusion.AFTER_WINDOW
    if rules.require_image and not _has_image(post):
        return Exclusion.NO_IMAGE
    if tags and tags.isdisjoint(tag_key(tag) for tag in post.tags):
        return Exclusion.NO_HASHTAG
    if author_of(post) in banned:
        return Exclusion.BANNED
    if _is_staff(post, staff):
        return Exclusion.STAFF
    return None


def review(posts: Iterable[Post], rules: Eligibility, banned: Iterable[AuthorId]) -> list[Reviewed]:
    """Every post with its verdict, oldest first. With one entry per author, an author's earliest
    eligible post is the entry; with the best entry per author every eligible post stays in, and
    `best_per_author` picks one when the draw input is frozen."""
    banned_set = frozenset((source, key.casefold()) for source, key in banned)
    staff = frozenset(normalise_staff(name) for name in rules.staff if normalise_staff(name))
    tags = frozenset(tag_key(tag) for tag in rules.hashtags)
    seen: set[AuthorId] = set()
    reviewed = []
    for post in sorted(posts, key=lambda p: (post_time(p), p.id)):
        excluded = _exclusion(post, rules, banned_set, staff, tags)
        if excluded is None and rules.per_author == "one":
            author = author_of(post)
            if author in seen:
                excluded = Exclusion.ANOTHER_ENTRY
            seen.add(author)
        reviewed.append(Reviewed(post, excluded))
    return reviewed


def entries(reviewed: Sequence[Reviewed]) -> list[Post]:
    return [item.post for item in reviewed if item.eligible]


def best_per_author(posts: Sequence[Post], merit: Callable[[Post], tuple[int, int]]) -> list[Post]:
    """Each author's best post by `merit` (higher is better: score, then votes); equal merit goes
    to the earlier post. Returned in the order of `posts`."""
    best: dict[AuthorId, Post] = {}
    for post in sorted(posts, key=lambda p: (post_time(p), p.id)):
        author = author_of(post)
        current = best.get(author)
        if current is None or merit(post) > merit(current):
            best[author] = post
    chosen = {post.id for post in best.values()}
    return [post for post in posts if post.id in chosen]


def exclusion_counts(reviewed: Sequence[Reviewed]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in reviewed:
        if item.excluded is not None:
            counts[item.excluded.value] = counts.get(item.excluded.value, 0) + 1
    return counts
