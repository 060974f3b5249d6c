"""Masked names, handles and contact details for public display and the prize desk, following the
Korean privacy regulator's (PIPC) guidance on showing winners: enough to recognise oneself, not
enough to identify someone (홍길동 → 홍*동, @abcdef → @ab***, 010-1234-5678 → ***-****-5678)."""

from __future__ import annotations

import unicodedata
from typing import Final

MAX_STARS: Final = 3
ANONYMOUS_NAMES: Final = frozenset({"익명 참가자", "Anonymous", "익명"})


def _characters(value: str) -> list[str]:
    return list(unicodedata.normalize("NFC", value.strip()))


def mask_name(name: str) -> str:
    """First and last character kept, at most three stars between (the length stays hidden)."""
    if name.strip() in ANONYMOUS_NAMES:
        return name.strip()
    chars = [c for c in _characters(name) if not c.isspace()]
    if not chars:
        return ""
    if len(chars) == 1:
        return "*"
    if len(chars) == 2:
        return chars[0] + "*"
    return chars[0] + "*" * min(len(chars) - 2, MAX_STARS) + chars[-1]


def mask_handle(handle: str) -> str:
    """`@` and the first two characters of the account name; the server part is dropped."""
    body = handle.strip().removeprefix("@").split("@", 1)[0]
    chars = _characters(body)
    if not chars:
        return "@***"
    visible = chars[:2] if len(chars) > 3 else chars[:1]
    return "@" + "".join(visible) + "***"


def public_name(name: str, handle: str | None) -> str:
    """How a winner appears on the wall: the masked handle when there is one, else the name."""
    return mask_handle(handle) if handle and handle.strip().removeprefix("@") else mask_name(name)


def mask_phone(phone: str) -> str:
    digits = [c for c in phone if c.isdigit()]
    if len(digits) < 4:
        return "****"
    return "***-****-" + "".join(digits[-4:])


def mask_address(address: str) -> str:
    first = address.strip().split(maxsplit=1)
    return f"{first[0]} ***" if first else ""
