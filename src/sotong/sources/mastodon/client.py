"""REST I/O against one Mastodon instance; HTTP failures become the three shared source errors.

Endpoints: https://docs.joinmastodon.org/methods/instance/#v2 (falling back to #v1),
https://docs.joinmastodon.org/methods/timelines/#tag, https://docs.joinmastodon.org/methods/apps/#verify_credentials.
Rate limits: https://docs.joinmastodon.org/api/rate-limits/.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import orjson

from sotong.sources.base import SourceAuthError, SourceInvalidPayload, SourceUnavailable
from sotong.sources.http import http_errors, read_capped, retry_after
from sotong.sources.mastodon.parse import InstanceInfo, parse_instance, parse_timeline

PAGE_LIMIT = 40
TAGS_PER_REQUEST = 4
MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_STATUSES_PER_PAGE = 10 * PAGE_LIMIT
MAX_WAIT_SECONDS = 3600.0
RATE_LIMIT_FALLBACK_SECONDS = 60.0


class NotFound(SourceUnavailable):
    """A 404: not a credentials problem, and it may pass (see `raise_for_status`)."""


def _seconds_until(moment: datetime) -> float:
    return (moment - datetime.now(UTC)).total_seconds()


def rate_limit_reset(value: str | None) -> float | None:
    """X-RateLimit-Reset as seconds from now: an ISO 8601 time (Mastodon) or epoch seconds."""
    if not value:
        return None
    value = value.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            moment = datetime.fromtimestamp(float(value), UTC)
        except (ValueError, OverflowError, OSError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return min(max(_seconds_until(moment), 0.0), MAX_WAIT_SECONDS)


def raise_for_status(response: httpx.Response, what: str, *, token_env: str | None) -> None:
    """Translate a refusal into the shared errors, with a message that says what to fix."""
    status = response.status_code
    if status < 300:
        return
    if status == 401:
        if token_env:
            raise SourceAuthError(
                f"{what}: the access token in {token_env} was refused (401); it may be revoked "
                "or mistyped: create a new one with the read:statuses scope"
            )
        if "/timelines/tag/" in what:
            raise SourceAuthError(
                "this instance requires an access token for hashtag timelines: set "
                f"access_token_env ({what} answered 401)"
            )
        raise SourceAuthError(f"{what}: the instance requires an access token (401)")
    if status == 403:
        raise SourceAuthError(
            f"{what}: forbidden (403): the token lacks the read:statuses scope, or the instance "
            "refuses this client"
        )
    if status in (404, 410):
        # Documented for a hashtag the instance does not know yet (it may appear with the first
        # post), but also what a base_url that is not a Mastodon API answers: retry, with backoff.
        raise NotFound(
            f"{what}: not found ({status}): is base_url the instance's own address? "
            "(Mastodon also answers 404 for a hashtag it has never seen)"
        )
    if status == 429:
        wait = retry_after(response.headers.get("Retry-After"))
        if wait is None:
            wait = rate_limit_reset(response.headers.get("X-RateLimit-Reset"))
        raise SourceUnavailable(f"{what}: rate limited (429)", retry_after=wait)
    if 300 <= status < 400:
        location = response.headers.get("Location", "?")
        raise SourceUnavailable(
            f"{what}: redirected ({status}) to {location}: set base_url to the address the "
            "instance's API answers on"
        )
    raise SourceUnavailable(
        f"{what}: the instance answered {status}",
        retry_after=retry_after(response.headers.get("Retry-After")),
    )


class MastodonClient:
    """One instance's REST API through the shared httpx client."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        *,
        token: str | None = None,
        token_env: str | None = None,
    ) -> None:
        self._http = http
        self.base_url = base_url.rstrip("/")
        self._headers = {"Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._token_env = token_env if token else None
        self._paused_until = 0.0

    async def instance(self) -> InstanceInfo | None:
        """The instance's metadata (v2, else v1), or None when it publishes neither."""
        for version in (2, 1):
            try:
                raw = await self.get_json(f"/api/v{version}/instance")
            except NotFound:
                continue
            return parse_instance(raw, version=version)
        return None

    async def verify_token(self) -> None:
        """Any valid token passes `GET /api/v1/apps/verify_credentials`, whatever its scopes."""
        try:
            await self.get_json("/api/v1/apps/verify_credentials")
        except NotFound:
            return

    async def tag_timeline(
        self, tags: Sequence[str], *, min_id: str | None = None, limit: int = PAGE_LIMIT
    ) -> list[Any]:
        """One page of `GET /api/v1/timelines/tag/{first}?any[]=...`, newest first.

        With `min_id` the page holds the statuses immediately newer than it, so paging forward
        never skips (unlike `since_id`, which returns the newest and leaves a gap)."""
        first, *more = tags
        params: list[tuple[str, str]] = [("any[]", tag) for tag in more]
        params.append(("limit", str(limit)))
        if min_id is not None:
            params.append(("min_id", min_id))
        raw = await self.get_json(
            f"/api/v1/timelines/tag/{quote(first, safe='')}",
            params,
            what=f"GET /api/v1/timelines/tag/{first}",
        )
        return parse_timeline(raw, max_statuses=MAX_STATUSES_PER_PAGE)

    async def get_json(
        self, path: str, params: Sequence[tuple[str, str]] = (), *, what: str = ""
    ) -> object:
        what = what or f"GET {path}"
        left = self._paused_until - time.monotonic()
        if left > 0:
            raise SourceUnavailable(
                f"the instance's rate limit is used up; it resets in {left:.0f} s", retry_after=left
            )
        with http_errors(what):
            async with self._http.stream(
                "GET",
                self.base_url + path,
                params=httpx.QueryParams(list(params)),
                headers=self._headers,
            ) as response:
                self._note_rate_limit(response)
                raise_for_status(response, what, token_env=self._token_env)
                body = await read_capped(response, MAX_BODY_BYTES, f"{what}: the answer")
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise SourceInvalidPayload(f"{what}: the answer is not JSON: {exc}") from None

    def _note_rate_limit(self, response: httpx.Response) -> None:
        """Used-up budget pauses the next request (this answer is still used) until the reset."""
        remaining = response.headers.get("X-RateLimit-Remaining", "").strip()
        if remaining.lstrip("-").isdigit() and int(remaining) <= 0:
            wait = rate_limit_reset(response.headers.get("X-RateLimit-Reset"))
            self._paused_until = time.monotonic() + (
                RATE_LIMIT_FALLBACK_SECONDS if wait is None else wait
            )
