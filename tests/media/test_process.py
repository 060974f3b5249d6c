"""The media pipeline: hostile files refused with the right code, honest ones cleaned."""

from __future__ import annotations

import io
import pickle
import struct
import typing
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from sotong.media.hashes import (
    NEAR_DUPLICATE_DISTANCE,
    blurhash,
    hash_distance,
    is_near_duplicate,
    perceptual_hash,
)
from sotong.media.process import (
    DISPLAY_SIZE,
    HTTP_STATUS,
    THUMB_SIZE,
    MediaRejected,
    ProcessedImage,
    RejectCode,
    process,
    sniff_format,
)
from tests.media import corpus

WEBP_CHUNKS = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}


def riff_chunks(data: bytes) -> list[bytes]:
    assert data[:4] == b"RIFF"
    assert data[8:12] == b"WEBP"
    chunks, offset = [], 12
    while offset + 8 <= len(data):
        kind, size = data[offset : offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        chunks.append(kind)
        offset += 8 + size + (size & 1)
    return chunks


def assert_clean(data: bytes, longest: int) -> Image.Image:
    """A WebP of pixels only: no EXIF, XMP, ICC, comment or text, nothing from the original."""
    assert set(riff_chunks(data)) <= WEBP_CHUNKS
    assert corpus.SECRET.encode() not in data
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(image.info)
    assert len(image.getexif()) == 0
    assert max(image.size) <= longest
    image.load()
    return image


def pixel(image: Image.Image, x: int, y: int) -> tuple[int, ...]:
    value = image.convert("RGBA").getpixel((x, y))
    assert isinstance(value, tuple)
    return value


def close_to(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=False))


@pytest.fixture(scope="module")
def accepted() -> dict[str, ProcessedImage]:
    return {name: process(make()) for name, make in corpus.ACCEPTED.items()}


# --- hostile files --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(corpus.HOSTILE))
def test_hostile_file_is_refused_with_its_code(name: str) -> None:
    hostile = corpus.HOSTILE[name]
    with pytest.raises(MediaRejected) as caught:
        process(hostile.make())
    assert caught.value.code == hostile.code, caught.value
    assert caught.value.http_status in (413, 415, 422)
    assert caught.value.message


def test_the_polyglot_really_is_html_and_zip_and_jpeg() -> None:
    data = corpus.polyglot_jpeg_html_zip()
    assert sniff_format(data) == "jpeg"
    assert b"<script>" in data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["payload.html"]
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def test_the_gps_photo_really_carries_gps() -> None:
    with Image.open(io.BytesIO(corpus.jpeg_with_gps())) as image:
        gps = image.getexif().get_ifd(corpus.GPS_IFD)
        assert (gps[1], gps[3]) == ("N", "E")
        assert {"exif", "xmp", "comment", "icc_profile"} <= set(image.info)


def test_byte_limit_is_checked_first() -> None:
    with pytest.raises(MediaRejected) as caught:
        process(corpus.jpeg(), max_bytes=1000)
    assert caught.value.code == "too_large"
    assert caught.value.http_status == 413


def test_pixel_limit_is_a_parameter() -> None:
    data = corpus.jpeg(640, 480)
    with pytest.raises(MediaRejected) as caught:
        process(data, max_pixels=640 * 480 - 1)
    assert caught.value.code == "too_many_pixels"
    assert process(data, max_pixels=640 * 480).width == 640


def test_webp_gets_half_the_pixels() -> None:
    photo = corpus.photo(200, 100)
    png, webp = corpus.encode(photo, "PNG"), corpus.encode(photo, "WEBP")
    assert process(png, max_pixels=30_000).width == 200
    with pytest.raises(MediaRejected) as caught:
        process(webp, max_pixels=30_000)
    assert caught.value.code == "too_many_pixels"
    assert process(webp, max_pixels=40_000).width == 200


