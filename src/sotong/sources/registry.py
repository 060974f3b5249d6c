"""The connector types a `[[walls.sources]]` table can name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sotong.sources import bluesky, demo, mastodon, naver, rss
from sotong.sources.base import Source, SourceManifest

MANIFESTS: tuple[SourceManifest, ...] = (
    demo.MANIFEST,
    mastodon.MANIFEST,
    bluesky.MANIFEST,
    rss.MANIFEST,
    naver.MANIFEST,
)
SOURCE_TYPES: Mapping[str, SourceManifest] = {manifest.type: manifest for manifest in MANIFESTS}


def build_source(source_type: str, options: dict[str, Any], env: Mapping[str, str]) -> Source:
    """A configured source; KeyError for an unknown type, ValueError naming a bad option."""
    return SOURCE_TYPES[source_type].build(options, env)
