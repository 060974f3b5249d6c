"""The participation QR code: the upload page's address as SVG (screens, print) or PNG."""

from __future__ import annotations

import functools
import io

import segno

DARK = "#111111"
LIGHT = "#ffffff"


def _code(url: str) -> segno.QRCode:
    # Level M survives a scuffed poster or a glare spot on a screen and keeps the code small.
    return segno.make(url, error="m", micro=False)


# Screens fetch the code on every page load; it only changes with the address or the title.
@functools.lru_cache(maxsize=64)
def qr_svg(url: str, *, title: str = "") -> bytes:
    buffer = io.BytesIO()
    _code(url).save(
        buffer,
        kind="svg",
        scale=10,
        border=2,
        dark=DARK,
        light=LIGHT,
        xmldecl=False,
        title=title or None,
        omitsize=True,
    )
    return buffer.getvalue()


@functools.lru_cache(maxsize=64)
def qr_png(url: str, *, scale: int = 16) -> bytes:
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="png", scale=scale, border=4, dark=DARK, light=LIGHT)
    return buffer.getvalue()
