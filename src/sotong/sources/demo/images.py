"""Sample pictures for the bundled demo, drawn locally with Pillow.

Every picture is a small flat illustration built from shapes and gradients, so the
demo ships no photographs, no fonts beyond Pillow's built-in one (Latin text only)
and nothing copyrighted.  Drawing is deterministic: each scene has a fixed seed,
pictures are drawn at twice their size and box-reduced for smooth edges, and the
JPEG files carry no EXIF, XMP or ICC metadata.

The only side effect is writing ``<name>.jpg`` files into the directory passed to
:func:`render_images`.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
import os
import random
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

__all__ = ["DemoImage", "image_names", "render_images"]


@dataclass(frozen=True, slots=True)
class DemoImage:
    """One rendered sample picture."""

    name: str
    filename: str
    width: int
    height: int


RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]
Color = RGB | RGBA
Point = tuple[float, float]
Stops = Sequence[tuple[float, RGB]]

_SS = 2  # supersampling factor: draw at 2x, then box-reduce
_JPEG_QUALITY = 85

# A small shared palette keeps the set looking like one family.
NAVY: RGB = (34, 47, 82)
INK: RGB = (44, 52, 74)
TEAL: RGB = (38, 160, 150)
MINT: RGB = (170, 228, 214)
CORAL: RGB = (244, 112, 96)
PEACH: RGB = (255, 200, 168)
MUSTARD: RGB = (246, 190, 70)
CREAM: RGB = (253, 246, 234)
WHITE: RGB = (255, 255, 255)
SKIN: tuple[RGB, ...] = ((246, 204, 172), (232, 184, 146), (214, 160, 122))
HAIR: tuple[RGB, ...] = ((44, 34, 36), (74, 52, 42), (30, 30, 42), (96, 64, 50))


def _rgba(color: RGB, alpha: int) -> RGBA:
    return (color[0], color[1], color[2], alpha)


def _mix(a: RGB, b: RGB, f: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * f),
        round(a[1] + (b[1] - a[1]) * f),
        round(a[2] + (b[2] - a[2]) * f),
    )


def _ramp(stops: Stops, n: int) -> list[RGB]:
    out: list[RGB] = []
    for i in range(n):
        f = i / (n - 1) if n > 1 else 0.0
        color = stops[-1][1]
        for (p0, c0), (p1, c1) in itertools.pairwise(stops):
            if f <= p1:
                color = _mix(c0, c1, (f - p0) / (p1 - p0) if p1 > p0 else 0.0)
                break
        out.append(color)
    return out


@lru_cache(maxsize=32)
def _font(px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=px)


@lru_cache(maxsize=8)
def _radial_lut(alpha: int, power: float) -> tuple[int, ...]:
    # Image.radial_gradient: 0 at the centre, 181 at the middle of each edge.
    return tuple(round(alpha * max(0.0, 1.0 - v / 181.0) ** power) for v in range(256))


def _heart(cx: float, cy: float, k: float, t0: float = 0.0, t1: float = 2 * math.pi) -> list[Point]:
    """Points of the classic parametric heart; ``k`` is about 1/17 of its half-height."""
    pts: list[Point] = []
    steps = 72
    for i in range(steps + 1):
        t = t0 + (t1 - t0) * i / steps
        x = 16 * math.sin(t) ** 3
        y = -(13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t))
        pts.append((cx + k * x, cy + k * y))
    return pts


class _Canvas:
    """Drawing helpers in output pixels; the backing image is ``_SS`` times larger."""

    def __init__(self, width: int, height: int, background: RGB) -> None:
        self.width = width
        self.height = height
        self.image = Image.new("RGB", (width * _SS, height * _SS), background)
        self.draw = ImageDraw.Draw(self.image, "RGBA")

    # -- primitives -------------------------------------------------------------

    @staticmethod
    def _pts(points: Sequence[Point]) -> list[tuple[float, float]]:
        return [(x * _SS, y * _SS) for x, y in points]

    def rect(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        fill: Color | None,
        radius: float = 0,
        outline: Color | None = None,
        width: float = 0,
    ) -> None:
        self.draw.rounded_rectangle(
            (x0 * _SS, y0 * _SS, x1 * _SS, y1 * _SS),
            radius=radius * _SS,
            fill=fill,
            outline=outline,
            width=round(width * _SS),
        )

    def ellipse(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float,
        fill: Color | None,
        outline: Color | None = None,
        width: float = 0,
    ) -> None:
        self.draw.ellipse(
            ((cx - rx) * _SS, (cy - ry) * _SS, (cx + rx) * _SS, (cy + ry) * _SS),
            fill=fill,
            outline=outline,
            width=round(width * _SS),
        )

    def circle(self, cx: float, cy: float, r: float, fill: Color | None, **kw: object) -> None:
        self.ellipse(cx, cy, r, r, fill, **kw)  # type: ignore[arg-type]

    def poly(self, points: Sequence[Point], fill: Color) -> None:
        self.draw.polygon(self._pts(points), fill=fill)

    def stroke(self, points: Sequence[Point], fill: Color, width: float, caps: bool = True) -> None:
        """A thick line with rounded joints and (optionally) rounded ends.

        Translucent strokes are drawn into a mask first so overlaps do not darken.
        """
        joints = list(points[1:-1])
        if caps:
            joints += [points[0], points[-1]]
        r = (width / 2 - 0.25) * _SS
        if joints and len(fill) == 4 and fill[3] < 255:
            pad = width
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            ox, oy = math.floor((min(xs) - pad) * _SS), math.floor((min(ys) - pad) * _SS)
            size = (
                math.ceil((max(xs) + pad) * _SS) - ox,
                math.ceil((max(ys) + pad) * _SS) - oy,
            )
            mask = Image.new("L", size, 0)
            md = ImageDraw.Draw(mask)
            local = [(x * _SS - ox, y * _SS - oy) for x, y in points]
            md.line(local, fill=fill[3], width=round(width * _SS))
            for x, y in joints:
                md.ellipse(
                    (x * _SS - ox - r, y * _SS - oy - r, x * _SS - ox + r, y * _SS - oy + r),
                    fill=fill[3],
                )
            self.image.paste(fill[:3], (ox, oy), mask)
            return
        self.draw.line(self._pts(points), fill=fill, width=round(width * _SS))
        for x, y in joints:
            self.draw.ellipse((x * _SS - r, y * _SS - r, x * _SS + r, y * _SS + r), fill=fill)

    def arc(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float,
        start: float,
        end: float,
        fill: Color,
        width: float,
    ) -> None:
        self.draw.arc(
            ((cx - rx) * _SS, (cy - ry) * _SS, (cx + rx) * _SS, (cy + ry) * _SS),
            start,
            end,
            fill=fill,
            width=round(width * _SS),
        )

    def text(
        self,
        x: float,
        y: float,
        s: str,
        size: float,
        fill: Color,
        anchor: str = "mm",
        bold: float = 0,
    ) -> None:
        self.draw.text(
            (x * _SS, y * _SS),
            s,
            font=_font(round(size * _SS)),
            fill=fill,
            anchor=anchor,
            stroke_width=round(bold * _SS),
            stroke_fill=fill,
        )

    # -- gradients and light ----------------------------------------------------

    def _gradient(self, w: int, h: int, stops: Stops, vertical: bool) -> Image.Image:
        n = h if vertical else w
        strip = Image.new("RGB", (1, n) if vertical else (n, 1))
        strip.putdata(_ramp(stops, n))
        return strip.resize((w, h), Image.Resampling.NEAREST)

    def gradient(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        stops: Stops,
        vertical: bool = True,
        radius: float = 0,
    ) -> None:
        bx, by = round(x0 * _SS), round(y0 * _SS)
        w, h = round(x1 * _SS) - bx, round(y1 * _SS) - by
        grad = self._gradient(w, h, stops, vertical)
        if radius:
            mask = Image.new("L", (w, h), 0)
            ImageDraw.Draw(mask).rounded_rectangle((0, 0, w - 1, h - 1), radius * _SS, fill=255)
            self.image.paste(grad, (bx, by), mask)
        else:
            self.image.paste(grad, (bx, by))

    def gradient_poly(self, points: Sequence[Point], stops: Stops, vertical: bool = True) -> None:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        bx, by = math.floor(min(xs) * _SS), math.floor(min(ys) * _SS)
        w = math.ceil(max(xs) * _SS) - bx + 1
        h = math.ceil(max(ys) * _SS) - by + 1
        grad = self._gradient(w, h, stops, vertical)
        mask = Image.new("L", (w, h), 0)
        ImageDraw.Draw(mask).polygon([(x - bx, y - by) for x, y in self._pts(points)], fill=255)
        self.image.paste(grad, (bx, by), mask)

    def glow(
        self, cx: float, cy: float, r: float, color: RGB, alpha: int, power: float = 2.0
    ) -> None:
        """A soft radial light: ``alpha`` at the centre fading to nothing at ``r``."""
        size = max(2, round(2 * r * _SS))
        mask = Image.radial_gradient("L").point(_radial_lut(alpha, power))
        mask = mask.resize((size, size), Image.Resampling.BILINEAR)
        self.image.paste(color, (round((cx - r) * _SS), round((cy - r) * _SS)), mask)

    @contextlib.contextmanager
    def clip(
        self,
        polygon: Sequence[Point] | None = None,
        box: tuple[float, float, float, float] | None = None,
        radius: float = 0,
    ) -> Iterator[None]:
        """Draw inside a polygon or (rounded) box only."""
        base, base_draw = self.image, self.draw
        layer = base.copy()
        self.image, self.draw = layer, ImageDraw.Draw(layer, "RGBA")
        try:
            yield
        finally:
            self.image, self.draw = base, base_draw
        mask = Image.new("L", base.size, 0)
        mdraw = ImageDraw.Draw(mask)
        if polygon is not None:
            mdraw.polygon(self._pts(polygon), fill=255)
        if box is not None:
            x0, y0, x1, y1 = (v * _SS for v in box)
            mdraw.rounded_rectangle((x0, y0, x1, y1), radius * _SS, fill=255)
        base.paste(layer, (0, 0), mask)

    def finish(self) -> Image.Image:
        return self.image.reduce(_SS)


# -- reusable little things -----------------------------------------------------


def _cloud(c: _Canvas, x: float, y: float, s: float, alpha: int = 235) -> None:
    col = _rgba(WHITE, alpha)
    c.rect(x - 70 * s, y - 10 * s, x + 70 * s, y + 22 * s, col, radius=16 * s)
    c.circle(x - 30 * s, y - 12 * s, 30 * s, col)
    c.circle(x + 15 * s, y - 24 * s, 38 * s, col)
    c.circle(x + 50 * s, y - 4 * s, 24 * s, col)


def _sun(c: _Canvas, x: float, y: float, r: float, rays: bool = True) -> None:
    if rays:
        for i in range(8):
            a = i * math.pi / 4
            p0 = (x + math.cos(a) * r * 1.35, y + math.sin(a) * r * 1.35)
            p1 = (x + math.cos(a) * r * 1.75, y + math.sin(a) * r * 1.75)
            c.stroke([p0, p1], MUSTARD, r * 0.22)
    c.circle(x, y, r, MUSTARD)
    c.circle(x - r * 0.25, y - r * 0.25, r * 0.45, _rgba((255, 236, 160), 150))


def _tree(c: _Canvas, x: float, ground: float, s: float, color: RGB) -> None:
    c.rect(x - 5 * s, ground - 50 * s, x + 5 * s, ground, (120, 86, 64), radius=3 * s)
    c.circle(x, ground - 70 * s, 34 * s, color)
    c.circle(x - 16 * s, ground - 84 * s, 16 * s, _rgba(WHITE, 40))


def _person_back(c: _Canvas, x: float, y: float, s: float, shirt: RGB, hair: RGB) -> None:
    """Head and shoulders seen from behind; (x, y) is the head centre."""
    c.rect(x - 34 * s, y + 18 * s, x + 34 * s, y + 80 * s, shirt, radius=22 * s)
    c.circle(x, y, 22 * s, hair)


def _tiny_person(
    c: _Canvas, x: float, ground: float, s: float, shirt: RGB, rng: random.Random
) -> None:
    c.rect(x - 5 * s, ground - 22 * s, x - 1 * s, ground, INK, radius=2 * s)
    c.rect(x + 1 * s, ground - 22 * s, x + 5 * s, ground, INK, radius=2 * s)
    c.rect(x - 8 * s, ground - 46 * s, x + 8 * s, ground - 18 * s, shirt, radius=6 * s)
    c.circle(x, ground - 54 * s, 8 * s, rng.choice(SKIN))
    c.ellipse(x, ground - 58 * s, 8.5 * s, 5 * s, rng.choice(HAIR))


def _hand(c: _Canvas, x: float, y: float, s: float, skin: RGB, tilt: float = 0.0) -> None:
    """An open palm facing the viewer, fingers up; (x, y) is the palm centre."""
    for i, (dx, length) in enumerate(((-15, 34), (-5, 40), (5, 40), (15, 33))):
        ang = math.radians(-90 + tilt + (i - 1.5) * 7)
        bx, by = x + dx * s, y - 10 * s
        c.stroke(
            [(bx, by), (bx + math.cos(ang) * length * s, by + math.sin(ang) * length * s)],
            skin,
            9 * s,
        )
    c.stroke([(x - 16 * s, y + 6 * s), (x - 32 * s, y - 12 * s)], skin, 10 * s)
    c.ellipse(x, y, 22 * s, 24 * s, skin)


def _leaf(c: _Canvas, x: float, y: float, size: float, fill: RGB, vein: RGB) -> None:
    """A pointed leaf tilted to the right, centred on (x, y)."""
    ang = math.radians(35)
    ca, sa = math.cos(ang), math.sin(ang)
    pts: list[Point] = []
    for i in range(49):
        t = 2 * math.pi * i / 48
        lx = 0.42 * size * math.sin(t) * abs(math.sin(t)) ** 0.6
        ly = -size * math.cos(t)
        pts.append((x + lx * ca - ly * sa, y + lx * sa + ly * ca))
    c.poly(pts, fill)
    tip = (x + size * sa * 1.15, y - size * ca * 1.15)
    base = (x - size * sa * 1.05, y + size * ca * 1.05)
    c.stroke([base, tip], vein, max(2.5, size * 0.07), caps=False)


def _speech_bubble(
    c: _Canvas, x0: float, y0: float, x1: float, y1: float, fill: Color, tail_left: bool = True
) -> None:
    c.rect(x0, y0, x1, y1, fill, radius=min(24.0, (y1 - y0) / 2))
    if tail_left:
        c.poly([(x0 + 22, y1 - 4), (x0 + 52, y1 - 4), (x0 + 16, y1 + 22)], fill)
    else:
        c.poly([(x1 - 52, y1 - 4), (x1 - 22, y1 - 4), (x1 - 16, y1 + 22)], fill)


# -- scenes ---------------------------------------------------------------------


def _scene_cityhall(c: _Canvas, rng: random.Random) -> None:
    w, h, ground = c.width, c.height, 690.0
    c.gradient(
        0, 0, w, ground, [(0, (118, 188, 236)), (0.65, (196, 228, 246)), (1, (255, 228, 204))]
    )
    c.glow(960, 170, 220, (255, 240, 200), 170)
    _sun(c, 960, 170, 52, rays=False)
    _cloud(c, 230, 150, 1.1)
    _cloud(c, 700, 90, 0.8, 210)
    # distant towers
    for x0, roof, x1 in ((20, 430, 140), (120, 470, 230), (1040, 400, 1160), (1120, 450, 1200)):
        c.rect(x0, roof, x1, ground, (170, 196, 220))
        for yy in range(roof + 20, int(ground) - 10, 26):
            c.rect(x0 + 12, yy, x1 - 12, yy + 8, (190, 212, 232))

    # the new hall: a glass front that rises and breaks forward like a wave
    def bez(p0: Point, p1: Point, p2: Point, p3: Point, n: int = 40) -> list[Point]:
        out: list[Point] = []
        for i in range(n + 1):
            t = i / n
            u = 1 - t
            out.append(
                (
                    u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                    u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
                )
            )
        return out

    top = bez((300, 380), (560, 350), (790, 160), (1040, 170))
    curl = bez((1040, 170), (1130, 174), (1136, 262), (1064, 300))
    shell = [(300, ground), *top, *curl[1:], (1050, ground)]
    with c.clip(polygon=shell):
        c.gradient(
            280,
            150,
            1140,
            ground,
            [(0, (150, 214, 236)), (0.45, (70, 160, 204)), (1, (36, 98, 150))],
        )
        for i in range(-8, 30):  # diagonal sheen
            x = 260 + i * 46
            c.poly(
                [(x, ground), (x + 16, ground), (x + 330, 140), (x + 314, 140)],
                _rgba(WHITE, 14 + (i % 3) * 8),
            )
        for x in range(300, 1140, 26):
            c.rect(x, 140, x + 2.5, ground, _rgba((225, 240, 250), 110))
        for y in range(180, int(ground), 34):
            c.rect(280, y, 1140, y + 2, _rgba((225, 240, 250), 60))
        # the lip of the wave: a lighter band along the crest, shade under the curl
        crest = top[10:]
        lip_low = [(x, y + 40 * i / (len(crest) - 1)) for i, (x, y) in enumerate(crest)]
        c.poly([*crest, *curl[1:], *reversed(lip_low)], _rgba((214, 240, 252), 70))
        c.poly([*curl[14:], (1046, 312)], _rgba((16, 50, 90), 50))
        c.stroke(top, _rgba(WHITE, 160), 5)
        c.stroke(curl, _rgba(WHITE, 160), 5)
    # the old stone hall in front
    stone, stone_dark = (232, 218, 192), (204, 186, 156)
    c.rect(140, 520, 580, ground, stone)
    c.rect(130, 506, 590, 524, stone_dark)
    c.rect(300, 430, 420, 520, stone)
    c.rect(292, 420, 428, 436, stone_dark)
    c.circle(360, 470, 22, WHITE, outline=stone_dark, width=4)
    c.stroke([(360, 470), (360, 456)], INK, 3)
    c.stroke([(360, 470), (370, 474)], INK, 3)
    for x in range(160, 570, 34):
        if 290 < x < 420:
            continue
        c.rect(x, 546, x + 16, 584, (150, 170, 186), radius=8)
        c.rect(x, 604, x + 16, 642, (150, 170, 186), radius=3)
    for x in range(310, 412, 26):
        c.rect(x, 540, x + 14, ground, stone_dark)
    c.rect(140, 676, 580, ground, stone_dark)
    # plaza and lawn
    c.gradient(0, ground, w, h, [(0, (226, 216, 200)), (1, (240, 232, 220))])
    c.ellipse(600, 800, 520, 80, (112, 184, 104))
    c.ellipse(600, 792, 500, 68, (132, 200, 118))
    for x, s in ((60, 1.3), (120, 1.0), (1100, 1.2), (1160, 1.4)):
        _tree(c, x, ground + 30, s, (86, 160, 96))
    for _ in range(16):
        px = rng.uniform(120, 1080)
        py = 800 + rng.uniform(-40, 60)
        _tiny_person(c, px, py, 0.9, rng.choice((CORAL, MUSTARD, TEAL, WHITE, NAVY)), rng)


def _scene_hall(c: _Canvas, rng: random.Random) -> None:
    w, h = c.width, c.height
    c.gradient(0, 0, w, h, [(0, (36, 40, 78)), (0.55, (62, 56, 104)), (1, (44, 38, 70))])
    for gx in range(100, w, 200):
        c.glow(gx, 0, 90, (255, 226, 170), 90)
    # stage
    c.rect(120, 330, 1080, 372, (96, 84, 130))
    c.rect(120, 372, 1080, 398, (70, 60, 100))
    c.glow(600, 200, 420, (120, 200, 230), 60)
    # screen
    c.rect(318, 48, 882, 322, (20, 22, 36), radius=8)
    c.gradient(330, 60, 870, 310, [(0, (44, 170, 160)), (1, (58, 104, 190))], vertical=False)
    c.text(600, 150, "SEOUL SOCIAL", 46, WHITE, bold=1)
    c.text(600, 206, "CONFERENCE 2017", 34, (255, 226, 150))
    _speech_bubble(c, 392, 236, 476, 282, _rgba(WHITE, 220))
    _speech_bubble(c, 724, 236, 808, 282, _rgba(WHITE, 220), tail_left=False)
    c.poly(_heart(600, 262, 1.7), CORAL)
    # banners
    for bx in (170, 990):
        c.rect(bx, 70, bx + 60, 300, CORAL, radius=6)
        c.circle(bx + 30, 120, 18, WHITE)
        c.rect(bx + 14, 160, bx + 46, 166, _rgba(WHITE, 200))
        c.rect(bx + 14, 176, bx + 46, 182, _rgba(WHITE, 200))
    # speaker at a small podium
    c.circle(262, 256, 16, SKIN[0])
    c.ellipse(262, 248, 17, 11, HAIR[0])
    c.rect(240, 272, 284, 330, NAVY, radius=12)
    c.poly([(232, 290), (292, 290), (286, 332), (238, 332)], (235, 232, 240))
    # rows of seats, back to front
    shirts = (CORAL, TEAL, MUSTARD, (120, 140, 200), WHITE, (90, 90, 110), MINT)
    for row in range(6):
        s = 0.55 + row * 0.17
        y = 420 + row * 44 + row * row * 3.2
        spacing = 58 * s
        count = int(w / spacing) + 2
        offset = (row % 2) * spacing / 2 - spacing / 2
        for i in range(count):
            x = offset + i * spacing
            if abs(x - w / 2) < 30 * s:  # the aisle
                continue
            if rng.random() < 0.86:
                _person_back(c, x, y - 30 * s, s * 0.75, rng.choice(shirts), rng.choice(HAIR))
                if row >= 2 and rng.random() < 0.1:
                    c.stroke(
                        [(x + 16 * s, y - 10 * s), (x + 20 * s, y - 60 * s)], (70, 70, 96), 10 * s
                    )
                    c.rect(
                        x + 6 * s, y - 100 * s, x + 34 * s, y - 52 * s, (30, 30, 40), radius=5 * s
                    )
                    c.rect(
                        x + 9 * s, y - 96 * s, x + 31 * s, y - 56 * s, (180, 226, 240), radius=3 * s
                    )
            c.rect(x - 26 * s, y - 6 * s, x + 26 * s, y + 34 * s, (176, 58, 78), radius=10 * s)
            c.rect(x - 26 * s, y - 6 * s, x + 26 * s, y + 4 * s, _rgba(WHITE, 30), radius=6 * s)


def _scene_stage(c: _Canvas, rng: random.Random) -> None:
    w, h = c.width, c.height
    c.gradient(0, 0, w, h, [(0, (26, 28, 56)), (1, (58, 42, 86))])
    # slide screen
    c.rect(620, 70, 1150, 376, (16, 18, 30), radius=8)
    c.gradient(632, 82, 1138, 364, [(0, (250, 246, 238)), (1, (236, 240, 246))])
    c.rect(632, 82, 1138, 132, TEAL)
    c.text(660, 107, "TALK WITH CITIZENS", 26, WHITE, anchor="lm", bold=0.6)
    for i, val in enumerate((0.35, 0.55, 0.7, 0.95)):
        x = 680 + i * 70
        c.rect(x, 330 - 170 * val, x + 44, 330, (CORAL, MUSTARD, TEAL, (88, 120, 200))[i], radius=6)
    c.rect(664, 332, 960, 336, (190, 190, 200))
    _speech_bubble(c, 990, 170, 1110, 236, CORAL)
    c.poly(_heart(1050, 205, 1.5), WHITE)
    _speech_bubble(c, 1000, 256, 1110, 306, (88, 120, 200), tail_left=False)
    for i in range(3):
        c.circle(1030 + i * 25, 281, 6, WHITE)
    # spotlight
    c.poly([(330, -10), (430, -10), (560, 600), (190, 600)], _rgba((255, 244, 214), 34))
    c.poly([(355, -10), (405, -10), (500, 600), (250, 600)], _rgba((255, 244, 214), 26))
    # floor
    c.gradient(0, 560, w, h, [(0, (132, 92, 70)), (1, (96, 64, 52))])
    c.rect(0, 556, w, 566, (160, 116, 86))
    c.ellipse(375, 598, 200, 34, _rgba((255, 240, 200), 90))
    # speaker
    skin, hair = SKIN[1], HAIR[1]
    c.rect(318, 330, 432, 520, NAVY, radius=34)
    c.poly([(360, 330), (390, 330), (375, 372)], WHITE)
    c.rect(364, 298, 386, 334, skin, radius=8)
    c.circle(375, 270, 38, skin)
    c.poly(
        [(336, 268), (340, 236), (376, 222), (412, 236), (414, 262), (398, 246), (354, 252)], hair
    )
    c.circle(360, 272, 3.5, INK)
    c.circle(390, 272, 3.5, INK)
    c.arc(375, 284, 11, 8, 20, 160, INK, 3)
    c.stroke([(420, 356), (470, 318), (486, 262)], NAVY, 30)
    c.circle(488, 250, 17, skin)
    # podium
    c.poly([(290, 410), (460, 410), (446, 600), (304, 600)], (238, 236, 244))
    c.rect(282, 398, 468, 420, (214, 212, 224), radius=6)
    c.circle(375, 486, 32, CORAL)
    c.poly(_heart(375, 490, 1.4), WHITE)
    c.stroke([(400, 400), (396, 372), (382, 352)], (60, 60, 70), 4, caps=False)
    c.ellipse(380, 349, 8, 6, (60, 60, 70))
    # plant
    c.poly([(520, 600), (580, 600), (572, 540), (528, 540)], (222, 214, 200))
    rng_leaf = rng.uniform(-4, 4)
    for dx, dy in ((-28, -30), (0, -58), (26, -34), (-14, -80), (16, -86)):
        c.stroke([(550, 544), (550 + dx * 0.8 + rng_leaf, 536 + dy * 0.8)], (62, 128, 88), 5)
    for dx, dy in ((-28, -30), (0, -58), (26, -34), (-14, -80), (16, -86)):
        c.ellipse(550 + dx + rng_leaf, 530 + dy, 16, 28, (82, 160, 110))
    # audience silhouettes in front
    for i in range(9):
        hx = 60 + i * 140 + rng.uniform(-20, 20)
        c.circle(hx, h - 10, 44, (18, 18, 32))
        c.rect(hx - 80, h + 20, hx + 80, h + 120, (18, 18, 32), radius=40)


def _scene_bot(c: _Canvas, rng: random.Random) -> None:
    w, h = c.width, c.height
    c.gradient(0, 0, w, h, [(0, (198, 238, 224)), (1, (188, 214, 246))])
    for _ in range(7):
        c.circle(rng.uniform(0, w), rng.uniform(0, h), rng.uniform(40, 140), _rgba(WHITE, 50))
    # phone
    c.rect(236, 120, 736, 1120, _rgba(NAVY, 45), radius=64)
    c.rect(220, 100, 720, 1100, (34, 38, 56), radius=64)
    c.rect(238, 118, 702, 1082, (247, 249, 252), radius=48)
    c.rect(420, 126, 520, 142, (34, 38, 56), radius=8)
    # header with the bot
    c.rect(238, 150, 702, 252, (236, 246, 244))
    c.circle(306, 201, 36, TEAL)
    c.stroke([(306, 165), (306, 150)], TEAL, 5)
    c.circle(306, 148, 7, MUSTARD)
    c.rect(282, 186, 330, 214, WHITE, radius=12)
    c.circle(296, 200, 5, INK)
    c.circle(316, 200, 5, INK)
    c.text(360, 188, "Seoul Bot", 28, INK, anchor="lm", bold=0.5)
    c.circle(368, 222, 6, (70, 190, 110))
    c.text(382, 222, "online", 20, (120, 130, 140), anchor="lm")
    bot_bg, user_bg = (224, 244, 240), CORAL
    # 1. weather
    _speech_bubble(c, 262, 282, 640, 442, bot_bg)
    _sun(c, 328, 344, 30)
    _cloud(c, 360, 384, 0.52, 255)
    c.text(430, 340, "24°", 58, INK, anchor="lm", bold=0.8)
    c.text(432, 398, "Sunny, clear skies", 22, (90, 100, 110), anchor="lm")
    # 2. question
    _speech_bubble(c, 420, 476, 678, 540, user_bg, tail_left=False)
    c.text(549, 508, "Events today?", 26, WHITE)
    # 3. calendar
    _speech_bubble(c, 262, 576, 640, 716, bot_bg)
    c.rect(286, 600, 370, 690, WHITE, radius=10)
    c.rect(286, 600, 370, 626, CORAL, radius=10)
    c.rect(286, 614, 370, 626, CORAL)
    for r in range(3):
        for col in range(3):
            fill = TEAL if (r, col) == (1, 2) else (210, 214, 222)
            c.rect(296 + col * 24, 636 + r * 17, 312 + col * 24, 648 + r * 17, fill, radius=3)
    c.text(390, 618, "Night market", 26, INK, anchor="lm", bold=0.4)
    c.text(390, 654, "Sat 18:00", 22, (90, 100, 110), anchor="lm")
    c.rect(390, 676, 600, 688, (196, 222, 218), radius=6)
    # 4. question
    _speech_bubble(c, 400, 750, 678, 814, user_bg, tail_left=False)
    c.text(539, 782, "Who can help me?", 26, WHITE)
    # 5. connecting to the right official
    _speech_bubble(c, 262, 850, 650, 990, bot_bg)
    for x, shirt in ((318, CORAL), (586, TEAL)):
        c.circle(x, 892, 20, SKIN[0])
        c.rect(x - 28, 916, x + 28, 956, shirt, radius=20)
    for i in range(5):
        c.circle(374 + i * 38, 918, 6, _rgba(TEAL, 90 + i * 40))
    c.poly([(540, 906), (556, 918), (540, 930)], TEAL)
    c.text(456, 972, "Connecting you...", 21, (90, 100, 110))
    # input bar
    c.rect(262, 1016, 610, 1060, (232, 236, 242), radius=22)
    c.rect(286, 1034, 440, 1042, (200, 206, 216), radius=4)
    c.circle(650, 1038, 26, TEAL)
    c.poly([(640, 1024), (666, 1038), (640, 1052), (644, 1038)], WHITE)
    # sparkles around the phone
    for x, y, r in ((140, 300, 16), (820, 240, 12), (830, 860, 18), (120, 900, 10)):
        c.poly(
            [
                (x, y - r),
                (x + r * 0.3, y - r * 0.3),
                (x + r, y),
                (x + r * 0.3, y + r * 0.3),
                (x, y + r),
                (x - r * 0.3, y + r * 0.3),
                (x - r, y),
                (x - r * 0.3, y - r * 0.3),
            ],
            WHITE,
        )


def _scene_bus(c: _Canvas, rng: random.Random) -> None:
    w, h = c.width, c.height
    c.gradient(0, 0, w, 620, [(0, (140, 200, 238)), (1, (226, 240, 246))])
    _cloud(c, 180, 120, 1.0)
    _cloud(c, 980, 90, 0.75, 220)
    x = -20.0
    while x < w:
        bw = rng.uniform(90, 170)
        top = rng.uniform(250, 420)
        col = rng.choice(((214, 200, 226), (246, 214, 196), (196, 220, 222), (232, 224, 200)))
        c.rect(x, top, x + bw, 600, col)
        for yy in range(int(top) + 22, 580, 34):
            for xx in range(int(x) + 16, int(x + bw) - 24, 30):
                c.rect(xx, yy, xx + 14, yy + 18, _rgba(WHITE, 120), radius=2)
        x += bw + rng.uniform(-10, 8)
    for tx in range(40, w, 170):
        _tree(c, tx + rng.uniform(-20, 20), 604, 1.25, rng.choice(((92, 170, 100), (74, 150, 94))))
    c.rect(0, 596, w, 640, (216, 210, 202))
    c.rect(0, 636, w, 648, (180, 176, 170))
    c.gradient(0, 648, w, h, [(0, (96, 102, 114)), (1, (78, 82, 94))])
    for xx in range(-40, w, 160):
        c.rect(xx, 812, xx + 90, 824, (236, 232, 220), radius=4)
    # bus stop
    c.rect(96, 380, 104, 640, (90, 96, 110))
    c.rect(62, 372, 138, 430, TEAL, radius=10)
    c.rect(78, 386, 122, 412, WHITE, radius=5)
    c.rect(82, 390, 118, 402, TEAL, radius=3)
    _tiny_person(c, 150, 632, 2.0, CORAL, rng)
    # citizens' voices floating above
    _speech_bubble(c, 520, 120, 640, 190, WHITE)
    c.poly(_heart(580, 156, 1.6), CORAL)
    _speech_bubble(c, 700, 190, 800, 248, WHITE, tail_left=False)
    c.stroke([(734, 219), (766, 219)], TEAL, 8)
    c.stroke([(750, 203), (750, 235)], TEAL, 8)
    # the bus
    green, dark = (60, 168, 92), (40, 128, 72)
    c.ellipse(600, 742, 420, 18, _rgba((20, 20, 30), 70))
    c.rect(200, 370, 1024, 724, green, radius=44)
    c.rect(200, 640, 1024, 724, dark, radius=30)
    c.rect(200, 630, 1024, 650, dark)
    c.rect(214, 384, 1010, 402, _rgba(WHITE, 45), radius=9)
    c.rect(200, 552, 1024, 566, (236, 244, 236))
    windows = [
        (236, 420, 366, 536),
        (380, 420, 510, 536),
        (524, 420, 654, 536),
        (668, 420, 798, 536),
    ]
    for x0, y0, x1, y1 in windows:
        c.rect(x0, y0, x1, y1, (54, 84, 108), radius=12)
        c.poly([(x0 + 20, y1), (x0 + 52, y1), (x0 + 92, y0), (x0 + 60, y0)], _rgba(WHITE, 40))
    c.rect(820, 420, 920, 700, (54, 84, 108), radius=10)  # door
    c.rect(868, 420, 872, 700, green)
    c.poly([(836, 700), (852, 700), (884, 430), (868, 430)], _rgba(WHITE, 40))
    c.rect(940, 408, 1012, 556, (54, 84, 108), radius=14)  # windscreen
    c.rect(944, 384, 1010, 402, (24, 28, 34), radius=4)
    c.text(977, 393, "1017", 16, (255, 186, 60), bold=0.3)
    c.rect(300, 584, 460, 618, WHITE, radius=17)
    c.text(380, 601, "1017", 24, green, bold=0.8)
    c.circle(1006, 618, 12, (255, 232, 140))
    c.rect(204, 590, 214, 620, (230, 70, 70), radius=4)
    for wx in (340, 880):
        c.draw.chord(
            ((wx - 68) * _SS, (724 - 68) * _SS, (wx + 68) * _SS, (724 + 68) * _SS),
            180,
            360,
            fill=(32, 96, 58),
        )
    for wx in (340, 880):
        c.circle(wx, 724, 56, (36, 38, 44))
        c.circle(wx, 724, 26, (180, 184, 190))
        c.circle(wx, 724, 9, (120, 124, 130))


def _scene_coffee(c: _Canvas, rng: random.Random) -> None:
    w, h = c.width, c.height
    y = 0.0
    while y < h:  # wooden planks
        ph = rng.uniform(130, 190)
        base = _mix((214, 168, 122), (226, 184, 138), rng.random())
        c.rect(0, y, w, y + ph, base)
        for _ in range(4):
            gy = y + rng.uniform(10, ph - 10)
            c.rect(
                rng.uniform(-50, w / 2),
                gy,
                rng.uniform(w / 2, w + 50),
                gy + 3,
                _rgba((150, 104, 70), 40),
            )
        c.rect(0, y + ph - 3, w, y + ph, (176, 128, 90))
        y += ph
    shadow = _rgba((70, 40, 20), 60)
    # notebook and pen
    c.rect(132, 660, 492, 1010, shadow, radius=14)
    c.rect(116, 640, 476, 990, (72, 112, 170), radius=14)
    c.rect(136, 650, 476, 984, CREAM, radius=8)
    for ly in range(700, 970, 34):
        c.rect(160, ly, 452, ly + 2, (200, 210, 226))
    c.rect(160, 704, 350, 714, _rgba(CORAL, 200), radius=5)
    c.rect(160, 738, 420, 746, _rgba(INK, 120), radius=4)
    c.rect(160, 772, 380, 780, _rgba(INK, 120), radius=4)
    c.poly(_heart(400, 860, 2.4), _rgba(CORAL, 160))
    c.stroke([(540, 720), (700, 1000)], shadow, 18)
    c.stroke([(530, 700), (690, 980)], NAVY, 18)
    c.poly([(525, 690), (540, 716), (518, 708)], INK)
    # conference badge
    c.rect(680, 90, 980, 280, shadow, radius=14)
    c.rect(666, 74, 966, 264, WHITE, radius=14)
    c.rect(666, 74, 966, 134, TEAL, radius=14)
    c.rect(666, 114, 966, 134, TEAL)
    c.text(816, 104, "SOCIAL CONF 2017", 24, WHITE, bold=0.5)
    c.circle(720, 196, 30, PEACH)
    c.rect(770, 178, 930, 190, (200, 206, 214), radius=6)
    c.rect(770, 204, 890, 214, (220, 224, 230), radius=5)
    c.rect(790, 40, 842, 82, (70, 70, 90), radius=6)

    def cup(cx: float, cy: float, body: RGB, latte: bool) -> None:
        c.circle(cx + 14, cy + 18, 178, shadow)
        c.circle(cx, cy, 176, (250, 248, 244))
        c.circle(cx, cy, 150, _rgba((220, 210, 200), 90))
        c.stroke([(cx + 110, cy + 40), (cx + 160, cy + 70)], body, 34)
        c.circle(cx + 8, cy + 10, 128, _rgba((70, 40, 20), 50))
        c.circle(cx, cy, 126, body)
        c.circle(cx, cy, 104, (122, 76, 48))
        c.glow(cx - 10, cy - 10, 96, (196, 140, 90), 120, 1.2)
        if latte:
            c.poly(_heart(cx, cy + 6, 3.6), (246, 228, 200))
            c.poly(_heart(cx, cy + 2, 2.0), (196, 140, 90))
            c.poly(_heart(cx, cy, 1.1), (246, 228, 200))
        else:
            c.circle(cx - 30, cy - 34, 14, _rgba(WHITE, 60))

    cup(330, 330, WHITE, latte=True)
    cup(760, 700, TEAL, latte=False)
    for x, y in ((640, 430), (930, 420)):
        c.circle(x + 8, y + 10, 56, shadow)
        c.circle(x, y, 56, (214, 158, 92))
        c.circle(x, y, 48, (226, 174, 106))
        for _ in range(7):
            a, r = rng.uniform(0, 2 * math.pi), rng.uniform(0, 36)
            c.circle(x + math.cos(a) * r, y + math.sin(a) * r, 6, (92, 56, 36))


def _scene_friends(c: _Canvas, rng: random.Random) -> None:
    w, h = c.width, c.height
    c.gradient(0, 0, w, h, [(0, (255, 216, 204)), (0.7, (255, 236, 222)), (1, (250, 226, 206))])
    for _ in range(46):
        x, y = rng.uniform(0, w), rng.uniform(0, h * 0.75)
        col = rng.choice((CORAL, MUSTARD, TEAL, (120, 150, 230), WHITE))
        if rng.random() < 0.5:
            c.circle(x, y, rng.uniform(4, 9), _rgba(col, 200))
        else:
            c.rect(x, y, x + rng.uniform(10, 18), y + 6, _rgba(col, 200), radius=3)
    cx, cy, k = 480.0, 670.0, 15.0
    c.poly(_heart(cx, cy, k * 1.06), _rgba(WHITE, 120))
    back_ground, front_ground = 1010.0, 1140.0
    c.ellipse(480, back_ground + 2, 430, 24, _rgba((200, 120, 110), 50))
    c.ellipse(480, front_ground, 130, 18, _rgba((200, 120, 110), 60))

    def body(
        x: float,
        shoulder: float,
        ground: float,
        shirt: RGB,
        pants: RGB,
        skin: RGB,
        hair: RGB,
        style: int,
    ) -> None:
        c.rect(x - 34, shoulder + 180, x - 4, ground - 4, pants, radius=14)
        c.rect(x + 4, shoulder + 180, x + 34, ground - 4, pants, radius=14)
        c.ellipse(x - 24, ground - 2, 24, 10, INK)
        c.ellipse(x + 24, ground - 2, 24, 10, INK)
        c.rect(x - 58, shoulder, x + 58, shoulder + 210, shirt, radius=40)
        c.rect(x - 14, shoulder - 26, x + 14, shoulder + 8, skin, radius=8)
        head_y = shoulder - 72
        if style == 1:  # long hair falls behind the shoulders
            c.rect(x - 60, head_y - 20, x + 60, head_y + 86, hair, radius=40)
        if style == 2:  # bun
            c.circle(x, head_y - 66, 26, hair)
        c.circle(x, head_y, 56, skin)
        if style == 0:  # short
            c.poly(
                [
                    (x - 58, head_y + 6),
                    (x - 54, head_y - 36),
                    (x - 20, head_y - 60),
                    (x + 26, head_y - 60),
                    (x + 56, head_y - 32),
                    (x + 58, head_y + 4),
                    (x + 40, head_y - 22),
                    (x - 30, head_y - 24),
                ],
                hair,
            )
        elif style == 1:
            c.poly(
                [
                    (x - 58, head_y + 10),
                    (x - 52, head_y - 38),
                    (x, head_y - 62),
                    (x + 52, head_y - 38),
                    (x + 58, head_y + 10),
                    (x + 30, head_y - 28),
                    (x - 10, head_y - 20),
                ],
                hair,
            )
        else:
            c.poly(
                [
                    (x - 58, head_y),
                    (x - 50, head_y - 40),
                    (x, head_y - 60),
                    (x + 50, head_y - 40),
                    (x + 58, head_y),
                    (x + 20, head_y - 34),
                    (x - 20, head_y - 34),
                ],
                hair,
            )
        c.circle(x - 20, head_y + 4, 6, INK)
        c.circle(x + 20, head_y + 4, 6, INK)
        c.ellipse(x - 32, head_y + 22, 10, 6, _rgba(CORAL, 110))
        c.ellipse(x + 32, head_y + 22, 10, 6, _rgba(CORAL, 110))
        c.arc(x, head_y + 18, 16, 12, 15, 165, INK, 4)

    lx, rx, shoulder = 196.0, 764.0, 600.0
    body(lx, shoulder, back_ground, TEAL, NAVY, SKIN[0], HAIR[0], 2)
    body(rx, shoulder, back_ground, CORAL, (70, 80, 110), SKIN[1], HAIR[1], 1)
    # the two friends at the back trace the top of one big heart with their inner arms
    left = _heart(cx, cy, k, math.pi * 1.5, 2 * math.pi - 0.07)
    right = _heart(cx, cy, k, 0.07, math.pi * 0.5)
    c.stroke([(lx + 40, shoulder + 30), *left], TEAL, 32)
    c.stroke([*right, (rx - 40, shoulder + 30)], CORAL, 32)
    c.circle(left[-1][0] - 6, left[-1][1] + 2, 19, SKIN[0])
    c.circle(right[0][0] + 6, right[0][1] + 2, 19, SKIN[1])
    # and wave with the other
    c.stroke(
        [(lx - 40, shoulder + 30), (lx - 92, shoulder - 40), (lx - 100, shoulder - 120)], TEAL, 30
    )
    c.circle(lx - 100, shoulder - 134, 19, SKIN[0])
    c.stroke(
        [(rx + 40, shoulder + 30), (rx + 92, shoulder - 40), (rx + 100, shoulder - 120)], CORAL, 30
    )
    c.circle(rx + 100, shoulder - 134, 19, SKIN[1])
    # the friend in front holds a little heart
    mx, ms = 480.0, 760.0
    body(mx, ms, front_ground, MUSTARD, (90, 110, 160), SKIN[2], HAIR[2], 0)
    c.stroke([(mx - 44, ms + 30), (mx - 62, ms + 110), (mx - 34, ms + 146)], MUSTARD, 30)
    c.stroke([(mx + 44, ms + 30), (mx + 62, ms + 110), (mx + 34, ms + 146)], MUSTARD, 30)
    c.poly(_heart(mx, ms + 136, 3.2), (236, 74, 96))
    c.circle(mx - 32, ms + 150, 16, SKIN[2])
    c.circle(mx + 32, ms + 150, 16, SKIN[2])
    for x, y, k2 in ((120, 180, 1.6), (820, 140, 2.2), (660, 250, 1.2), (290, 290, 1.0)):
        c.poly(_heart(x, y, k2), _rgba(CORAL, 200))


def _scene_prizes(c: _Canvas, rng: random.Random) -> None:
    w, h = c.width, c.height
    c.gradient(0, 0, w, 800, [(0, (255, 244, 230)), (1, (255, 222, 204))])
    c.circle(540, 520, 380, _rgba(WHITE, 110))
    c.gradient(0, 800, w, h, [(0, (236, 176, 146)), (1, (222, 158, 128))])
    c.rect(0, 796, w, 812, (246, 196, 168))
    for x, y, r in ((150, 180, 26), (930, 150, 34), (860, 330, 16), (230, 420, 14), (560, 120, 20)):
        c.poly(
            [
                (x, y - r),
                (x + r * 0.28, y - r * 0.28),
                (x + r, y),
                (x + r * 0.28, y + r * 0.28),
                (x, y + r),
                (x - r * 0.28, y + r * 0.28),
                (x - r, y),
                (x - r * 0.28, y - r * 0.28),
            ],
            MUSTARD,
        )
    shadow = _rgba((140, 80, 60), 70)
    # bottle
    c.ellipse(230, 812, 90, 14, shadow)
    c.rect(172, 360, 288, 812, TEAL, radius=54)
    c.rect(196, 300, 264, 380, TEAL, radius=20)
    c.rect(190, 240, 270, 310, NAVY, radius=16)
    for gx in range(200, 264, 12):
        c.rect(gx, 250, gx + 5, 300, _rgba(WHITE, 40), radius=2)
    c.rect(172, 520, 288, 640, WHITE)
    _leaf(c, 230, 580, 40, (92, 180, 110), WHITE)
    c.rect(192, 390, 210, 500, _rgba(WHITE, 70), radius=9)
    c.rect(192, 660, 210, 780, _rgba(WHITE, 70), radius=9)
    # eco-bag (tote)
    c.ellipse(540, 812, 180, 16, shadow)
    bag = (236, 222, 196)
    c.arc(480, 470, 50, 90, 180, 360, (206, 188, 156), 18)
    c.arc(600, 470, 50, 90, 180, 360, (206, 188, 156), 18)
    c.poly([(390, 470), (690, 470), (716, 812), (364, 812)], bag)
    c.poly([(390, 470), (690, 470), (692, 500), (388, 500)], (224, 208, 180))
    for i in range(24):
        t = i / 24
        c.rect(396 + 288 * t, 506, 404 + 288 * t, 509, _rgba((190, 170, 140), 200), radius=1)
    c.circle(540, 640, 86, (92, 180, 110))
    _leaf(c, 540, 640, 60, WHITE, (92, 180, 110))
    c.text(540, 760, "ECO", 34, (120, 150, 110), bold=1)
    # tumbler
    c.ellipse(860, 812, 110, 15, shadow)
    c.poly([(772, 430), (948, 430), (920, 812), (800, 812)], CORAL)
    c.poly([(783, 560), (937, 560), (929, 670), (791, 670)], (226, 88, 76))
    for sx in range(800, 930, 26):
        c.rect(sx, 560, sx + 10, 670, _rgba(WHITE, 50))
    c.rect(760, 380, 960, 440, (246, 244, 240), radius=18)
    c.rect(780, 368, 940, 392, (226, 224, 220), radius=10)
    c.rect(880, 372, 920, 386, (180, 178, 176), radius=6)
    c.poly([(796, 450), (814, 450), (824, 800), (812, 800)], _rgba(WHITE, 60))


def _scene_qna(c: _Canvas, rng: random.Random) -> None:
    w, h = c.width, c.height
    c.gradient(0, 0, w, h, [(0, (58, 54, 108)), (0.6, (104, 80, 140)), (1, (64, 52, 96))])
    c.glow(600, 60, 400, (255, 220, 180), 80)
    c.rect(392, 62, 808, 300, (18, 18, 30), radius=10)
    c.gradient(404, 74, 796, 288, [(0, (44, 170, 160)), (1, (60, 110, 196))], vertical=False)
    c.text(600, 168, "Q&A", 110, WHITE, bold=2)
    c.text(600, 252, "ask anything", 26, (255, 226, 150))
    # the crowd
    sleeves = (CORAL, TEAL, MUSTARD, WHITE, (120, 150, 230), MINT)
    crowd = (52, 44, 84)

    def raise_hands() -> None:
        for x, top, tilt, sleeve in (
            (190, 400, -10, sleeves[0]),
            (420, 450, 6, sleeves[1]),
            (690, 380, -4, sleeves[2]),
            (930, 440, 10, sleeves[4]),
        ):
            skin = rng.choice(SKIN)
            c.stroke([(x - tilt * 5, 820), (x, top + 70)], sleeve, 44, caps=False)
            c.rect(x - 25, top + 52, x + 25, top + 74, _rgba(WHITE, 80), radius=8)
            _hand(c, x, top + 10, 1.25, skin, tilt)

    for row in range(3):
        if row == 2:
            raise_hands()
        y = 640 + row * 95
        s = 1.0 + row * 0.35
        for i in range(-1, 14):
            x = i * 100 * (1 + row * 0.1) + (row % 2) * 45 + rng.uniform(-10, 10)
            col = _mix(crowd, (20, 18, 34), row / 2)
            c.rect(x - 48 * s, y + 20 * s, x + 48 * s, y + 160 * s, col, radius=30 * s)
            c.circle(x, y, 30 * s, col)
    # a microphone being passed
    c.poly([(1010, 900), (1070, 900), (1106, 640), (1066, 636)], (50, 52, 60))
    c.poly([(1016, 900), (1030, 900), (1072, 640), (1066, 640)], _rgba(WHITE, 40))
    c.rect(1060, 612, 1120, 650, TEAL, radius=10)
    c.circle(1094, 570, 58, (190, 194, 204))
    with c.clip(box=(1036, 512, 1152, 628), radius=58):
        for i in range(-6, 7):
            c.rect(1036, 570 + i * 12, 1152, 572 + i * 12, _rgba((120, 124, 134), 160))
            c.rect(1094 + i * 12, 512, 1096 + i * 12, 628, _rgba((120, 124, 134), 160))
    c.circle(1074, 548, 18, _rgba(WHITE, 90))
    # question bubbles
    for x, y, col in ((110, 110, CORAL), (1040, 160, MUSTARD), (300, 250, TEAL)):
        _speech_bubble(c, x - 40, y - 34, x + 40, y + 34, WHITE)
        c.text(x, y, "?", 48, col, bold=1.2)


def _scene_wall(c: _Canvas, rng: random.Random) -> None:
    w, h = c.width, c.height
    c.gradient(0, 0, w, h, [(0, (26, 28, 48)), (1, (44, 36, 70))])
    c.glow(600, 300, 620, (120, 140, 230), 70)
    c.rect(70, 30, 1130, 566, (12, 12, 22), radius=12)
    sx0, sy0, sx1, sy1 = 84, 44, 1116, 552
    c.gradient(sx0, sy0, sx1, sy1, [(0, (44, 56, 108)), (1, (74, 52, 116))])
    c.text(110, 74, "SOCIAL WALL", 26, WHITE, anchor="lm", bold=0.8)
    c.rect(296, 62, 352, 86, (236, 72, 86), radius=12)
    c.text(324, 74, "LIVE", 16, WHITE, bold=0.4)
    for i in range(5):
        c.circle(1000 + i * 22, 74, 6, _rgba(WHITE, 80 + i * 30))
    cols, gap = 5, 14
    cw = (sx1 - sx0 - gap * (cols + 1)) / cols
    accents = (CORAL, TEAL, MUSTARD, (120, 150, 230), (150, 110, 200), (92, 180, 110))
    with c.clip(box=(sx0, 100, sx1, sy1)):
        for col in range(cols):
            x0 = sx0 + gap + col * (cw + gap)
            y = 104 + rng.uniform(0, 30) - (col % 2) * 40
            while y < sy1:
                has_image = rng.random() < 0.6
                ch = 64 + rng.choice((1, 2, 3)) * 14 + (rng.uniform(90, 140) if has_image else 0)
                c.rect(x0, y, x0 + cw, y + ch, (252, 250, 246), radius=10)
                c.circle(x0 + 22, y + 22, 11, rng.choice(accents))
                c.rect(
                    x0 + 40, y + 15, x0 + 40 + rng.uniform(50, 100), y + 23, (60, 64, 80), radius=4
                )
                c.rect(x0 + 40, y + 27, x0 + 90, y + 32, (190, 194, 204), radius=3)
                ty = y + 44
                if has_image:
                    ih = ch - 64 - 14 * 3 + 30
                    a, b = rng.sample(accents, 2)
                    c.gradient(x0 + 10, ty, x0 + cw - 10, ty + ih, [(0, a), (1, b)], radius=6)
                    c.circle(x0 + cw * 0.7, ty + ih * 0.35, ih * 0.14, _rgba(WHITE, 200))
                    c.poly(
                        [
                            (x0 + 10, ty + ih),
                            (x0 + cw * 0.4, ty + ih * 0.45),
                            (x0 + cw * 0.65, ty + ih),
                        ],
                        _rgba(WHITE, 120),
                    )
                    ty += ih + 10
                while ty + 10 < y + ch - 8:
                    c.rect(
                        x0 + 12,
                        ty,
                        x0 + cw - rng.uniform(14, 60),
                        ty + 6,
                        (170, 176, 190),
                        radius=3,
                    )
                    ty += 14
                y += ch + gap
    # people in front, watching
    for x, s, shirt in (
        (140, 1.3, (40, 40, 60)),
        (380, 1.1, (30, 30, 48)),
        (800, 1.2, (36, 34, 56)),
        (1040, 1.4, (28, 28, 44)),
    ):
        c.circle(x, h - 60 * s, 36 * s, (16, 16, 26))
        c.rect(x - 70 * s, h - 24 * s, x + 70 * s, h + 60, shirt, radius=36 * s)
    c.stroke([(872, 690), (886, 560)], (36, 34, 56), 30)
    c.rect(862, 488, 912, 568, (20, 20, 30), radius=8)
    c.rect(867, 494, 907, 562, (120, 150, 230), radius=5)
    c.glow(887, 528, 70, (150, 180, 255), 60)


def _scene_night(c: _Canvas, rng: random.Random) -> None:
    w, h = c.width, c.height
    horizon = 560.0
    c.gradient(
        0,
        0,
        w,
        horizon,
        [(0, (22, 26, 72)), (0.45, (74, 54, 124)), (0.78, (232, 118, 116)), (1, (255, 192, 124))],
    )
    for _ in range(70):
        x, y = rng.uniform(0, w), rng.uniform(0, horizon * 0.45)
        c.circle(x, y, rng.uniform(1, 2.4), _rgba(WHITE, rng.randint(90, 230)))
    c.glow(980, 110, 90, (255, 240, 210), 90)
    c.circle(980, 110, 30, (255, 244, 218))
    # hill with a tower
    hill = [
        (x, 360 + 60 * (1 - math.exp(-(((x - 320) / 230) ** 2))) * 2 - 60)
        for x in range(0, 760, 20)
    ]
    c.poly([(0, horizon), *hill, (760, horizon)], (100, 72, 138))
    c.rect(316, 250, 324, 312, (84, 60, 120))
    c.ellipse(320, 262, 18, 10, (84, 60, 120))
    c.rect(318, 196, 322, 256, (84, 60, 120))
    c.circle(320, 196, 4, (255, 110, 110))
    # back skyline
    x = -10.0
    while x < w:
        bw = rng.uniform(50, 110)
        top = rng.uniform(330, 470)
        c.rect(x, top, x + bw, horizon, (72, 58, 118))
        x += bw + rng.uniform(0, 10)
    # front skyline with lit windows
    x = -20.0
    lit = (255, 214, 120)
    lights: list[tuple[float, float]] = []
    while x < w:
        bw = rng.uniform(70, 150)
        top = rng.uniform(360, 500)
        c.rect(x, top, x + bw, horizon, (38, 36, 80))
        if rng.random() < 0.3:
            c.rect(x + bw / 2 - 2, top - 40, x + bw / 2 + 2, top, (38, 36, 80))
            c.circle(x + bw / 2, top - 40, 3.5, (255, 96, 96))
        for yy in range(int(top) + 14, int(horizon) - 12, 22):
            for xx in range(int(x) + 10, int(x + bw) - 16, 20):
                if rng.random() < 0.38:
                    c.rect(xx, yy, xx + 9, yy + 12, lit if rng.random() < 0.8 else (200, 230, 255))
                    lights.append((xx + 4.5, yy))
        x += bw + rng.uniform(4, 16)
    # river and bridge
    c.gradient(0, horizon, w, h, [(0, (54, 48, 104)), (1, (22, 22, 56))])
    c.rect(0, horizon, w, horizon + 10, (30, 30, 64))
    for i in range(8):
        ax = i * 170 - 40
        c.arc(ax + 85, horizon + 8, 85, 30, 180, 360, (70, 70, 120), 6)
    for bx in range(0, w, 24):
        c.circle(bx, horizon + 2, 2.6, lit)
    for lx, ly in lights[::3]:
        ry = horizon + 20 + (horizon - ly) * 0.25
        if ry < h - 6:
            c.rect(lx - 8, ry, lx + 8, ry + 3, _rgba(lit, 90), radius=1.5)
    for _ in range(28):
        ry = rng.uniform(horizon + 16, h - 4)
        rx = rng.uniform(0, w)
        c.rect(rx, ry, rx + rng.uniform(20, 70), ry + 2, _rgba((255, 190, 150), 60))


def _scene_sticker(c: _Canvas, rng: random.Random) -> None:
    w, h = c.width, c.height
    c.gradient(0, 0, w, h, [(0, (86, 112, 160)), (1, (66, 90, 138))])
    for i in range(-60, 60):  # twill
        x = i * 18
        c.stroke([(x, 0), (x + h * 0.6, h)], _rgba(WHITE, 12 if i % 2 else 22), 3, caps=False)
    c.rect(0, 0, 56, h, (60, 84, 130))  # placket
    for by in range(140, h, 240):
        c.circle(28, by, 16, (230, 226, 214))
        c.circle(23, by - 4, 3, (150, 146, 136))
        c.circle(33, by + 4, 3, (150, 146, 136))
    # the sticker, drawn flat on its own layer, then turned a little
    sw, sh = 760, 540
    pad = 40
    layer = _Canvas(sw + pad * 2, sh + pad * 2, (0, 0, 0))
    layer.image = Image.new("RGBA", layer.image.size, (0, 0, 0, 0))
    layer.draw = ImageDraw.Draw(layer.image)
    x0, y0, x1, y1 = pad, pad, pad + sw, pad + sh
    red = (230, 70, 80)
    layer.rect(x0 + 10, y0 + 16, x1 + 10, y1 + 16, (20, 30, 60, 90), radius=40)
    layer.rect(x0, y0, x1, y1, WHITE, radius=40)
    layer.rect(x0, y0, x1, y0 + 200, red, radius=40)
    layer.rect(x0, y0 + 150, x1, y0 + 200, red)
    layer.text((x0 + x1) / 2, y0 + 84, "HELLO", 104, WHITE, bold=3)
    layer.text((x0 + x1) / 2, y0 + 160, "my name is", 40, WHITE, bold=0.5)
    layer.rect(x0 + 30, y0 + 214, x1 - 30, y1 - 24, (250, 250, 250), radius=10)
    layer.text((x0 + x1) / 2 - 40, y0 + 370, "Jiwoo", 140, NAVY, bold=3)
    layer.poly(_heart(x1 - 120, y0 + 360, 3.2), red)
    layer.stroke(
        [(x0 + 190, y1 - 70), (x0 + 300, y1 - 84), (x0 + 420, y1 - 72), (x0 + 540, y1 - 86)],
        NAVY,
        8,
    )
    # a peeling corner
    layer.poly([(x1 - 70, y1), (x1, y1 - 70), (x1, y1)], (0, 0, 0, 0))
    layer.draw.polygon(
        layer._pts([(x1 - 70, y1), (x1, y1 - 70), (x1 - 80, y1 - 80)]), fill=(232, 232, 236, 255)
    )
    layer.stroke([(x1 - 70, y1), (x1, y1 - 70)], (210, 210, 216, 255), 3)
    turned = layer.image.rotate(-6, resample=Image.Resampling.BICUBIC, expand=True)
    px = (w * _SS - turned.width) // 2
    py = (h * _SS - turned.height) // 2
    c.image.paste(turned, (px, py), turned)
    # a marker lying next to it
    c.stroke([(740, 980), (1020, 880)], _rgba((20, 20, 40), 70), 36)
    c.stroke([(730, 964), (1010, 864)], NAVY, 36)
    c.stroke([(940, 889), (1010, 864)], red, 36)
    c.poly([(718, 968), (732, 946), (700, 978)], INK)


# -- registry -------------------------------------------------------------------

_Painter = Callable[[_Canvas, random.Random], None]

# name -> (width, height, seed, painter); aspect ratios: 4:3, 16:9, 1:1 and 4:5.
_SCENES: dict[str, tuple[int, int, int, _Painter]] = {
    "cityhall": (1200, 900, 2017, _scene_cityhall),
    "hall": (1200, 675, 11, _scene_hall),
    "stage": (1200, 675, 12, _scene_stage),
    "bot": (960, 1200, 13, _scene_bot),
    "bus": (1200, 900, 14, _scene_bus),
    "coffee": (1080, 1080, 15, _scene_coffee),
    "friends": (960, 1200, 16, _scene_friends),
    "prizes": (1080, 1080, 17, _scene_prizes),
    "qna": (1200, 900, 18, _scene_qna),
    "wall": (1200, 675, 19, _scene_wall),
    "night": (1200, 675, 20, _scene_night),
    "sticker": (1080, 1080, 21, _scene_sticker),
}


def image_names() -> tuple[str, ...]:
    """Names of all demo pictures, in a stable order."""
    return tuple(_SCENES)


def _describe(name: str) -> DemoImage:
    width, height, _seed, _painter = _SCENES[name]
    return DemoImage(name=name, filename=f"{name}.jpg", width=width, height=height)


def _render_jpeg(name: str) -> bytes:
    width, height, seed, painter = _SCENES[name]
    canvas = _Canvas(width, height, WHITE)
    painter(canvas, random.Random(seed))  # noqa: S311 - decorative, must be reproducible
    image = canvas.finish()
    assert image.size == (width, height)
    out = io.BytesIO()
    # A fresh image has no info dict entries, so nothing but the JFIF header is written.
    image.save(out, "JPEG", quality=_JPEG_QUALITY, optimize=True, subsampling="4:4:4")
    return out.getvalue()


def _is_current(path: Path, image: DemoImage) -> bool:
    try:
        with Image.open(path) as existing:
            return existing.format == "JPEG" and existing.size == (image.width, image.height)
    except (OSError, ValueError, Image.DecompressionBombError):
        return False


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def render_images(target_dir: Path) -> dict[str, DemoImage]:
    """Write every demo picture into ``target_dir`` (created if needed).

    A file that already exists as a JPEG of the right dimensions is left alone, so
    calling this again is cheap.  Returns ``name -> DemoImage``.
    """
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    rendered: dict[str, DemoImage] = {}
    for name in _SCENES:
        image = _describe(name)
        path = target_dir / image.filename
        if not _is_current(path, image):
            _write_atomically(path, _render_jpeg(name))
        rendered[name] = image
    return rendered
