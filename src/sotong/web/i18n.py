"""User-interface strings of the wall display, in Korean and English."""

from __future__ import annotations

from typing import Final

DEFAULT_LOCALE: Final = "ko"

MESSAGES: dict[str, dict[str, str]] = {
    "ko": {
        "wall_label": "소셜월",
        "live": "실시간",
        "connecting": "연결하는 중…",
        "offline": "연결이 끊겼습니다 · 다시 연결하는 중",
        "empty_title": "해시태그를 달아 게시물을 올려 보세요",
        "empty_hint": "올린 게시물이 이 화면에 바로 나타납니다",
        "pinned": "고정",
        "featured": "추천",
        "sensitive_media": "민감한 미디어는 가렸습니다",
        "more_media": "사진 더 보기",
        "source_mastodon": "마스토돈",
        "source_bluesky": "블루스카이",
        "source_rss": "RSS 피드",
        "source_naver": "네이버",
        "source_api": "API",
        "source_upload": "현장 업로드",
        "source_demo": "데모",
        "source_other": "기타",
    },
    "en": {
        "wall_label": "Social wall",
        "live": "Live",
        "connecting": "Connecting…",
        "offline": "Offline · reconnecting",
        "empty_title": "Post with the hashtag to appear here",
        "empty_hint": "Your post shows up on this screen right away",
        "pinned": "Pinned",
        "featured": "Featured",
        "sensitive_media": "Sensitive media hidden",
        "more_media": "More photos",
        "source_mastodon": "Mastodon",
        "source_bluesky": "Bluesky",
        "source_rss": "RSS feed",
        "source_naver": "Naver",
        "source_api": "API",
        "source_upload": "Uploaded at the venue",
        "source_demo": "Demo",
        "source_other": "Other",
    },
}


def messages(locale: str) -> dict[str, str]:
    """The strings for `locale` ("ko", "en", also "en-US" or "ko_KR"); Korean when unknown."""
    language = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    return dict(MESSAGES.get(language, MESSAGES[DEFAULT_LOCALE]))
