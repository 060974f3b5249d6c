"""Prizes after the draw: claims from winners, the prize desk, the export, the report, and the
deletion of contact details on schedule. I/O around the pure modules.

Privacy rules kept here: only winners reach the claim form (a claim code is the only way in);
claim fields are sealed before they are stored; every opening of a claim's full details writes an
audit entry in the same transaction; a claim is deleted `claim_retention_days` after delivery, or
`undelivered_retention_days` after it was made if the prize never went out.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.config import ContestSettings
from sotong.contest.claims import CONSENT_VERSION, ClaimDetails, code_digest, normalise_code
from sotong.contest.export import to_csv
from sotong.contest.masking import mask_address, mask_name, mask_phone, public_name
from sotong.contest.reveal import announced
from sotong.contest.service import ContestProblem, ContestService, prize_counts
from sotong.domain import Post, Wall
from sotong.store import audit, contest_prizes, contests
from sotong.store.contest_prizes import SealedClaim, Winner
from sotong.store.contests import Contest, Prize

logger = logging.getLogger("sotong.contest")


@dataclass(frozen=True, slots=True)
class ClaimTarget:
    winner: Winner
    contest: Contest
    prize: Prize
    wall_id: int
    code: str
    details_given: bool


@dataclass(frozen=True, slots=True)
class DeskRow:
    winner: Winner
    prize: Prize
    post: Post | None
    code: str
    claim: SealedClaim | None
    masked_name: str
    masked_phone: str
    masked_address: str
    public: str


class PrizeDesk:
    def __init__(self, service: ContestService, settings: ContestSettings) -> None:
        self.service = service
        self.settings = settings
        self.purged = asyncio.Event()  # set after each run of the deletion job (for tests)

    @property
    def _db(self) -> Any:
        return self.service.db

    async def target(self, code: str) -> ClaimTarget | None:
        """The winner a claim code belongs to; None for anything else."""
        printed = normalise_code(code)
        if printed is None:
            return None
        async with self._db.read() as connection:
            winner = await contest_prizes.winner_by_code(connection, code_digest(printed))
            if winner is None:
                return None
            wall_id = await contests.wall_of_contest(connection, winner.contest_id)
            contest = await contests.get_contest(connection, wall_id, winner.contest_id)
            claims = await contest_prizes.claims_of(connection, [winner.id])
        if contest is None:
            return None
        prize = next(p for p in contest.prizes if p.id == winner.prize_id)
        return ClaimTarget(winner, contest, prize, wall_id, printed, winner.id in claims)

    async def claim(self, target: ClaimTarget, details: ClaimDetails) -> int:
        """Store a winner's claim and take one item of stock; ContestProblem when it was claimed
        already or the stock is gone. Returns the stock left."""
        now = self.service.clock()
        cipher = self.service.keys.cipher
        winner_id = target.winner.id
        sealed = SealedClaim(
            id=0,
            winner_id=winner_id,
            name=cipher.seal(details.name, winner_id),
            phone=cipher.seal(details.phone, winner_id),
            delivery=details.delivery,
            address=cipher.seal(details.address, winner_id) if details.address else None,
            consent_version=CONSENT_VERSION,
            consented_at=now,
            delete_after=now + timedelta(days=self.settings.undelivered_retention_days),
        )
        try:
            async with self._db.write() as connection:
                left = await contest_prizes.claim_prize(connection, target.winner, sealed, now)
                await audit.record(
                    connection,
                    audit.AuditEntry(
                        at=now,
                        actor="winner",
                        action="contest.claim",
                        wall_id=target.wall_id,
                        post_id=target.winner.post_id,
                        detail={"contest": target.contest.id, "winner": winner_id},
                    ),
                )
        except contest_prizes.AlreadyClaimed:
            raise ContestProblem("already_claimed", "this prize was claimed already") from None
        except contest_prizes.OutOfStock:
            raise ContestProblem("out_of_stock", "this prize has run out") from None
        return left

    async def rows(self, wall: Wall, contest_id: int) -> list[DeskRow]:
        """The desk's list, masked: enough to recognise a winner, not to contact them."""
        contest = await self.service.contest(wall, contest_id)
        async with self._db.read(snapshot=True) as connection:
            winners = await contest_prizes.list_winners(connection, contest_id)
            claims = await contest_prizes.claims_of(connection, [w.id for w in winners])
            found = await contests.posts_by_id(connection, [w.post_id for w in winners])
        prizes = {prize.id: prize for prize in contest.prizes}
        cipher = self.service.keys.cipher
        rows = []
        for winner in winners:
            claim = claims.get(winner.id)
            name = phone = address = ""
            if claim is not None:
                try:
                    name = mask_name(cipher.open(claim.name, winner.id))
                    phone = mask_phone(cipher.open(claim.phone, winner.id))
                    if claim.address:
                        address = mask_address(cipher.open(claim.address, winner.id))
                except ValueError:  # sealed under another server secret
                    name = phone = address = "?"
            post = found.get(winner.post_id)
            rows.append(
                DeskRow(
                    winner,
                    prizes[winner.prize_id],
                    post,
                    self.service.keys.code(contest_id, winner.rank),
                    claim,
                    name,
                    phone,
                    address,
                    public_name(post.author.name, post.author.handle) if post else "",
                )
            )
        return rows

    async def open_claim(
        self, wall: Wall, contest_id: int, winner_id: int, actor: str
    ) -> tuple[Winner, ClaimDetails]:
        """A claim's full details, for an owner; the view is audited in the same transaction."""
        now = self.service.clock()
        async with self._db.write() as connection:
            winner = await _winner_of(connection, wall, contest_id, winner_id)
            claim = (await contest_prizes.claims_of(connection, [winner_id])).get(winner_id)
            if claim is None:
                raise ContestProblem("no_claim", "no contact details are stored for this winner")
            await audit.record(
                connection,
                audit.AuditEntry(
                    at=now,
                    actor=actor,
                    action="contest.claim.view",
                    wall_id=wall.id,
                    post_id=winner.post_id,
                    detail={"contest": contest_id, "winner": winner_id},
                ),
            )
        return winner, self._opened(claim)

    def _opened(self, claim: SealedClaim) -> ClaimDetails:
        cipher = self.service.keys.cipher
        return ClaimDetails(
            cipher.open(claim.name, claim.winner_id),
            cipher.open(claim.phone, claim.winner_id),
            "mail" if claim.delivery == "mail" else "desk",
            cipher.open(claim.address, claim.winner_id) if claim.address else None,
        )

    async def deliver(self, wall: Wall, contest_id: int, winner_id: int, actor: str) -> None:
        now = self.service.clock()
        delete_after = now + timedelta(days=self.settings.claim_retention_days)
        async with self._db.write() as connection:
            await _winner_of(connection, wall, contest_id, winner_id)
            if not await contest_prizes.mark_delivered(
                connection, winner_id, actor, now, delete_after
            ):
                raise ContestProblem("not_claimed", "unclaimed or already delivered")
            await audit.record(
                connection,
                audit.AuditEntry(
                    at=now,
                    actor=actor,
                    action="contest.deliver",
                    wall_id=wall.id,
                    detail={"contest": contest_id, "winner": winner_id},
                ),
            )

    async def export(self, wall: Wall, contest_id: int, actor: str) -> str:
        """Every claim in full, as CSV, for an owner; audited with the winners it contains."""
        contest = await self.service.contest(wall, contest_id)
        now = self.service.clock()
        async with self._db.write() as connection:
            winners = await contest_prizes.list_winners(connection, contest_id)
            claims = await contest_prizes.claims_of(connection, [w.id for w in winners])
            await audit.record(
                connection,
                audit.AuditEntry(
                    at=now,
                    actor=actor,
                    action="contest.claims.export",
                    wall_id=wall.id,
                    detail={"contest": contest_id, "winners": sorted(claims)},
                ),
            )
        prizes = {prize.id: prize.name for prize in contest.prizes}
        rows = []
        for winner in winners:
            claim = claims.get(winner.id)
            details = self._opened(claim) if claim else None
            rows.append(
                [
                    winner.rank,
                    prizes[winner.prize_id],
                    self.service.keys.code(contest_id, winner.rank),
                    details.name if details else "",
                    details.phone if details else "",
                    details.delivery if details else "",
                    (details.address or "") if details else "",
                    "delivered" if winner.delivered_at else "claimed" if claim else "unclaimed",
                ]
            )
        header = ["rank", "prize", "code", "name", "phone", "delivery", "address", "state"]
        return to_csv(header, rows)

    async def purge(self) -> int:
        """Delete the claims whose time has come; returns how many."""
        now = self.service.clock()
        async with self._db.write() as connection:
            gone = await contest_prizes.purge_claims(connection, now)
            if gone:
                await audit.record(
                    connection,
                    audit.AuditEntry(
                        at=now,
                        actor="system",
                        action="contest.claims.purge",
                        detail={"winners": gone},
                    ),
                )
        return len(gone)

    async def run_purge_job(self) -> None:
        """The deletion job of the app's lifespan: at start, then every purge interval."""
        while True:
            try:
                deleted = await self.purge()
                if deleted:
                    logger.info("deleted %d prize claim(s) past their retention", deleted)
            except Exception:
                logger.exception("prize claim deletion failed; retrying at the next interval")
            self.purged.set()
            await asyncio.sleep(self.settings.purge_interval_seconds)

    async def prize_of_post(self, post_id: str) -> dict[str, Any] | None:
        """The prize box of an uploader's status page, once the win is announced."""
        async with self._db.read() as connection:
            for winner in await contest_prizes.winners_of_post(connection, post_id):
                wall_id = await contests.wall_of_contest(connection, winner.contest_id)
                contest = await contests.get_contest(connection, wall_id, winner.contest_id)
                if contest is None:
                    continue
                winners = await contest_prizes.list_winners(connection, contest.id)
                counts = prize_counts(contest, winners)
                index = next(i for i, p in enumerate(contest.prizes) if p.id == winner.prize_id)
                place = [w.id for w in winners if w.prize_id == winner.prize_id].index(winner.id)
                if (index, place) not in announced(contest.reveal, counts):
                    continue
                code = self.service.keys.code(contest.id, winner.rank)
                state = (
                    "delivered" if winner.delivered_at else "claimed" if winner.claimed_at else ""
                )
                return {
                    "contest": contest.name,
                    "prize": contest.prizes[index].name,
                    "code": code,
                    "claim_url": f"/claim/{code}",
                    "state": state or "unclaimed",
                }
        return None


async def _winner_of(
    connection: AsyncConnection, wall: Wall, contest_id: int, winner_id: int
) -> Winner:
    """A winner of a contest of `wall`; any other id is `winner_not_found`."""
    if await contests.wall_of_contest(connection, contest_id) != wall.id:
        raise ContestProblem("winner_not_found", "there is no such winner")
    winners = await contest_prizes.list_winners(connection, contest_id)
    found = next((winner for winner in winners if winner.id == winner_id), None)
    if found is None:
        raise ContestProblem("winner_not_found", "there is no such winner")
    return found
