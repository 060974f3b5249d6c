"""Tests for sotong.moderation.words: Korean-aware word rules."""

from __future__ import annotations

import unicodedata
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sotong.moderation import words
from sotong.moderation.words import REVIEW_SCORE, WordHit, WordRules, WordVerdict


@pytest.fixture(scope="module")
def rules() -> WordRules:
    return WordRules.build()


# --- texts that must be caught ----------------------------------------------------------------

KOREAN_CAUGHT = [
    # (text, action, how of the strongest hit)
    ("씨발", "block", "exact"),
    ("아 씨발 진짜", "block", "exact"),
    ("씨발놈아 꺼져", "block", "exact"),
    ("ㅋㅋㅋ씨발ㅋㅋ", "block", "exact"),
    ("병신 같은 발표", "block", "exact"),
    ("개새끼", "block", "exact"),
    ("씨팔", "block", "exact"),
    ("좆같네", "block", "exact"),
    ("씨\u200b발", "block", "exact"),  # zero-width space removed
    ("씨\u3164발", "block", "exact"),  # Hangul filler removed
    (unicodedata.normalize("NFD", "씨발"), "block", "exact"),  # decomposed Hangul
    ("쪽바리", "block", "exact"),
    ("씨 발", "review", "spaced"),
    ("개 새끼", "review", "spaced"),
    ("아 씨 발 놈", "review", "spaced"),
    ("씨 발놈아", "review", "spaced"),
    ("시1발", "review", "obfuscated"),
    ("씨1발", "review", "obfuscated"),
    ("씨.발", "review", "obfuscated"),
    ("씨🔥발", "review", "obfuscated"),
    ("병1신", "review", "obfuscated"),
    ("ㅆㅣ발", "review", "obfuscated"),
    ("씨ㅂㅏㄹ", "review", "obfuscated"),
    ("ㅆl발", "review", "obfuscated"),
    ("ㅆ|발", "review", "obfuscated"),
    ("시발", "review", "obfuscated"),  # sound-alike of 씨발
    ("씨빨", "review", "obfuscated"),
    ("씨이발", "review", "obfuscated"),
    ("씨이이바알", "review", "obfuscated"),
    ("개새기", "review", "obfuscated"),
    ("개세끼", "review", "obfuscated"),
    ("ㅅㅂ", "review", "choseong"),
    ("ㅆㅂ 뭐야", "review", "choseong"),
    ("ㅂㅅ같네", "review", "choseong"),
    ("ㅄ", "review", "choseong"),
    ("ㅋㅋㅅㅂㅋㅋ", "review", "choseong"),
    ("존나 좋아", "review", "exact"),  # mild
    ("ㅈㄴ 좋아", "review", "choseong"),
    ("아씨발진짜", "review", "exact"),  # glued inside a longer word: unsure
]

ENGLISH_CAUGHT = [
    ("fuck", "block", "exact"),
    ("FUCK YOU", "block", "exact"),
    ("ｆｕｃｋ", "block", "exact"),  # full-width
    ("ＦＵＣＫ\u3000ＹＯＵ", "block", "exact"),
    ("what the fucking hell", "block", "exact"),
    ("motherfucker", "block", "exact"),
    ("this is bullshit", "block", "exact"),
    ("you asshole", "block", "exact"),
    ("bitches", "block", "exact"),
    ("son of a bitch", "block", "exact"),
    ("sonofabitch", "block", "exact"),
    ("son-of-a-bitch", "block", "exact"),
    ("fuck이다", "block", "exact"),  # a Korean particle glued to an English word
    ("f u c k", "review", "spaced"),
    ("f u c k i n g", "review", "spaced"),
    ("f.u.c.k", "review", "obfuscated"),
    ("f*ck", "review", "obfuscated"),
    ("sh1t", "review", "obfuscated"),
    ("$hit", "review", "obfuscated"),
    ("fu\u0441k", "review", "obfuscated"),  # Cyrillic es
    ("f\u200bu\u200bc\u200bk", "block", "exact"),  # zero-width spaces are not a disguise
    ("kick ass", "review", "exact"),  # mild
    ("🖕", "review", "exact"),
    ("🖕🏻", "review", "exact"),
]


def strongest(verdict: WordVerdict) -> WordHit:
    return max(verdict.hits, key=lambda hit: hit.score)


