"""Running a contest: the I/O around the pure modules. Every change is one transaction with its
audit entry; the reveal also appends a public `contest` event to the wall's log and publishes it,
like every other change screens must see."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

import orjson

from sotong.clock import Clock, utc_now
from sotong.config import Settings
from sotong.contest import draw
from sotong.contest.claims import ClaimCipher, claim_code, code_digest, derive_key
from sotong.contest.eligibility import Reviewed, best_per_author, entries, review
from sotong.contest.masking import public_name
from sotong.contest.reveal import RevealAction, RevealState, step
from sotong.contest.rules import ContestRules
from sotong.contest.scoring import EntryScore, ScoreRow, aggregate
from sotong.contest.text import contest_messages
from sotong.domain import EventType, Post, Wall
from sotong.live.bus import Bus
from sotong.store import audit, contest_prizes, contests, events
from sotong.store.contest_prizes import DrawRecord, Winner
from sotong.store.contests import Contest
from sotong.store.database import Database
from sotong.wire import dumps

logger = logging.getLogger("sotong.contest")


class ContestProblem(Exception):
    """A request the contest's state does not allow; `code` names why (docs/contest.md)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class ContestKeys:
    """Keys derived from the server's secret, one per purpose."""

    codes: bytes
    votes: bytes
    cipher: ClaimCipher

    @classmethod
    def from_secret(cls, secret: bytes) -> ContestKeys:
        return cls(
            derive_key(secret, "claim codes"),
            derive_key(secret, "audience votes"),
            ClaimCipher(derive_key(secret, "claim fields")),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> ContestKeys:
        configured = settings.server.secret_key
        if configured is None:
            # `sotong serve` refuses to start without a secret; tests and embedded uses get one
            # that lasts as long as the process.
            logger.warning("no server secret key: contest claim codes and claims last one run")
            return cls.from_secret(secrets.token_bytes(48))
        return cls.from_secret(configured.get_secret_value().encode())

    def code(self, contest_id: int, rank: int) -> str:
        return claim_code(self.codes, contest_id, rank)

    def voter(self, device: str) -> str:
        return hmac.new(self.votes, f"voter:{device}".encode(), hashlib.sha256).hexdigest()

    def ticket(self, device: str) -> str:
        """A voter ticket: the device id signed by this server."""
        mac = hmac.new(self.votes, f"ticket:{device}".encode(), hashlib.sha256).hexdigest()
        return f"{device}.{mac[:32]}"

    def device_of_ticket(self, ticket: str) -> str | None:
        device, _, _ = ticket.rpartition(".")
        if device and hmac.compare_digest(self.ticket(device), ticket):
            return device
        return None


@dataclass(slots=True)
class Overview:
    """Everything the console shows of a contest, read in one snapshot."""

    contest: Contest
    reviewed: list[Reviewed]
    shortlist: set[str]
    rows: list[ScoreRow]
    scores: dict[str, EntryScore]
    votes: dict[str, int]
    draw: DrawRecord | None
    winners: list[Winner]
    posts: dict[str, Post] = field(default_factory=dict)

    @property
    def eligible(self) -> list[Post]:
        return entries(self.reviewed)

    @property
    def locked(self) -> bool:
        """Once the draw is committed, nothing that feeds it may change."""
        return self.draw is not None

    def merit(self, post: Post) -> tuple[int, int]:
        score = self.scores.get(post.id)
        return (score.score_milli if score else 0, self.votes.get(post.id, 0))


def reveal_labels(locale: str) -> dict[str, str]:
    return {k: v for k, v in contest_messages(locale).items() if k.startswith("reveal_")}


def prize_counts(contest: Contest, winners: list[Winner]) -> list[int]:
    return [sum(1 for w in winners if w.prize_id == prize.id) for prize in contest.prizes]


def thumbnail(post: Post | None) -> str | None:
    if post is None:
        return None
    return next((m.thumb_url or m.url for m in post.media if m.kind == "image"), None)


class ContestService:
    def __init__(self, db: Database, bus: Bus, keys: ContestKeys, *, clock: Clock = utc_now):
        self.db = db
        self.bus = bus
        self.keys = keys
        self.clock = clock

    async def contest(self, wall: Wall, contest_id: int) -> Contest:
        async with self.db.read() as connection:
            found = await contests.get_contest(connection, wall.id, contest_id)
        if found is None:
            raise ContestProblem("contest_not_found", f"there is no contest {contest_id}")
        return found

    async def overview(self, wall: Wall, contest_id: int) -> Overview:
        async with self.db.read(snapshot=True) as connection:
            contest = await contests.get_contest(connection, wall.id, contest_id)
            if contest is None:
                raise ContestProblem("contest_not_found", f"there is no contest {contest_id}")
            wall_posts = await contests.wall_posts(connection, wall.id)
            banned = await contests.active_bans(connection, wall.id)
            listed = await contests.shortlist(connection, contest_id)
            rows = await contests.score_rows(connection, contest_id)
            votes = await contests.vote_counts(connection, contest_id)
            record = await contest_prizes.get_draw(connection, contest_id)
            winners = await contest_prizes.list_winners(connection, contest_id)
        reviewed = review(wall_posts, contest.rules.eligibility, banned)
        return Overview(
            contest,
            reviewed,
            listed,
            rows,
            aggregate(rows),
            votes,
            record,
            winners,
            {post.id: post for post in wall_posts},
        )

    async def create(self, wall: Wall, rules: ContestRules, actor: str) -> int:
        now = self.clock()
        async with self.db.write() as connection:
            contest_id = await contests.create_contest(connection, wall.id, rules, actor, now)
            await self._audit(connection, actor, "contest.create", wall, contest_id)
        return contest_id

    async def update(
        self, wall: Wall, contest_id: int, rules: ContestRules, version: int, actor: str
    ) -> None:
        now = self.clock()
        async with self.db.write() as connection:
            await self._unlocked(connection, contest_id)
            try:
                await contests.update_contest(connection, contest_id, rules, version, now)
            except contests.ContestChanged:
                raise ContestProblem(
                    "contest_changed", "someone else saved this contest meanwhile"
                ) from None
            await self._audit(connection, actor, "contest.update", wall, contest_id)

    async def set_shortlisted(
        self, wall: Wall, contest_id: int, post_id: str, listed: bool, actor: str
    ) -> None:
        overview = await self.overview(wall, contest_id)
        if overview.locked:
            raise ContestProblem("draw_committed", "the draw is committed; the list is frozen")
        if listed and post_id not in {post.id for post in overview.eligible}:
            raise ContestProblem("not_eligible", "only eligible entries can be shortlisted")
        async with self.db.write() as connection:
            await self._unlocked(connection, contest_id)
            await contests.set_shortlisted(
                self.db, connection, contest_id, post_id, listed, actor, self.clock()
            )
            action = "contest.shortlist.add" if listed else "contest.shortlist.remove"
            await self._audit(connection, actor, action, wall, contest_id, post_id=post_id)

    async def score(
        self, wall: Wall, contest_id: int, post_id: str, user_id: int, values: list[int]
    ) -> None:
        async with self.db.write() as connection:
            contest = await contests.get_contest(connection, wall.id, contest_id)
            if contest is None:
                raise ContestProblem("contest_not_found", f"there is no contest {contest_id}")
            if not contest.judging_open:
                raise ContestProblem("judging_closed", "judging is closed")
            if post_id not in await contests.shortlist(connection, contest_id):
                raise ContestProblem("not_shortlisted", "only shortlisted entries are scored")
            await contests.save_scores(
                self.db, connection, contest_id, post_id, user_id, values, self.clock()
            )

    async def set_judging(self, wall: Wall, contest_id: int, closed: bool, actor: str) -> None:
        now = self.clock()
        async with self.db.write() as connection:
            await self._unlocked(connection, contest_id)
            await contests.set_judging_closed(connection, contest_id, now if closed else None, now)
            action = "contest.judging.close" if closed else "contest.judging.open"
            await self._audit(connection, actor, action, wall, contest_id)

    async def vote(self, wall: Wall, contest_id: int, device: str, post_id: str) -> None:
        overview = await self.overview(wall, contest_id)
        if not votes_open(overview):
            raise ContestProblem("votes_closed", "this contest takes no votes now")
        if post_id not in {post.id for post in overview.eligible}:
            raise ContestProblem("not_eligible", "only entries can be voted for")
        async with self.db.write() as connection:
            await contests.cast_vote(
                self.db, connection, contest_id, self.keys.voter(device), post_id, self.clock()
            )

    async def my_vote(self, contest_id: int, device: str) -> str | None:
        async with self.db.read() as connection:
            return await contests.vote_of(connection, contest_id, self.keys.voter(device))

    def draw_input(self, wall: Wall, overview: Overview) -> dict[str, Any]:
        rules = overview.contest.rules
        pool = overview.eligible
        if rules.selection.pool == "shortlist":
            pool = [post for post in pool if post.id in overview.shortlist]
        if rules.eligibility.per_author == "best":
            pool = best_per_author(pool, overview.merit)
        return {
            "version": 1,
            "algorithm": draw.ALGORITHM,
            "contest": {"id": overview.contest.id, "wall": wall.slug, "name": rules.name},
            "method": rules.selection.method,
            "pool": rules.selection.pool,
            "top_n": rules.selection.top_n if rules.selection.method == "top_n_draw" else None,
            "prizes": [
                {"id": prize.id, "name": prize.name, "winners": prize.winners}
                for prize in overview.contest.prizes
            ],
            "entries": sorted(
                (
                    {
                        "id": post.id,
                        "author": public_name(post.author.name, post.author.handle),
                        "score": overview.merit(post)[0],
                        "votes": overview.merit(post)[1],
                    }
                    for post in pool
                ),
                key=lambda entry: entry["id"],
            ),
        }

    async def commit_draw(self, wall: Wall, contest_id: int, actor: str) -> DrawRecord:
        """Freeze the draw input and publish the seed's commitment."""
        overview = await self.overview(wall, contest_id)
        if overview.locked:
            raise ContestProblem("draw_committed", "the draw is already committed")
        if overview.contest.rules.selection.needs_scores and overview.contest.judging_open:
            raise ContestProblem("judging_open", "close judging before a draw that uses scores")
        draw_input = self.draw_input(wall, overview)
        if not draw_input["entries"]:
            raise ContestProblem("no_entries", "there are no entries to draw from")
        seed = draw.new_seed()
        record = DrawRecord(
            contest_id=contest_id,
            commitment=draw.commitment(seed),
            seed=seed,
            input=draw.canonical(draw_input).decode(),
            input_hash=draw.input_hash(draw_input),
            committed_by=actor,
            committed_at=self.clock(),
            drawn_by=None,
            drawn_at=None,
        )
        async with self.db.write() as connection:
            if await contest_prizes.get_draw(connection, contest_id) is not None:
                raise ContestProblem("draw_committed", "the draw is already committed")
            await contest_prizes.save_commitment(connection, record)
            await self._audit(
                connection,
                actor,
                "contest.draw.commit",
                wall,
                contest_id,
                commitment=record.commitment,
                input_hash=record.input_hash,
                entries=len(draw_input["entries"]),
            )
        return record

    async def perform_draw(self, wall: Wall, contest_id: int, actor: str) -> list[Winner]:
        """Run the committed draw: the seed becomes public, the winners are stored."""
        now = self.clock()
        async with self.db.write() as connection:
            record = await contest_prizes.get_draw(connection, contest_id)
            contest = await contests.get_contest(connection, wall.id, contest_id)
            if record is None or contest is None:
                raise ContestProblem("no_draw", "commit the draw first")
            if not await contest_prizes.mark_drawn(connection, contest_id, actor, now):
                raise ContestProblem("drawn", "the draw has run already")
            draw_input = orjson.loads(record.input)
            chosen = draw.select_winners(draw_input, record.seed)
            prize_ids = [prize["id"] for prize in draw_input["prizes"]]
            await contest_prizes.insert_winners(
                connection,
                contest_id,
                [
                    (
                        prize_ids[winner.prize_index],
                        winner.entry,
                        winner.rank,
                        code_digest(self.keys.code(contest_id, winner.rank)),
                    )
                    for winner in chosen
                ],
            )
            await self._audit(
                connection,
                actor,
                "contest.draw.run",
                wall,
                contest_id,
                winners=[winner.to_json() for winner in chosen],
            )
            return await contest_prizes.list_winners(connection, contest_id)

    async def public_record(self, wall: Wall, contest_id: int) -> dict[str, Any]:
        """The draw record anyone may check with `sotong contest verify`."""
        async with self.db.read() as connection:
            contest = await contests.get_contest(connection, wall.id, contest_id)
            record = await contest_prizes.get_draw(connection, contest_id) if contest else None
        if contest is None or record is None:
            raise ContestProblem("no_draw", "this contest has no committed draw")
        draw_input = orjson.loads(record.input)
        winners = None
        if record.drawn:
            names = {entry["id"]: entry["author"] for entry in draw_input["entries"]}
            winners = [
                {
                    **winner.to_json(),
                    "prize": draw_input["prizes"][winner.prize_index]["name"],
                    "author": names.get(winner.entry),
                }
                for winner in draw.select_winners(draw_input, record.seed)
            ]
        return {
            "algorithm": draw.ALGORITHM,
            "contest": draw_input["contest"],
            "status": "drawn" if record.drawn else "committed",
            "commitment": record.commitment,
            "committed_at": record.committed_at.isoformat(),
            "input": draw_input,
            "input_hash": record.input_hash,
            "seed": record.seed if record.drawn else None,
            "drawn_at": record.drawn_at.isoformat() if record.drawn_at else None,
            "winners": winners,
        }

    async def reveal(
        self, wall: Wall, contest_id: int, action: RevealAction, actor: str
    ) -> RevealState:
        now = self.clock()
        async with self.db.write() as connection:
            contest = await contests.get_contest(connection, wall.id, contest_id)
            if contest is None:
                raise ContestProblem("contest_not_found", f"there is no contest {contest_id}")
            winners = await contest_prizes.list_winners(connection, contest_id)
            if not winners:
                raise ContestProblem("no_winners", "run the draw before the reveal")
            state = step(contest.reveal, action, prize_counts(contest, winners))
            await contests.set_reveal(connection, contest_id, state, now)
            await self._audit(connection, actor, f"contest.reveal.{action}", wall, contest_id)
            payload = await self._reveal_payload(connection, wall, contest, state, winners)
            stored = await events.append_events(
                connection, wall.id, [(EventType.CONTEST, dumps(payload))], now
            )
        await self.bus.publish(stored)
        return state

    async def current_reveal(self, wall: Wall) -> dict[str, Any]:
        """What a screen that connects now should show of a reveal in progress."""
        async with self.db.read(snapshot=True) as connection:
            contest = await contests.revealing_contest(connection, wall.id)
            if contest is None:
                return {"phase": "idle", "labels": reveal_labels(wall.locale)}
            winners = await contest_prizes.list_winners(connection, contest.id)
            return await self._reveal_payload(connection, wall, contest, contest.reveal, winners)

    async def _reveal_payload(
        self,
        connection: Any,
        wall: Wall,
        contest: Contest,
        state: RevealState,
        winners: list[Winner],
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "contest": contest.id,
            "name": contest.name,
            "labels": reveal_labels(wall.locale),
            **state.to_json(),
        }
        if state.phase in ("idle", "end"):
            return payload
        counts = prize_counts(contest, winners)
        payload["prizes"] = [
            {"name": prize.name, "winners": counts[index]}
            for index, prize in enumerate(contest.prizes)
        ]
        if state.phase == "intro":
            return payload
        prize = contest.prizes[state.prize_index]
        shown = [w for w in winners if w.prize_id == prize.id][: state.shown]
        found = await contests.posts_by_id(connection, [w.post_id for w in shown])
        payload["prize"] = {"name": prize.name, "winners": counts[state.prize_index]}
        payload["winners"] = [
            {
                "place": place + 1,
                "name": public_name(found[w.post_id].author.name, found[w.post_id].author.handle)
                if w.post_id in found
                else "",
                "thumb_url": thumbnail(found.get(w.post_id)),
            }
            for place, w in enumerate(shown)
        ]
        return payload

    async def _unlocked(self, connection: Any, contest_id: int) -> None:
        if await contest_prizes.get_draw(connection, contest_id) is not None:
            raise ContestProblem("draw_committed", "the draw is committed; the contest is frozen")

    async def _audit(
        self,
        connection: Any,
        actor: str,
        action: str,
        wall: Wall,
        contest_id: int,
        *,
        post_id: str | None = None,
        **detail: Any,
    ) -> None:
        await audit.record(
            connection,
            audit.AuditEntry(
                at=self.clock(),
                actor=actor,
                action=action,
                wall_id=wall.id,
                post_id=post_id,
                detail={"contest": contest_id, **detail},
            ),
        )


def votes_open(overview: Overview) -> bool:
    return (
        overview.contest.rules.audience_votes
        and overview.contest.judging_open
        and not overview.locked
    )
