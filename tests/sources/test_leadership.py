"""Exactly one leader per source, and a quick takeover when the leader's connection dies."""

from __future__ import annotations

import asyncio

import asyncpg

from sotong.sources.leadership import PostgresLeadership, SoleLeadership, lock_id
from tests.conftest import POSTGRES_ADMIN_URL


async def test_sole_leadership_always_leads() -> None:
    async with SoleLeadership().lead("any") as lost:
        assert not lost.is_set()


def test_lock_ids_are_stable_and_distinct() -> None:
    assert lock_id("demo/demo-0") == lock_id("demo/demo-0")
    assert lock_id("demo/demo-0") != lock_id("demo/demo-1")


async def test_one_leader_and_takeover_when_its_connection_dies(postgres_url: str) -> None:
    first = PostgresLeadership(postgres_url, retry_seconds=0.1)
    second = PostgresLeadership(postgres_url, retry_seconds=0.1)
    key = "seoul2017/mastodon-0"
    try:
        async with first.lead(key) as first_lost:
            waiting = asyncio.create_task(_lead_until_cancelled(second, key))
            done, _ = await asyncio.wait({waiting}, timeout=0.5)
            assert not done, "a second process must not lead while the first does"
            admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
            try:
                await admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()"
                )
            finally:
                await admin.close()
            await asyncio.wait_for(first_lost.wait(), 5)
            took_over = await asyncio.wait_for(waiting, 5)
            assert took_over
    finally:
        await first.stop()
        await second.stop()


async def _lead_until_cancelled(leadership: PostgresLeadership, key: str) -> bool:
    async with leadership.lead(key) as lost:
        return not lost.is_set()
