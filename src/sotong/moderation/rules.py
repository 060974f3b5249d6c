"""Automatic moderation rules, as pure functions: which rule a post trips, why, and what follows.

The pipeline's rules step (`sotong.pipeline.rules`) gathers what needs the database (bans, how
many posts an author has on screen, earlier posts with the same text) and hands it to `judge`.
Every rule records its code and a reason a moderator can read. Rules send a post to the queue
when they are unsure; only a ban and a clean hit of a severe word keep a post off the wall for
good (rejected, with its reason, never deleted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Final, Literal, get_args

from sotong.config import RuleSettings
from sotong.domain import Author, Post, PostStatus
from sotong.moderation.plain_text import link_only
from sotong.moderation.reasons import reason, words_reason
from sotong.moderation.words import WordRules, WordVerdict

RuleCode = Literal[
    "banned",
    "words",
    "particle",
    "sensitive",
    "author_cap",
    "duplicate_text",
    "link_only",
    "near_duplicate",
]
RULE_CODES: Final[tuple[RuleCode, ...]] = get_args(RuleCode)


@dataclass(frozen=True, slots=True)
class Flag:
    rule: RuleCode
    reason: str
    reject: bool = False  # keep it off the wall for good; otherwise it waits in the queue


@dataclass(frozen=True, slots=True)
class Facts:
    """What the database knows about one post's author and text, gathered by the rules step."""

    ban_reason: str | None = None  # the author is banned here (wall or every wall)
    shown_last_hour: int = 0  # the author's posts that went on screen in the last hour
    same_text_as: str | None = None  # the id of an earlier post on this wall with the same text


def trusted(author: Author, source: str, entries: Iterable[str]) -> bool:
    """Whether a wall's trusted-author entry names this author: `@handle` or `key` (any source),
    or `source:@handle` (one network)."""
    key = (author.key or author.handle or "").casefold()
    if not key:
        return False
    for entry in entries:
        wanted = entry.strip().casefold()
        if wanted == key or wanted == f"{source.casefold()}:{key}":
            return True
    return False


@lru_cache(maxsize=64)
def _compiled(blocked: tuple[str, ...], allowed: tuple[str, ...], bundled: bool) -> WordRules:
    return WordRules.build(blocked, allowed, defaults=bundled)


def word_rules(settings: RuleSettings) -> WordRules:
    """A wall's compiled word rules, built once per distinct list."""
    return _compiled(
        tuple(settings.blocked_words), tuple(settings.allowed_words), settings.bundled_words
    )


@lru_cache(maxsize=4096)
def _name_verdict(rules: WordRules, name: str) -> WordVerdict:
    # An author posts many times under one name: check it once.
    return rules.check(name)


def word_flag(post: Post, rules: WordRules, locale: str) -> Flag | None:
    """Words in the text, the author's name or the images' alt text."""
    verdicts = [
        rules.check(post.text),
        _name_verdict(rules, post.author.name),
        *(rules.check(item.alt) for item in post.media if item.alt),
    ]
    strongest = None
    for verdict in verdicts:
        if verdict.action != "pass" and (strongest is None or verdict.score > strongest.score):
            strongest = verdict
    if strongest is None:
        return None
    return Flag("words", words_reason(strongest, locale), strongest.action == "block")


def flags_for(post: Post, facts: Facts, settings: RuleSettings, locale: str) -> list[Flag]:
    """Every rule this post trips, strongest first, each with its reason in `locale`."""
    found: list[Flag] = []
    if facts.ban_reason is not None:
        banned = reason("banned", locale, reason=facts.ban_reason or reason("no_reason", locale))
        found.append(Flag("banned", banned, reject=True))
    words = word_flag(post, word_rules(settings), locale)
    if words is not None:
        found.append(words)
    cap = settings.author_hourly_cap
    if cap and facts.shown_last_hour >= cap:
        found.append(
            Flag("author_cap", reason("author_cap", locale, count=facts.shown_last_hour, cap=cap))
        )
    if facts.same_text_as is not None:
        found.append(
            Flag("duplicate_text", reason("duplicate_text", locale, post_id=facts.same_text_as))
        )
    if settings.link_only and link_only(post.text, bool(post.media)):
        found.append(Flag("link_only", reason("link_only", locale)))
    found.sort(key=lambda flag: (not flag.reject, RULE_CODES.index(flag.rule)))
    return found


def judge(
    post: Post, facts: Facts, settings: RuleSettings, *, is_trusted: bool, locale: str = "ko"
) -> Post:
    """The post after the rules: rejected, sent to the queue with its reason, or unchanged.

    A post the pipeline already flagged (a particle match, a sensitive source flag) keeps that
    reason unless a rule rejects it. A trusted author's post skips pre-moderation and every rule
    that would only queue it; bans and severe words still apply (an official account can be
    hijacked), and so do the flags its source set.
    """
    found = flags_for(post, facts, settings, locale)
    flags = [flag for flag in found if flag.reject or not is_trusted]
    if flags and flags[0].reject:
        top = flags[0]
        return replace(
            post, status=PostStatus.REJECTED, reason=top.reason, rule=top.rule, shown_at=None
        )
    if post.rule is not None:
        return post
    if flags:
        top = flags[0]
        return replace(
            post, status=PostStatus.PENDING, reason=top.reason, rule=top.rule, shown_at=None
        )
    if is_trusted and post.status is PostStatus.PENDING and post.reason is None:
        return replace(post, status=PostStatus.APPROVED, shown_at=post.received_at)
    return post
