"""The connector types a `[[walls.sources]]` table can name, and building a wall's sources."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from sotong.config import WallSettings
from sotong.sources import bluesky, demo, mastodon, naver, rss
from sotong.sources.base import Source, SourceAuthError, SourceContext, SourceManifest

MANIFESTS: tuple[SourceManifest, ...] = (
    demo.MANIFEST,
    mastodon.MANIFEST,
    bluesky.MANIFEST,
    rss.MANIFEST,
    naver.MANIFEST,
)
SOURCE_TYPES: Mapping[str, SourceManifest] = {manifest.type: manifest for manifest in MANIFESTS}


class SourceTableError(ValueError):
    """A source table that cannot be built; `location` names it (`sources[1].type`)."""

    def __init__(self, location: str, problem: str) -> None:
        super().__init__(f"{location}: {problem}")
        self.location, self.problem = location, problem


@dataclass(frozen=True, slots=True)
class ConfiguredSource:
    wall_slug: str
    key: str
    type: str
    location: str
    source: Source


def build_source(source_type: str, options: dict[str, Any], env: Mapping[str, str]) -> Source:
    """A configured source; KeyError for an unknown type, ValueError naming a bad option."""
    return SOURCE_TYPES[source_type].build(options, env)


def source_key(index: int, source_type: str, name: str | None) -> str:
    return name or f"{source_type}-{index}"


def wall_sources(wall: WallSettings, env: Mapping[str, str]) -> list[ConfiguredSource]:
    """Every enabled source of a wall, built; SourceTableError names the first bad table."""
    found = []
    keys: set[str] = set()
    for index, table in enumerate(wall.sources):
        location = f"sources[{index}]"
        if table.type not in SOURCE_TYPES:
            known = ", ".join(sorted(SOURCE_TYPES))
            raise SourceTableError(
                f"{location}.type", f"unknown source type {table.type!r} (known: {known})"
            )
        key = source_key(index, table.type, table.name)
        if key in keys:
            raise SourceTableError(f"{location}.name", f"another source is named {key!r}")
        keys.add(key)
        if not table.enabled:
            continue
        try:
            source = build_source(table.type, table.options, env)
        except (ValueError, TypeError) as exc:
            raise SourceTableError(location, str(exc)) from None
        found.append(ConfiguredSource(wall.slug, key, table.type, location, source))
    return found


class UnusableSource:
    """Stands in for a stored source table that cannot be built here (say, its secret's
    environment variable is missing on this host): it reports why as its health."""

    def __init__(self, problem: str) -> None:
        self.problem = problem

    async def run(self, context: SourceContext) -> None:
        raise SourceAuthError(self.problem)

    async def check(self, http: httpx.AsyncClient) -> str:
        raise SourceAuthError(self.problem)


def runnable_sources(wall: WallSettings, env: Mapping[str, str]) -> list[ConfiguredSource]:
    """A served wall's sources, each one that cannot be built replaced by an UnusableSource, so
    one bad table never stops a server or the wall's other sources."""
    found = []
    for index, table in enumerate(wall.sources):
        if not table.enabled:
            continue
        single = wall.model_copy(update={"sources": [table]})
        key = source_key(index, table.type, table.name)
        location = f"sources[{index}]"
        try:
            (built,) = wall_sources(single, env)
            source: Source = built.source
        except SourceTableError as error:
            source = UnusableSource(error.problem)
        found.append(ConfiguredSource(wall.slug, key, table.type, location, source))
    return found
