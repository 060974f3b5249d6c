"""Test images built at test time: hostile files the pipeline must refuse, and awkward but honest
ones it must accept and clean. Nothing binary is committed; every file is made here from scratch."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageCms, PngImagePlugin

from sotong.media.process import RejectCode

GPS_IFD = 0x8825
ORIENTATION = 0x0112
SECRET = "secret-marker-9f2c"
"""Written into every kind of metadata of the accepted corpus; no rendition may contain it."""


def photo(width: int = 640, height: int = 480, seed: int = 7) -> Image.Image:
    """Something like a photograph: smooth light, a few shapes, sensor noise."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    red = 120 + 90 * np.sin(xs / (width / 3.1)) * np.cos(ys / (height / 2.3))
    green = 110 + 80 * np.cos((xs + ys) / (width / 4.7))
    blue = 140 + 70 * np.sin(ys / (height / 1.7) + 1.0)
    picture = np.stack([red, green, blue], axis=-1)
    for _ in range(12):
        cx, cy = rng.integers(0, width), rng.integers(0, height)
        radius = rng.integers(max(4, width // 40), max(5, width // 8))
        disc = (xs - cx) ** 2 + (ys - cy) ** 2 < radius**2
        picture[disc] = rng.integers(0, 256, size=3)
    picture += rng.normal(0, 6, size=picture.shape).astype(np.float32)
    return Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8), "RGB")