@pytest.mark.parametrize(("text", "action", "how"), KOREAN_CAUGHT + ENGLISH_CAUGHT)
def test_caught(rules: WordRules, text: str, action: str, how: str) -> None:
    verdict = rules.check(text)
    assert verdict.action == action, verdict
    assert strongest(verdict).how == how, verdict
    assert verdict.reason() is not None


# --- innocent texts that must pass -------------------------------------------------------------

KOREAN_INNOCENT = [
    "시발점",
    "여기가 이 노선의 시발점입니다",
    "시발역에서 만나요",
    "시발택시",
    "시발 자동차는 1955년에 나왔다",
    "수박씨 발라먹자",
    "수박씨발라먹자",
    "씨발라먹다",
    "씨 발라 먹어",
    "시바견 귀여워",
    "우리 시바 이누",
    "솜씨 발휘",
    "요리 솜씨발휘",
    "아저씨 발 냄새",
    "김 씨 발표 잘 들었습니다",
    "도시발전 포럼",
    "서울시발표 자료",
    "서울시 발전 계획",
    "신발 예쁘다",
    "산발한 머리",
    "시범 운영",
    "십팔번은 뭐예요?",
    "5개년 계획",
    "동남아 여행",
    "족발이 맛있어",
    "장개석 기념관",
    "샹송 공연",
    "등신대 포토존",
    "병신양요",
    "씹어 먹는 비타민",
    "새끼손가락 걸고 약속",
    "보지 마세요",
    "ㅋㅋㅋ 재밌다",
    "ㄱㅅ ㅊㅋ ㅎㅇ ㅇㅇ",
    "ㅠㅠ 감동",
    "입 발린 소리",
    "최고의 컨퍼런스! #2017서울소통컨퍼런스",
    "＃서울소셜컨퍼런스 참석",
    "오늘 발표 정말 좋았어요. 다음에 또 만나요~",
    "부산 해운대, 시흥, 개포동",
    "아이들이 너무 좋아했어요 😊 사진 올려요!",
    "존경하는 선생님",
]

ENGLISH_INNOCENT = [
    "Scunthorpe United",
    "an assassin's creed",
    "first class",
    "cocktail party",
    "Hancock and the peacock",
    "Charles Dickens",
    "Matsushita Electric",
    "Essex and Sussex",
    "I assume the bass will pass",
    "a bit chilly",
    "this hit the spot",
    "a s s i s t",
    "shitake mushrooms",
    "Moby Dick",
    "Great talk on civic tech at #SeoulSocial, slides at https://example.org/talk",
    "Thanks @jane for the analysis of cumulative data",
    "fire retardant",
]


@pytest.mark.parametrize("text", KOREAN_INNOCENT + ENGLISH_INNOCENT)
def test_innocent(rules: WordRules, text: str) -> None:
    verdict = rules.check(text)
    assert verdict.action == "pass", verdict
    assert verdict.reason() is None


def test_the_default_lists_are_package_data() -> None:
    folder = resources.files("sotong.moderation").joinpath("wordlists")
    assert folder.joinpath("ko.txt").is_file()
    assert folder.joinpath("en.txt").is_file()


@pytest.mark.parametrize(
    "entry", [e for e in words._default_entries() if not e.allowed], ids=lambda e: e.term
)
def test_every_blocked_entry_catches_itself(rules: WordRules, entry: words._Entry) -> None:
    verdict = rules.check(entry.term)
    choseong = all("\u3131" <= char <= "\u318e" for char in entry.term)
    clean_block = entry.severity == words.SEVERE and not choseong
    assert verdict.action == ("block" if clean_block else "review"), verdict


@pytest.mark.parametrize(
    "entry", [e for e in words._default_entries() if e.allowed], ids=lambda e: e.term
)
def test_every_allowed_entry_passes(rules: WordRules, entry: words._Entry) -> None:
    assert rules.check(entry.term).action == "pass"


# --- scores, hits and reasons ------------------------------------------------------------------


def test_hit_reports_term_and_original_slice(rules: WordRules) -> None:
    text = "오늘 ＦＵＣＫ 진짜 씨 발"
    verdict = rules.check(text)
    assert [(hit.term, hit.found, hit.how) for hit in verdict.hits] == [
        ("fuck", "ＦＵＣＫ", "exact"),
        ("씨발", "씨 발", "spaced"),
    ]
    for hit in verdict.hits:
        assert text[hit.start : hit.end] == hit.found


