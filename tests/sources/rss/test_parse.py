"""Feed bytes -> IncomingPosts. Fixture shapes and the specs they follow: fixtures/README.md."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest

from sotong.domain import Author, IncomingPost, Media
from sotong.sources.base import SourceInvalidPayload
from sotong.sources.rss.jsonfeed import looks_like_json_feed
from sotong.sources.rss.parse import (
    ParsedFeed,
    compose_text,
    fallback_id,
    first_image,
    html_to_text,
    parse_date,
    parse_feed,
)

FIXTURES = Path(__file__).parent / "fixtures"
KST = timezone(timedelta(hours=9))


def parse(name: str, content_type: str = "", url: str = "https://feeds.example/feed") -> ParsedFeed:
    return parse_feed((FIXTURES / name).read_bytes(), content_type=content_type, url=url)


def test_naver_blog_rss_with_its_tag_element() -> None:
    feed = parse(
        "naver_blog.xml", "text/xml;charset=UTF-8", "https://rss.blog.naver.com/yeonsil2017.xml"
    )
    avatar = (
        "https://blogpfthumb-phinf.pstatic.net/MjAxNzExMDFfMjk5/MDAxNTA5NTE1NjAwMDAw.jpg/"
        "profile.jpg?type=s1"
    )
    image = (
        "https://blogthumb.pstatic.net/MjAxNzExMTBfMTIz/MDAxNTEwMjk0MDAwMDAw.jpg/"
        "IMG_2017.jpg?type=w2"
    )
    assert feed.format == "RSS 2.0"
    assert feed.title == "소통하는 연실씨"
    assert feed.skipped == ()
    first, second = feed.posts
    assert first == IncomingPost(
        source="rss",
        external_id="https://blog.naver.com/yeonsil2017/221137512345",
        author=Author(name="yeonsil2017", avatar_url=avatar),
        text=(
            "서울시청에서 열린 소통 컨퍼런스 다녀왔어요\n\n"
            '오늘 시청 다목적홀에서 "시민과 소통하는 서울" 컨퍼런스가 열렸어요.\n'
            "메신저 챗봇 이야기가 제일 재미있었어요 #2017서울소통컨퍼런스"
        ),
        html=first.html,
        tags=("행사 후기", "2017서울소통컨퍼런스", "서울소셜컨퍼런스", "서울시청"),
        media=(Media(url=image),),
        created_at=datetime(2017, 11, 10, 15, 40, 12, tzinfo=KST),
        permalink="https://blog.naver.com/yeonsil2017/221137512345?fromRss=true&trackingCode=rss",
    )
    assert first.html is not None
    assert first.html.startswith("<img")
    assert "&quot;시민과 소통하는 서울&quot;" in first.html
    assert second.tags == ("일상", "남산", "산책")
    assert second.media == ()


def test_wordpress_rss_with_content_enclosures_and_media_rss() -> None:
    feed = parse(
        "wordpress.xml", "application/rss+xml; charset=UTF-8", "https://news.example.kr/feed/"
    )
    bus, tumbler, podcast = feed.posts
    assert bus.external_id == "https://news.example.kr/?p=2017"
    assert bus.author == Author(name="서울소통 편집팀")
    assert bus.text == (
        "버스 노선, 시민이 직접 제안했어요\n\n"
        "시민 제안으로 새 버스 노선이 생겼습니다.\n\n"
        "자세한 이야기는 본문에서 — 함께해요!"
    )
    assert bus.html is not None
    assert 'href="https://news.example.kr/2017/11/10/bus-route/"' in bus.html, (
        "relative links resolved"
    )
    assert bus.tags == ("서울소셜컨퍼런스", "교통")
    assert bus.media == (
        Media(url="https://news.example.kr/wp-content/uploads/2017/11/bus-map.png"),
        Media(
            url="https://news.example.kr/wp-content/uploads/2017/11/bus-stop.jpg",
            thumb_url="https://news.example.kr/wp-content/uploads/2017/11/bus-stop-150x150.jpg",
            width=1200,
            height=800,
        ),
    )
    assert bus.created_at == datetime(2017, 11, 10, 6, 5, tzinfo=UTC)
    assert tumbler.text.startswith("텀블러 나눔 행사 & 후기\n\n")
    assert tumbler.media == (
        Media(url="https://news.example.kr/wp-content/uploads/2017/11/tumbler.jpg", alt="텀블러"),
    ), "no image of its own: the first http(s) <img> in the content, javascript: skipped"
    assert podcast.media == (), "an audio enclosure is not an image"
    assert podcast.author == Author(name="서울소통 소식"), "no author: the feed's title"


def test_mastodon_tag_feed_with_alt_text_and_sensitive_media() -> None:
    plaza, sensitive = parse("mastodon_tag.rss").posts
    assert plaza.text == "시청 앞 광장이 북적북적 #서울소셜컨퍼런스"
    assert plaza.media == (
        Media(
            url="https://files.mastodon.social/media_attachments/files/099/001/original/plaza.jpg",
            alt="시청 앞 광장에 모인 사람들",
        ),
    )
    assert plaza.sensitive is False
    assert sensitive.sensitive is True, "media:rating adult"
    assert sensitive.external_id == "https://mastodon.social/@someone/99001000000000002"


def test_atom_with_html_title_and_text_content() -> None:
    feed = parse("atom.xml", "application/atom+xml")
    talk, plain = feed.posts
    assert feed.format == "Atom 1.0"
    assert talk == IncomingPost(
        source="rss",
        external_id="tag:dev.example.kr,2017:chatbot-talk",
        author=Author(name="김소통", avatar_url="https://dev.example.kr/icon.png"),
        text="챗봇 발표 슬라이드\n\n오늘 메신저 챗봇 발표를 했습니다.\n\n질문 42개\n답변 40개",
        html=talk.html,
        tags=("2017서울소통컨퍼런스", "챗봇"),
        media=(Media(url="https://dev.example.kr/2017/11/slide-1.png"),),
        created_at=datetime(2017, 11, 10, 5, 0, tzinfo=UTC),
        permalink="https://dev.example.kr/2017/11/chatbot-talk",
    )
    assert plain.html is None
    assert plain.text == "텍스트만 있는 글\n\n줄바꿈이\n있는 글 <태그 아님> #서울소셜컨퍼런스"
    assert plain.author.name == "박메아리"


def test_rss_1_0() -> None:
    feed = parse("rss10.rdf")
    (post,) = feed.posts
    assert feed.format == "RSS 1.0"
    assert post.external_id == "https://old.example.kr/42"
    assert post.author == Author(name="관리자")
    assert post.tags == ("공지",)
    assert post.created_at == datetime(2017, 11, 1, 1, 0, tzinfo=UTC)


def test_json_feed_1_1() -> None:
    feed = parse("jsonfeed.json", "application/feed+json")
    stage, text_only = feed.posts
    assert feed.format == "JSON Feed 1.1"
    assert stage == IncomingPost(
        source="rss",
        external_id="https://photos.example.kr/2017/11/10/stage",
        author=Author(name="고연실", avatar_url="https://photos.example.kr/yeonsil.png"),
        text="무대 사진\n\n컨퍼런스 무대 사진입니다.\n\n#2017서울소통컨퍼런스",
        html="<p>컨퍼런스 무대 사진입니다.</p><p>#2017서울소통컨퍼런스</p>",
        tags=("서울소셜컨퍼런스", "무대"),
        media=(
            Media(url="https://photos.example.kr/2017/11/10/stage.jpg"),
            Media(url="https://photos.example.kr/2017/11/10/stage-2.jpg", alt="무대 뒤"),
        ),
        created_at=datetime(2017, 11, 10, 10, 5, tzinfo=KST),
        permalink="https://photos.example.kr/2017/11/10/stage",
    )
    assert text_only.external_id == "2"
    assert text_only.text == "글만 있는 소식\n두 번째 줄 #서울소셜컨퍼런스"
    assert text_only.html is None
    assert text_only.author == Author(
        name="소통 사진팀", avatar_url="https://photos.example.kr/team.png"
    ), "no item author: the feed's"


def test_json_feed_odd_items_are_coerced_or_skipped() -> None:
    feed = parse("jsonfeed_odd.json", "application/json")
    assert feed.format == "JSON Feed 1.0"
    numeric, html_only, weird = feed.posts
    assert numeric.external_id == "12345"
    assert numeric.author.name == "1.0 작성자"
    assert numeric.created_at == datetime(2017, 11, 10, 10, 5, tzinfo=UTC), "no zone: UTC"
    assert html_only.media == (
        Media(url="https://old.example.kr/a.jpg", width=640, height=480, alt="사진"),
    )
    assert html_only.tags == ("해시",)
    assert html_only.created_at is None
    assert weird.text == "요약만 있음"
    assert weird.permalink is None
    reasons = [reason for reason, _ in feed.skipped]
    assert reasons.count("JSON Feed item without an id") == 4
    assert ("empty feed item", "no-content") in feed.skipped


def test_hostile_feed_keeps_text_as_text_and_skips_broken_items() -> None:
    feed = parse("hostile.xml", url="https://evil.example/feed")
    evil, repeated, future = feed.posts
    assert evil.text.startswith("<img src=x onerror=alert(1)> 제목\n\n보이는 글 #서울소셜컨퍼런스")
    assert "alert(3)" not in evil.text, "script content is not text"
    assert "&lt;b&gt;escaped" in evil.text, "doubly escaped markup stays visible text"
    assert evil.media == (), "javascript: and data: images are not media"
    assert evil.created_at is None
    assert repeated.external_id == evil.external_id, "the source, not the parser, drops repeats"
    assert future.media == (Media(url="https://evil.example/a.jpg"),)
    assert [reason for reason, _ in feed.skipped] == ["empty feed item", "empty feed item"]


def test_detection_by_content_type_and_by_body() -> None:
    body = (FIXTURES / "jsonfeed.json").read_bytes()
    assert looks_like_json_feed(body)
    assert parse_feed(body, content_type="text/plain").format == "JSON Feed 1.1"
    assert parse_feed(b"\xef\xbb\xbf  " + body).format == "JSON Feed 1.1"
    escaped = body.replace(
        b"https://jsonfeed.org/version/1.1", b"https:\\/\\/jsonfeed.org\\/version\\/1.1"
    )
    assert parse_feed(escaped).format == "JSON Feed 1.1"
    rss = (FIXTURES / "naver_blog.xml").read_bytes()
    assert parse_feed(rss, content_type="application/json").format == "RSS 2.0"


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (
            b"<!DOCTYPE html><html><head><title>blog</title></head><body>hi</body></html>",
            "text/html",
            "HTML page",
        ),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
            "application/feed+json",
            "not valid JSON",
        ),
        (
            b'{"version": "https://example.org/v9", "items": []}',
            "application/json",
            "not a JSON Feed",
        ),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}',
            "application/json",
            "no `items`",
        ),
        (b"[1, 2, 3]", "application/json", "not an object"),
        (b"", "", "did not answer with an RSS"),
        (b"/etc/passwd", "", "did not answer with an RSS"),
        (b"http://127.0.0.1:9/never-fetched", "", "did not answer with an RSS"),
        (b"\x00\xff\xfe garbage \x00", "application/octet-stream", "did not answer with an RSS"),
    ],
)
def test_a_body_that_is_not_a_feed(body: bytes, content_type: str, message: str) -> None:
    with pytest.raises(SourceInvalidPayload, match=message):
        parse_feed(body, content_type=content_type)


def test_a_truncated_feed_is_refused_not_half_read() -> None:
    body = (FIXTURES / "wordpress.xml").read_bytes()
    with pytest.raises(SourceInvalidPayload, match="truncated"):
        parse_feed(body[: len(body) * 2 // 3])


def test_billion_laughs_is_not_expanded() -> None:
    levels = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{levels}]>'
        '<rss version="2.0"><channel><title>x</title>'
        "<item><guid>a</guid><title>&lol9;</title></item></channel></rss>"
    ).encode()
    feed = parse_feed(body)
    assert all(len(post.text) < 1000 for post in feed.posts)


def test_huge_content_is_bounded() -> None:
    paragraph = "&lt;p&gt;" + "가" * 1000 + "&lt;/p&gt;"
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><guid>big</guid>'
        f"<description>{paragraph * 4000}</description></item></channel></rss>"
    ).encode()
    (post,) = parse_feed(body).posts
    assert len(post.text) <= 200_000


def test_ids_too_long_to_store_are_hashed_and_items_without_ids_get_one() -> None:
    long_guid = "urn:x:" + "a" * 600
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
        f'<item><guid isPermaLink="false">{long_guid}</guid><title>긴 id</title></item>'
        "<item><link>https://e.example/only-link</link><title>링크만</title></item>"
        "<item><title>아무것도 없음</title>"
        "<pubDate>Fri, 10 Nov 2017 05:05:00 +0000</pubDate></item>"
        "</channel></rss>"
    ).encode()
    hashed, linked, bare = parse_feed(body).posts
    assert hashed.external_id.startswith("sha256:")
    assert len(hashed.external_id) < 100
    assert linked.external_id == "https://e.example/only-link"
    assert bare.external_id == fallback_id("아무것도 없음", "Fri, 10 Nov 2017 05:05:00 +0000", "")
    again = parse_feed(body).posts[2]
    assert again.external_id == bare.external_id, "stable across fetches"


def test_html_to_text_keeps_breaks_and_decodes_entities() -> None:
    html = (
        "<p>첫&nbsp;문단 <b>굵게</b></p>"
        "<p>둘째\n   문단<br>다음 줄 &amp; &lt;태그&gt; &#x1F600;</p>"
        "<script>alert(1)</script><style>p { color: red }</style>"
        "<ul><li>하나</li><li>둘</li></ul><div>끝<br><br>정말 끝</div>"
    )
    assert html_to_text(html) == (
        "첫 문단 굵게\n\n둘째 문단\n다음 줄 & <태그> 😀\n\n하나\n둘\n\n끝\n\n정말 끝"
    )
    assert html_to_text("<![ bad ]> 깨진 <b>마크업") == "깨진 마크업"
    assert html_to_text("") == ""


def test_first_image_only_takes_absolute_http_urls() -> None:
    assert first_image(
        '<img src="/relative.png"><img src="https://e.example/a.png" width="x">'
    ) == (Media(url="https://e.example/a.png"),)
    assert first_image('<img src="javascript:alert(1)"><img src="data:image/png;base64,AA">') == ()


def test_compose_text() -> None:
    assert compose_text("제목", "본문") == "제목\n\n본문"
    assert compose_text("", "본문") == "본문"
    assert compose_text("제목", "") == "제목"
    assert (
        compose_text("시작하는 제목", "시작하는  제목 그리고 본문") == "시작하는  제목 그리고 본문"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Fri, 10 Nov 2017 14:20:31 +0900", datetime(2017, 11, 10, 5, 20, 31, tzinfo=UTC)),
        ("Fri, 10 Nov 2017 14:20:31", datetime(2017, 11, 10, 14, 20, 31, tzinfo=UTC)),
        ("2017-11-10T10:05:00Z", datetime(2017, 11, 10, 10, 5, tzinfo=UTC)),
        ("2017-11-10T10:05:00", datetime(2017, 11, 10, 10, 5, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_are_aware_and_default_to_utc(value: str | None, expected: datetime | None) -> None:
    assert parse_date(value) == expected


def test_json_feed_with_a_hundred_thousand_items_parses() -> None:
    items = [{"id": str(n), "content_text": f"#태그 {n}"} for n in range(100_000)]
    body = orjson.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": items}
    )
    feed = parse_feed(body)
    assert len(feed.posts) == 100_000
