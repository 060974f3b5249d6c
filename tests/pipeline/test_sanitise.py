from __future__ import annotations

import pytest

from sotong.pipeline.sanitise import sanitise_html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<a href="JAVASCRIPT:alert(1)">x</a>',
        '<p onclick="alert(1)" style="background:url(javascript:alert(1))">x</p>',
        "<svg><script>alert(1)</script></svg>",
        '<iframe src="https://evil.example"></iframe>',
        "<style>body{display:none}</style>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<scr<script>ipt>alert(1)</script>",
        '<form action="https://evil.example"><input name=x></form>',
        "<!-- <script>alert(1)</script> -->",
    ],
)
def test_hostile_markup_is_neutralised(hostile: str) -> None:
    cleaned = sanitise_html(hostile) or ""
    lowered = cleaned.lower()
    for forbidden in (
        "<script",
        "onerror",
        "onclick",
        "javascript:",
        "<iframe",
        "<style",
        "<svg",
        "<form",
        "data:",
    ):
        assert forbidden not in lowered


def test_links_keep_safe_urls_and_get_rel() -> None:
    cleaned = sanitise_html('<p>hi <a href="https://ok.example/x">link</a></p>')
    assert cleaned == (
        '<p>hi <a href="https://ok.example/x" rel="noopener noreferrer nofollow ugc">link</a></p>'
    )


def test_broken_markup_is_closed() -> None:
    assert sanitise_html("<p><b>bold") == "<p><b>bold</b></p>"


def test_empty_html_is_none() -> None:
    assert sanitise_html("") is None
    assert sanitise_html("<script>x</script>") is None