def test_each_disguise_lowers_the_score(rules: WordRules) -> None:
    clean = rules.check("씨발").score
    spaced = rules.check("씨 발").score
    one = rules.check("씨1발").score
    two = rules.check("ㅆl발").score  # typed jamo and a look-alike
    assert clean == 1.0
    assert clean > spaced >= one > two >= REVIEW_SCORE


def test_mild_terms_never_block(rules: WordRules) -> None:
    verdict = rules.check("존나")
    assert verdict.action == "review"
    assert verdict.score < 1.0


def test_reason_is_korean_first_with_english(rules: WordRules) -> None:
    assert rules.check("씨발").reason() == '금칙어 "씨발"'
    assert rules.check("씨1발").reason() == '금칙어 "씨발" (변형 표기)'
    assert rules.check("씨 발").reason() == '금칙어 "씨발" (띄어 쓴 표기)'
    assert rules.check("ㅅㅂ").reason() == '금칙어 "ㅅㅂ" (초성)'
    assert rules.check("씨발 fuck").reason() == '금칙어 "씨발" 외 1건'
    assert rules.check("f u c k").reason("en") == 'blocked word "fuck" (spaced out)'
    assert rules.check("hello").reason("en") is None


def test_one_hit_per_place(rules: WordRules) -> None:
    verdict = rules.check("씨발")
    assert len(verdict.hits) == 1  # not also as a sound-alike of itself


def test_repeated_words_each_get_their_hit(rules: WordRules) -> None:
    assert len(rules.check("씨발 " * 50).hits) == 50
    assert rules.check("시발점 " * 50).action == "pass"


def test_empty_text_passes(rules: WordRules) -> None:
    assert rules.check("") == WordVerdict("pass", 0.0, ())


# --- per-wall lists ----------------------------------------------------------------------------


def test_wall_blocked_terms() -> None:
    wall = WordRules.build(["홍길동", "Acme Corp", "경쟁사 | mild"])
    assert wall.check("홍길동은 최악").action == "block"
    assert wall.check("acme corp sucks").action == "block"
    assert wall.check("ACME-corp").action == "block"
    assert wall.check("acmecorporation").action == "pass"
    assert wall.check("경쟁사 최고").action == "review"
    assert wall.check("홍 길 동").action == "review"
    assert wall.check("씨발").action == "block"  # the defaults still apply


def test_wall_allowed_terms_suppress_overlapping_hits() -> None:
    wall = WordRules.build(allowed=["Dick", "시발"])
    assert wall.check("Dick Smith speaks next").action == "pass"
    assert wall.check("시발").action == "pass"
    assert wall.check("dickhead").action == "review"  # "dick" is allowed as a whole word only
    assert wall.check("씨발").action == "block"


def test_wall_allowed_beats_wall_blocked() -> None:
    wall = WordRules.build(["소통"], ["소통왕"])
    assert wall.check("소통왕 선발").action == "pass"
    assert wall.check("소통 최고").action == "block"


def test_default_allowed_terms_do_not_hide_wall_terms() -> None:
    wall = WordRules.build(["moby"])
    assert wall.check("Moby Dick").action == "block"


def test_without_defaults() -> None:
    wall = WordRules.build(["스포일러"], defaults=False)
    assert wall.check("씨발").action == "pass"
    assert wall.check("스포일러 주의").action == "block"


def test_wall_sound_alike_entries() -> None:
    wall = WordRules.build(["~깡패"], defaults=False)
    assert wall.check("강패").action == "review"
    assert WordRules.build(["깡패"], defaults=False).check("강패").action == "pass"


def test_wall_choseong_entries() -> None:
    wall = WordRules.build(["ㅁㅊ"], defaults=False)
    assert wall.check("ㅁㅊ ㅋㅋ").action == "review"
    assert wall.check("미친 퀄리티").action == "pass"


def test_entries_without_letters_are_ignored() -> None:
    wall = WordRules.build(["", "   ", "...", "*"], defaults=False)
    assert wall.check("... * ...").action == "pass"


def test_a_single_string_is_refused() -> None:
    with pytest.raises(TypeError):
        WordRules.build("씨발")
    with pytest.raises(TypeError):
        WordRules.build(allowed="시발점")


# --- properties ----------------------------------------------------------------------------------

