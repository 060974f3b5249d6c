"""Fixtures shaped like docs.joinmastodon.org's entities (fixtures/README.md) -> Sotong values."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from sotong.domain import Author, IncomingPost, Media
from sotong.sources.base import SourceAuthError, SourceInvalidPayload
from sotong.sources.http import retry_after
from sotong.sources.mastodon.client import rate_limit_reset
from sotong.sources.mastodon.parse import (
    InstanceInfo,
    SseParser,
    StreamEvent,
    Unusable,
    hashtag_access_problem,
    html_to_text,
    id_order,
    load_payload,
    newest_id,
    parse_frame,
    parse_instance,
    parse_status,
    parse_timeline,
    status_id,
    status_tag_keys,
)

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_a_status_with_every_kind_of_attachment() -> None:
    post = parse_status(fixture("status_images.json"))
    assert isinstance(post, IncomingPost)
    assert post.source == "mastodon"
    assert post.external_id == "109348677773283527"
    assert post.author == Author(
        name="고연실 :sotong:",
        handle="@yeonsil@social.example.kr",
        avatar_url="https://files.mastodon.social/cache/accounts/avatars/109/334/860/508/022/726/static/a1.png",
    )
    assert post.text == (
        "최고의 컨퍼런스! #2017서울소통컨퍼런스\n\n"
        "발표 자료는 여기:\nslides.example.kr/seoul-2017/k… & 사진 👇"
    )
    assert post.html is not None
    assert post.html.startswith("<p>최고의 컨퍼런스!")
    assert post.tags == ("2017서울소통컨퍼런스",)
    assert post.created_at == datetime(2017, 11, 10, 1, 5, tzinfo=UTC)
    assert post.permalink == "https://social.example.kr/@yeonsil/109348677773283527"
    assert post.sensitive is False
    files = "https://files.mastodon.social/cache/media_attachments/files/109/348/677/773/283"
    assert post.media == (
        Media(
            url=f"{files}/001/original/109348677773283001.jpeg",
            thumb_url=f"{files}/001/small/109348677773283001.jpeg",
            width=1200,
            height=800,
            alt="무대 위의 발표자",
            blurhash="UFBWY:8_0Jxv4mx]t8t64.%M-:IUWGWAt6M}",
        ),
        Media(
            url=f"{files}/002/original/109348677773283002.jpeg",
            thumb_url=f"{files}/002/small/109348677773283002.jpeg",
            width=640,
            height=480,
            blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
        ),
        # a GIF and a video appear as their still preview; the audio attachment not at all
        Media(
            url=f"{files}/003/small/109348677773283003.png",
            thumb_url=f"{files}/003/small/109348677773283003.png",
            width=600,
            height=332,
            blurhash="URHT%Jm,2a1d%MRO%LozkrNH$*n*oMn$Rjt7",
        ),
        Media(
            url=f"{files}/004/small/109348677773283004.png",
            thumb_url=f"{files}/004/small/109348677773283004.png",
            width=1280,
            height=720,
            alt="시청 앞 버스 정류장 영상",
            blurhash="U58E0g8_0M.94T?bIr00?bD%NGoM?bD%oLt7",
        ),
    )


def test_a_content_warning_marks_the_post_sensitive_and_leads_its_text() -> None:
    post = parse_status(fixture("status_sensitive.json"))
    assert isinstance(post, IncomingPost)
    assert post.sensitive is True
    assert post.text == "행사 뒷풀이 사진 (술)\n\n어제 뒷풀이 #서울소셜컨퍼런스"
    only_spoiler = dict(fixture("status_images.json"), sensitive=False, spoiler_text="스포일러")
    parsed = parse_status(only_spoiler)
    assert isinstance(parsed, IncomingPost)
    assert parsed.sensitive is True
    only_flag = dict(fixture("status_images.json"), sensitive=True, spoiler_text="")
    parsed = parse_status(only_flag)
    assert isinstance(parsed, IncomingPost)
    assert parsed.sensitive is True


def test_a_boost_is_not_a_new_post() -> None:
    assert parse_status(fixture("status_boost.json")) is None


def test_nulls_unknown_fields_and_broken_attachments() -> None:
    post = parse_status(fixture("status_odd.json"))
    assert isinstance(post, IncomingPost)
    assert post.author == Author(
        "minsu@gts.example.org", "@minsu@gts.example.org", "https://gts.example.org/avatar.png"
    )
    assert post.text == "#서울소셜컨퍼런스 <script>alert(1)</script> 재밌다"
    assert (
        post.permalink == "https://gts.example.org/users/minsu/statuses/01HBQ2VJ8X5ZK9N7Y0W3T4R6PS"
    )
    assert post.created_at == datetime(2017, 11, 10, 10, 5, tzinfo=timezone(timedelta(hours=9)))
    assert post.sensitive is False
    assert post.tags == ("서울소셜컨퍼런스",)
    assert post.media == (Media(url="https://files.example.org/b.jpg"),)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": None}, "status without a usable id"),
        ({"id": "12 34"}, "status without a usable id"),
        ({"id": "9" * 41}, "status without a usable id"),
        ({"id": True}, "status without a usable id"),
        ({"account": None}, "status without an account"),
        ({"account": {"display_name": "", "acct": ""}}, "status without an account"),
        ({"visibility": "direct"}, "status is not public"),
        ({"visibility": "private"}, "status is not public"),
    ],
)
def test_unusable_statuses_say_why(change: dict[str, Any], reason: str) -> None:
    result = parse_status({**fixture("status_images.json"), **change})
    assert isinstance(result, Unusable)
    assert result.reason == reason


@pytest.mark.parametrize("raw", [None, [], "status", 42, {}, {"id": {}}])
def test_garbage_never_raises(raw: object) -> None:
    assert isinstance(parse_status(raw), Unusable)


def test_missing_optional_fields_are_fine() -> None:
    minimal = {"id": "1", "account": {"acct": "a"}}
    assert parse_status(minimal) == IncomingPost(
        source="mastodon", external_id="1", author=Author("a", "@a")
    )


def test_numeric_ids_from_other_servers_and_ulids() -> None:
    assert status_id(109348677773283527) == "109348677773283527"
    assert status_id("01HBQ2VJ8X5ZK9N7Y0W3T4R6PS") == "01HBQ2VJ8X5ZK9N7Y0W3T4R6PS"
    assert status_id("-1") is None
    assert status_id("") is None


def test_huge_and_hostile_content_is_bounded_and_inert() -> None:
    huge = "<p>" + "가" * 2_000_000 + "</p>"
    post = parse_status({**fixture("status_images.json"), "content": huge})
    assert isinstance(post, IncomingPost)
    assert post.html is not None
    assert len(post.html) <= 100_000
    assert len(post.text) <= 100_000
    hostile = (
        '<p onclick="x()">안녕<script>alert(1)</script><style>p{}</style>'
        '<img src=x onerror=alert(2)>&lt;b&gt;굵게&lt;/b&gt;<span class="invisible">'
        "숨김<span>중첩</span>계속</span>끝</p></span></span><p>"
    )
    assert html_to_text(hostile) == "안녕<b>굵게</b>끝"
    assert html_to_text("<p>a</p><p>b<br>c<br/>d</p><ul><li>e</li><li>f</li></ul>") == (
        "a\n\nb\nc\nd\n\ne\nf"
    )
    assert html_to_text("  줄\n바꿈은   공백  ") == "줄 바꿈은 공백"
    assert html_to_text("<p>&amp;&#35;태그 &#x1F600;</p>") == "&#태그 😀"
    assert html_to_text("<p") == "<p"  # an unfinished tag is literal text, like in a browser


def test_ids_compare_as_integers_not_floats() -> None:
    neighbours = ["109348677773283528", "109348677773283527"]
    assert float(neighbours[0]) == float(neighbours[1])  # why floats are never used
    assert newest_id(neighbours) == "109348677773283528"
    assert newest_id(["99", "100"]) == "100"  # not text order either
    longer = "1" + "0" * 30
    assert id_order(longer) > id_order("9" * 30)
    ulids = ["01HBQ2VJ8X5ZK9N7Y0W3T4R6PT", "01HBQ2VJ8X5ZK9N7Y0W3T4R6PS"]
    assert newest_id(ulids) == ulids[0]
    assert newest_id([]) is None


def test_status_tag_keys_are_normalised() -> None:
    assert status_tag_keys({"tags": [{"name": "SeoulSocial"}, {"name": "２０１７서울"}]}) == {
        "seoulsocial",
        "2017서울",
    }
    assert status_tag_keys("nope") == set()


def test_timeline_pages() -> None:
    page = fixture("tag_timeline.json")
    assert parse_timeline(page, max_statuses=400) == page
    with pytest.raises(SourceInvalidPayload, match="not a list"):
        parse_timeline({"error": "x"}, max_statuses=400)
    with pytest.raises(SourceInvalidPayload, match="100000 statuses"):
        parse_timeline([{}] * 100_000, max_statuses=400)


def test_instance_v2_and_v1() -> None:
    assert parse_instance(fixture("instance_v2.json"), version=2) == InstanceInfo(
        domain="social.example.kr",
        version="4.5.0",
        streaming_url="wss://streaming.social.example.kr",
        hashtag_feeds={"local": "public", "remote": "public"},
    )
    assert parse_instance(fixture("instance_v1.json"), version=1) == InstanceInfo(
        domain="social.example.kr",
        version="3.5.3",
        streaming_url="wss://streaming.social.example.kr",
    )
    with pytest.raises(SourceInvalidPayload):
        parse_instance([], version=2)
    bare = parse_instance({"configuration": {"timelines_access": "odd"}}, version=2)
    assert bare == InstanceInfo(domain="", version="unknown", streaming_url=None)


@pytest.mark.parametrize(
    ("feeds", "has_token", "problem"),
    [
        ({}, False, None),
        ({"local": "public", "remote": "public"}, False, None),
        ({"local": "authenticated", "remote": "public"}, False, "requires an access token"),
        ({"local": "authenticated", "remote": "authenticated"}, True, None),
        ({"local": "disabled", "remote": "disabled"}, True, "has disabled hashtag feeds"),
        ({"local": "public", "remote": "disabled"}, False, None),
    ],
)
def test_hashtag_feed_access(feeds: dict[str, str], has_token: bool, problem: str | None) -> None:
    found = hashtag_access_problem(InstanceInfo("x", "4.5.0", None, feeds), has_token=has_token)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found


def test_websocket_frames() -> None:
    update, edit, delete, filters, error = (json.dumps(f) for f in fixture("stream_frames.json"))
    event = parse_frame(update)
    assert event is not None
    assert event.event == "update"
    status = load_payload(event)
    assert isinstance(status, dict)
    assert status["id"] == "109348677773283527"
    edited = parse_frame(edit)
    assert edited is not None
    assert edited.event == "status.update"
    assert parse_frame(delete) == StreamEvent("delete", "109348677773283527")
    assert parse_frame(filters) == StreamEvent("filters_changed", None)
    with pytest.raises(SourceInvalidPayload, match="Unknown stream type"):
        parse_frame(error)
    with pytest.raises(SourceAuthError):
        parse_frame('{"error": "Missing access token", "status": 401}')
    with pytest.raises(SourceInvalidPayload):
        parse_frame('{"event": "update", "payload": "{\\"id\\": \\"1')
    with pytest.raises(SourceInvalidPayload):
        parse_frame("[1, 2]")
    assert parse_frame('{"stream": ["hashtag"]}') is None
    truncated = parse_frame('{"event": "update", "payload": "{\\"id\\": \\"1"}')
    assert truncated is not None
    with pytest.raises(SourceInvalidPayload):
        load_payload(truncated)
    with pytest.raises(SourceInvalidPayload):
        load_payload(StreamEvent("update", None))
    # a server that sends the payload as an object rather than a string still works
    inline = parse_frame('{"event": "update", "payload": {"id": "7"}}')
    assert inline is not None
    assert load_payload(inline) == {"id": "7"}


def test_sse_parsing_in_pieces_with_heartbeats() -> None:
    stream = (
        b':)\n\nevent: update\ndata: {"id":"1"}\n\n:thump\n'
        b'event: delete\r\ndata: 1\r\n\r\nevent: status.update\ndata: {"id":\ndata: "1"}\n\n'
    )
    parser = SseParser(1000)
    events = []
    for index in range(len(stream)):
        events += parser.feed(stream[index : index + 1])
    assert events == [
        StreamEvent("update", '{"id":"1"}'),
        StreamEvent("delete", "1"),
        StreamEvent("status.update", '{"id":\n"1"}'),
    ]


def test_sse_events_are_bounded() -> None:
    parser = SseParser(100)
    with pytest.raises(SourceInvalidPayload):
        parser.feed(b"event: update\ndata: " + b"x" * 200)
    parser = SseParser(100)
    for _ in range(4):
        parser.feed(b"data: " + b"x" * 25 + b"\n")
    with pytest.raises(SourceInvalidPayload):
        parser.feed(b"data: " + b"x" * 25 + b"\n")


def test_retry_after_and_rate_limit_reset() -> None:
    assert retry_after("30") == 30
    assert retry_after("-5") == 0
    assert retry_after("junk") is None
    assert retry_after(None) is None
    later = datetime.now(UTC) + timedelta(seconds=120)
    http_date = later.strftime("%a, %d %b %Y %H:%M:%S GMT")
    waited = retry_after(http_date)
    assert waited is not None
    assert 100 < waited <= 120
    iso = rate_limit_reset(later.isoformat().replace("+00:00", "Z"))
    assert iso is not None
    assert 110 < iso <= 120
    epoch = rate_limit_reset(str(later.timestamp()))
    assert epoch is not None
    assert 110 < epoch <= 120
    assert rate_limit_reset("2000-01-01T00:00:00Z") == 0
    assert rate_limit_reset("soon") is None
    assert retry_after("99999999") == 3600
