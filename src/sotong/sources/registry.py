"""The connector types a `[[walls.sources]]` table can name, and how each is built."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sotong.sources.base import Source
from sotong.sources.demo.source import DemoOptions, DemoSource

SourceFactory = Callable[[dict[str, Any]], Source]


def _demo(options: dict[str, Any]) -> Source:
    return DemoSource(DemoOptions.from_options(options))


SOURCE_TYPES: Mapping[str, SourceFactory] = {"demo": _demo}


def build_source(source_type: str, options: dict[str, Any]) -> Source:
    """A configured source; raises KeyError for an unknown type, ValueError for bad options."""
    return SOURCE_TYPES[source_type](options)
