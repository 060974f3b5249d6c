"""Every setting, source type and API route is documented; a new one fails here until it is."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pydantic import BaseModel

from sotong.app import create_app
from sotong.config import (
    LiveSettings,
    ServerSettings,
    SourceSettings,
    StorageSettings,
    WallSettings,
)
from sotong.sources.demo.source import DemoOptions
from sotong.sources.registry import SOURCE_TYPES
from tests.support import make_settings

DOCS = Path(__file__).parents[1] / "docs"
HIDDEN_SETTINGS = {"secret_key"}


def documented(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("section", "model"),
    [
        ("server", ServerSettings),
        ("storage", StorageSettings),
        ("live", LiveSettings),
        ("walls", WallSettings),
        ("walls.sources", SourceSettings),
    ],
)
def test_every_setting_is_documented(section: str, model: type[BaseModel]) -> None:
    text = documented("configuration.md")
    assert f"`[{section}]`" in text or f"`[[{section}]]`" in text
    missing = [
        name
        for name in model.model_fields
        if name not in HIDDEN_SETTINGS and f"`{name}`" not in text
    ]
    assert missing == [], f"undocumented [{section}] keys: {missing}"


def test_every_source_type_and_option_is_documented() -> None:
    text = documented("sources.md")
    for source_type in SOURCE_TYPES:
        assert f"## `{source_type}`" in text, f"source type {source_type!r} has no section"
    for option in dataclasses.fields(DemoOptions):
        assert f"`{option.name}`" in text, f"demo option {option.name!r} is undocumented"


def test_every_api_route_is_documented(tmp_path: Path) -> None:
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'x.db'}", tmp_path))
    text = documented("api.md")
    paths = app.openapi()["paths"]
    assert "/api/v1/walls/{slug}/posts" in paths
    for path, operations in paths.items():
        for method in operations:
            documented_form = f"`{method.upper()} {path.replace('{post_id}', '{id}')}"
            assert documented_form in text, f"{method.upper()} {path} is undocumented"
