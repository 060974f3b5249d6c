"""Every setting, source type and API route is documented; a new one fails here until it is."""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path

import pytest
from pydantic import BaseModel

from sotong.app import create_app
from sotong.config import (
    BrandImage,
    DisplaySettings,
    RuleSettings,
    ScreenSettings,
    Settings,
    SourceSettings,
    WallSettings,
)
from sotong.sources.registry import SOURCE_TYPES
from tests.support import make_settings

DOCS = Path(__file__).parents[1] / "docs"
HIDDEN_SETTINGS = {"secret_key"}


def documented(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


SECTIONS = [
    (name, field.annotation)
    for name, field in Settings.model_fields.items()
    if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
]


def test_every_section_is_checked() -> None:
    checked = {name for name, _ in SECTIONS} | {"walls"}
    assert checked == set(Settings.model_fields)


@pytest.mark.parametrize(
    ("section", "model"),
    [
        *SECTIONS,
        ("walls", WallSettings),
        ("walls.sources", SourceSettings),
        ("walls.rules", RuleSettings),
        ("walls.display", DisplaySettings),
        ("walls.display.screens", ScreenSettings),
        ("walls.display", BrandImage),
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


def option_names(source_type: str) -> list[str]:
    """The option keys of a connector: the fields of its `...Options` class(es)."""
    module = importlib.import_module(f"sotong.sources.{source_type}.source")
    names: list[str] = []
    for name, value in vars(module).items():
        if not (isinstance(value, type) and name.endswith("Options")):
            continue
        if issubclass(value, BaseModel):
            names += list(value.model_fields)
        elif dataclasses.is_dataclass(value):
            names += [field.name for field in dataclasses.fields(value)]
    return names


@pytest.mark.parametrize("source_type", sorted(SOURCE_TYPES))
def test_every_source_type_and_option_is_documented(source_type: str) -> None:
    text = documented("sources.md")
    assert f"## `{source_type}`" in text, f"source type {source_type!r} has no section"
    names = option_names(source_type)
    assert names, f"no options class found for {source_type!r}"
    section = text.split(f"## `{source_type}`", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in names if f"`{name}`" not in section]
    assert missing == [], f"undocumented {source_type} options: {missing}"


def test_every_api_route_is_documented(tmp_path: Path) -> None:
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'x.db'}", tmp_path))
    text = documented("api.md")
    paths = app.openapi()["paths"]
    assert "/api/v1/walls/{slug}/posts" in paths
    for path, operations in paths.items():
        for method in operations:
            documented_form = f"`{method.upper()} {path.replace('{post_id}', '{id}')}"
            assert documented_form in text, f"{method.upper()} {path} is undocumented"