def test_transparency_halves_the_pixel_limit() -> None:
    opaque = corpus.encode(corpus.photo(200, 100), "PNG")
    transparent = corpus.encode(corpus.photo(200, 100).convert("RGBA"), "PNG")
    assert process(opaque, max_pixels=30_000).width == 200
    with pytest.raises(MediaRejected, match="with transparency") as caught:
        process(transparent, max_pixels=30_000)
    assert caught.value.code == "too_many_pixels"
    assert process(transparent, max_pixels=40_000).width == 200


def test_every_code_has_an_http_status() -> None:
    codes = set(typing.get_args(RejectCode))
    assert set(HTTP_STATUS) == codes
    assert HTTP_STATUS["too_large"] == 413
    assert HTTP_STATUS["unsupported_type"] == 415


def test_rejection_survives_pickling() -> None:
    rejected = pickle.loads(pickle.dumps(MediaRejected("corrupt", "broken")))
    assert (rejected.code, rejected.message, str(rejected)) == (
        "corrupt",
        "broken",
        "corrupt: broken",
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"GIF87a", "gif"),
        (b"GIF89a", "gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"\x00\x00\x00\x18ftypheic", "heif"),
        (b"\x00\x00\x00\x18ftypmif1", "heif"),
        (b"\x00\x00\x00\x18ftypavif", None),
        (b"\x00\x00\x00\x18ftypisom", None),
        (b"RIFF\x00\x00\x00\x00WAVE", None),
        (b"BM", None),
        (b"II*\x00", None),
        (b"<svg", None),
        (b"", None),
    ],
)
def test_format_is_sniffed_from_magic_numbers(data: bytes, expected: str | None) -> None:
    assert sniff_format(data) == expected


# --- accepted files -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(corpus.ACCEPTED))
def test_renditions_keep_no_metadata(name: str, accepted: dict[str, ProcessedImage]) -> None:
    processed = accepted[name]
    display = assert_clean(processed.display.data, DISPLAY_SIZE)
    thumbnail = assert_clean(processed.thumbnail.data, THUMB_SIZE)
    assert (processed.width, processed.height) == display.size
    assert (processed.thumbnail.width, processed.thumbnail.height) == thumbnail.size
    assert display.size[0] / display.size[1] == pytest.approx(
        thumbnail.size[0] / thumbnail.size[1], rel=0.02
    )
    assert len(processed.blurhash) == 28
    assert len(processed.phash) == 16
    int(processed.phash, 16)


def test_source_format_is_reported(accepted: dict[str, ProcessedImage]) -> None:
    assert accepted["jpeg_with_gps"].source_format == "jpeg"
    assert accepted["png_rgba"].source_format == "png"
    assert accepted["gif_animated"].source_format == "gif"
    assert accepted["webp_with_metadata"].source_format == "webp"
    assert accepted["heic_with_gps_and_orientation"].source_format == "heif"


def test_large_photo_is_scaled_to_both_sizes(accepted: dict[str, ProcessedImage]) -> None:
    processed = accepted["large_jpeg"]
    assert (processed.display.width, processed.display.height) == (1600, 1067)
    assert (processed.thumbnail.width, processed.thumbnail.height) == (480, 320)


def test_small_image_is_not_enlarged(accepted: dict[str, ProcessedImage]) -> None:
    processed = accepted["png_palette_transparent"]
    assert (processed.width, processed.height) == (120, 90)
    assert (processed.thumbnail.width, processed.thumbnail.height) == (120, 90)


@pytest.mark.parametrize("name", ["jpeg_orientation_6", "heic_with_gps_and_orientation"])
def test_orientation_is_applied(name: str, accepted: dict[str, ProcessedImage]) -> None:
    processed = accepted[name]
    assert (processed.width, processed.height) == (300, 400)
    display = Image.open(io.BytesIO(processed.display.data))
    assert close_to(pixel(display, 290, 10), (255, 0, 0, 255))
    assert not close_to(pixel(display, 10, 10), (255, 0, 0, 255))
    assert processed.thumbnail.height > processed.thumbnail.width


