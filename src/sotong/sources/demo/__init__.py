"""Bundled demo source: sample posts from the 2017 Seoul Communication Conference."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sotong.sources.base import Source, SourceManifest
from sotong.sources.demo.source import DemoOptions, DemoSource


def build(options: dict[str, Any], env: Mapping[str, str]) -> Source:
    return DemoSource(DemoOptions.from_options(options))


MANIFEST = SourceManifest(
    type="demo",
    title="Demo (bundled sample posts)",
    push=True,
    docs_url="docs/sources.md#demo-the-bundled-sample-posts",
    build=build,
)
