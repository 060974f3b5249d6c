"""Pure functions: Bluesky records, post views and XRPC answers -> IncomingPosts and values.

Shapes follow the lexicons (https://github.com/bluesky-social/atproto/tree/main/lexicons):
`app.bsky.feed.post` (text, facets, tags, embed, labels, createdAt), `app.bsky.richtext.facet`
(`#tag` features), `app.bsky.embed.images`, `app.bsky.embed.gallery` (`media[]` of
`#image`), `app.bsky.embed.recordWithMedia`, `com.atproto.label.defs#selfLabels`,
`app.bsky.actor.getProfiles`, `app.bsky.feed.searchPosts` and `com.atproto.server.createSession`.
Nothing here raises on a hostile record; a whole answer that is not what the API promises raises
SourceInvalidPayload.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sotong.domain import Author, IncomingPost, Media
from sotong.sources.base import SourceInvalidPayload

SOURCE = "bluesky"
POST_COLLECTION = "app.bsky.feed.post"
TAG_FEATURE = "app.bsky.richtext.facet#tag"
SELF_LABELS = "com.atproto.label.defs#selfLabels"
EMBED_IMAGES = "app.bsky.embed.images"
EMBED_GALLERY = "app.bsky.embed.gallery"
EMBED_RECORD_WITH_MEDIA = "app.bsky.embed.recordWithMedia"
SENSITIVE_LABELS = frozenset({"porn", "sexual", "nudity", "graphic-media"})
# An account's self-label asking apps not to show its content to logged-out viewers; a wall on a
# public screen is exactly such a viewer.
NO_UNAUTHENTICATED = "!no-unauthenticated"
LOGGED_OUT_OPT_OUT = "author asks not to be shown to logged-out viewers"
INVALID_HANDLE = "handle.invalid"

MAX_FACETS = 100
MAX_RECORD_TAGS = 20
MAX_IMAGES = 10
MAX_LABELS = 50

_DID = re.compile(r"did:[a-z]+:[A-Za-z0-9._:%-]{1,2000}")
_RKEY = re.compile(r"[A-Za-z0-9._:~-]{1,512}")
_CID = re.compile(r"[A-Za-z0-9]{8,256}")
_HANDLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,252}")


@dataclass(frozen=True, slots=True)
class Profile:
    did: str
    handle: str | None
    display_name: str | None = None
    avatar_url: str | None = None
    labels: frozenset[str] = frozenset()

    @property
    def hidden_from_logged_out(self) -> bool:
        return NO_UNAUTHENTICATED in self.labels


@dataclass(frozen=True, slots=True)
class Session:
    did: str
    handle: str | None
    access_jwt: str
    refresh_jwt: str


def valid_did(value: object) -> bool:
    return isinstance(value, str) and _DID.fullmatch(value) is not None and value[-1] != ":"


def valid_rkey(value: object) -> bool:
    return (
        isinstance(value, str) and value not in (".", "..") and _RKEY.fullmatch(value) is not None
    )


def at_uri(did: str, rkey: str) -> str:
    return f"at://{did}/{POST_COLLECTION}/{rkey}"


def split_at_uri(uri: object) -> tuple[str, str] | None:
    """(did, rkey) of a post's AT-URI, or None for anything else."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    did, _, rest = uri[5:].partition("/")
    collection, _, rkey = rest.partition("/")
    if collection != POST_COLLECTION or not valid_did(did) or not valid_rkey(rkey):
        return None
    return did, rkey


def usable_handle(handle: str | None) -> str | None:
    if handle is None or handle == INVALID_HANDLE or _HANDLE.fullmatch(handle) is None:
        return None
    return handle


def permalink(did: str, rkey: str, handle: str | None) -> str:
    return f"https://bsky.app/profile/{usable_handle(handle) or did}/post/{rkey}"


def author_of(did: str, profile: Profile | None) -> Author:
    """The card's author; without a profile, the DID stands in for name and handle."""
    if profile is None:
        return Author(name=did, handle=did)
    handle = usable_handle(profile.handle)
    name = (profile.display_name or "").strip() or handle or did
    return Author(name=name, handle=f"@{handle}" if handle else did, avatar_url=profile.avatar_url)