def test_orientation_survives_scaling_down() -> None:
    """The JPEG is decoded at 1/2 scale and resized before it is turned: EXIF must follow."""
    image = corpus.photo(2400, 1800)
    image.paste((255, 0, 0), (0, 0, 200, 200))
    exif = Image.Exif()
    exif[corpus.ORIENTATION] = 6
    processed = process(corpus.encode(image, "JPEG", quality=85, exif=exif.tobytes()))
    assert (processed.width, processed.height) == (1200, 1600)
    display = Image.open(io.BytesIO(processed.display.data))
    assert close_to(pixel(display, 1190, 10), (255, 0, 0, 255))
    assert (processed.thumbnail.width, processed.thumbnail.height) == (360, 480)


def test_icc_profile_is_converted_to_srgb(accepted: dict[str, ProcessedImage]) -> None:
    """Pure "red" in a profile whose red primary is sRGB's green must come out green."""
    display = Image.open(io.BytesIO(accepted["png_with_icc_and_text"].display.data))
    assert close_to(pixel(display, 160, 120), (0, 255, 0, 255), tolerance=12)


def test_cmyk_is_converted_to_rgb(accepted: dict[str, ProcessedImage]) -> None:
    display = Image.open(io.BytesIO(accepted["jpeg_cmyk"].display.data))
    assert display.mode == "RGB"
    assert close_to(pixel(display, 50, 50), (0, 255, 255, 255))
    assert close_to(pixel(display, 150, 50), (255, 0, 255, 255))
    assert close_to(pixel(display, 250, 50), (255, 255, 0, 255))
    assert close_to(pixel(display, 150, 150), (255, 255, 255, 255))


def test_first_frame_of_an_animation_is_kept(accepted: dict[str, ProcessedImage]) -> None:
    gif = Image.open(io.BytesIO(accepted["gif_animated"].display.data))
    assert getattr(gif, "n_frames", 1) == 1
    assert close_to(pixel(gif, 80, 60), (0, 0, 255, 255), tolerance=10)
    webp = Image.open(io.BytesIO(accepted["webp_animated"].display.data))
    assert getattr(webp, "n_frames", 1) == 1
    assert close_to(pixel(webp, 50, 40), (255, 255, 0, 255), tolerance=10)


def test_transparency_is_kept(accepted: dict[str, ProcessedImage]) -> None:
    display = Image.open(io.BytesIO(accepted["png_rgba"].display.data))
    assert display.mode == "RGBA"
    assert pixel(display, 5, 5)[3] == 0
    assert close_to(pixel(display, 150, 100), (0, 128, 255, 255), tolerance=12)
    palette = Image.open(io.BytesIO(accepted["png_palette_transparent"].display.data))
    assert pixel(palette, 2, 2)[3] == 0
    assert close_to(pixel(palette, 60, 45), (255, 200, 0, 255), tolerance=12)


def test_opaque_images_carry_no_alpha(accepted: dict[str, ProcessedImage]) -> None:
    for name in ("jpeg_with_gps", "png_with_icc_and_text", "gif_animated", "png_one_bit"):
        display = Image.open(io.BytesIO(accepted[name].display.data))
        assert display.mode == "RGB", name


def test_sixteen_bit_grey_keeps_its_range(accepted: dict[str, ProcessedImage]) -> None:
    display = Image.open(io.BytesIO(accepted["png_sixteen_bit_grey"].display.data))
    assert pixel(display, 2, 32)[0] < 20
    assert pixel(display, 253, 32)[0] > 235
    assert 100 < pixel(display, 128, 32)[0] < 156


def test_same_picture_in_another_format_is_a_near_duplicate(
    accepted: dict[str, ProcessedImage],
) -> None:
    original = accepted["jpeg_with_gps"].phash
    grey = accepted["jpeg_grey"].phash
    assert is_near_duplicate(original, grey)
    assert not is_near_duplicate(original, accepted["png_rgba"].phash)


# --- hashes ---------------------------------------------------------------------------------------


