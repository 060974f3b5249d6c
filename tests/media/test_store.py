"""Renditions on disk: content-addressed, written atomically, clean."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from sotong.media.process import DISPLAY_SIZE, THUMB_SIZE, ProcessedImage, process
from sotong.media.store import StoredMedia, rendition_path, save_renditions
from tests.media import corpus
from tests.media.test_process import assert_clean


@pytest.fixture(scope="module")
def processed() -> ProcessedImage:
    return process(corpus.jpeg_with_gps())


def file_for(media_dir: Path, url: str) -> Path:
    assert url.startswith("/media/")
    return media_dir / url.removeprefix("/media/")


def test_renditions_are_saved_under_their_sha256(tmp_path: Path, processed: ProcessedImage) -> None:
    stored = save_renditions(tmp_path, processed)
    for url, data in (
        (stored.url, processed.display.data),
        (stored.thumb_url, processed.thumbnail.data),
    ):
        digest = hashlib.sha256(data).hexdigest()
        assert url == f"/media/img/{digest[:2]}/{digest}.webp"
        assert file_for(tmp_path, url).read_bytes() == data
    assert stored == StoredMedia(
        url=stored.url,
        thumb_url=stored.thumb_url,
        width=processed.width,
        height=processed.height,
        blurhash=processed.blurhash,
        phash=processed.phash,
    )


def test_stored_files_keep_no_metadata(tmp_path: Path, processed: ProcessedImage) -> None:
    stored = save_renditions(tmp_path, processed)
    display = assert_clean(file_for(tmp_path, stored.url).read_bytes(), DISPLAY_SIZE)
    assert display.size == (stored.width, stored.height)
    assert_clean(file_for(tmp_path, stored.thumb_url).read_bytes(), THUMB_SIZE)


def test_saving_again_changes_nothing(tmp_path: Path, processed: ProcessedImage) -> None:
    first = save_renditions(tmp_path, processed)
    before = {path: path.stat().st_ino for path in tmp_path.rglob("*") if path.is_file()}
    second = save_renditions(tmp_path, processed)
    after = {path: path.stat().st_ino for path in tmp_path.rglob("*") if path.is_file()}
    assert first == second
    assert before == after
    assert len(after) == 2


def test_no_temporary_file_is_left(tmp_path: Path, processed: ProcessedImage) -> None:
    save_renditions(tmp_path, processed)
    names = [path.name for path in tmp_path.rglob("*") if path.is_file()]
    assert all(name.endswith(".webp") and not name.startswith(".") for name in names)


def test_a_failed_write_leaves_nothing_behind(
    tmp_path: Path, processed: ProcessedImage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(source: object, target: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("sotong.media.store.os.replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        save_renditions(tmp_path, processed)
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_a_damaged_file_is_replaced(tmp_path: Path, processed: ProcessedImage) -> None:
    path = tmp_path / rendition_path(processed.display.data)
    path.parent.mkdir(parents=True)
    path.write_bytes(processed.display.data[:100])
    save_renditions(tmp_path, processed)
    assert path.read_bytes() == processed.display.data


def test_files_are_readable_by_a_web_server(tmp_path: Path, processed: ProcessedImage) -> None:
    stored = save_renditions(tmp_path, processed)
    mode = file_for(tmp_path, stored.url).stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o644 & ~umask


def test_url_prefix(tmp_path: Path, processed: ProcessedImage) -> None:
    stored = save_renditions(tmp_path, processed, url_prefix="https://cdn.example/m/")
    assert stored.url.startswith("https://cdn.example/m/img/")
    assert stored.thumb_url.startswith("https://cdn.example/m/img/")