def _strings(value: object, limit: int) -> Iterator[str]:
    if isinstance(value, list):
        for item in value[:limit]:
            if isinstance(item, str):
                yield item


def structured_tags(record: Mapping[str, Any]) -> list[str]:
    """Tags from `#tag` facet features and `record.tags`, without a leading '#'."""
    found: list[str] = []
    facets = record.get("facets")
    if isinstance(facets, list):
        for facet in facets[:MAX_FACETS]:
            features = facet.get("features") if isinstance(facet, dict) else None
            if not isinstance(features, list):
                continue
            for feature in features:
                if isinstance(feature, dict) and feature.get("$type") == TAG_FEATURE:
                    tag = feature.get("tag")
                    if isinstance(tag, str):
                        found.append(tag)
    found.extend(_strings(record.get("tags"), MAX_RECORD_TAGS))
    unique: dict[str, None] = {}
    for tag in found:
        tag = tag.strip().lstrip("#＃")
        if tag:
            unique.setdefault(tag, None)
    return list(unique)


def label_values(labels: object) -> Iterator[str]:
    """Values of a record's self-labels, or of a view's `labels[]`."""
    if isinstance(labels, dict) and labels.get("$type") == SELF_LABELS:
        labels = labels.get("values")
    if isinstance(labels, list):
        for label in labels[:MAX_LABELS]:
            value = label.get("val") if isinstance(label, dict) else None
            if isinstance(value, str):
                yield value


def is_sensitive(record: Mapping[str, Any], view_labels: object = None) -> bool:
    values = [*label_values(record.get("labels")), *label_values(view_labels)]
    return any(value in SENSITIVE_LABELS for value in values)


def is_sensitive_account(profile: Profile | None) -> bool:
    return profile is not None and not SENSITIVE_LABELS.isdisjoint(profile.labels)


def blob_cid(blob: object) -> str | None:
    """The CID of an image blob, in the current (`ref.$link`) or the legacy (`cid`) form."""
    if not isinstance(blob, dict):
        return None
    mime = blob.get("mimeType")
    if isinstance(mime, str) and not mime.startswith("image/"):
        return None
    ref = blob.get("ref")
    cid = ref.get("$link") if isinstance(ref, dict) else ref if ref is not None else blob.get("cid")
    if isinstance(cid, str) and _CID.fullmatch(cid):
        return cid
    return None


