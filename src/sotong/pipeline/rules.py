"""The rules step of ingest: each wall's moderation rules applied to the posts the writer is about
to store, with what they need from the database read in a few queries per group, inside the
write transaction. Writes are serialised there, so two copies of a text or an author's posts
arriving at the same moment are still counted against each other."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.clock import Clock, utc_now
from sotong.config import RuleSettings
from sotong.domain import Post, Wall
from sotong.moderation.plain_text import text_fingerprint
from sotong.moderation.rules import Facts, judge, trusted
from sotong.store import rule_facts

RulesFor = Callable[[Wall], RuleSettings]
"""A wall's current rules (they change while the server runs)."""

CAP_WINDOW = timedelta(hours=1)


class RulesStep:
    def __init__(self, rules_for: RulesFor, *, clock: Clock = utc_now) -> None:
        self._rules_for = rules_for
        self._clock = clock

    async def apply(
        self, connection: AsyncConnection, wall: Wall, batch: Sequence[Post]
    ) -> list[Post]:
        """The posts after the wall's rules, in order; earlier ones count for later ones."""
        if not batch:
            return []
        settings = self._rules_for(wall)
        facts = await self._facts(connection, wall, settings, batch)
        shown_now: dict[tuple[str, str], int] = {}
        judged: list[Post] = []
        for post in batch:
            author = (post.source, post.author.key or "")
            # Posts of one batch count towards the cap of those after them.
            found = replace(
                facts[post.id],
                shown_last_hour=facts[post.id].shown_last_hour + shown_now.get(author, 0),
            )
            is_trusted = trusted(post.author, post.source, settings.trusted_authors)
            after = judge(post, found, settings, is_trusted=is_trusted, locale=wall.locale)
            if after.visible:
                shown_now[author] = shown_now.get(author, 0) + 1
            judged.append(after)
        return judged

    def recheck(self, wall: Wall, post: Post) -> Post:
        """An edited post's new words, checked again (what the database knows did not change)."""
        settings = self._rules_for(wall)
        is_trusted = trusted(post.author, post.source, settings.trusted_authors)
        return judge(post, Facts(), settings, is_trusted=is_trusted, locale=wall.locale)

    async def _facts(
        self, connection: AsyncConnection, wall: Wall, settings: RuleSettings, batch: Sequence[Post]
    ) -> dict[str, Facts]:
        now = self._clock()
        authors = {(post.source, post.author.key or "") for post in batch}
        fingerprints = {
            post.id: fingerprint
            for post in batch
            if settings.duplicate_text_hours and (fingerprint := text_fingerprint(post.text))
        }
        bans = await rule_facts.active_bans(connection, wall.id, authors)
        shown = (
            await rule_facts.shown_since(connection, wall.id, authors, now - CAP_WINDOW)
            if settings.author_hourly_cap
            else {}
        )
        earlier = await rule_facts.same_text(
            connection,
            wall.id,
            set(fingerprints.values()),
            now - timedelta(hours=settings.duplicate_text_hours),
        )
        first_in_batch: dict[str, str] = {}
        facts = {}
        for post in batch:
            author = (post.source, post.author.key or "")
            fingerprint = fingerprints.get(post.id)
            copy_of = None
            if fingerprint is not None:
                copy_of = earlier.get(fingerprint) or first_in_batch.get(fingerprint)
                first_in_batch.setdefault(fingerprint, post.id)
            facts[post.id] = Facts(
                ban_reason=bans.get(author),
                shown_last_hour=shown.get(author, 0),
                same_text_as=copy_of,
            )
        return facts
