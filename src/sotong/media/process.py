"""Bytes in, safe renditions out: the CPU-bound half of the media pipeline (pure, no I/O).

`process(data)` accepts JPEG, PNG, WebP, GIF and HEIC/HEIF only, recognised from the bytes (magic
numbers, then Pillow's own parser for that one format), never from a file name or a declared type.
Limits are checked before any pixel is decoded: the byte size first, then the dimensions declared
in the header. The decoded picture is turned upright (EXIF orientation), converted to sRGB (the
embedded ICC profile through LittleCMS; CMYK to RGB), and re-encoded as two WebP renditions — a
display size and a thumbnail — from pixels alone, so nothing of the original file survives: no
EXIF (GPS included), XMP, ICC profile, comment, PNG text chunk or trailing payload. Of an animated
GIF or WebP, or a HEIF sequence, the first (primary) frame is kept.

Every refusal is a `MediaRejected` with a `code`; an upload endpoint answers with `HTTP_STATUS`:

| code | HTTP | meaning |
| --- | --- | --- |
| `too_large` | 413 | more bytes than `max_bytes` |
| `too_many_pixels` | 422 | declared width × height above `max_pixels` (a decompression bomb) |
| `unsupported_type` | 415 | not one of the allowed formats (SVG, HTML, PDF, video...) |
| `polyglot` | 415 | a valid image that is also HTML, a ZIP archive or a PDF |
| `corrupt` | 422 | looks like an allowed format but cannot be decoded (truncated, malformed) |

Any input, however malformed, ends either in a `ProcessedImage` or in `MediaRejected`.

Memory: a JPEG is decoded already scaled down (1/2 to 1/8, in the DCT domain), so a 12-megapixel
photo peaks near 90 MB in a worker; other formats are decoded whole, and at the default limits the
worst case is about 70 MB + 7 bytes × `max_pixels` (≈ 420 MB): WebP, and images with transparency,
are allowed half the pixels (a transparent WebP a quarter), since they take twice the memory.
Pillow's global `Image.MAX_IMAGE_PIXELS` is left alone; it stays a second line behind `max_pixels`
(anything above it is `too_many_pixels` too, whatever `max_pixels` says).
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import re
import struct
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pillow_heif
from PIL import Image, ImageCms, ImageFile, ImageOps

from sotong.media.hashes import blurhash, perceptual_hash

pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

MAX_BYTES: Final = 20 * 1024 * 1024
MAX_PIXELS: Final = 50_000_000
DISPLAY_SIZE: Final = 1600
THUMB_SIZE: Final = 480
WEBP_QUALITY: Final = 80
WEBP_METHOD: Final = 0

ImageFormat = Literal["jpeg", "png", "webp", "gif", "heif"]
RejectCode = Literal["too_large", "too_many_pixels", "unsupported_type", "polyglot", "corrupt"]

HTTP_STATUS: Final[Mapping[RejectCode, int]] = {
    "too_large": 413,
    "too_many_pixels": 422,
    "unsupported_type": 415,
    "polyglot": 415,
    "corrupt": 422,
}

_PILLOW_FORMAT: Final[Mapping[ImageFormat, str]] = {
    "jpeg": "JPEG",
    "png": "PNG",
    "webp": "WEBP",
    "gif": "GIF",
    "heif": "HEIF",
}
_DECODE_COST: Final[Mapping[ImageFormat, int]] = {
    "jpeg": 1,
    "png": 1,
    "webp": 2,
    "gif": 1,
    "heif": 1,
}
"""How much memory a pixel costs to decode, relative to the others: Pillow's WebP decoder holds the
picture about four times over (twice what PNG, GIF and HEIF take), so WebP gets half the pixels.
Transparency halves the limit again: alpha is premultiplied in a full-size copy for scaling."""
_HEIF_BRANDS: Final = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)
_MARKUP = re.compile(rb"<(?:script|iframe|html|!doctype)[\s>/]|<\?php\s", re.IGNORECASE)
"""Markup that makes a file a web page or a script too; long enough not to turn up by chance in
compressed pixel data often (all together, about once in 300,000 twelve-megapixel photos). Every
branch starts with `<`, which keeps the scan of a 3 MB photo near 1 ms."""
_ZIP_END = b"PK\x05\x06"
_ZIP_END_SIZE = 22
_ZIP_COMMENT_MAX = 0xFFFF
_CACHED_PROFILE_BYTES = 64 * 1024
# (filter, reducing gap), chosen by bench/media_pipeline.py: a JPEG is already decoded at 1/2 or 1/4
# scale, so the display rendition is a mild reduction where bilinear (antialiased) costs 30 % less
# than bicubic and looks the same; the thumbnail is a box reduction then Lanczos.
_DISPLAY_RESAMPLING: Final = (Image.Resampling.BILINEAR, 2.0)
_THUMB_RESAMPLING: Final = (Image.Resampling.LANCZOS, 1.0)


class MediaRejected(Exception):
    """The input is not an image this pipeline accepts; `code` says why (see `HTTP_STATUS`)."""

    def __init__(self, code: RejectCode, message: str) -> None:
        super().__init__(code, message)
        self.code: RejectCode = code
        self.message = message

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass(frozen=True, slots=True)
class Rendition:
    """One WebP file, metadata-free."""

    data: bytes
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    source_format: ImageFormat
    display: Rendition
    thumbnail: Rendition
    blurhash: str
    phash: str

    @property
    def width(self) -> int:
        return self.display.width

    @property
    def height(self) -> int:
        return self.display.height


def sniff_format(data: bytes) -> ImageFormat | None:
    """The allowed format the bytes start like, or None. Only the magic numbers are looked at."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "heif"
    return None


