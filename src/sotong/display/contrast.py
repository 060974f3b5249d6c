"""Colour contrast of a wall's palette (WCAG 2.x relative luminance), so an owner cannot pick
colours the back row cannot read.

A palette is what the screen paints: the page background, the card surface, the text, the muted
text (names, handles) and the accent (hashtags, labels). The built-in themes define all five
(keep them in step with `static/wall.css`); an owner's own background or text colour replaces the
theme's and the surface and muted colours are mixed from them, exactly as the stylesheet does with
`color-mix(in srgb, ...)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

TEXT_MINIMUM: Final = 4.5
ACCENT_MINIMUM: Final = 3.0
MUTED_MINIMUM: Final = 3.0
SURFACE_TEXT_SHARE: Final = 0.07
MUTED_TEXT_SHARE: Final = 0.72

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True, slots=True)
class Palette:
    background: str
    surface: str
    text: str
    muted: str
    accent: str


THEMES: Final[dict[str, Palette]] = {
    "dark": Palette(
        background="#080b12", surface="#121826", text="#eef1f7", muted="#8d97aa", accent="#8fb4ff"
    ),
    "light": Palette(
        background="#eef1f6", surface="#ffffff", text="#151a24", muted="#556074", accent="#2456c9"
    ),
}


def is_colour(value: str) -> bool:
    return bool(_HEX.match(value))


def _channels(colour: str) -> tuple[int, int, int]:
    if not is_colour(colour):
        raise ValueError(f"{colour!r} is not a colour like #1a2b3c")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def mix(first: str, second: str, share: float) -> str:
    """`share` of `first` with the rest of `second`, per sRGB channel (CSS `color-mix(in srgb)`)."""
    a, b = _channels(first), _channels(second)
    mixed = (round(x * share + y * (1 - share)) for x, y in zip(a, b, strict=True))
    return "#" + "".join(f"{channel:02x}" for channel in mixed)


def luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in _channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def palette(
    theme: str, background: str | None = None, text: str | None = None, accent: str | None = None
) -> Palette:
    """What a screen paints for a theme and an owner's colours (None: the theme's)."""
    base = THEMES[theme]
    if background is None and text is None:
        return Palette(base.background, base.surface, base.text, base.muted, accent or base.accent)
    page = background or base.background
    ink = text or base.text
    return Palette(
        background=page,
        surface=mix(ink, page, SURFACE_TEXT_SHARE),
        text=ink,
        muted=mix(ink, page, MUTED_TEXT_SHARE),
        accent=accent or base.accent,
    )


def problems(colours: Palette) -> list[str]:
    """Every pair that is too close to read, as `"text on surface: 2.1:1 (needs 4.5:1)"`."""
    pairs = [
        ("text", colours.text, "background", colours.background, TEXT_MINIMUM),
        ("text", colours.text, "surface", colours.surface, TEXT_MINIMUM),
        ("muted text", colours.muted, "surface", colours.surface, MUTED_MINIMUM),
        ("accent", colours.accent, "background", colours.background, ACCENT_MINIMUM),
        ("accent", colours.accent, "surface", colours.surface, ACCENT_MINIMUM),
    ]
    found = []
    for name, foreground, ground_name, ground, minimum in pairs:
        ratio = contrast(foreground, ground)
        if ratio < minimum:
            found.append(f"{name} on {ground_name}: {ratio:.1f}:1 (needs {minimum:g}:1)")
    return found
