"""Fixtures -> IncomingPosts and firehose decisions, including hostile and odd records.

The fixtures follow the Jetstream README's example events and the Bluesky API reference
(see fixtures/README.md for the page behind each file).
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sotong.domain import Author, Media
from sotong.hashtags import match_tags
from sotong.pipeline.ingest import post_tags
from sotong.pipeline.normalise import normalise
from sotong.sources.base import SourceInvalidPayload
from sotong.sources.bluesky.firehose import (
    MALFORMED,
    AccountGone,
    Commit,
    Deleted,
    FirehoseFilter,
    IdentityChanged,
    Skipped,
    TagMatcher,
)
from sotong.sources.bluesky.parse import (
    Profile,
    parse_profiles,
    parse_search_page,
    parse_session,
    post_from_record,
    post_from_view,
    profile_from_view,
    split_at_uri,
    wall_tag_bodies,
)
from tests.sources.bluesky.fake import event, fixture
from tests.support import SEED_TAGS

CDN = "https://cdn.example"
ALICE = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
BOB = "did:plc:vpkhqolt662uhesyj6nxm7ys"
CAROL = "did:web:carol.example.com"
ALICE_PROFILE = Profile(ALICE, "alice.seoul.example", "고연실", "https://cdn.example/a.jpg")


def record_of(name: str) -> tuple[str, str, dict[str, Any]]:
    data = event(name)
    return data["did"], data["commit"]["rkey"], data["commit"]["record"]


def parse(name: str, profile: Profile | None = None, **kwargs: Any) -> Any:
    did, rkey, record = record_of(name)
    return post_from_record(did, rkey, record, profile, cdn_url=CDN, **kwargs)


def decide(raw: dict[str, Any] | bytes, known: set[str] | None = None, **matcher: Any) -> Any:
    firehose = FirehoseFilter(TagMatcher(SEED_TAGS, **matcher), known or set())
    return firehose.decide(raw if isinstance(raw, bytes) else orjson.dumps(raw))


def test_a_post_with_a_text_hashtag_and_a_tag_facet() -> None:
    post = parse("create_text_tag", ALICE_PROFILE)
    assert post.source == "bluesky"
    assert post.external_id == f"at://{ALICE}/app.bsky.feed.post/3lbqzkf6bfc2a"
    assert post.text.startswith("최고의 컨퍼런스! #2017서울소통컨퍼런스")
    assert post.tags == ("2017서울소통컨퍼런스",)
    assert post.author == Author("고연실", "@alice.seoul.example", "https://cdn.example/a.jpg")
    assert post.permalink == "https://bsky.app/profile/alice.seoul.example/post/3lbqzkf6bfc2a"
    assert post.created_at == datetime(2024, 11, 10, 9, 21, 1, 873000, tzinfo=UTC)
    assert post.media == ()
    assert post.sensitive is False
    assert post.html is None


def test_tags_from_facets_and_record_tags_without_a_hash() -> None:
    assert parse("create_facet_only").tags == ("서울소셜컨퍼런스",)
    assert parse("create_record_tags").tags == ("서울소셜컨퍼런스", "seoul")


def test_without_a_profile_the_did_stands_in() -> None:
    post = parse("create_record_tags")
    assert post.author == Author(CAROL, CAROL)
    assert post.permalink == f"https://bsky.app/profile/{CAROL}/post/3lbqzkh2xyz2c"


def test_an_invalid_handle_and_empty_name_fall_back_to_the_did() -> None:
    profiles = {p.did: p for p in parse_profiles(fixture("get_profiles.json"))}
    post = parse("create_facet_only", profiles[BOB])
    assert post.author == Author(BOB, BOB)
    assert post.permalink == f"https://bsky.app/profile/{BOB}/post/3lbqzkgabcd2b"


def test_every_image_with_cdn_urls_alt_and_aspect_ratio() -> None:
    cid = "bafkreibme22gw2h7y2eunmqc6e4yrpc7hwv6ukzhk3kckeuqrm3zhpn4hu"
    media = parse("create_images").media
    assert len(media) == 2
    assert media[0] == Media(
        url=f"{CDN}/img/feed_fullsize/plain/{ALICE}/{cid}@jpeg",
        thumb_url=f"{CDN}/img/feed_thumbnail/plain/{ALICE}/{cid}@jpeg",
        width=2048,
        height=1536,
        alt="시청 광장의 무대",
    )
    assert media[1].alt is None
    assert (media[1].width, media[1].height) == (1500, 2000)


def test_gallery_items_and_record_with_media() -> None:
    gallery = parse("create_gallery").media
    assert [m.alt for m in gallery] == ["버스 노선도", "텀블러"]  # the unknown item is skipped
    assert all(m.url.startswith(f"{CDN}/img/feed_fullsize/plain/{BOB}/") for m in gallery)
    quoted = parse("create_record_with_media").media
    assert [m.alt for m in quoted] == ["인용한 사진"]
    assert parse("create_video").media == ()


def test_self_labels_mark_a_post_sensitive() -> None:
    assert parse("create_self_labelled").sensitive is True
    assert parse("create_images").sensitive is False


def test_a_post_claiming_to_be_from_the_future_gets_the_time_it_was_seen() -> None:
    seen = datetime(2024, 11, 10, 9, 0, tzinfo=UTC)
    assert parse("create_text_tag", seen_at=seen).created_at == seen
    early = datetime(2024, 11, 11, tzinfo=UTC)
    assert parse("create_text_tag", seen_at=early).created_at == datetime(
        2024, 11, 10, 9, 21, 1, 873000, tzinfo=UTC
    )


HOSTILE: list[dict[str, Any]] = [
    {},
    {"text": None, "facets": None, "tags": None, "embed": None, "labels": None},
    {"text": 42, "facets": "x", "tags": "seoul", "embed": [], "labels": "porn"},
    {"facets": [None, 1, {"features": None}, {"features": [None, {"$type": 3}]}]},
    {"tags": [None, 1, "", "#", "  "], "createdAt": "yesterday"},
    {"embed": {"$type": "app.bsky.embed.images", "images": [None, {}, {"image": None}]}},
    {"embed": {"$type": "app.bsky.embed.images", "images": "nope"}},
    {"embed": {"$type": "app.bsky.embed.unknownFuture", "images": [{"image": {"cid": "bafx"}}]}},
    {"labels": {"$type": "com.atproto.label.defs#selfLabels", "values": [None, {"val": 1}]}},
    {"createdAt": "9999-99-99T99:99:99Z", "unknownField": {"deep": [1, 2, 3]}},
]


@pytest.mark.parametrize("record", HOSTILE)
def test_hostile_records_never_raise(record: dict[str, Any]) -> None:
    post = post_from_record(ALICE, "3lbqzkf6bfc2a", record, None, cdn_url=CDN)
    assert post is not None
    assert post.media == ()
    assert post.sensitive is False
    assert isinstance(post.text, str)


def test_blob_cids_that_could_escape_the_url_path_are_dropped() -> None:
    images = [
        {"image": {"ref": {"$link": "../../../admin"}, "mimeType": "image/png"}},
        {"image": {"ref": {"$link": "bafkrei?x=1#y"}}},
        {"image": {"ref": {"$link": "bafkreivideo00000001"}, "mimeType": "video/mp4"}},
        {"image": {"cid": "bafkreilegacyblob0001", "mimeType": "image/jpeg"}},
        {"image": {"ref": "bafkreistringref00001"}, "aspectRatio": {"width": True, "height": -1}},
    ]
    record = {"embed": {"$type": "app.bsky.embed.images", "images": images}}
    post = post_from_record(ALICE, "3lbqzkf6bfc2a", record, None, cdn_url=CDN)
    assert post is not None
    assert [m.url.split("/")[-1] for m in post.media] == [
        "bafkreilegacyblob0001@jpeg",
        "bafkreistringref00001@jpeg",
    ]
    assert (post.media[1].width, post.media[1].height) == (None, None)


def test_odd_embeds_gallery_items_key_and_nested_record_with_media() -> None:
    blob = {"$type": "blob", "ref": {"$link": "bafkreigalleryitems01"}, "mimeType": "image/png"}
    items = {"$type": "app.bsky.embed.gallery", "items": [{"image": blob, "alt": "a"}]}
    nested = {"$type": "app.bsky.embed.recordWithMedia", "media": {**items, "$type": ""}}
    twice = {
        "$type": "app.bsky.embed.recordWithMedia",
        "media": {"$type": "app.bsky.embed.recordWithMedia", "media": items},
    }
    for embed, count in ((items, 1), (nested, 0), (twice, 0)):
        post = post_from_record(ALICE, "3lbqzkf6bfc2a", {"embed": embed}, None, cdn_url=CDN)
        assert post is not None
        assert len(post.media) == count


def test_huge_text_and_many_tags_are_kept_for_the_pipeline_to_cap() -> None:
    record = {"text": "가" * 200_000 + " #서울소셜컨퍼런스", "tags": [f"t{i}" for i in range(500)]}
    post = post_from_record(ALICE, "3lbqzkf6bfc2a", record, None, cdn_url=CDN)
    assert post is not None
    assert len(post.tags) == 20
    assert len(normalise(post).text) == 10_000


def test_a_record_of_another_type_is_not_a_post() -> None:
    like = event("like")["commit"]["record"]
    assert post_from_record(ALICE, "3l3qo2vuowo2b", like, None, cdn_url=CDN) is None


def test_profiles_answer() -> None:
    profiles = parse_profiles(fixture("get_profiles.json"))
    assert profiles[0] == Profile(
        ALICE,
        "alice.seoul.example",
        "고연실",
        f"https://cdn.bsky.app/img/avatar/plain/{ALICE}/"
        "bafkreihwihm6kpd6zuwhhlro75p5qks5qtrcu55jp3gddbfjsieiv7wuka@jpeg",
    )
    assert parse_profiles({"profiles": [None, {"did": "not-a-did"}, {"did": 5}]}) == []
    bad: object
    for bad in (None, [], {"profiles": None}, {"error": "x"}):
        with pytest.raises(SourceInvalidPayload):
            parse_profiles(bad)


def test_search_answer_through_the_same_parser() -> None:
    views, cursor = parse_search_page(fixture("search_posts.json"))
    assert cursor == "25"
    first, second = (post_from_view(view, cdn_url=CDN) for view in views)
    assert first is not None
    assert second is not None
    assert first.external_id == f"at://{ALICE}/app.bsky.feed.post/3lbqyaaaaaa2a"
    assert first.author.handle == "@alice.seoul.example"
    assert first.tags == ("서울소셜컨퍼런스",)
    assert first.media[0].alt == "긴 대기줄"
    assert first.media[0].url.startswith(f"{CDN}/img/feed_fullsize/plain/{ALICE}/")
    assert first.sensitive is False
    assert second.sensitive is True  # labelled "sexual" by a labeler
    assert second.author.name == "bob.seoul.example"
    assert parse_search_page({"posts": [], "cursor": ""}) == ([], None)
    wrong: object
    for wrong in (None, {"posts": {}}, {"cursor": "1"}):
        with pytest.raises(SourceInvalidPayload):
            parse_search_page(wrong)


def test_search_views_that_are_not_posts_are_none() -> None:
    view = fixture("search_posts.json")["posts"][0]
    assert post_from_view(None, cdn_url=CDN) is None
    assert (
        post_from_view({**view, "uri": "at://did:plc:x/app.bsky.feed.like/1"}, cdn_url=CDN) is None
    )
    assert post_from_view({**view, "record": None}, cdn_url=CDN) is None
    spoofed = post_from_view({**view, "author": {"did": BOB, "handle": "bob"}}, cdn_url=CDN)
    assert spoofed is not None
    assert spoofed.author == Author(ALICE, ALICE)


def test_session_answer() -> None:
    session = parse_session(fixture("create_session.json"))
    assert session.handle == "alice.seoul.example"
    assert session.access_jwt.endswith(".access-one.signature")
    with pytest.raises(SourceInvalidPayload):
        parse_session({"accessJwt": "x"})


def test_at_uris_and_wall_tags() -> None:
    assert split_at_uri(f"at://{ALICE}/app.bsky.feed.post/3lbq") == (ALICE, "3lbq")
    for bad in (
        None,
        "https://x",
        f"at://{ALICE}/app.bsky.feed.like/3l",
        "at://x/app.bsky.feed.post/",
    ):
        assert split_at_uri(bad) is None
    assert wall_tag_bodies(["#서울", "＃서울", "#seoul", "seoul"]) == ["서울", "seoul"]


# The firehose filter -------------------------------------------------------------------------


def test_matching_creates_become_commits_and_others_are_dropped() -> None:
    for name in ("create_text_tag", "create_facet_only", "create_record_tags", "create_images"):
        decision = decide(event(name))
        assert isinstance(decision, Commit), name
        assert decision.update is False
    assert decide(event("create_other_tag")) is None
    assert decide(event("account_active")) is None
    assert decide(event("heartbeat")) is None


def test_updates_and_deletes_matter_only_for_matching_or_known_posts() -> None:
    uri = f"at://{ALICE}/app.bsky.feed.post/3lbqzkf6bfc2a"
    update = decide(event("update"))
    assert isinstance(update, Commit)
    assert update.update
    assert update.uri == uri
    untagged = event("update")
    untagged["commit"]["record"]["text"] = "no tag any more"
    untagged["commit"]["record"].pop("facets")
    assert decide(untagged) is None
    assert isinstance(decide(untagged, known={uri}), Commit)
    assert decide(event("delete")) is None
    assert decide(event("delete"), known={uri}) == Deleted(uri, ALICE, 1731230472000010)


def test_account_and_identity_events() -> None:
    assert decide(event("account_inactive")) == AccountGone(CAROL, "deactivated", 1731230474000012)
    throttled = event("account_inactive")
    throttled["account"]["status"] = "throttled"
    assert decide(throttled) == Skipped("inactive account kept", "throttled")
    assert decide(event("identity")) == IdentityChanged(BOB, 1731230473000011)


def test_unknown_and_malformed_events_are_skipped_not_fatal() -> None:
    assert decide(event("unknown_kind")) == Skipped("unknown event kind", "sync")
    assert decide(event("like")) == Skipped("not a post", "app.bsky.feed.like")
    odd_op = event("create_text_tag")
    odd_op["commit"]["operation"] = "merge"
    assert decide(odd_op) == Skipped("unknown commit operation", "merge")
    other_type = event("create_text_tag")
    other_type["commit"]["record"]["$type"] = "app.bsky.feed.repost"
    assert decide(other_type) == Skipped("unknown record type", "app.bsky.feed.repost")
    for raw in (b"{not json", b"[]", b'"x"', b'{"kind": "commit"}', b"\xff\xfe"):
        skipped = decide(raw)
        assert isinstance(skipped, Skipped), raw
        assert skipped.reason == MALFORMED, raw
    bad_did = event("create_text_tag")
    bad_did["did"] = "did:plc:../../x"
    assert decide(bad_did) == Skipped(MALFORMED, "invalid did or rkey")
    no_record = event("create_text_tag")
    no_record["commit"]["record"] = None
    assert isinstance(decide(no_record), Skipped)


def test_the_filter_tracks_the_newest_time_us() -> None:
    firehose = FirehoseFilter(TagMatcher(SEED_TAGS), set())
    for name in ("create_other_tag", "identity", "account_active", "create_facet_only"):
        firehose.decide(orjson.dumps(event(name)))
    assert firehose.time_us == 1731230475000013


def test_full_width_decomposed_and_particle_tags() -> None:
    record = event("create_other_tag")
    record["commit"]["record"].pop("facets")

    def with_text(text: str) -> bytes:
        record["commit"]["record"]["text"] = text
        return orjson.dumps(record)

    assert isinstance(decide(with_text("참석 ＃서울소셜컨퍼런스")), Commit)
    assert isinstance(decide(with_text(unicodedata.normalize("NFD", "#서울소셜컨퍼런스"))), Commit)
    assert decide(with_text("https://blog.example/p#서울소셜컨퍼런스")) is None
    assert decide(with_text("#서울소셜컨퍼런스에서 만나요")) is None
    particle = decide(with_text("#서울소셜컨퍼런스에서 만나요"), match_particles=True)
    assert isinstance(particle, Commit)


ALPHABET = st.sampled_from(
    [
        "#",
        "＃",
        "서울",
        "소셜",
        "컨퍼런스",
        "2017",
        " ",
        "\n",
        "x",
        "·",
        "\u200b",
        "\u3164",
        "&",
        "/",
        "에서",
        "_",
        "\ufe0f",
        "://",
        "SEOUL",
        "ᄉ",
        "ᅥ",
        "\x00",
        "#서울소셜컨퍼런스",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(ALPHABET, max_size=12).map("".join),
    tags=st.lists(st.lists(ALPHABET, max_size=4).map("".join), max_size=3),
    particles=st.booleans(),
)
def test_the_filter_never_drops_a_post_the_pipeline_would_take(
    text: str, tags: list[str], particles: bool
) -> None:
    record = {"$type": "app.bsky.feed.post", "text": text, "tags": tags}
    post = post_from_record(ALICE, "3lbqzkf6bfc2a", record, None, cdn_url=CDN)
    assert post is not None
    wanted = match_tags(post_tags(normalise(post)), SEED_TAGS, match_particles=particles).matches
    matcher = TagMatcher(SEED_TAGS, match_particles=particles)
    assert matcher.matches(record) == wanted


def test_account_labels_from_the_profile() -> None:
    view = {
        "did": ALICE,
        "handle": "alice.seoul.example",
        "labels": [
            {"src": ALICE, "uri": f"at://{ALICE}/app.bsky.actor.profile/self", "val": "porn"},
            {"src": ALICE, "val": "!no-unauthenticated"},
        ],
    }
    profile = profile_from_view(view)
    assert profile is not None
    assert profile.hidden_from_logged_out
    assert parse("create_text_tag", profile).sensitive is True
    assert not ALICE_PROFILE.hidden_from_logged_out
