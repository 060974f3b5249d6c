"""Sortable unique ids for posts: the ULID layout (48-bit milliseconds, 80 random bits, base32)."""

from __future__ import annotations

import secrets
import time

import regex

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RANDOM_BITS = 80
ID_PATTERN = regex.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def _encode(value: int) -> str:
    chars = []
    for _ in range(26):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


class IdGenerator:
    """Ids that sort by creation time and stay strictly increasing within one process.

    Several posts often arrive in the same millisecond; bumping the random part keeps
    "newest first" exact for them instead of leaving their order to chance.
    """

    def __init__(self) -> None:
        self._last_ms = -1
        self._last_random = 0

    def new(self) -> str:
        now_ms = time.time_ns() // 1_000_000
        if now_ms <= self._last_ms:
            now_ms = self._last_ms
            random_part = self._last_random + 1
        else:
            random_part = secrets.randbits(_RANDOM_BITS - 1)
        self._last_ms, self._last_random = now_ms, random_part
        return _encode((now_ms << _RANDOM_BITS) | random_part)


def is_valid_id(value: str) -> bool:
    return ID_PATTERN.match(value) is not None
