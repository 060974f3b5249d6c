"""Mastodon (and servers speaking its API): the hashtag timeline, polled or streamed.

Followed documentation (docs.joinmastodon.org):
- tag timeline: https://docs.joinmastodon.org/methods/timelines/#tag (`any[]`, `limit`, `min_id`)
- streaming: https://docs.joinmastodon.org/methods/streaming/ (WebSocket, SSE, event payloads)
- instance: https://docs.joinmastodon.org/methods/instance/#v2 and
  https://docs.joinmastodon.org/entities/Instance/ (`configuration.urls.streaming`,
  `configuration.timelines_access.hashtag_feeds`, Mastodon 4.5)
- entities: https://docs.joinmastodon.org/entities/Status/ and
  https://docs.joinmastodon.org/entities/MediaAttachment/
- rate limits: https://docs.joinmastodon.org/api/rate-limits/
- token check: https://docs.joinmastodon.org/methods/apps/#verify_credentials
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sotong.sources.base import Source, SourceManifest, parse_options, secret_from_env
from sotong.sources.mastodon.source import MastodonOptions, MastodonSource

__all__ = ["MANIFEST", "MastodonOptions", "MastodonSource", "build"]


def build(options: dict[str, Any], env: Mapping[str, str]) -> Source:
    parsed = parse_options(MastodonOptions, options)
    token = secret_from_env(env, parsed.access_token_env, "access_token_env")
    return MastodonSource(parsed, token)


MANIFEST = SourceManifest(
    type="mastodon",
    title="Mastodon",
    push=True,
    docs_url="https://docs.joinmastodon.org/methods/timelines/#tag",
    build=build,
)
