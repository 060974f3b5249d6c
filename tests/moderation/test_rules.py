"""The moderation rules as pure functions: what each rule catches, what it lets through, and how a
post's fate follows from them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from sotong.config import RuleSettings
from sotong.domain import Author, Media, Post, PostStatus
from sotong.moderation.plain_text import link_only, text_fingerprint
from sotong.moderation.rules import Facts, flags_for, judge, trusted

NOW = datetime(2017, 11, 10, 10, 5, tzinfo=UTC)
RULES = RuleSettings(author_hourly_cap=3)


def post(
    text: str = "오늘 발표 정말 좋았어요 #서울소셜컨퍼런스",
    status: PostStatus = PostStatus.APPROVED,
    **changes: object,
) -> Post:
    made = Post(
        id="01ARZ3NDEKTSV4RRFFQ69G5FAV",
        wall_slug="w",
        source="mastodon",
        external_id="1",
        author=Author("고연실", "@yeonsil@example.social", key="@yeonsil@example.social"),
        text=text,
        html=None,
        tags=("서울소셜컨퍼런스",),
        media=(),
        created_at=NOW,
        received_at=NOW,
        shown_at=NOW if status is PostStatus.APPROVED else None,
        status=status,
    )
    return replace(made, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "media", "expected"),
    [
        ("https://spam.example/buy #서울소셜컨퍼런스", False, True),
        ("www.spam.example @someone #태그 https://x.example", False, True),
        ("  https://spam.example/a\u200b  ", False, True),
        ("사진 보세요 https://blog.example/p/1 #서울소셜컨퍼런스", False, False),
        ("https://photo.example/1 #서울소셜컨퍼런스", True, False),
        ("#서울소셜컨퍼런스", False, False),
        ("", False, False),
    ],
)
def test_link_only(text: str, media: bool, expected: bool) -> None:
    assert link_only(text, media) is expected


def test_the_fingerprint_ignores_case_spacing_tags_and_links_and_skips_short_texts() -> None:
    first = text_fingerprint("Best talk of the day!! #SeoulSocial https://a.example")
    assert first is not None
    assert text_fingerprint("best   TALK of the day #서울소셜컨퍼런스 @friend") == first
    assert text_fingerprint("Best talk of the year") != first
    assert text_fingerprint("좋아요 #서울소셜컨퍼런스") is None, "a short caption is no copy"
    assert text_fingerprint("#서울소셜컨퍼런스 #2017서울소통컨퍼런스") is None


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (["@yeonsil@example.social"], True),
        (["@YeonSil@Example.social"], True),
        (["mastodon:@yeonsil@example.social"], True),
        (["bluesky:@yeonsil@example.social"], False),
        (["@yeonsil"], False),
        ([], False),
    ],
)
def test_trusted_entries_name_an_author_on_any_or_one_network(
    entries: list[str], expected: bool
) -> None:
    assert trusted(post().author, "mastodon", entries) is expected


def test_an_author_without_a_handle_or_key_is_never_trusted() -> None:
    assert not trusted(Author("익명"), "upload", [""])


def test_every_rule_records_its_code_and_a_reason_strongest_first() -> None:
    facts = Facts(ban_reason="spam", shown_last_hour=3, same_text_as="01EARLIER")
    flags = flags_for(post("씨발 https://x.example"), facts, RULES, "en")
    assert [(flag.rule, flag.reject) for flag in flags] == [
        ("banned", True),
        ("words", True),
        ("author_cap", False),
        ("duplicate_text", False),
    ]
    assert all(flag.reason for flag in flags)
    assert "spam" in flags[0].reason
    assert "01EARLIER" in flags[3].reason


@pytest.mark.parametrize(
    ("facts", "text", "status", "rule"),
    [
        (Facts(), "오늘 발표 정말 좋았어요", PostStatus.APPROVED, None),
        (Facts(ban_reason="spam"), "오늘 발표 정말 좋았어요", PostStatus.REJECTED, "banned"),
        (Facts(), "씨발 뭐야 이 행사", PostStatus.REJECTED, "words"),
        (Facts(), "ㅅㅂ 뭐야", PostStatus.PENDING, "words"),
        (Facts(), "시1발 진짜", PostStatus.PENDING, "words"),
        (Facts(), "시발점부터 다시 생각해 봤어요", PostStatus.APPROVED, None),
        (Facts(), "수박씨 발라먹자", PostStatus.APPROVED, None),
        (Facts(shown_last_hour=3), "또 올려요", PostStatus.PENDING, "author_cap"),
        (Facts(shown_last_hour=2), "또 올려요", PostStatus.APPROVED, None),
        (
            Facts(same_text_as="01X"),
            "똑같은 글을 또 올립니다",
            PostStatus.PENDING,
            "duplicate_text",
        ),
        (Facts(), "https://spam.example #서울소셜컨퍼런스", PostStatus.PENDING, "link_only"),
        (Facts(), "What a fucking mess", PostStatus.REJECTED, "words"),
        (Facts(), "f*ck this", PostStatus.PENDING, "words"),
        (Facts(), "Scunthorpe and Penistone welcome you", PostStatus.APPROVED, None),
    ],
)
def test_a_post_after_the_rules(
    facts: Facts, text: str, status: PostStatus, rule: str | None
) -> None:
    after = judge(post(text), facts, RULES, is_trusted=False)
    assert (after.status, after.rule) == (status, rule)
    assert (after.reason is None) is (rule is None)
    assert (after.shown_at is not None) is (status is PostStatus.APPROVED)


def test_a_trusted_author_skips_the_queue_and_soft_rules_but_not_bans_or_severe_words() -> None:
    waiting = post("오늘 발표 정말 좋았어요", PostStatus.PENDING)
    assert judge(waiting, Facts(), RULES, is_trusted=True).status is PostStatus.APPROVED
    capped = judge(waiting, Facts(shown_last_hour=9), RULES, is_trusted=True)
    assert capped.status is PostStatus.APPROVED
    banned = judge(waiting, Facts(ban_reason="hijacked"), RULES, is_trusted=True)
    assert banned.status is PostStatus.REJECTED
    sworn = judge(post("씨발", PostStatus.PENDING), Facts(), RULES, is_trusted=True)
    assert sworn.status is PostStatus.REJECTED


def test_a_flag_the_post_already_carries_stands_unless_a_rule_rejects() -> None:
    sensitive = post(
        "https://x.example", PostStatus.PENDING, reason="marked sensitive", rule="sensitive"
    )
    assert judge(sensitive, Facts(), RULES, is_trusted=False).rule == "sensitive"
    assert judge(sensitive, Facts(), RULES, is_trusted=True).status is PostStatus.PENDING
    banned = judge(sensitive, Facts(ban_reason="x"), RULES, is_trusted=False)
    assert banned.rule == "banned"


def test_the_names_and_alt_texts_are_checked_too() -> None:
    named = post(author=Author("씨발놈", "@x", key="@x"))
    assert judge(named, Facts(), RULES, is_trusted=False).rule == "words"
    image = Media("/media/a.webp", alt="시1발 사진")
    captioned = post(media=(image,))
    assert judge(captioned, Facts(), RULES, is_trusted=False).rule == "words"


def test_a_walls_own_lists_add_to_and_except_from_the_bundled_ones() -> None:
    rules = RuleSettings(blocked_words=["광고문의"], allowed_words=["시발역"], bundled_words=True)
    assert judge(post("광고문의 주세요"), Facts(), rules, is_trusted=False).rule == "words"
    assert judge(post("시발역에서 만나요"), Facts(), rules, is_trusted=False).rule is None
    off = RuleSettings(bundled_words=False, link_only=False)
    assert judge(post("씨발"), Facts(), off, is_trusted=False).rule is None
    assert judge(post("https://x.example"), Facts(), off, is_trusted=False).rule is None


def test_reasons_are_written_in_the_walls_language() -> None:
    facts = Facts(same_text_as="01EARLIER")
    korean = judge(post("똑같은 글을 또 올립니다"), facts, RULES, is_trusted=False, locale="ko")
    english = judge(post("똑같은 글을 또 올립니다"), facts, RULES, is_trusted=False, locale="en")
    assert korean.reason == "게시물 01EARLIER와 같은 글입니다"
    assert english.reason == "same text as post 01EARLIER"
    sworn = judge(post("씨발"), Facts(), RULES, is_trusted=False, locale="ko")
    assert sworn.reason is not None
    assert sworn.reason.startswith("금칙어")
