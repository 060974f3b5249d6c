"""All network I/O of the Naver source: one search call, its errors in the shared vocabulary.

Errors follow https://developers.naver.com/docs/common/openapiguide/errorcode.md : a JSON body
`{"errorMessage": "...", "errorCode": "..."}` with 400 (SE01-SE06, a bad request), 401 (`024`,
credentials missing or wrong, or the Search API not enabled for the application), 403 (no API
permission), 404 (SE05, no such search API), 429 (`010`, the daily quota; `012`, the per-second
rate) and 500 (SE99).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import httpx
import orjson

from sotong.clock import Clock, utc_now
from sotong.sources.base import SourceAuthError, SourceInvalidPayload, SourceUnavailable
from sotong.sources.http import http_errors, read_capped, retry_after
from sotong.sources.naver.parse import KST, Kind, SearchPage, parse_page

DISPLAY = 100
MAX_START = 1000
MAX_BYTES = 2_000_000
CALL_SECONDS = 30.0
RATE_LIMIT_SECONDS = 60.0
QUOTA_CODE = "010"
AUTH_CODE = "024"


class NaverClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        clock: Clock = utc_now,
    ) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._headers = {
            "X-Naver-Client-Id": client_id,
            "X-Naver-Client-Secret": client_secret,
            "Accept": "application/json",
        }
        self._clock = clock

    async def search(self, kind: Kind, query: str, start: int = 1) -> SearchPage:
        """One page of results, newest first."""
        url = f"{self._base_url}/v1/search/{kind}.json"
        params: dict[str, str | int] = {
            "query": query,
            "display": DISPLAY,
            "start": start,
            "sort": "date",
        }
        try:
            with http_errors(f"Naver search at {url}"):
                async with (
                    asyncio.timeout(CALL_SECONDS),
                    self._http.stream("GET", url, params=params, headers=self._headers) as response,
                ):
                    body = await read_capped(response, MAX_BYTES, "Naver's answer")
        except TimeoutError:
            raise SourceUnavailable(
                f"Naver search did not answer within {CALL_SECONDS:.0f} s"
            ) from None
        if response.status_code != httpx.codes.OK:
            raise search_error(
                response.status_code,
                body,
                response.headers,
                url=url,
                query=query,
                now=self._clock(),
            )
        return parse_page(body)


def search_error(
    status: int,
    body: bytes,
    headers: httpx.Headers,
    *,
    url: str,
    query: str,
    now: datetime,
) -> Exception:
    """The shared error for a failed search call, carrying Naver's own message."""
    code, message = error_fields(body)
    detail = f"{message} ({code})" if message and code else message or code or f"HTTP {status}"
    if status in (401, 403) or code == AUTH_CODE:
        return SourceAuthError(
            f"Naver refused the credentials ({status}): {detail}; check the variables named "
            "by client_id_env and client_secret_env, and that the application has the "
            "검색 (Search) API enabled at https://developers.naver.com/apps/"
        )
    if code == QUOTA_CODE or (status == 429 and "query limit" in message.lower()):
        return SourceUnavailable(
            f"Naver's daily quota of 25,000 calls is used up: {detail}; resuming after "
            "midnight KST",
            retry_after=seconds_until_midnight_kst(now),
        )
    retry = retry_after(headers.get("retry-after"), now)
    if status == 429:
        return SourceUnavailable(
            f"Naver is rate-limiting: {detail}",
            retry_after=retry if retry is not None else RATE_LIMIT_SECONDS,
        )
    if status == 404:
        return SourceAuthError(f"no Naver search API at {url} (404): {detail}; check base_url")
    if status == 400:
        return SourceInvalidPayload(f"Naver refused the query {query!r} (400): {detail}")
    if status >= 500:
        return SourceUnavailable(f"Naver search failed ({status}): {detail}", retry_after=retry)
    return SourceUnavailable(f"Naver search answered {status}: {detail}", retry_after=retry)


def error_fields(body: bytes) -> tuple[str, str]:
    """`errorCode` and `errorMessage` of an error body; empty strings when it has none."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    code, message = data.get("errorCode"), data.get("errorMessage")
    return (
        code if isinstance(code, str) else "",
        message.strip() if isinstance(message, str) else "",
    )


def seconds_until_midnight_kst(now: datetime) -> float:
    """Naver resets the daily quota at midnight in Korea."""
    local = now.astimezone(KST)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - local).total_seconds()