def process(
    data: bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    display_size: int = DISPLAY_SIZE,
    thumb_size: int = THUMB_SIZE,
    quality: int = WEBP_QUALITY,
) -> ProcessedImage:
    """Validate `data` and make its renditions; raises `MediaRejected` for anything unacceptable."""
    if len(data) > max_bytes:
        raise MediaRejected("too_large", f"{len(data):,} bytes; the limit is {max_bytes:,}")
    source_format = sniff_format(data)
    if source_format is None:
        raise MediaRejected("unsupported_type", "not a JPEG, PNG, WebP, GIF or HEIC/HEIF image")
    _refuse_polyglot(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _process(data, source_format, max_pixels, display_size, thumb_size, quality)
        except MediaRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise MediaRejected("too_many_pixels", str(exc)) from exc
        except Exception as exc:
            name = _PILLOW_FORMAT[source_format]
            detail = f"{type(exc).__name__}: {exc}"[:200]
            raise MediaRejected("corrupt", f"the {name} data cannot be decoded ({detail})") from exc


def _refuse_polyglot(data: bytes) -> None:
    if _MARKUP.search(data):
        raise MediaRejected("polyglot", "the file also carries HTML or script")
    if b"%PDF-" in data[:1024]:
        raise MediaRejected("polyglot", "the file is also a PDF document")
    tail_start = max(0, len(data) - _ZIP_END_SIZE - _ZIP_COMMENT_MAX)
    end = data.rfind(_ZIP_END, tail_start)
    if end >= 0 and end + _ZIP_END_SIZE <= len(data):
        (comment_length,) = struct.unpack_from("<H", data, end + 20)
        if end + _ZIP_END_SIZE + comment_length == len(data):
            raise MediaRejected("polyglot", "the file is also a ZIP archive")


def _process(
    data: bytes,
    source_format: ImageFormat,
    max_pixels: int,
    display_size: int,
    thumb_size: int,
    quality: int,
) -> ProcessedImage:
    image = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMAT[source_format]])
    width, height = image.size
    if width < 1 or height < 1:
        raise MediaRejected("corrupt", f"the image declares a size of {width}×{height}")
    transparent = _has_alpha(image)
    limit = max_pixels // (_DECODE_COST[source_format] * (2 if transparent else 1))
    if width * height > limit:
        kind = _PILLOW_FORMAT[source_format] + (" with transparency" if transparent else "")
        raise MediaRejected(
            "too_many_pixels", f"{width}×{height} pixels; the limit for {kind} is {limit:,}"
        )
    if source_format == "jpeg":
        _draft_for(image, display_size)
    image.load()
    icc_profile = image.info.get("icc_profile")
    display = _fit(_working_mode(image), display_size, *_DISPLAY_RESAMPLING)
    del image
    _apply_orientation(display)
    display = _to_srgb(display, icc_profile)
    thumbnail = _fit(display, thumb_size, *_THUMB_RESAMPLING)
    flat = _flatten(thumbnail)
    return ProcessedImage(
        source_format=source_format,
        display=_webp(display, quality),
        thumbnail=_webp(thumbnail, quality),
        blurhash=blurhash(flat),
        phash=perceptual_hash(flat),
    )


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _draft_for(image: ImageFile.ImageFile, longest: int) -> None:
    """Let the JPEG decoder scale by 1/2, 1/4 or 1/8 in the DCT domain, never below `longest`."""
    width, height = image.size
    scale = longest / max(width, height)
    if scale < 1:
        image.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))


