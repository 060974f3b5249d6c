"""Pure functions: Mastodon API JSON (statuses, instances, stream frames) -> Sotong values.

Shapes follow https://docs.joinmastodon.org/entities/Status/,
https://docs.joinmastodon.org/entities/MediaAttachment/,
https://docs.joinmastodon.org/entities/Instance/ and https://docs.joinmastodon.org/methods/streaming/.
Nothing here raises on a hostile single item: an unusable status comes back as `Unusable`.
Only a whole answer that is not what the API promises raises SourceInvalidPayload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import orjson

from sotong.domain import Author, IncomingPost, Media
from sotong.hashtags import tag_key
from sotong.sources.base import SourceAuthError, SourceInvalidPayload

SOURCE = "mastodon"
MAX_ID_CHARS = 40
MAX_CONTENT_CHARS = 100_000
MAX_ATTACHMENTS = 20
MAX_TAGS = 50
MAX_DIMENSION = 100_000
# Still images we can show: the picture itself, or the still preview Mastodon makes for a video.
STILL_OF = {"image": "url", "gifv": "preview_url", "video": "preview_url"}
HIDDEN_VISIBILITIES = {"private", "direct"}


@dataclass(frozen=True, slots=True)
class Unusable:
    """A status we cannot put on a wall, and why (counted with `context.skip`)."""

    reason: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class InstanceInfo:
    domain: str
    version: str
    streaming_url: str | None
    hashtag_feeds: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StreamEvent:
    event: str
    payload: str | None


# --- ids -----------------------------------------------------------------------------------------


def status_id(value: object) -> str | None:
    """A usable status id: Mastodon's numeric strings, or another server's short alphanumerics."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID_CHARS:
        return None
    return value if value.isascii() and value.isalnum() else None


def id_order(value: str) -> tuple[int, int, str]:
    """Sort key: numeric ids compare as integers (never floats: 18-digit snowflakes collide there);
    other ids (GoToSocial's ULIDs) as text, which is their time order."""
    if value.isdigit():
        return (0, int(value), "")
    return (1, 0, value)


def newest_id(ids: list[str]) -> str | None:
    return max(ids, key=id_order) if ids else None


def is_newer(candidate: str, than: str | None) -> bool:
    return than is None or id_order(candidate) > id_order(than)


# --- HTML -> text --------------------------------------------------------------------------------

