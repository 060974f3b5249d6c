from __future__ import annotations

import unicodedata

import pytest

from sotong.domain import Author, IncomingPost, Media
from sotong.pipeline.normalise import MAX_TEXT_CHARS, clean_text, normalise, safe_url


def test_text_is_nfc_and_free_of_controls() -> None:
    decomposed = unicodedata.normalize("NFD", "서울\r\n소통\x00\x07\u200b\ud800")
    assert clean_text(decomposed, 100) == "서울\n소통\u200b"


def test_text_is_capped() -> None:
    assert len(clean_text("가" * (MAX_TEXT_CHARS + 5), MAX_TEXT_CHARS)) == MAX_TEXT_CHARS


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a.jpg", True),
        ("http://example.org/a.jpg", True),
        ("/media/demo/a.jpg", True),
        ("//evil.example/a.jpg", False),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:image/png;base64,AAAA", False),
        ("https://", False),
        ("https://exa mple.org/", False),
        ("https://example.org/\x00", False),
        ("ftp://example.org/a.jpg", False),
        ("https://[::1", False),
        ("https://example.org/" + "a" * 3000, False),
    ],
)
def test_safe_url(url: str, kept: bool) -> None:
    assert safe_url(url) == (url if kept else None)


def test_unsafe_media_is_dropped_and_names_cleaned() -> None:
    post = IncomingPost(
        source="api",
        external_id=" id\x00 ",
        author=Author("  이름\x1b ", "@h", "javascript:x"),
        text="#태그",
        tags=("#ok", "", "\x00"),
        media=(Media(url="data:x"), Media(url="https://a.example/b.jpg", width=-1, alt="  ")),
        permalink="javascript:alert(1)",
    )
    clean = normalise(post)
    assert clean.external_id == "id"
    assert clean.author == Author("이름", "@h", None)
    assert clean.tags == ("#ok",)
    assert clean.media == (Media(url="https://a.example/b.jpg", width=None, alt=None),)
    assert clean.permalink is None
