"""The demo pictures render to the promised sizes, carry no metadata and are reproducible."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from sotong.sources.demo.images import DemoImage, image_names, render_images

# What Pillow reports for a plain baseline JFIF file; anything else (exif, xmp,
# icc_profile, photoshop, comment, ...) would be metadata we promised not to write.
_BASIC_INFO_KEYS = {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, DemoImage]]:
    target = tmp_path_factory.mktemp("demo-images") / "nested" / "dir"
    return target, render_images(target)


def test_names_are_unique_and_cover_the_result(
    rendered: tuple[Path, dict[str, DemoImage]],
) -> None:
    _, images = rendered
    names = image_names()
    assert len(names) == len(set(names)) >= 10
    assert tuple(images) == names
    for name, image in images.items():
        assert image.name == name
        assert image.filename == f"{name}.jpg"


def test_files_have_the_promised_dimensions(rendered: tuple[Path, dict[str, DemoImage]]) -> None:
    target, images = rendered
    assert sorted(p.name for p in target.iterdir()) == sorted(i.filename for i in images.values())
    for image in images.values():
        with Image.open(target / image.filename) as im:
            assert im.format == "JPEG"
            assert im.mode == "RGB"
            assert im.size == (image.width, image.height)
            im.load()  # decodes the whole file: a truncated JPEG would fail here
        assert max(image.width, image.height) >= 1000


def test_aspect_ratios_vary(rendered: tuple[Path, dict[str, DemoImage]]) -> None:
    _, images = rendered
    ratios = {round(i.width / i.height, 2) for i in images.values()}
    assert {1.33, 1.78, 1.0, 0.8} <= ratios


def test_no_metadata(rendered: tuple[Path, dict[str, DemoImage]]) -> None:
    target, images = rendered
    for image in images.values():
        with Image.open(target / image.filename) as im:
            assert not im.getexif(), image.name
            assert set(im.info) <= _BASIC_INFO_KEYS, (image.name, sorted(im.info))
            markers = {marker for marker, _ in im.applist}  # type: ignore[attr-defined]
            assert markers <= {"APP0"}, (image.name, markers)


def test_rendering_again_leaves_files_alone(
    rendered: tuple[Path, dict[str, DemoImage]],
) -> None:
    target, images = rendered
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in target.iterdir()}
    assert render_images(target) == images
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in target.iterdir()}
    assert after == before


def test_rendering_is_deterministic(
    rendered: tuple[Path, dict[str, DemoImage]], tmp_path: Path
) -> None:
    target, images = rendered
    assert render_images(tmp_path) == images
    for image in images.values():
        assert (tmp_path / image.filename).read_bytes() == (target / image.filename).read_bytes(), (
            image.name
        )


def test_wrong_or_broken_files_are_replaced(
    rendered: tuple[Path, dict[str, DemoImage]], tmp_path: Path
) -> None:
    target, images = rendered
    names = image_names()
    Image.new("RGB", (10, 10), "red").save(tmp_path / images[names[0]].filename, "JPEG")
    (tmp_path / images[names[1]].filename).write_bytes(b"not a jpeg")
    untouched = tmp_path / images[names[2]].filename
    untouched.write_bytes((target / images[names[2]].filename).read_bytes())
    os.utime(untouched, ns=(1_000_000_000, 1_000_000_000))

    render_images(tmp_path)

    for name in names[:2]:
        fresh = tmp_path / images[name].filename
        assert fresh.read_bytes() == (target / images[name].filename).read_bytes(), name
    assert untouched.stat().st_mtime_ns == 1_000_000_000
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
