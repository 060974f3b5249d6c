"""A wall's branding as the screen applies it: the palette it paints and the stylesheet that
paints it before any script runs (`/w/<slug>/brand.css`). Screens apply later changes from the
`wall` event with the same values, so the two never disagree."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sotong.config import DisplaySettings
from sotong.display.contrast import THEMES, Palette, palette, problems

PALETTE_PROPERTIES = {
    "background": "--bg",
    "surface": "--surface",
    "text": "--text",
    "muted": "--muted",
    "accent": "--accent",
}


def palette_of(display: DisplaySettings, theme: str | None = None) -> Palette:
    return palette(theme or display.theme, display.background, display.text, display.accent)


def legible_themes(display: DisplaySettings) -> list[str]:
    """The themes whose palette, with the owner's colours, passes the contrast check."""
    return [theme for theme in THEMES if not problems(palette_of(display, theme))]


def palette_to_wire(display: DisplaySettings) -> dict[str, Any]:
    """The palette of each theme, so a screen that overrides the theme still gets the owner's
    colours right, and which themes are legible (a screen never switches to another)."""
    colours: dict[str, Any] = {theme: asdict(palette_of(display, theme)) for theme in THEMES}
    colours["legible"] = legible_themes(display)
    return colours


def stylesheet(display: DisplaySettings) -> str:
    """CSS for the wall page. Every value comes from validated settings: colours are `#rrggbb`,
    pictures are media paths of hex digits (see `config.MEDIA_PATH_PATTERN`)."""
    rules = []
    for theme in THEMES:
        colours = asdict(palette_of(display, theme))
        declarations = " ".join(
            f"{prop}: {colours[key]};" for key, prop in PALETTE_PROPERTIES.items()
        )
        rules.append(f'body.wall-page[data-theme="{theme}"] {{ {declarations} }}')
    extra = [f"--scale: {display.font_scale:.3f};"]
    if display.background_image is not None:
        extra.append(f'--backdrop: url("{display.background_image.url}");')
    rules.append(f"body.wall-page {{ {' '.join(extra)} }}")
    return "\n".join(rules) + "\n"
