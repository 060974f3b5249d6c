"""HTTP details every polling connector needs: when to come back, and bodies read with a cap."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from sotong import __version__
from sotong.config import Settings
from sotong.sources.base import SourceInvalidPayload, SourceUnavailable

MAX_WAIT_SECONDS = 3600.0


def http_client(settings: Settings) -> httpx.AsyncClient:
    """The client sources share: modest timeouts, an honest User-Agent, no redirects by default."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(10.0, read=30.0),
        headers={"User-Agent": f"Sotong/{__version__} (+{settings.server.public_url})"},
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=10),
    )


@contextmanager
def http_errors(what: str) -> Iterator[None]:
    """httpx's failures as the shared source errors; `what` says which request failed."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise SourceUnavailable(f"{what}: no answer in time ({type(exc).__name__})") from exc
    except httpx.DecodingError as exc:
        raise SourceInvalidPayload(f"{what}: the answer could not be decoded: {exc}") from exc
    except httpx.HTTPError as exc:
        raise SourceUnavailable(f"{what}: {exc or type(exc).__name__}") from exc


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (RFC 9110 §10.2.3): seconds or an HTTP date.

    Capped at an hour, so a server's typo cannot park a source for days.
    """
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_WAIT_SECONDS)


async def read_capped(
    response: httpx.Response, max_bytes: int, what: str, limit_name: str = "the limit"
) -> bytes:
    """The body, refused before it is all held when it is larger than `max_bytes`: a hostile or
    broken server must not be able to exhaust memory."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise SourceInvalidPayload(
            f"{what} is {int(declared):,} bytes, more than {limit_name} ({max_bytes:,})"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise SourceInvalidPayload(f"{what} is larger than {limit_name} ({max_bytes:,})")
        chunks.append(chunk)
    return b"".join(chunks)
