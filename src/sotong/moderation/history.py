"""The decisions made on a wall, newest first, and undoing one: the posts it changed go back to
their state before it, and every screen and the queue follow.

A decision made together with others (a bulk decision, a ban) is undone with them. A post that
changed again since (a later decision, withdrawn by its uploader, deleted at its source) keeps its
newer state. Undoing a ban also lifts the ban it made.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sotong.domain import DecisionAction, EventType, Post, PostStatus, Wall
from sotong.moderation.bans import BAN, append_by_wall, lift_entry
from sotong.moderation.desk import Desk
from sotong.pipeline.ingest import change_events
from sotong.store import audit, bans, history, posts
from sotong.store.history import Decision, NewDecision, PostState

UNDO = "undo"
UNDOABLE = frozenset({*(action.value for action in DecisionAction), BAN})


class DecisionNotFound(LookupError):
    pass


class NothingToUndo(Exception):
    """The decision was undone already, cannot be undone, or every post changed since."""


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One action: a decision, or the decisions made together in a bulk decision or a ban."""

    decisions: list[Decision]
    posts: list[Post]
    undoable: bool

    @property
    def first(self) -> Decision:
        return self.decisions[0]


@dataclass(slots=True)
class UndoOutcome:
    restored: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    lifted_bans: list[int] = field(default_factory=list)


def can_undo(decision: Decision, post: Post | None, latest: dict[str, int]) -> bool:
    """Whether undoing this decision would put its post back: it is the post's newest decision."""
    return (
        decision.action in UNDOABLE
        and decision.prior is not None
        and decision.undone_at is None
        and post is not None
        and post.status is not PostStatus.REMOVED
        and latest.get(decision.post_id) == decision.id
    )


def group(decisions: list[Decision]) -> list[list[Decision]]:
    """Decisions made together, newest action first."""
    groups: dict[str, list[Decision]] = {}
    for decision in decisions:
        groups.setdefault(decision.batch or f"#{decision.id}", []).append(decision)
    ordered = sorted(groups.values(), key=lambda found: -max(d.id for d in found))
    return [sorted(found, key=lambda d: d.id) for found in ordered]


class History(Desk):
    async def entries(
        self, wall: Wall, limit: int, before: int | None = None
    ) -> tuple[list[HistoryEntry], int | None]:
        """A page of the wall's history, and the `before` of the next page (None: the end)."""
        async with self._db.read(snapshot=True) as connection:
            found = await history.recent(connection, wall.id, limit, before)
            post_ids = [decision.post_id for decision in found]
            by_id = {post.id: post for post in await posts.get_posts(connection, post_ids)}
            latest = await history.latest_ids(connection, post_ids)
        entries = [
            HistoryEntry(
                decisions,
                [by_id[d.post_id] for d in decisions if d.post_id in by_id],
                any(can_undo(d, by_id.get(d.post_id), latest) for d in decisions),
            )
            for decisions in group(found)
        ]
        next_before = found[-1].id if len(found) == limit else None
        return entries, next_before

    async def undo(self, wall: Wall, decision_id: int, actor: str) -> UndoOutcome:
        now = self._clock()
        outcome = UndoOutcome()
        async with self._db.write() as connection:
            decision = await history.get(connection, decision_id)
            if decision is None or decision.wall_id != wall.id:
                raise DecisionNotFound(decision_id)
            together = await history.in_batch(connection, decision.batch) if decision.batch else []
            candidates = [
                d
                for d in together or [decision]
                if d.action in UNDOABLE and d.prior is not None and d.undone_at is None
            ]
            if not candidates:
                raise NothingToUndo(decision_id)
            post_ids = [d.post_id for d in candidates]
            await posts.lock_posts(connection, post_ids)
            current = {post.id: post for post in await posts.get_posts(connection, post_ids)}
            latest = await history.latest_ids(connection, post_ids)
            batch = self._ids.new() if len(candidates) > 1 else None
            by_wall: dict[int, list[tuple[EventType, str]]] = defaultdict(list)
            entries = []
            for d in candidates:
                before = current.get(d.post_id)
                if before is None or not can_undo(d, before, latest) or d.prior is None:
                    outcome.skipped.append(d.post_id)
                    continue
                after = d.prior.applied_to(before)
                if after != before:
                    await posts.update_post(connection, after)
                    by_wall[d.wall_id] += change_events(before, after)
                outcome.restored.append(d.post_id)
                entries.append(
                    NewDecision(
                        d.post_id,
                        d.wall_id,
                        UNDO,
                        actor,
                        now,
                        prior=PostState.of(before),
                        batch=batch,
                    )
                )
            for ban_id in sorted({d.ban_id for d in candidates if d.ban_id is not None}):
                ban = await bans.get_ban(connection, ban_id)
                if ban is not None and await bans.lift_ban(connection, ban_id, actor, now):
                    await audit.record(connection, lift_entry(ban, wall, actor, now))
                    outcome.lifted_bans.append(ban_id)
            if not outcome.restored and not outcome.lifted_bans:
                raise NothingToUndo(decision_id)
            await history.mark_undone(connection, [d.id for d in candidates], actor, now)
            await history.record(connection, entries)
            await audit.record(
                connection,
                audit.AuditEntry(
                    at=now,
                    actor=actor,
                    action="decision.undo",
                    wall_id=wall.id,
                    post_id=decision.post_id,
                    detail={
                        "decision_id": decision.id,
                        "action": decision.action,
                        "restored": outcome.restored,
                        "skipped": outcome.skipped,
                        "lifted_bans": outcome.lifted_bans,
                    },
                ),
            )
            stored = await append_by_wall(connection, by_wall, now)
        await self._bus.publish(stored)
        return outcome
