"""Compact fingerprints of an image: a perceptual hash to find near-duplicates, and a blurhash
placeholder a screen paints while the image loads.

`perceptual_hash` is the classic pHash (the algorithm of hackerfactor.com's "Looks Like It", as
ImageHash's `phash` computes it): greyscale, 32×32, a 2-D DCT, the 8×8 lowest frequencies compared
with their median — 64 bits, written as 16 hex digits. Re-encoding, resizing and mild colour changes
move a few bits; a different picture moves about half of them.

`blurhash` follows the reference encoder (github.com/woltapp/blurhash, C version): 4×3 components by
default, a 28-character string.
"""

from __future__ import annotations

import re

import numpy as np
from numpy.typing import NDArray
from PIL import Image

PHASH_BITS = 64
NEAR_DUPLICATE_DISTANCE = 8
"""The largest Hamming distance between two pHashes still taken as the same picture."""

_PHASH_SIDE = 8
_PHASH_SAMPLE = _PHASH_SIDE * 4
_BLURHASH_SAMPLE = 32
_PHASH_TEXT = re.compile(f"[0-9a-fA-F]{{{PHASH_BITS // 4}}}")
_BASE83 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"


def _dct_matrix(size: int) -> NDArray[np.float64]:
    k = np.arange(size).reshape(-1, 1)
    n = np.arange(size).reshape(1, -1)
    return np.asarray(np.cos(np.pi * k * (2 * n + 1) / (2 * size)), dtype=np.float64)


_DCT = _dct_matrix(_PHASH_SAMPLE)


def perceptual_hash(image: Image.Image) -> str:
    """The 64-bit pHash of `image` as 16 lower-case hex digits."""
    grey = image.convert("L").resize((_PHASH_SAMPLE, _PHASH_SAMPLE), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey, dtype=np.float64)
    low = (_DCT @ pixels @ _DCT.T)[:_PHASH_SIDE, :_PHASH_SIDE]
    bits = (low > np.median(low)).flatten()
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return f"{value:016x}"


def hash_distance(a: str, b: str) -> int:
    """The number of bits in which two pHashes differ (0 to 64); ValueError for a malformed hash."""
    return (_phash_value(a) ^ _phash_value(b)).bit_count()


def is_near_duplicate(a: str, b: str, max_distance: int = NEAR_DUPLICATE_DISTANCE) -> bool:
    """Whether two pHashes are close enough to be the same picture (a re-post, a re-encode)."""
    return hash_distance(a, b) <= max_distance


def _phash_value(text: str) -> int:
    if not _PHASH_TEXT.fullmatch(text):
        raise ValueError(f"a perceptual hash is {PHASH_BITS // 4} hex digits, not {text!r}")
    return int(text, 16)


def blurhash(image: Image.Image, x_components: int = 4, y_components: int = 3) -> str:
    """The blurhash of `image` (sampled down to about 32 pixels on its longer side first)."""
    if not (1 <= x_components <= 9 and 1 <= y_components <= 9):
        raise ValueError("blurhash takes 1 to 9 components on each axis")
    width, height = image.size
    scale = _BLURHASH_SAMPLE / max(width, height, 1)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    sample = image.convert("RGB").resize(size, Image.Resampling.BILINEAR)
    linear = _srgb_to_linear(np.asarray(sample, dtype=np.float64) / 255.0)
    rows, columns = linear.shape[:2]
    xs = np.arange(columns) / columns
    ys = np.arange(rows) / rows

    factors: list[NDArray[np.float64]] = []
    for j in range(y_components):
        for i in range(x_components):
            basis = np.outer(np.cos(np.pi * j * ys), np.cos(np.pi * i * xs))
            normalisation = 1.0 if i == j == 0 else 2.0
            weighted = (basis[:, :, None] * linear).sum(axis=(0, 1))
            factors.append(weighted * normalisation / (rows * columns))

    dc, ac = factors[0], factors[1:]
    text = _base83(x_components - 1 + (y_components - 1) * 9, 1)
    if ac:
        actual_maximum = max(float(np.abs(component).max()) for component in ac)
        quantised_maximum = int(max(0, min(82, np.floor(actual_maximum * 166 - 0.5))))
        maximum = (quantised_maximum + 1) / 166
        text += _base83(quantised_maximum, 1)
    else:
        maximum = 1.0
        text += _base83(0, 1)
    red, green, blue = (_linear_to_srgb(float(channel)) for channel in dc)
    text += _base83((red << 16) + (green << 8) + blue, 4)
    for component in ac:
        r, g, b = (_quantise_ac(float(channel) / maximum) for channel in component)
        text += _base83(r * 19 * 19 + g * 19 + b, 2)
    return text


def _srgb_to_linear(values: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.where(values <= 0.04045, values / 12.92, ((values + 0.055) / 1.055) ** 2.4)


def _linear_to_srgb(value: float) -> int:
    value = min(max(value, 0.0), 1.0)
    if value <= 0.0031308:
        return int(value * 12.92 * 255 + 0.5)
    return int((1.055 * value ** (1 / 2.4) - 0.055) * 255 + 0.5)


def _quantise_ac(value: float) -> int:
    signed_root = float(np.sign(value)) * abs(value) ** 0.5
    return int(max(0, min(18, np.floor(signed_root * 9 + 9.5))))


def _base83(value: int, length: int) -> str:
    return "".join(_BASE83[(value // 83 ** (length - 1 - i)) % 83] for i in range(length))
