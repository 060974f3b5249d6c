"""Naver Search API answers -> IncomingPosts. Fixture shapes and their doc pages:
fixtures/README.md."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from sotong.domain import Author, IncomingPost, Media
from sotong.hashtags import extract_hashtags
from sotong.sources.base import SourceAuthError, SourceInvalidPayload, SourceUnavailable
from sotong.sources.naver.client import search_error, seconds_until_midnight_kst
from sotong.sources.naver.parse import (
    KST,
    blog_id,
    item_post,
    parse_page,
    plain,
    postdate,
)

FIXTURES = Path(__file__).parent / "fixtures"


def page(name: str) -> list[dict[str, Any]]:
    return list(parse_page((FIXTURES / name).read_bytes()).items)


def test_blog_results() -> None:
    first, no_hash, split_highlight = (item_post("blog", item) for item in page("blog.json"))
    assert first == IncomingPost(
        source="naver",
        external_id="https://blog.naver.com/yeonsil2017/221137512345",
        author=Author(name="소통하는 연실씨", handle="yeonsil2017"),
        text=(
            "#2017서울소통컨퍼런스 다녀왔어요\n\n"
            '오늘 시청 다목적홀에서 "시민과 소통하는 서울" 컨퍼런스가 열렸어요. '
            "메신저 챗봇 이야기가 제일 재미있었어요 #2017서울소통컨퍼런스 #서울시청"
        ),
        created_at=datetime(2017, 11, 10, tzinfo=KST),
        permalink="https://blog.naver.com/yeonsil2017/221137512345",
    )
    assert no_hash is not None
    assert (
        no_hash.text
        == "2017서울소통컨퍼런스 후기\n\n2017서울소통컨퍼런스에 다녀온 후기입니다 & 사진 몇 장"
    )
    assert extract_hashtags(no_hash.text) == [], "the tag word without # will not match"
    assert split_highlight is not None
    assert split_highlight.text.startswith("서울 <소통> 이야기\n\n#서울소셜컨퍼런스 준비 중입니다…")
    assert "서울소셜컨퍼런스" in extract_hashtags(split_highlight.text)
    assert split_highlight.author == Author(name="셋째 & 넷째", handle="third_blog")


def test_cafe_results() -> None:
    found, question = (item_post("cafearticle", item) for item in page("cafearticle.json"))
    assert found == IncomingPost(
        source="naver",
        external_id="https://cafe.naver.com/seoulsotong/1234",
        author=Author(name="서울 소통 카페"),
        text=(
            "[후기] #서울소셜컨퍼런스 참석했습니다\n\n"
            "버스 노선 제안 세션이 좋았어요 #서울소셜컨퍼런스"
        ),
        permalink="https://cafe.naver.com/seoulsotong/1234",
    )
    assert question is not None
    assert question.created_at is None, "cafe results carry no date"


def test_image_results() -> None:
    (image,) = (item_post("image", item) for item in page("image.json"))
    link = "https://blogfiles.pstatic.net/MjAxNzExMTBfMTIz/MDAxNTEwMjk0MDAwMDAw.jpg/IMG_2017.jpg"
    assert image == IncomingPost(
        source="naver",
        external_id=link,
        author=Author(name="네이버 이미지 검색"),
        text="#2017서울소통컨퍼런스 무대 & 객석",
        media=(
            Media(
                url=link,
                thumb_url=(
                    "https://search.pstatic.net/common/?src=http%3A%2F%2Fblogfiles.naver.net"
                    "%2FMjAxNzExMTBfMTIz%2FIMG_2017.jpg&type=b150"
                ),
                width=799,
                height=533,
                alt="#2017서울소통컨퍼런스 무대 & 객석",
            ),
        ),
    )


def test_odd_results_are_survived() -> None:
    result = parse_page((FIXTURES / "odd.json").read_bytes())
    assert result.total == 6
    nulls, no_link, hostile, image, bad_date = result.items
    empty = item_post("blog", nulls)
    assert empty is not None
    assert empty.text == ""
    assert empty.author == Author(name="Naver blog")
    assert item_post("blog", no_link) is None
    evil = item_post("blog", hostile)
    assert evil is not None
    assert evil.text == "alert(1)#서울소셜컨퍼런스\n\n<b>글자</b>"
    assert evil.author == Author(name="이름"), "not a blog.naver.com link: no handle"
    assert evil.created_at is None, "postdate must be YYYYMMDD"
    odd_image = item_post("image", image)
    assert odd_image is not None
    assert odd_image.media == (Media(url="https://e.example/a.jpg", alt="이미지 크기 이상"),)
    later = item_post("blog", bad_date)
    assert later is not None
    assert later.created_at is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"items": [', "invalid JSON"),
        (b'{"total": 0}', "no `items`"),
        (b"[]", "no `items`"),
        (b"<rss></rss>", "invalid JSON"),
    ],
)
def test_a_body_that_is_not_a_result_page(body: bytes, message: str) -> None:
    with pytest.raises(SourceInvalidPayload, match=message):
        parse_page(body)


def test_an_empty_page() -> None:
    result = parse_page(b'{"lastBuildDate":"x","total":0,"start":1,"display":0,"items":[]}')
    assert result.items == ()
    assert result.total == 0


def test_helpers() -> None:
    assert plain("<b>#</b><b>태그</b> &amp; &quot;인용&quot; &#39;a&#39;") == "#태그 & \"인용\" 'a'"
    assert plain(None) == ""
    assert postdate("20171110") == datetime(2017, 11, 9, 15, 0, tzinfo=UTC)
    assert postdate("2017111") is None
    assert blog_id("blog.naver.com/yeonsil2017") == "yeonsil2017"
    assert blog_id("https://m.blog.naver.com/yeonsil2017") == "yeonsil2017"
    assert blog_id("https://blog.naver.com/yeonsil2017/123") is None
    assert blog_id(None) is None


NOW = datetime(2017, 11, 10, 14, 0, tzinfo=UTC)  # 23:00 in Seoul


@pytest.mark.parametrize(
    ("status", "fixture", "headers", "expected", "retry"),
    [
        (401, "error_auth.json", {}, SourceAuthError, None),
        (401, "error_scope.json", {}, SourceAuthError, None),
        (403, None, {}, SourceAuthError, None),
        (404, "error_api.json", {}, SourceAuthError, None),
        (429, "error_quota.json", {}, SourceUnavailable, 3600.0),
        (429, "error_rate.json", {"Retry-After": "3"}, SourceUnavailable, 3.0),
        (429, "error_rate.json", {}, SourceUnavailable, 60.0),
        (400, "error_query.json", {}, SourceInvalidPayload, None),
        (500, "error_system.json", {}, SourceUnavailable, None),
        (502, None, {"Retry-After": "5"}, SourceUnavailable, 5.0),
    ],
)
def test_error_answers(
    status: int,
    fixture: str | None,
    headers: dict[str, str],
    expected: type[Exception],
    retry: float | None,
) -> None:
    body = (FIXTURES / fixture).read_bytes() if fixture else b"<html>error</html>"
    error = search_error(
        status,
        body,
        httpx.Headers(headers),
        url="https://openapi.naver.com/v1/search/blog.json",
        query="#태그",
        now=NOW,
    )
    assert type(error) is expected
    if fixture:
        assert orjson.loads(body)["errorMessage"] in str(error), "Naver's own message is kept"
    if isinstance(error, SourceUnavailable):
        assert error.retry_after == retry


def test_quota_waits_until_midnight_in_seoul() -> None:
    assert seconds_until_midnight_kst(datetime(2017, 11, 10, 14, 59, 30, tzinfo=UTC)) == 30
    assert seconds_until_midnight_kst(datetime(2017, 11, 10, 15, 0, tzinfo=UTC)) == 86_400
