"""Why a rule held a post back, in the wall's language: the sentence a moderator reads beside the
rule's code. Stored with the post, so every moderator of the wall reads the same words."""

from __future__ import annotations

from typing import Final

from sotong.moderation.words import WordVerdict

_REASONS: Final[dict[str, dict[str, str]]] = {
    "ko": {
        "particle": "해시태그에 조사가 붙어 있을 때만 일치했습니다",
        "sensitive": "출처에서 민감한 게시물로 표시했습니다",
        "banned": "차단된 작성자입니다: {reason}",
        "author_cap": "이 작성자의 게시물이 지난 한 시간 동안 이미 {count}건 화면에 나왔습니다 "
        "(한도 {cap}건)",
        "duplicate_text": "게시물 {post_id}와 같은 글입니다",
        "link_only": "링크만 있습니다",
        "near_duplicate": "이 소셜월에 이미 들어온 이미지와 거의 같습니다 (게시물 {post_id})",
        "no_reason": "사유 없음",
    },
    "en": {
        "particle": "hashtag matched only with a particle attached",
        "sensitive": "marked sensitive by its source",
        "banned": "the author is banned: {reason}",
        "author_cap": "the author already has {count} posts on screen this hour (the cap is {cap})",
        "duplicate_text": "same text as post {post_id}",
        "link_only": "nothing but links",
        "near_duplicate": "near-duplicate of an image already seen on this wall (post {post_id})",
        "no_reason": "no reason given",
    },
}


def reason(code: str, locale: str, **values: object) -> str:
    """The sentence for a rule's code in the wall's language (Korean unless it is English)."""
    table = _REASONS["en" if locale.startswith("en") else "ko"]
    return table[code].format(**values)


def words_reason(verdict: WordVerdict, locale: str) -> str:
    return verdict.reason(locale) or reason("no_reason", locale)