def _apply_orientation(image: Image.Image) -> None:
    """Turn the picture upright (after scaling down, which is cheaper; the EXIF and XMP it is read
    from travel in `info`). With unreadable EXIF the picture is shown as stored."""
    with contextlib.suppress(Exception):
        ImageOps.exif_transpose(image, in_place=True)


def _working_mode(image: Image.Image) -> Image.Image:
    """The image as RGB, RGBA, L, LA or CMYK: modes the resampler and LittleCMS both handle."""
    mode = image.mode
    if mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        if "transparency" in image.info and mode in ("RGB", "L"):
            return image.convert(mode + "A" if mode == "L" else "RGBA")
        return image
    if mode.startswith("I") or mode == "F":
        return _sixteen_bit_to_grey(image)
    if mode == "1":
        return image.convert("L")
    if mode in ("P", "PA"):
        has_alpha = mode == "PA" or "transparency" in image.info
        return image.convert("RGBA" if has_alpha else "RGB")
    if mode == "La":
        return image.convert("LA")
    return image.convert("RGBA" if mode == "RGBa" else "RGB")


def _sixteen_bit_to_grey(image: Image.Image) -> Image.Image:
    """8-bit grey from 16-bit samples (Pillow's own conversion clips them at 255 instead)."""
    values = np.asarray(image).astype(np.float32)
    grey = Image.fromarray(np.clip(values / 257.0, 0, 255).astype(np.uint8))
    grey.info = dict(image.info)
    return grey


def _fit(image: Image.Image, longest: int, resample: Image.Resampling, gap: float) -> Image.Image:
    """Scaled down (never up) to `longest` pixels on its longer side, by a whole-number box-filter
    reduction first when it shrinks more than `gap` times (fast, and invisible at this size)."""
    width, height = image.size
    if max(width, height) <= longest:
        return image
    scale = longest / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, resample, reducing_gap=gap)


def _to_srgb(image: Image.Image, icc_profile: object) -> Image.Image:
    """RGB (or RGBA, when some pixel is not opaque) in sRGB."""
    alpha: Image.Image | None = None
    if image.mode in ("RGBA", "LA"):
        alpha = image.getchannel("A")
        image = image.convert("L" if image.mode == "LA" else "RGB")
        if alpha.getextrema() == (255, 255):
            alpha = None
    transform = _transform_to_srgb(icc_profile, image.mode)
    if transform is not None:
        try:
            converted = ImageCms.applyTransform(image, transform)
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None
        image = converted if converted is not None else image.convert("RGB")
    else:
        image = image.convert("RGB")
    if alpha is not None:
        image.putalpha(alpha)
    return image


def _transform_to_srgb(icc_profile: object, mode: str) -> ImageCms.ImageCmsTransform | None:
    """The LittleCMS transform from an embedded profile to sRGB, or None when there is no profile,
    it is unreadable, or it does not describe pixels of this mode."""
    if not isinstance(icc_profile, bytes) or not icc_profile:
        return None
    if len(icc_profile) <= _CACHED_PROFILE_BYTES:
        return _cached_transform(icc_profile, mode)
    return _build_transform(icc_profile, mode)


@functools.lru_cache(maxsize=16)
def _cached_transform(icc_profile: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    return _build_transform(icc_profile, mode)


def _build_transform(icc_profile: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        space = profile.profile.xcolor_space.strip()
        if {"RGB": "RGB", "GRAY": "L", "CMYK": "CMYK"}.get(space) != mode:
            return None
        if space == "RGB" and ImageCms.getProfileDescription(profile).lower().startswith("srgb"):
            return None
        return ImageCms.buildTransform(
            profile, _SRGB, mode, "RGB", renderingIntent=ImageCms.Intent.PERCEPTUAL
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


_SRGB: Final = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode != "RGBA":
        return image
    background = Image.new("RGBA", image.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, image).convert("RGB")


def _webp(image: Image.Image, quality: int) -> Rendition:
    image.info.clear()
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", quality=quality, method=WEBP_METHOD)
    return Rendition(buffer.getvalue(), image.width, image.height)
