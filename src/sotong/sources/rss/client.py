"""All network I/O of the feed source: one conditional GET, its body read under a byte cap.

HTTP semantics followed: conditional requests (RFC 9110 §13: `If-None-Match` from the last
`ETag`, `If-Modified-Since` from the last `Last-Modified`, 304 when nothing changed) and
`Retry-After` (§10.2.3, seconds or an HTTP date). Redirects are followed by hand, at most five.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from sotong.sources.base import SourceAuthError, SourceUnavailable
from sotong.sources.http import http_errors, read_capped, retry_after

MAX_REDIRECTS = 5
FETCH_SECONDS = 60.0
ACCEPT = (
    "application/feed+json, application/atom+xml, application/rss+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)


@dataclass(frozen=True, slots=True)
class FeedDocument:
    body: bytes
    content_type: str
    url: str
    etag: str | None
    last_modified: str | None


async def fetch_feed(
    http: httpx.AsyncClient,
    url: str,
    *,
    max_bytes: int,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FeedDocument | None:
    """The feed's bytes, or None when the server says it has not changed (304)."""
    headers = {"Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with asyncio.timeout(FETCH_SECONDS):
            with http_errors(f"the feed at {url}"):
                return await _follow(http, url, headers, max_bytes)
    except TimeoutError:
        raise SourceUnavailable(
            f"the feed at {url} did not finish answering within {FETCH_SECONDS:.0f} s"
        ) from None


async def _follow(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], max_bytes: int
) -> FeedDocument | None:
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        async with http.stream("GET", current, headers=headers, follow_redirects=False) as response:
            if response.has_redirect_location:
                current = str(response.url.join(response.headers["location"]))
                continue
            if response.status_code == httpx.codes.NOT_MODIFIED:
                return None
            raise_for_status(response, url)
            body = await read_capped(response, max_bytes, "the feed", "max_bytes")
            return FeedDocument(
                body=body,
                content_type=response.headers.get("content-type", ""),
                url=str(response.url),
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            )
    raise SourceUnavailable(f"the feed at {url} redirected more than {MAX_REDIRECTS} times")


def raise_for_status(response: httpx.Response, url: str) -> None:
    """The shared source errors for every answer that is not a feed."""
    status = response.status_code
    if status == httpx.codes.OK:
        return
    if status in (401, 403):
        raise SourceAuthError(
            f"the feed at {url} refused access ({status}); the feed is private or blocks "
            "this server: check `url`"
        )
    if status == 410:
        raise SourceAuthError(f"the feed at {url} is gone for good (410): fix or remove `url`")
    if status == 404:
        raise SourceUnavailable(
            f"no feed at {url} (404): check `url`; retrying, as sites often answer 404 "
            "for a moment while they redeploy"
        )
    retry = retry_after(response.headers.get("retry-after"))
    if status == 429:
        raise SourceUnavailable(f"the feed at {url} asks us to slow down (429)", retry_after=retry)
    if status >= 500:
        raise SourceUnavailable(f"the feed's server failed ({status})", retry_after=retry)
    raise SourceUnavailable(f"the feed at {url} answered {status}, not a feed", retry_after=retry)
