"""Naver Search API: blog posts, cafe articles and images that mention a wall's hashtag.

Official pages followed:
- blog search: https://developers.naver.com/docs/serviceapi/search/blog/blog.md
- cafe article search: https://developers.naver.com/docs/serviceapi/search/cafearticle/cafearticle.md
- image search: https://developers.naver.com/docs/serviceapi/search/image/image.md
- calling the APIs (headers X-Naver-Client-Id / X-Naver-Client-Secret):
  https://developers.naver.com/docs/common/openapiguide/apicall.md
- error codes: https://developers.naver.com/docs/common/openapiguide/errorcode.md
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sotong.sources.base import Source, SourceManifest, parse_options, secret_from_env
from sotong.sources.naver.source import NaverOptions, NaverSource, ensure_within_quota


def build(options: dict[str, Any], env: Mapping[str, str]) -> Source:
    parsed = parse_options(NaverOptions, options)
    # The wall's hashtags are not known here; run() checks the quota again with all of them.
    ensure_within_quota(1, len(parsed.kinds), parsed.poll_interval_seconds)
    client_id = secret_from_env(env, parsed.client_id_env, "client_id_env") or ""
    client_secret = secret_from_env(env, parsed.client_secret_env, "client_secret_env") or ""
    return NaverSource(parsed, client_id, client_secret)


MANIFEST = SourceManifest(
    type="naver",
    title="Naver Search (blogs, cafes, images)",
    push=False,
    docs_url="https://developers.naver.com/docs/serviceapi/search/blog/blog.md",
    build=build,
)