KOREANISH = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("씨발시바점수박ㅆㅣㅅㅂㅋ 1l|.*~!fuckshitass")),
        st.sampled_from(["\u200b", "\u3164", "\u115f", "\u1160", "\ufe0f", "\u00ad", "\u0301"]),
        st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
        st.characters(min_codepoint=0x1100, max_codepoint=0x11FF),
        st.characters(min_codepoint=0x3131, max_codepoint=0x318E),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFFDC),
        st.characters(),
    ),
    max_size=60,
)
ANY_TEXT = st.one_of(st.text(), KOREANISH)


def assert_well_formed(text: str, verdict: WordVerdict) -> None:
    assert verdict.action in ("pass", "review", "block")
    assert 0.0 <= verdict.score <= 1.0
    for hit in verdict.hits:
        assert 0 <= hit.start < hit.end <= len(text)
        assert text[hit.start : hit.end] == hit.found
        assert 0.0 <= hit.score <= verdict.score
    if verdict.action == "block":
        assert any(hit.how == "exact" and hit.score == 1.0 for hit in verdict.hits)
    elif verdict.action == "review":
        assert verdict.score >= REVIEW_SCORE
    else:
        assert verdict.score < REVIEW_SCORE
    assert (verdict.reason() is None) == (verdict.action == "pass")


@given(text=ANY_TEXT)
def test_check_never_raises_and_hits_point_into_the_text(rules: WordRules, text: str) -> None:
    assert_well_formed(text, rules.check(text))


@pytest.fixture(scope="module")
def rebuilt_rules() -> WordRules:
    return WordRules.build()


@given(text=ANY_TEXT)
def test_check_is_deterministic(rules: WordRules, rebuilt_rules: WordRules, text: str) -> None:
    first = rules.check(text)
    assert rules.check(text) == first
    assert rebuilt_rules.check(text) == first


@settings(deadline=None)  # each example compiles its own rules
@given(ANY_TEXT, st.lists(st.text(min_size=1, max_size=8), max_size=3), ANY_TEXT)
def test_wall_entries_never_break_check(text: str, entries: list[str], other: str) -> None:
    wall = WordRules.build(entries, [other])
    assert_well_formed(text, wall.check(text))


def typed_jamo(word: str) -> str:
    """The word typed jamo by jamo as compatibility jamo, the way ㅆㅣ발 spells 씨발."""
    return "".join(
        unicodedata.lookup(
            unicodedata.name(jamo)
            .replace("CHOSEONG", "LETTER")
            .replace("JUNGSEONG", "LETTER")
            .replace("JONGSEONG", "LETTER")
        )
        for jamo in unicodedata.normalize("NFD", word)
    )


def test_typed_jamo_helper() -> None:
    assert typed_jamo("씨발") == "ㅆㅣㅂㅏㄹ"
    assert typed_jamo("닭") == "ㄷㅏㄺ"


@settings(deadline=None)  # each example compiles its own rules
@given(
    word=st.text(
        alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=2, max_size=4
    )
)
def test_typed_jamo_spell_the_same_letters_as_syllables(word: str) -> None:
    wall = WordRules.build([word], defaults=False)
    assert wall.check(word).hits[0].how == "exact"
    typed = typed_jamo(word)
    verdict = wall.check(typed)
    assert [(hit.found, hit.how) for hit in verdict.hits] == [(typed, "obfuscated")]
    assert verdict.action == "review"


@given(pieces=st.lists(st.sampled_from(["씨발", "fuck", "시발점", "병신", "좋아요", " ", "ㅋㅋ"])))
def test_invisible_characters_change_nothing_but_offsets(
    rules: WordRules, pieces: list[str]
) -> None:
    text = "".join(pieces)
    hidden = "\u200b".join(text)
    plain, disguised = rules.check(text), rules.check(hidden)
    assert disguised.action == plain.action
    assert [hit.term for hit in disguised.hits] == [hit.term for hit in plain.hits]


@given(text=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E) | st.just(" ")))
def test_full_width_forms_fold(rules: WordRules, text: str) -> None:
    wide = "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) for c in text)
    plain, folded = rules.check(text), rules.check(wide)
    assert folded.action == plain.action
    assert [(hit.term, hit.how) for hit in folded.hits] == [
        (hit.term, hit.how) for hit in plain.hits
    ]
