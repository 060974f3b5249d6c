"""Tests for sotong.hashtags against /work/shared/design/HASHTAGS.md."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sotong.hashtags import (
    PARTICLES,
    TagMatch,
    extract_hashtags,
    match_tags,
    remove_default_ignorables,
    tag_key,
)

SEED_TAGS = ("#2017서울소통컨퍼런스", "#서울소셜컨퍼런스")


def _on_wall(text: str, wall: tuple[str, ...], *, particles: bool = False) -> TagMatch:
    return match_tags(extract_hashtags(text), wall, match_particles=particles)


# --- the examples table of HASHTAGS.md -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wall", "default", "with_particles", "queued"),
    [
        ("최고의 컨퍼런스! #2017서울소통컨퍼런스", SEED_TAGS, True, True, False),
        ("＃서울소셜컨퍼런스 참석", SEED_TAGS, True, True, False),
        ("#서울소셜컨퍼런스에서 만나요", SEED_TAGS, False, True, True),
        ("https://blog.example/p#서울소셜컨퍼런스", SEED_TAGS, False, False, False),
        ("#2017", ("#2017",), False, False, False),
        ("#SeoulSocial", ("#seoulsocial",), True, True, False),
    ],
)
def test_examples_table(
    text: str, wall: tuple[str, ...], default: bool, with_particles: bool, queued: bool
) -> None:
    plain = _on_wall(text, wall)
    assert plain.matches is default
    assert not plain.via_particle_only
    opted = _on_wall(text, wall, particles=True)
    assert opted.matches is with_particles
    assert opted.via_particle_only is queued


def test_examples_table_matched_keys() -> None:
    result = _on_wall("＃서울소셜컨퍼런스 참석", SEED_TAGS)
    assert result == TagMatch(matched=("서울소셜컨퍼런스",), exact=True)
    queued = _on_wall("#서울소셜컨퍼런스에서 만나요", SEED_TAGS, particles=True)
    assert queued == TagMatch(matched=("서울소셜컨퍼런스",), exact=False)


# --- extraction clauses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the character before '#'
        ("서울#태그", []),
        ("a#tag", []),
        ("1#tag", []),
        ("_#tag", []),
        ("e\u0301#tag", []),  # NFC makes this a letter
        ("q\u0323#tag", []),  # a combining mark that stays after NFC
        ("&#123;", []),
        ("&#x41;bc", []),
        ("page.html#section", []),
        ("/#tag", []),
        ("(#태그)", ["태그"]),
        ("#태그 at start", ["태그"]),
        ("first line\n#태그", ["태그"]),
        ("say: #tag!", ["tag"]),
        ("\u200b#tag", ["tag"]),
        # keycap emoji
        ("#\ufe0f\u20e3", []),
        ("#\u20e3", []),
        ("#\ufe0ftag", []),
        ("press #️⃣ then #tag", ["tag"]),
        # at least one letter or mark
        ("#2017", []),
        ("#2017 #_ #·", []),
        ("#2017서울소통컨퍼런스", ["2017서울소통컨퍼런스"]),
        ("#_tag_", ["_tag_"]),
        # trailing middle dots and joiners are not part of the body
        ("#서울·", ["서울"]),
        ("#東京・", ["東京"]),
        ("#tag\u200c", ["tag"]),
        ("#tag\u200d", ["tag"]),
        ("#a·b", ["a·b"]),
        ("#東京・渋谷", ["東京・渋谷"]),
        ("#東京・渋谷・", ["東京・渋谷"]),
        # default-ignorables do not count as letters
        ("#\u3164", []),
        ("#\u3164\u3164 텍스트", []),
        ("#\u3164서울", ["\u3164서울"]),
        ("#\u115f\u1160", []),
        # a match directly followed by '#', '＃' or '://' is dropped
        ("#tag#other", []),
        ("#tag＃other", []),
        ("#tag://x", []),
        ("#tag:x", ["tag"]),
        ("#tag:/x", ["tag"]),
        ("#tag #other", ["tag", "other"]),
        ("#a·#b", ["a", "b"]),  # the middle dot is trimmed, so "a" is followed by '·', not '#'
        # full-width sign
        ("＃서울", ["서울"]),
        ("서울＃태그", []),
        ("＃ＳＥＯＵＬ２０１７", ["ＳＥＯＵＬ２０１７"]),
        # the body stops at anything outside its class
        ("#서울.", ["서울"]),
        ("#tag-name", ["tag"]),
        ("#서울\u200b소셜", ["서울"]),  # U+200B is not a body character
        ("#\u200b서울", []),
        # emoji and ZWJ emoji sequences are not letters
        ("#👩\u200d💻", []),
        ("#개발자👩\u200d💻", ["개발자"]),
        ("#love❤️ #family👨\u200d👩\u200d👧", ["love", "family"]),
        ("#👨\u200d👩\u200d👧가족", []),
        # scripts with combining marks
        ("#مَرْحَبًا بكم", ["مَرْحَبًا"]),
        ("#नमस्ते दुनिया", ["नमस्ते"]),
        ("#क्\u200dष", ["क्\u200dष"]),
        # order and de-duplication by key, first spelling wins
        ("#B #a #b #A", ["B", "a"]),
        ("#SeoulSocial and #seoulsocial", ["SeoulSocial"]),
        ("", []),
        ("no tags here", []),
        ("#", []),
        ("＃", []),
        ("# tag", []),
    ],
)
def test_extract(text: str, expected: list[str]) -> None:
    assert extract_hashtags(text) == expected


def test_nfd_hangul_input_is_composed() -> None:
    composed = "#서울소셜컨퍼런스 참석"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert extract_hashtags(decomposed) == ["서울소셜컨퍼런스"]
    assert _on_wall(decomposed, SEED_TAGS).exact


def test_nfd_tag_key_matches_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "서울소셜컨퍼런스")
    assert tag_key(decomposed) == tag_key("서울소셜컨퍼런스") == "서울소셜컨퍼런스"
    assert match_tags([decomposed], SEED_TAGS).exact


def test_nfd_preceding_letter_still_blocks() -> None:
    assert extract_hashtags(unicodedata.normalize("NFD", "서울#태그")) == []


def test_zero_width_space_inside_body_is_not_part_of_key() -> None:
    # Structured tags (not from text) may carry U+200B; the key removes it.
    assert tag_key("서울\u200b소셜") == "서울소셜"
    assert tag_key("\u3164서울") == "서울"


# --- keys ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "key"),
    [
        ("#SeoulSocial", "seoulsocial"),
        ("seoulsocial", "seoulsocial"),
        ("＃ＳＥＯＵＬ２０１７", "seoul2017"),
        ("ＳＥＯＵＬ２０１７", "seoul2017"),
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("\u1e9e", "ss"),  # capital sharp s
        ("İstanbul", "i\u0307stanbul"),  # full case folding keeps the dot, no Turkish mapping
        ("ISTANBUL", "istanbul"),
        ("ıstanbul", "ıstanbul"),
        ("東京・渋谷", "東京・渋谷"),
        ("ｶﾀｶﾅ", "カタカナ"),
        ("#tag\u200d", "tag"),
        ("#", ""),
        ("\u3164", ""),
        ("", ""),
    ],
)
def test_tag_key(tag: str, key: str) -> None:
    assert tag_key(tag) == key


def test_turkish_dotted_i_variants_agree() -> None:
    assert tag_key("İSTANBUL") == tag_key("i\u0307stanbul")
    assert tag_key("#İstanbul") == tag_key(extract_hashtags("#I\u0307stanbul")[0])
    assert tag_key("İstanbul") != tag_key("Istanbul")


def test_german_sharp_s_matches() -> None:
    assert match_tags(["#Straße"], ["#STRASSE"]).exact
    assert match_tags(["straße"], ["strasse"]).exact


def test_case_folding_matches() -> None:
    assert extract_hashtags("#SeoulSocial") == ["SeoulSocial"]
    assert match_tags(extract_hashtags("#SeoulSocial"), ["#seoulsocial"]).exact


def test_key_never_starts_with_a_sign() -> None:
    for tag in ("##a", "#＃a", "\ufe5fa", "\u200b#a"):
        key = tag_key(tag)
        assert key == "a"
        assert tag_key(key) == key


def test_remove_default_ignorables() -> None:
    assert remove_default_ignorables("a\u200bb\u200cc\u200dd\u3164e\ufe0f\u00adf") == "abcdef"
    assert remove_default_ignorables("plain ascii") == "plain ascii"
    assert remove_default_ignorables("서울·東京・") == "서울·東京・"


# --- matching --------------------------------------------------------------------------------


def test_particles_list() -> None:
    assert PARTICLES == (
        "에서",
        "에",
        "은",
        "는",
        "이",
        "가",
        "을",
        "를",
        "와",
        "과",
        "도",
        "의",
        "로",
        "으로",
        "에게",
        "랑",
        "이랑",
        "까지",
        "부터",
        "만",
    )


@pytest.mark.parametrize("particle", PARTICLES)
def test_every_particle_matches_only_when_enabled(particle: str) -> None:
    post = ["#서울소셜컨퍼런스" + particle]
    assert not match_tags(post, SEED_TAGS).matches
    result = match_tags(post, SEED_TAGS, match_particles=True)
    assert result == TagMatch(matched=("서울소셜컨퍼런스",), exact=False)
    assert result.via_particle_only


def test_particle_rule_edges() -> None:
    # Only a particle after the wall tag counts, not arbitrary text or a particle before it.
    assert not match_tags(["서울소셜컨퍼런스에서요"], SEED_TAGS, match_particles=True).matches
    assert not match_tags(["에서서울소셜컨퍼런스"], SEED_TAGS, match_particles=True).matches
    assert not match_tags(["서울소셜"], SEED_TAGS, match_particles=True).matches
    # Compared on keys: case and width do not matter.
    assert match_tags(["ＳＥＯＵＬ에서"], ["#seoul"], match_particles=True).via_particle_only
    # A bare particle does not match anything.
    assert not match_tags(["에서"], ["#에서x"], match_particles=True).matches


def test_exact_tag_wins_over_particle() -> None:
    post = ["서울소셜컨퍼런스에서", "2017서울소통컨퍼런스"]
    result = match_tags(post, SEED_TAGS, match_particles=True)
    assert result.matched == ("2017서울소통컨퍼런스", "서울소셜컨퍼런스")
    assert result.exact
    assert not result.via_particle_only


def test_matched_in_wall_order_without_repeats() -> None:
    result = match_tags(["#b", "#A", "#a"], ["#a", "#B", "#A", "#c"])
    assert result == TagMatch(matched=("a", "b"), exact=True)


def test_empty_keys_are_ignored() -> None:
    assert not match_tags(["#", "\u3164"], ["", "#\u200b"]).matches
    assert not match_tags([], SEED_TAGS).matches
    assert not match_tags(["#a"], []).matches


def test_union_of_structured_and_text_tags() -> None:
    structured = ["SeoulSocial"]
    assert match_tags([*structured, *extract_hashtags("no tags")], ["#seoulsocial"]).exact


def test_bare_string_is_rejected() -> None:
    with pytest.raises(TypeError):
        match_tags("#seoul", ["#seoul"])
    with pytest.raises(TypeError):
        match_tags(["#seoul"], "#seoul")


def test_tag_match_properties() -> None:
    assert not TagMatch(matched=(), exact=False).matches
    assert not TagMatch(matched=(), exact=False).via_particle_only
    assert TagMatch(matched=("a",), exact=True).matches
    assert not TagMatch(matched=("a",), exact=True).via_particle_only
    assert TagMatch(matched=("a",), exact=False).via_particle_only


# --- properties ------------------------------------------------------------------------------

_BIASED_ALPHABET = st.sampled_from(
    [
        "#",
        "＃",
        "\ufe5f",
        "서",
        "울",
        "소",
        "셜",
        "에",
        "서",
        "\u1109",  # jamo: choseong sios
        "\u1165",  # jungseong eo
        "\u11af",  # jongseong rieul
        "\u3131",  # compatibility jamo
        "\u200b",
        "\u200c",
        "\u200d",
        "\u3164",
        "\u115f",
        "\ufe0f",
        "\u20e3",
        "\u0301",
        "\u0307",
        "\u064e",
        "\u094d",
        "\u00b7",
        "\u30fb",
        "/",
        "&",
        ":",
        "_",
        " ",
        "\n",
        "a",
        "I",
        "İ",
        "ß",
        "1",
        "２",
        "東",
        "👩",
    ]
)
biased_text = st.lists(_BIASED_ALPHABET, max_size=30).map("".join)
any_text = st.one_of(st.text(), biased_text)


@given(any_text)
def test_extract_never_raises_and_keys_nonempty(text: str) -> None:
    tags = extract_hashtags(text)
    keys = [tag_key(t) for t in tags]
    assert all(keys)
    assert len(set(keys)) == len(keys)
    for tag in tags:
        assert not tag.startswith(("#", "＃"))
        assert tag in unicodedata.normalize("NFC", text)


@given(any_text)
def test_tag_key_idempotent(text: str) -> None:
    key = tag_key(text)
    assert tag_key(key) == key


@given(any_text)
def test_nfc_and_nfd_give_same_keys(text: str) -> None:
    nfc = unicodedata.normalize("NFC", text)
    nfd = unicodedata.normalize("NFD", text)
    assert [tag_key(t) for t in extract_hashtags(nfc)] == [
        tag_key(t) for t in extract_hashtags(nfd)
    ]


@given(st.lists(any_text, max_size=5))
def test_identical_lists_match_exactly(tags: list[str]) -> None:
    result = match_tags(tags, tags)
    if any(tag_key(t) for t in tags):
        assert result.exact
        assert result.matches
        assert not result.via_particle_only
    else:
        assert not result.matches


@given(biased_text)
def test_extracted_tags_match_themselves(text: str) -> None:
    tags = extract_hashtags(text)
    for tag in tags:
        assert match_tags(tags, ["#" + tag]).exact