def encode(image: Image.Image, format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def jpeg(width: int = 640, height: int = 480, **options: object) -> bytes:
    return encode(photo(width, height), "JPEG", quality=88, **options)


# --- awkward but honest: accepted, cleaned ----------------------------------------------------


def xmp_packet() -> bytes:
    return (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'dc:creator="{SECRET}"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def gps_exif() -> Image.Exif:
    """EXIF as a phone writes it: camera, time, and where the photo was taken (Seoul City Hall)."""
    exif = Image.Exif()
    exif[0x010F] = "SotongPhone"  # Make
    exif[0x0110] = SECRET  # Model
    exif[0x0132] = "2024:05:01 10:00:00"  # DateTime
    exif[GPS_IFD] = {
        1: "N",
        2: (37.0, 33.0, 59.4),
        3: "E",
        4: (126.0, 58.0, 40.7),
        5: b"\x00",
        6: 38.0,
    }
    return exif


def jpeg_with_gps() -> bytes:
    return jpeg(
        exif=gps_exif().tobytes(),
        xmp=xmp_packet(),
        comment=SECRET,
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )


def jpeg_orientation_6() -> bytes:
    """Stored landscape 400×300 with a red corner at the stored top left; EXIF orientation 6 means
    "rotate 90° clockwise to view", so it is seen portrait, 300×400, red corner at the top right."""
    image = photo(400, 300)
    image.paste((255, 0, 0), (0, 0, 60, 60))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    return encode(image, "JPEG", quality=90, exif=exif.tobytes())


def jpeg_cmyk() -> bytes:
    """Pure cyan, magenta, yellow and a white band, in CMYK."""
    image = Image.new("CMYK", (300, 200), (0, 0, 0, 0))
    image.paste((255, 0, 0, 0), (0, 0, 100, 100))
    image.paste((0, 255, 0, 0), (100, 0, 200, 100))
    image.paste((0, 0, 255, 0), (200, 0, 300, 100))
    return encode(image, "JPEG", quality=95, comment=SECRET)


def jpeg_grey() -> bytes:
    return encode(photo().convert("L"), "JPEG", quality=85)


def icc_swapped_primaries() -> bytes:
    """An RGB display profile whose red primary is sRGB's green and whose green is sRGB's red:
    (255, 0, 0) tagged with it is a pure green, so a conversion that really happens is visible."""
    red = (0.3851, 0.7169, 0.0971)  # sRGB green, D50
    green = (0.4361, 0.2225, 0.0139)  # sRGB red, D50
    blue = (0.1431, 0.0606, 0.7141)
    white = (0.9642, 1.0, 0.8249)

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(values: tuple[float, float, float]) -> bytes:
        return b"XYZ \x00\x00\x00\x00" + b"".join(s15(v) for v in values)

    curve = b"curv\x00\x00\x00\x00" + struct.pack(">IH", 1, 0x0233) + b"\x00\x00"
    text = b"Sotong swapped primaries\x00"
    description = (
        b"desc\x00\x00\x00\x00"
        + struct.pack(">I", len(text))
        + text
        + struct.pack(">IIHB", 0, 0, 0, 0)
        + b"\x00" * 67
    )
    tags = [
        (b"desc", description),
        (b"wtpt", xyz(white)),
        (b"rXYZ", xyz(red)),
        (b"gXYZ", xyz(green)),
        (b"bXYZ", xyz(blue)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
        (b"cprt", b"text\x00\x00\x00\x00" + SECRET.encode() + b"\x00"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table = struct.pack(">I", len(tags))
    body = b""
    for signature, data in tags:
        while (offset + len(body)) % 4:
            body += b"\x00"
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    while len(body) % 4:
        body += b"\x00"
    size = offset + len(body)
    header = (
        struct.pack(">II", size, 0)
        + bytes([2, 0x10, 0, 0])
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2024, 5, 1, 0, 0, 0)
        + b"acsp"
        + b"\x00" * 24
        + struct.pack(">I", 0)
        + b"".join(s15(v) for v in white)
        + b"\x00" * 48
    )
    assert len(header) == 128
    return header + table + body


def png_with_icc_and_text() -> bytes:
    """A red square tagged with `icc_swapped_primaries()`, plus text chunks."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET)
    info.add_text("Author", SECRET, zip=True)
    info.add_itxt("Description", SECRET, lang="ko", tkey="설명")
    return encode(
        Image.new("RGB", (320, 240), (255, 0, 0)),
        "PNG",
        pnginfo=info,
        icc_profile=icc_swapped_primaries(),
    )


def png_rgba() -> bytes:
    image = Image.new("RGBA", (300, 200), (0, 128, 255, 0))
    image.paste((0, 128, 255, 255), (50, 50, 250, 150))
    return encode(image, "PNG")


def png_palette_transparent() -> bytes:
    image = Image.new("P", (120, 90), 0)
    image.putpalette([0, 0, 0, 255, 200, 0] + [0] * (254 * 3))
    image.paste(1, (30, 20, 90, 70))
    return encode(image, "PNG", transparency=0)


def png_sixteen_bit_grey() -> bytes:
    values = np.tile(np.linspace(0, 65535, 256, dtype=np.uint16), (64, 1))
    return encode(Image.fromarray(values), "PNG")


def png_one_bit() -> bytes:
    image = Image.new("1", (200, 100), 0)
    image.paste(1, (0, 0, 100, 100))
    return encode(image, "PNG")


def gif_animated() -> bytes:
    """Three frames: blue first, then red, then green."""
    frames = [Image.new("RGB", (160, 120), colour) for colour in ((0, 0, 255), (255, 0, 0))]
    frames.append(Image.new("RGB", (160, 120), (0, 255, 0)))
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=100,
        loop=0,
        comment=SECRET,
    )
    return buffer.getvalue()


def webp_with_metadata() -> bytes:
    return encode(
        photo(500, 400),
        "WEBP",
        quality=80,
        exif=gps_exif().tobytes(),
        xmp=xmp_packet(),
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )


def webp_animated() -> bytes:
    frames = [Image.new("RGB", (100, 80), (255, 255, 0)), Image.new("RGB", (100, 80), (0, 0, 0))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="WEBP", save_all=True, append_images=frames[1:], duration=50)
    return buffer.getvalue()


def heic_with_gps_and_orientation() -> bytes:
    """An iPhone-like HEIC: landscape pixels, orientation 6, GPS and XMP."""
    exif = gps_exif()
    exif[ORIENTATION] = 6
    image = photo(400, 300)
    image.paste((255, 0, 0), (0, 0, 60, 60))
    return encode(image, "HEIF", quality=80, exif=exif.tobytes(), xmp=xmp_packet())


@functools.cache
def large_jpeg() -> bytes:
    """3000×2000, enough to be scaled down to both rendition sizes (and by the JPEG decoder)."""
    return jpeg(3000, 2000)


# --- hostile: refused ----------------------------------------------------------------------------


def truncated_jpeg() -> bytes:
    data = jpeg()
    return data[: len(data) // 2]


def jpeg_header_only() -> bytes:
    return jpeg()[:300]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int, height: int, bit_depth: int, colour_type: int, idat: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def png_bomb() -> bytes:
    """A 100,000 × 100,000 RGBA PNG (40 GB of pixels) in a few dozen bytes."""
    return _png(100_000, 100_000, 8, 6, zlib.compress(b"\x00" * 1024))


def png_just_over_the_limit() -> bytes:
    """9,000 × 9,000 = 81 megapixels: above our 50 MP limit, below Pillow's own bomb check."""
    return _png(9_000, 9_000, 8, 2, zlib.compress(b"\x00" * 1024))


def png_20000_square() -> bytes:
    """A complete 20,000 × 20,000 black-and-white PNG: every row present, 400 megapixels."""
    row = b"\x00" + b"\x00" * (20_000 // 8)
    compressor = zlib.compressobj(9)
    block = row * 1000
    idat = b"".join(compressor.compress(block) for _ in range(20)) + compressor.flush()
    return _png(20_000, 20_000, 1, 0, idat)


def jpeg_lying_dimensions() -> bytes:
    """A small JPEG whose frame header claims 30,000 × 30,000."""
    data = bytearray(jpeg(64, 48))
    marker = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, marker + 5, 30_000, 30_000)
    return bytes(data)


def gif_huge_screen() -> bytes:
    data = bytearray(encode(Image.new("P", (8, 8), 0), "GIF"))
    struct.pack_into("<HH", data, 6, 65_535, 65_535)
    return bytes(data)


def polyglot_jpeg_html_zip() -> bytes:
    """A JPEG that is also an HTML page (in a comment segment) and a ZIP archive (appended)."""
    image = jpeg(comment=b"<html><body><script>alert(document.domain)</script></body></html>")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.html", "<script>alert(1)</script>")
    return image + archive.getvalue()


def polyglot_jpeg_zip() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("notes.txt", "hello")
    return jpeg() + archive.getvalue()


def polyglot_gif_script() -> bytes:
    """A GIF whose comment extension carries a script: served as text/html it would run."""
    return encode(Image.new("P", (8, 8), 0), "GIF", comment=b"<script>alert(1)</script>")


def polyglot_png_pdf() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("x", "%PDF-1.7 1 0 obj << >> endobj")
    return encode(Image.new("RGB", (8, 8)), "PNG", pnginfo=info)


def html_then_jpeg() -> bytes:
    return b"<!doctype html><html><body><!--" + jpeg() + b"--></body></html>"


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        b"<script>fetch('/api/v1/admin')</script><rect width='100' height='100'/></svg>"
    )


def html_renamed_jpg() -> bytes:
    return b"<html><head><title>photo.jpg</title></head><body><img src=x onerror=alert(1)>"


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def bmp() -> bytes:
    return encode(photo(64, 48), "BMP")


def tiff() -> bytes:
    return encode(photo(64, 48), "TIFF")


def heif_brand_garbage() -> bytes:
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def webp_header_garbage() -> bytes:
    return b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + b"\xff" * 40


def empty() -> bytes:
    return b""


def random_bytes() -> bytes:
    return np.random.default_rng(3).integers(0, 256, 4096, dtype=np.uint8).tobytes()


def over_twenty_megabytes() -> bytes:
    return b"\xff\xd8\xff\xe0" + b"\x00" * (20 * 1024 * 1024)


@dataclass(frozen=True)
class Hostile:
    make: Callable[[], bytes]
    code: RejectCode


HOSTILE: dict[str, Hostile] = {
    "truncated_jpeg": Hostile(truncated_jpeg, "corrupt"),
    "jpeg_header_only": Hostile(jpeg_header_only, "corrupt"),
    "png_bomb": Hostile(png_bomb, "too_many_pixels"),
    "png_just_over_the_limit": Hostile(png_just_over_the_limit, "too_many_pixels"),
    "png_20000_square": Hostile(png_20000_square, "too_many_pixels"),
    "jpeg_lying_dimensions": Hostile(jpeg_lying_dimensions, "too_many_pixels"),
    "gif_huge_screen": Hostile(gif_huge_screen, "too_many_pixels"),
    "polyglot_jpeg_html_zip": Hostile(polyglot_jpeg_html_zip, "polyglot"),
    "polyglot_jpeg_zip": Hostile(polyglot_jpeg_zip, "polyglot"),
    "polyglot_gif_script": Hostile(polyglot_gif_script, "polyglot"),
    "polyglot_png_pdf": Hostile(polyglot_png_pdf, "polyglot"),
    "html_then_jpeg": Hostile(html_then_jpeg, "unsupported_type"),
    "svg_with_script": Hostile(svg_with_script, "unsupported_type"),
    "html_renamed_jpg": Hostile(html_renamed_jpg, "unsupported_type"),
    "pdf": Hostile(pdf, "unsupported_type"),
    "bmp": Hostile(bmp, "unsupported_type"),
    "tiff": Hostile(tiff, "unsupported_type"),
    "heif_brand_garbage": Hostile(heif_brand_garbage, "corrupt"),
    "webp_header_garbage": Hostile(webp_header_garbage, "corrupt"),
    "empty": Hostile(empty, "unsupported_type"),
    "random_bytes": Hostile(random_bytes, "unsupported_type"),
    "over_twenty_megabytes": Hostile(over_twenty_megabytes, "too_large"),
}

ACCEPTED: dict[str, Callable[[], bytes]] = {
    "jpeg_with_gps": jpeg_with_gps,
    "jpeg_orientation_6": jpeg_orientation_6,
    "jpeg_cmyk": jpeg_cmyk,
    "jpeg_grey": jpeg_grey,
    "large_jpeg": large_jpeg,
    "png_with_icc_and_text": png_with_icc_and_text,
    "png_rgba": png_rgba,
    "png_palette_transparent": png_palette_transparent,
    "png_sixteen_bit_grey": png_sixteen_bit_grey,
    "png_one_bit": png_one_bit,
    "gif_animated": gif_animated,
    "webp_with_metadata": webp_with_metadata,
    "webp_animated": webp_animated,
    "heic_with_gps_and_orientation": heic_with_gps_and_orientation,
}
