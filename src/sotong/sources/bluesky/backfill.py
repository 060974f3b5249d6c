"""Catching up through `app.bsky.feed.searchPosts`, signed in with an app password.

searchPosts needs a session: `com.atproto.server.createSession` (identifier + app password) is
rate-limited to 30 calls per 5 minutes per account
(https://docs.bsky.app/docs/advanced-guides/rate-limits), so the session is created once, kept,
renewed with `com.atproto.server.refreshSession` when the access token expires, and created anew
at most once a minute. The `tag` parameter's values are ANDed
(https://docs.bsky.app/docs/api/app-bsky-feed-search-posts), so there is one query per wall tag.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TypeVar

import httpx

from sotong.domain import IncomingPost
from sotong.sources.base import SourceAuthError, SourceContext, SourceUnavailable
from sotong.sources.bluesky.client import (
    TokenExpired,
    Xrpc,
    create_session,
    refresh_session,
    search_posts,
)
from sotong.sources.bluesky.parse import (
    LOGGED_OUT_OPT_OUT,
    Session,
    post_from_view,
    profile_from_view,
)
from sotong.sources.bluesky.profiles import ProfileCache

PAGE_SIZE = 100
MAX_PAGES = 5
MIN_CREATE_INTERVAL = 60.0

T = TypeVar("T")


class SessionKeeper:
    """One atproto session per source, reused across reconnects."""

    def __init__(
        self,
        identifier: str,
        password: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.identifier = identifier
        self._password = password
        self._clock = clock
        self._session: Session | None = None
        self._created_at: float | None = None
        self.creations = 0
        self.refreshes = 0

    @property
    def session(self) -> Session | None:
        return self._session

    async def signed_in(self, pds: Xrpc) -> Session:
        if self._session is None:
            await self._create(pds)
        assert self._session is not None
        return self._session

    async def call(self, pds: Xrpc, request: Callable[[str], Awaitable[T]]) -> T:
        """Run `request(access_token)`, renewing the session once if its token has expired."""
        session = await self.signed_in(pds)
        try:
            return await request(session.access_jwt)
        except TokenExpired:
            await self._renew(pds, session)
        assert self._session is not None
        return await request(self._session.access_jwt)

    async def _renew(self, pds: Xrpc, session: Session) -> None:
        try:
            self._session = await refresh_session(pds, session)
            self.refreshes += 1
        except SourceAuthError:
            self._session = None
            await self._create(pds)

    async def _create(self, pds: Xrpc) -> None:
        now = self._clock()
        if self._created_at is not None and now - self._created_at < MIN_CREATE_INTERVAL:
            wait = MIN_CREATE_INTERVAL - (now - self._created_at)
            raise SourceUnavailable("waiting before signing in again", retry_after=wait)
        self._created_at = now
        self.creations += 1
        try:
            self._session = await create_session(pds, self.identifier, self._password)
        except SourceAuthError as exc:
            raise SourceAuthError(
                f"Bluesky refused the sign-in of {self.identifier!r}: check identifier and the "
                f"app password ({exc})"
            ) from exc


def search_params(tag: str, since: datetime | None, cursor: str | None) -> list[tuple[str, str]]:
    params = [("q", f"#{tag}"), ("tag", tag), ("sort", "latest"), ("limit", str(PAGE_SIZE))]
    if since is not None:
        params.append(("since", since.isoformat().replace("+00:00", "Z")))
    if cursor is not None:
        params.append(("cursor", cursor))
    return params


async def backfill(
    context: SourceContext,
    http: httpx.AsyncClient,
    *,
    pds_url: str,
    cdn_url: str,
    keeper: SessionKeeper,
    profiles: ProfileCache,
    tags: Sequence[str],
    since: datetime | None,
    remember: Callable[[IncomingPost], None],
) -> int:
    """Search each tag's recent posts (since `since`, or the newest pages) into the wall."""
    pds = Xrpc(http, pds_url)
    stored = 0
    for tag in tags:
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            params = search_params(tag, since, cursor)

            async def page(
                token: str, params: list[tuple[str, str]] = params
            ) -> tuple[list[object], str | None]:
                return await search_posts(pds, token, params)

            views, cursor = await keeper.call(pds, page)
            posts: list[IncomingPost] = []
            for view in views:
                post = post_from_view(view, cdn_url=cdn_url)
                if post is None:
                    context.skip("unusable search result", str(view)[:200])
                    continue
                author = profile_from_view(view.get("author") if isinstance(view, dict) else None)
                if author is not None:
                    profiles.remember(author)
                    if author.hidden_from_logged_out:
                        context.skip(LOGGED_OUT_OPT_OUT, post.external_id)
                        continue
                posts.append(post)
            if posts:
                results = await context.ingest(posts)
                for post, result in zip(posts, results, strict=True):
                    if result.post_id is not None:
                        remember(post)
                stored += sum(1 for result in results if result.created)
            if cursor is None or not views:
                break
    return stored
