"""Bluesky: every public post through a Jetstream WebSocket, optional search backfill.

Followed while writing this connector:
- Jetstream: https://github.com/bluesky-social/jetstream ("Consuming Jetstream": the
  `wantedCollections`, `cursor` (unix microseconds, rewind a few seconds on reconnect) and
  `maxMessageSizeBytes` parameters, the `commit` / `identity` / `account` event kinds, and that
  account and identity events reach every subscriber), and its design notes (`docs/README.md`,
  "Legacy v1 JSON Payload": `/subscribe` keeps the v1 wire and timestamp cursors);
- the post record and its parts: https://docs.bsky.app/docs/advanced-guides/posts and the
  lexicons `app.bsky.feed.post`, `app.bsky.richtext.facet`, `app.bsky.embed.images`,
  `app.bsky.embed.gallery`, `app.bsky.embed.recordWithMedia`
  (https://github.com/bluesky-social/atproto/tree/main/lexicons/app/bsky);
- self-labels: https://atproto.com/specs/label ("Self-Labels in Records");
- account status events: https://atproto.com/specs/account ("Account Status");
- image URLs as the AppView builds them (`{cdn}/img/{preset}/plain/{did}/{cid}@jpeg`):
  https://github.com/bluesky-social/atproto/blob/main/packages/bsky/src/image/uri.ts;
- https://docs.bsky.app/docs/api/app-bsky-actor-get-profiles,
  https://docs.bsky.app/docs/api/app-bsky-feed-search-posts,
  https://docs.bsky.app/docs/api/com-atproto-server-create-session,
  https://docs.bsky.app/docs/api/com-atproto-server-refresh-session and
  https://docs.bsky.app/docs/advanced-guides/rate-limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sotong.sources.base import Source, SourceManifest, parse_options, secret_from_env
from sotong.sources.bluesky.source import BlueskyOptions, BlueskySource


def build(options: dict[str, Any], env: Mapping[str, str]) -> Source:
    parsed = parse_options(BlueskyOptions, options)
    password = secret_from_env(env, parsed.app_password_env, "app_password_env")
    return BlueskySource(parsed, password)


MANIFEST = SourceManifest(
    type="bluesky",
    title="Bluesky (Jetstream)",
    push=True,
    docs_url="https://github.com/bluesky-social/jetstream",
    build=build,
)
