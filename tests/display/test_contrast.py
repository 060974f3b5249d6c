"""The contrast check refuses palettes the back row cannot read, and passes the built-in themes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from sotong.config import DisplaySettings, ScreenSettings
from sotong.display.brand import legible_themes, stylesheet
from sotong.display.contrast import THEMES, contrast, mix, palette, problems

WALL_CSS = Path(__file__).parents[2] / "src/sotong/web/static/wall.css"


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#595959", "#ffffff") == pytest.approx(7.0, abs=0.01)


def test_mix_is_css_color_mix_in_srgb() -> None:
    assert mix("#ffffff", "#000000", 0.5) == "#808080"
    assert mix("#eef1f7", "#080b12", 0.07) == "#181b22"


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_built_in_themes_pass_and_match_the_stylesheet(theme: str) -> None:
    assert problems(THEMES[theme]) == []
    css = WALL_CSS.read_text(encoding="utf-8")
    selector = "body.wall-page {" if theme == "dark" else 'body.wall-page[data-theme="light"] {'
    block = css.split(selector, 1)[1].split("}", 1)[0]
    declared = dict(re.findall(r"--(bg|surface|text|muted|accent):\s*(#[0-9a-f]{6});", block))
    expected = THEMES[theme]
    assert declared == {
        "bg": expected.background,
        "surface": expected.surface,
        "text": expected.text,
        "muted": expected.muted,
        "accent": expected.accent,
    }


@pytest.mark.parametrize(
    ("colours", "complaint"),
    [
        ({"background": "#ffffff", "text": "#dddddd"}, "text on background"),
        ({"accent": "#1a1f2e"}, "accent on background"),
        ({"theme": "light", "accent": "#ffd166"}, "accent on"),
        ({"background": "#777777", "text": "#000000"}, "text on surface: 4.2:1"),
    ],
)
def test_illegible_combinations_are_refused(colours: dict[str, str], complaint: str) -> None:
    with pytest.raises(ValidationError, match=complaint):
        DisplaySettings.model_validate(colours)


def test_own_colours_that_read_well_are_accepted_and_mixed_as_the_screen_paints_them() -> None:
    display = DisplaySettings(theme="light", background="#fffbe6", text="#1d1a10", accent="#1d4ed8")
    painted = palette("light", "#fffbe6", "#1d1a10", "#1d4ed8")
    assert painted.surface == mix("#1d1a10", "#fffbe6", 0.07)
    assert problems(painted) == []
    assert 'data-theme="light"] { --bg: #fffbe6;' in stylesheet(display)


def test_a_screen_theme_is_checked_too_and_illegible_themes_are_never_offered() -> None:
    with pytest.raises(ValidationError, match="light theme of a screen"):
        DisplaySettings(accent="#ffd166", screens=[ScreenSettings(name="lobby", theme="light")])
    assert legible_themes(DisplaySettings(accent="#ffd166")) == ["dark"]


def test_colours_and_pictures_are_validated_before_they_reach_a_stylesheet() -> None:
    for bad in ("red", "#12345", "#1234567", "#ggg000", '#000000;}body{x:"'):
        with pytest.raises(ValidationError):
            DisplaySettings(accent=bad)
    with pytest.raises(ValidationError):
        DisplaySettings.model_validate(
            {"logo": {"url": 'https://evil.test/x.webp");}', "width": 1, "height": 1}}
        )
    with pytest.raises(ValidationError):
        DisplaySettings(timezone="Mars/Olympus")
    with pytest.raises(ValidationError):
        DisplaySettings(font_scale=0.5)
