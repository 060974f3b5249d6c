"""What the rules read in a post's text: its own words, without hashtags, mentions and links."""

from __future__ import annotations

import hashlib
from typing import Final

import regex

from sotong.hashtags import remove_default_ignorables

MIN_FINGERPRINT_LETTERS: Final = 10

_URL = regex.compile(r"(?:https?://|www\.)\S+", regex.IGNORECASE)
_TAG_OR_MENTION = regex.compile(r"[#＃@][\p{L}\p{M}\p{N}_.·・-]+")
_NOT_LETTER = regex.compile(r"[^\p{L}\p{N}]+")


def own_letters(text: str) -> str:
    """The letters and digits of the text's own words, casefolded."""
    core = _TAG_OR_MENTION.sub(" ", _URL.sub(" ", remove_default_ignorables(text)))
    return _NOT_LETTER.sub("", core.casefold())


def link_only(text: str, has_media: bool) -> bool:
    """A post that is nothing but links (and tags or mentions): typical spam."""
    return not has_media and bool(_URL.search(text)) and not own_letters(text)


def text_fingerprint(text: str) -> str | None:
    """Equal for texts that say the same words (case, spacing, punctuation, tags and links aside);
    None for texts too short to call a copy (a bare hashtag under a photo is common)."""
    letters = own_letters(text)
    if len(letters) < MIN_FINGERPRINT_LETTERS:
        return None
    return hashlib.blake2b(letters.encode(), digest_size=16).hexdigest()