def _dimension(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 1_000_000:
        return value
    return None


def _image(item: object, did: str, cdn_url: str) -> Media | None:
    if not isinstance(item, dict):
        return None
    cid = blob_cid(item.get("image"))
    if cid is None:
        return None
    ratio = item.get("aspectRatio")
    width = height = None
    if isinstance(ratio, dict):
        width, height = _dimension(ratio.get("width")), _dimension(ratio.get("height"))
    alt = item.get("alt")
    return Media(
        url=f"{cdn_url}/img/feed_fullsize/plain/{did}/{cid}@jpeg",
        thumb_url=f"{cdn_url}/img/feed_thumbnail/plain/{did}/{cid}@jpeg",
        width=width,
        height=height,
        alt=alt if isinstance(alt, str) and alt.strip() else None,
    )


def images(embed: object, did: str, cdn_url: str, *, nested: bool = False) -> tuple[Media, ...]:
    """Every image of an embed; videos, link cards, quoted records and unknown types give none."""
    if not isinstance(embed, dict):
        return ()
    kind = embed.get("$type")
    if kind == EMBED_IMAGES:
        items = embed.get("images")
    elif kind == EMBED_GALLERY:
        items = embed.get("media")
        if not isinstance(items, list):
            items = embed.get("items")
    elif kind == EMBED_RECORD_WITH_MEDIA and not nested:
        return images(embed.get("media"), did, cdn_url, nested=True)
    else:
        return ()
    if not isinstance(items, list):
        return ()
    found = (_image(item, did, cdn_url) for item in items[:MAX_IMAGES])
    return tuple(media for media in found if media is not None)


def parse_datetime(value: object) -> datetime | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def datetime_from_us(time_us: int) -> datetime | None:
    try:
        return datetime.fromtimestamp(time_us / 1_000_000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def post_from_record(
    did: str,
    rkey: str,
    record: Mapping[str, Any],
    profile: Profile | None,
    *,
    cdn_url: str,
    seen_at: datetime | None = None,
    view_labels: object = None,
) -> IncomingPost | None:
    """A post record as the wall's IncomingPost; None when it is not a post record at all.

    Like Bluesky's own sort time, a post claiming to be newer than when it was seen gets the
    time it was seen.
    """
    kind = record.get("$type")
    if kind is not None and kind != POST_COLLECTION:
        return None
    text = record.get("text")
    created = parse_datetime(record.get("createdAt"))
    if seen_at is not None and (created is None or created > seen_at):
        created = seen_at
    return IncomingPost(
        source=SOURCE,
        external_id=at_uri(did, rkey),
        author=author_of(did, profile),
        text=text if isinstance(text, str) else "",
        tags=tuple(structured_tags(record)),
        media=images(record.get("embed"), did, cdn_url),
        created_at=created,
        permalink=permalink(did, rkey, profile.handle if profile else None),
        sensitive=is_sensitive(record, view_labels) or is_sensitive_account(profile),
    )


def profile_from_view(view: object) -> Profile | None:
    """A `profileViewBasic` / `profileViewDetailed`, or None if it has no usable DID.

    Its `labels` hold the account's self-labels and labels from moderation services.
    """
    if not isinstance(view, dict) or not valid_did(view.get("did")):
        return None
    handle, name, avatar = view.get("handle"), view.get("displayName"), view.get("avatar")
    return Profile(
        did=view["did"],
        handle=handle if isinstance(handle, str) else None,
        display_name=name if isinstance(name, str) else None,
        avatar_url=avatar if isinstance(avatar, str) else None,
        labels=frozenset(label_values(view.get("labels"))),
    )


def post_from_view(view: object, *, cdn_url: str) -> IncomingPost | None:
    """A `app.bsky.feed.defs#postView` from searchPosts, through the same record parser."""
    if not isinstance(view, dict):
        return None
    location = split_at_uri(view.get("uri"))
    record = view.get("record")
    if location is None or not isinstance(record, dict):
        return None
    did, rkey = location
    author = profile_from_view(view.get("author"))
    if author is not None and author.did != did:
        author = None
    return post_from_record(
        did,
        rkey,
        record,
        author,
        cdn_url=cdn_url,
        seen_at=parse_datetime(view.get("indexedAt")),
        view_labels=view.get("labels"),
    )


def _object(payload: object, what: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise SourceInvalidPayload(f"{what}: expected a JSON object")
    return payload


def parse_profiles(payload: object) -> list[Profile]:
    """`app.bsky.actor.getProfiles` output: `{"profiles": [profileViewDetailed]}`."""
    views = _object(payload, "getProfiles").get("profiles")
    if not isinstance(views, list):
        raise SourceInvalidPayload("getProfiles: no 'profiles' array in the answer")
    return [profile for profile in map(profile_from_view, views) if profile is not None]


def parse_search_page(payload: object) -> tuple[list[object], str | None]:
    """`app.bsky.feed.searchPosts` output: the raw post views and the next page's cursor."""
    body = _object(payload, "searchPosts")
    views = body.get("posts")
    if not isinstance(views, list):
        raise SourceInvalidPayload("searchPosts: no 'posts' array in the answer")
    cursor = body.get("cursor")
    return views, cursor if isinstance(cursor, str) and cursor else None


def parse_session(payload: object) -> Session:
    """`com.atproto.server.createSession` / `refreshSession` output."""
    body = _object(payload, "session")
    access, refresh, did = body.get("accessJwt"), body.get("refreshJwt"), body.get("did")
    if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
        raise SourceInvalidPayload("session: the answer carries no accessJwt/refreshJwt")
    handle = body.get("handle")
    return Session(
        did=did if isinstance(did, str) else "",
        handle=handle if isinstance(handle, str) else None,
        access_jwt=access,
        refresh_jwt=refresh,
    )


def wall_tag_bodies(hashtags: Iterable[str]) -> list[str]:
    """A wall's tags as searchPosts wants them: without the '#', each once."""
    unique: dict[str, None] = {}
    for tag in hashtags:
        body = tag.strip().lstrip("#＃")
        if body:
            unique.setdefault(body, None)
    return list(unique)
