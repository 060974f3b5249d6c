"""The hot path: one raw Jetstream frame -> what to do about it, usually nothing.

Jetstream (https://github.com/bluesky-social/jetstream, "Consuming Jetstream") sends every public
post of the network as one JSON text frame: `{"did", "time_us", "kind": "commit", "commit":
{"rev", "operation", "collection", "rkey", "record", "cid"}}`, plus `identity` and `account`
events that every subscriber receives whatever its `wantedCollections`. The server does not filter
by hashtag and almost nothing matches a wall, so the filter must be cheap: each frame is parsed
once with orjson (about 1.5 µs for a typical 600-byte frame; byte-level prefilters measured
slower, see bench/jetstream_filter.py), and a post is only looked at closely when its text holds a
'#' or '＃', or it carries `#tag` facets or `record.tags`. Those are matched with the same
extraction and keys as the pipeline (sotong.hashtags), so the filter lets through a superset of
what the wall accepts.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from sotong.hashtags import extract_hashtags, match_tags, tag_key
from sotong.pipeline.normalise import MAX_NAME_CHARS, MAX_TEXT_CHARS, clean_text
from sotong.sources.bluesky.parse import (
    POST_COLLECTION,
    at_uri,
    structured_tags,
    valid_did,
    valid_rkey,
)

MALFORMED = "malformed event"
ACCOUNT_GONE_STATUSES = frozenset({"takendown", "suspended", "deleted", "deactivated"})


@dataclass(frozen=True, slots=True)
class Commit:
    """A post created or updated that the wall may want."""

    did: str
    rkey: str
    cid: str
    record: dict[str, Any]
    time_us: int
    update: bool

    @property
    def uri(self) -> str:
        return at_uri(self.did, self.rkey)


@dataclass(frozen=True, slots=True)
class Deleted:
    uri: str
    did: str
    time_us: int


@dataclass(frozen=True, slots=True)
class AccountGone:
    did: str
    status: str
    time_us: int


@dataclass(frozen=True, slots=True)
class IdentityChanged:
    did: str
    time_us: int


@dataclass(frozen=True, slots=True)
class Skipped:
    reason: str
    detail: str = ""


Decision = Commit | Deleted | AccountGone | IdentityChanged | Skipped


class TagMatcher:
    """Does a post record carry one of the wall's hashtags? (HASHTAGS.md, as the pipeline does)"""

    def __init__(self, wall_tags: Iterable[str], *, match_particles: bool = False) -> None:
        self.wall_tags = tuple(wall_tags)
        self.match_particles = match_particles
        self._keys = frozenset(key for key in map(tag_key, self.wall_tags) if key)

    def candidates(self, record: Mapping[str, Any]) -> list[str]:
        tags = [clean_text(tag, MAX_NAME_CHARS) for tag in structured_tags(record)]
        text = record.get("text")
        if isinstance(text, str) and ("#" in text or "＃" in text):
            tags.extend(extract_hashtags(clean_text(text, MAX_TEXT_CHARS)))
        return tags

    def matches(self, record: Mapping[str, Any]) -> bool:
        tags = self.candidates(record)
        if not tags:
            return False
        if not self._keys.isdisjoint(map(tag_key, tags)):
            return True
        return (
            self.match_particles and match_tags(tags, self.wall_tags, match_particles=True).matches
        )


class FirehoseFilter:
    def __init__(self, matcher: TagMatcher, known: Container[str]) -> None:
        self.matcher = matcher
        self.known = known
        self.time_us: int | None = None
        """The `time_us` of the newest frame decided so far."""

    def decide(self, raw: bytes) -> Decision | None:
        """None for the frames the wall has no use for (almost all of them)."""
        try:
            event = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            return Skipped(MALFORMED, str(exc))
        if not isinstance(event, dict):
            return Skipped(MALFORMED, "not a JSON object")
        time_us = event.get("time_us")
        did = event.get("did")
        kind = event.get("kind")
        if not isinstance(time_us, int) or not isinstance(did, str):
            if kind == "heartbeat":
                return None
            return Skipped(MALFORMED, "no did or time_us")
        if self.time_us is None or time_us > self.time_us:
            self.time_us = time_us
        if kind == "commit":
            return self._commit(did, time_us, event.get("commit"))
        if kind == "account":
            return _account(did, time_us, event.get("account"))
        if kind == "identity":
            return IdentityChanged(did, time_us)
        return Skipped("unknown event kind", str(kind)[:100])

    def _commit(self, did: str, time_us: int, commit: object) -> Decision | None:
        if not isinstance(commit, dict):
            return Skipped(MALFORMED, "commit event without a commit")
        if commit.get("collection") != POST_COLLECTION:
            return Skipped("not a post", str(commit.get("collection"))[:100])
        operation, rkey = commit.get("operation"), commit.get("rkey")
        if not isinstance(rkey, str):
            return Skipped(MALFORMED, "commit without an rkey")
        if operation == "delete":
            uri = at_uri(did, rkey)
            return Deleted(uri, did, time_us) if uri in self.known else None
        if operation not in ("create", "update"):
            return Skipped("unknown commit operation", str(operation)[:100])
        record = commit.get("record")
        if not isinstance(record, dict):
            return Skipped(MALFORMED, "create or update without a record")
        record_type = record.get("$type")
        if record_type is not None and record_type != POST_COLLECTION:
            return Skipped("unknown record type", str(record_type)[:100])
        update = operation == "update"
        if not (self.matcher.matches(record) or (update and at_uri(did, rkey) in self.known)):
            return None
        if not (valid_did(did) and valid_rkey(rkey)):
            return Skipped(MALFORMED, "invalid did or rkey")
        cid = commit.get("cid")
        return Commit(did, rkey, cid if isinstance(cid, str) else "", record, time_us, update)


def _account(did: str, time_us: int, account: object) -> Decision | None:
    if not isinstance(account, dict):
        return Skipped(MALFORMED, "account event without an account")
    if account.get("active") is not False:
        return None
    status = account.get("status")
    if status is None or status in ACCOUNT_GONE_STATUSES:
        return AccountGone(did, str(status or "inactive"), time_us)
    return Skipped("inactive account kept", str(status)[:100])