def test_blurhash_matches_the_reference_encoder() -> None:
    """Expected values from woltapp/blurhash's C encoder (the blurhash-python package)."""
    pixels = np.random.default_rng(11).integers(0, 256, (24, 32, 3), dtype=np.uint8)
    image = Image.fromarray(pixels)
    assert blurhash(image) == "L5HeX,^U;1%Q?u,-rsiJUN,-s+rY"
    assert blurhash(image, 5, 3) == "M5HeX,^U;1%QQ*?u,-rsiJExUN,-s+rY#F"


def test_blurhash_component_counts_are_checked() -> None:
    with pytest.raises(ValueError, match="components"):
        blurhash(Image.new("RGB", (4, 4)), 10, 3)


def test_perceptual_hash_matches_imagehash() -> None:
    """Expected values from ImageHash's phash on the same pictures."""
    assert perceptual_hash(corpus.photo(320, 240, seed=5)) == "aae5d45bb4264a95"
    assert perceptual_hash(corpus.photo(320, 240, seed=6)) == "ace9c18ea52bb3a1"


def test_near_duplicates_survive_resizing_and_recompression() -> None:
    original = corpus.photo(320, 240, seed=5)
    copy = Image.open(io.BytesIO(corpus.encode(original.resize((160, 120)), "JPEG", quality=40)))
    assert hash_distance(perceptual_hash(original), perceptual_hash(copy)) <= 2
    for seed in (1, 2, 6, 8):
        other = perceptual_hash(corpus.photo(320, 240, seed=seed))
        assert hash_distance(perceptual_hash(original), other) > NEAR_DUPLICATE_DISTANCE
        assert not is_near_duplicate(perceptual_hash(original), other)


def test_hash_distance() -> None:
    assert hash_distance("0" * 16, "f" * 16) == 64
    assert hash_distance("0123456789abcdef", "0123456789abcdef") == 0
    assert is_near_duplicate("0" * 16, "000000000000000f", max_distance=4)
    assert not is_near_duplicate("0" * 16, "000000000000001f", max_distance=4)
    with pytest.raises(ValueError, match="16 hex"):
        hash_distance("abc", "0" * 16)
    for malformed in ("z" * 16, "0x" + "0" * 14, " " + "0" * 15, "0_" + "0" * 14):
        with pytest.raises(ValueError, match="16 hex"):
            hash_distance(malformed, "0" * 16)


# --- never crash ----------------------------------------------------------------------------------

SMALL_VALID = {
    "jpeg": corpus.encode(corpus.photo(48, 32), "JPEG", quality=80, exif=corpus.gps_exif()),
    "progressive": corpus.encode(corpus.photo(48, 32), "JPEG", progressive=True),
    "png": corpus.encode(corpus.photo(40, 30).convert("RGBA"), "PNG"),
    "gif": corpus.gif_animated(),
    "webp": corpus.encode(corpus.photo(40, 30), "WEBP", exif=corpus.gps_exif().tobytes()),
    "heif": corpus.encode(corpus.photo(64, 48), "HEIF", quality=50),
}
LIMITS = {"max_pixels": 2_000_000, "display_size": 64, "thumb_size": 16}


def outcome(data: bytes) -> str:
    try:
        process(data, **LIMITS)
    except MediaRejected as rejected:
        return rejected.code
    return "accepted"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_random_bytes_never_crash(data: bytes) -> None:
    outcome(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"RIFF\0\0\0\0WEBPVP8 "]),
    st.binary(max_size=1024),
)
def test_random_bytes_behind_magic_numbers_never_crash(magic: bytes, rest: bytes) -> None:
    assert outcome(magic + rest) != "unsupported_type"


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(SMALL_VALID[draw(st.sampled_from(sorted(SMALL_VALID)))])
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "set", "insert", "delete"]))
        if action == "flip":
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif action == "set":
            data[position] = draw(st.sampled_from([0x00, 0xFF, 0x7F, 0x80]))
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif len(data) > 1:
            del data[position : position + draw(st.integers(1, 64))]
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_images_never_crash(data: bytes) -> None:
    outcome(data)


@pytest.mark.parametrize("name", sorted(SMALL_VALID))
def test_the_unmutated_seeds_are_accepted(name: str) -> None:
    assert outcome(SMALL_VALID[name]) == "accepted"
