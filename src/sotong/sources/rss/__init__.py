"""Feeds: RSS 0.9x/1.0/2.0, Atom 1.0 and JSON Feed 1.0/1.1, with Naver blog RSS's `<tag>`.

Official pages followed:
- RSS 2.0: https://www.rssboard.org/rss-specification (RSS 1.0: https://web.resource.org/rss/1.0/spec)
- Atom: https://www.rfc-editor.org/rfc/rfc4287
- Media RSS: https://www.rssboard.org/media-rss
- JSON Feed 1.1: https://www.jsonfeed.org/version/1.1/
- Naver blog RSS: https://rss.blog.naver.com/{blogId}.xml (RSS 2.0 plus a comma-separated `<tag>`)
- feedparser: https://feedparser.readthedocs.io/
- conditional requests: https://www.rfc-editor.org/rfc/rfc9110#section-13
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sotong.sources.base import Source, SourceManifest, parse_options
from sotong.sources.rss.source import RssOptions, RssSource


def build(options: dict[str, Any], env: Mapping[str, str]) -> Source:
    return RssSource(parse_options(RssOptions, options))


MANIFEST = SourceManifest(
    type="rss",
    title="Feeds (RSS, Atom, JSON Feed, Naver blogs)",
    push=False,
    docs_url="https://www.rssboard.org/rss-specification",
    build=build,
)