_BLOCKS = {"p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"}
_LINE_BLOCKS = {"li", "tr"}
_SKIPPED = {"script", "style", "template", "head", "title"}
_SPACES = re.compile(r"[ \t\r\n\f]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class _TextCollector(HTMLParser):
    """Readable text the way Mastodon shows it: paragraphs and line breaks kept, the hidden parts
    of shortened links left out and an ellipsis where Mastodon puts one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._spans: list[str] = []
        self._hidden = 0
        self._skipped = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipped += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag in _LINE_BLOCKS:
            self.parts.append("\n")
        elif tag == "span":
            classes = (dict(attrs).get("class") or "").split()
            kind = (
                "invisible"
                if "invisible" in classes
                else "ellipsis"
                if "ellipsis" in classes
                else ""
            )
            self._spans.append(kind)
            if kind == "invisible":
                self._hidden += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipped = max(0, self._skipped - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "span" and self._spans:
            kind = self._spans.pop()
            if kind == "invisible":
                self._hidden -= 1
            elif kind == "ellipsis" and not self._hidden:
                self.parts.append("…")

    def handle_data(self, data: str) -> None:
        if not self._hidden and not self._skipped:
            self.parts.append(_SPACES.sub(" ", data))


def html_to_text(html: str) -> str:
    """Plain text from a status's HTML: tags dropped, entities unescaped, line breaks kept."""
    collector = _TextCollector()
    collector.feed(html[:MAX_CONTENT_CHARS])
    collector.close()
    lines = [line.strip() for line in "".join(collector.parts).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


# --- statuses ------------------------------------------------------------------------------------


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _dimension(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_DIMENSION:
        return value
    return None


def _datetime(value: object) -> datetime | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_media(raw: object) -> tuple[Media, ...]:
    """Every picture of a status: images as they are, videos and GIFs by their still preview."""
    if not isinstance(raw, list):
        return ()
    found = []
    for item in raw[:MAX_ATTACHMENTS]:
        if not isinstance(item, dict):
            continue
        still_field = STILL_OF.get(str(item.get("type")))
        if still_field is None:
            continue
        preview = _text(item.get("preview_url"))
        url = _text(item.get(still_field)) or _text(item.get("remote_url")) or preview
        if url is None:
            continue
        meta = item.get("meta")
        original = meta.get("original") if isinstance(meta, dict) else None
        size = original if isinstance(original, dict) else {}
        found.append(
            Media(
                url=url,
                thumb_url=preview,
                width=_dimension(size.get("width")),
                height=_dimension(size.get("height")),
                alt=_text(item.get("description")),
                blurhash=_text(item.get("blurhash")),
            )
        )
    return tuple(found)


def parse_tags(raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list):
        return ()
    names = (item.get("name") for item in raw[:MAX_TAGS] if isinstance(item, dict))
    return tuple(name for name in names if isinstance(name, str) and name)


def status_tag_keys(raw: object) -> set[str]:
    """The normalised keys of the tags a raw status carries (to move the right cursors)."""
    tags = parse_tags(raw.get("tags")) if isinstance(raw, dict) else ()
    return {key for key in (tag_key(tag) for tag in tags) if key}


def parse_author(raw: object) -> Author | None:
    if not isinstance(raw, dict):
        return None
    acct = _text(raw.get("acct")) or _text(raw.get("username"))
    display_name = (_text(raw.get("display_name")) or "").strip()
    name = display_name or acct
    if name is None:
        return None
    return Author(
        name=name,
        handle=f"@{acct}" if acct else None,
        avatar_url=_text(raw.get("avatar_static")) or _text(raw.get("avatar")),
    )


def parse_status(raw: object) -> IncomingPost | Unusable | None:
    """A status as an IncomingPost; None for a boost (not a new post); Unusable when broken."""
    if not isinstance(raw, dict):
        return Unusable("status is not an object", type(raw).__name__)
    external_id = status_id(raw.get("id"))
    if external_id is None:
        return Unusable("status without a usable id", repr(raw.get("id"))[:80])
    if raw.get("reblog") is not None:
        return None
    if raw.get("visibility") in HIDDEN_VISIBILITIES:
        return Unusable("status is not public", external_id)
    author = parse_author(raw.get("account"))
    if author is None:
        return Unusable("status without an account", external_id)
    content = _text(raw.get("content")) or ""
    body = html_to_text(content)
    spoiler = _SPACES.sub(" ", _text(raw.get("spoiler_text")) or "").strip()
    text = f"{spoiler}\n\n{body}".strip() if spoiler else body
    return IncomingPost(
        source=SOURCE,
        external_id=external_id,
        author=author,
        text=text,
        html=content[:MAX_CONTENT_CHARS] or None,
        tags=parse_tags(raw.get("tags")),
        media=parse_media(raw.get("media_attachments")),
        created_at=_datetime(raw.get("created_at")),
        permalink=_text(raw.get("url")) or _text(raw.get("uri")),
        sensitive=raw.get("sensitive") is True or bool(spoiler),
    )


def parse_timeline(raw: object, *, max_statuses: int) -> list[Any]:
    """The statuses of one tag-timeline page, or SourceInvalidPayload when it is not one."""
    if not isinstance(raw, list):
        raise SourceInvalidPayload(
            f"the tag timeline answered with a JSON {type(raw).__name__}, not a list of statuses"
        )
    if len(raw) > max_statuses:
        raise SourceInvalidPayload(
            f"the tag timeline answered with {len(raw)} statuses for one page "
            f"(at most {max_statuses} are read)"
        )
    return raw


def page_ids(statuses: list[Any]) -> list[str]:
    ids = (status_id(item.get("id")) for item in statuses if isinstance(item, dict))
    return [value for value in ids if value is not None]


# --- instance ------------------------------------------------------------------------------------


def _path(raw: object, *keys: str) -> object:
    for key in keys:
        if not isinstance(raw, dict):
            return None
        raw = raw.get(key)
    return raw


def parse_instance(raw: object, *, version: int) -> InstanceInfo:
    """`GET /api/v2/instance` (version 2) or the older `/api/v1/instance` (version 1)."""
    if not isinstance(raw, dict):
        raise SourceInvalidPayload("the instance endpoint did not answer with a JSON object")
    if version == 2:
        domain = _text(raw.get("domain"))
        streaming = _text(_path(raw, "configuration", "urls", "streaming"))
        feeds = _path(raw, "configuration", "timelines_access", "hashtag_feeds")
        access = {
            scope: value
            for scope, value in (feeds.items() if isinstance(feeds, dict) else ())
            if scope in ("local", "remote") and isinstance(value, str)
        }
    else:
        domain = _text(raw.get("uri"))
        streaming = _text(_path(raw, "urls", "streaming_api"))
        access = {}
    return InstanceInfo(
        domain=domain or "",
        version=_text(raw.get("version")) or "unknown",
        streaming_url=streaming,
        hashtag_feeds=access,
    )


def hashtag_access_problem(instance: InstanceInfo, *, has_token: bool) -> str | None:
    """What Mastodon 4.5's `configuration.timelines_access.hashtag_feeds` rules out, if anything."""
    access = instance.hashtag_feeds
    if access and all(value == "disabled" for value in access.values()):
        return "this instance has disabled hashtag feeds"
    needs_token = sorted(scope for scope, value in access.items() if value == "authenticated")
    if needs_token and not has_token:
        return (
            "this instance requires an access token for hashtag timelines: set access_token_env "
            f"(hashtag feeds of {' and '.join(needs_token)} posts need a logged-in user)"
        )
    return None


# --- streaming -----------------------------------------------------------------------------------


def parse_frame(message: str | bytes) -> StreamEvent | None:
    """One WebSocket message: `{"stream": [...], "event": ..., "payload": "<JSON as a string>"}`.

    None for messages that carry no event. An error message from the server raises."""
    try:
        frame = orjson.loads(message)
    except orjson.JSONDecodeError as exc:
        raise SourceInvalidPayload(f"a stream message is not JSON: {exc}") from None
    if not isinstance(frame, dict):
        raise SourceInvalidPayload("a stream message is not a JSON object")
    if "error" in frame and "event" not in frame:
        message = f"the streaming server reported: {str(frame['error'])[:200]}"
        if frame.get("status") in (401, 403):
            raise SourceAuthError(f"{message}; check the token in access_token_env")
        raise SourceInvalidPayload(message)
    event = frame.get("event")
    if not isinstance(event, str):
        return None
    payload = frame.get("payload")
    if payload is not None and not isinstance(payload, str):
        payload = orjson.dumps(payload).decode()
    return StreamEvent(event, payload)


def load_payload(event: StreamEvent) -> object:
    """The status inside an `update` / `status.update` event (its payload is JSON in a string)."""
    if event.payload is None:
        raise SourceInvalidPayload(f"a stream {event.event!r} event has no payload")
    try:
        return orjson.loads(event.payload)
    except orjson.JSONDecodeError as exc:
        raise SourceInvalidPayload(f"a stream {event.event!r} payload is not JSON: {exc}") from None


class SseParser:
    """Server-sent events from bytes, per the WHATWG rules, with a bound on each event's size."""

    def __init__(self, max_event_bytes: int) -> None:
        self._max = max_event_bytes
        self._buffer = bytearray()
        self._event = ""
        self._data: list[str] = []
        self._size = 0

    def feed(self, chunk: bytes) -> list[StreamEvent]:
        self._buffer += chunk
        events = []
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                break
            line = bytes(self._buffer[:end]).rstrip(b"\r").decode("utf-8", "replace")
            del self._buffer[: end + 1]
            event = self._line(line)
            if event is not None:
                events.append(event)
        if len(self._buffer) + self._size > self._max:
            raise SourceInvalidPayload(f"a stream event is larger than {self._max} bytes")
        return events

    def _line(self, line: str) -> StreamEvent | None:
        if not line:
            event = StreamEvent(self._event or "message", "\n".join(self._data))
            ready = bool(self._data) or bool(self._event)
            self._event, self._data, self._size = "", [], 0
            return event if ready else None
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
            self._size += len(value)
            if self._size > self._max:
                raise SourceInvalidPayload(f"a stream event is larger than {self._max} bytes")
        return None
