"""Prize claims: the claim code, the form's rules, and the encryption of the personal fields.

A claim holds only what delivery needs: a name, a phone number, and a mail address when the prize
is sent rather than picked up at the desk. Those fields are encrypted at rest (AES-256-GCM with a
key derived from the server's secret by HKDF, the winner's id as associated data, so a ciphertext
cannot be moved to another claim). The claim code is derived from the secret too: it is never
stored, only its SHA-256 digest is, to find the winner it belongs to.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Final, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sotong.pipeline.normalise import clean_text

Delivery = Literal["desk", "mail"]
DELIVERIES: Final[tuple[Delivery, ...]] = ("desk", "mail")
NAME_MAX: Final = 50
ADDRESS_MAX: Final = 300
PHONE_DIGITS: Final = (9, 15)
CONSENT_VERSION: Final = "claim-2017-v1"
CODE_GROUPS: Final = 4
_CODE_ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
_CIPHER_PREFIX: Final = "v1."


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose, so no two uses of the server secret share a key."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"sotong-contest", info=purpose.encode())
    return hkdf.derive(secret)


def claim_code(code_key: bytes, contest_id: int, rank: int) -> str:
    """XXXX-XXXX-XXXX-XXXX from 80 bits of HMAC of the contest and the winner's place: unguessable,
    easy to read out at the desk."""
    message = f"claim:{contest_id}:{rank}".encode()
    digest = hmac.new(code_key, message, hashlib.sha256).digest()
    number = int.from_bytes(digest[:10], "big")
    letters = []
    for _ in range(CODE_GROUPS * 4):
        number, index = divmod(number, len(_CODE_ALPHABET))
        letters.append(_CODE_ALPHABET[index])
    text = "".join(letters)
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def normalise_code(value: str) -> str | None:
    """The code as printed (upper case, dashes), or None when it cannot be one."""
    letters = "".join(c for c in value.upper() if c.isalnum())
    if len(letters) != CODE_GROUPS * 4 or any(c not in _CODE_ALPHABET for c in letters):
        return None
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def code_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ClaimDetails:
    name: str
    phone: str
    delivery: Delivery
    address: str | None


def _phone(value: str) -> str | None:
    text = value.strip()
    if not text or any(not (c.isdigit() or c in "+-() .") for c in text):
        return None
    digits = sum(c.isdigit() for c in text)
    low, high = PHONE_DIGITS
    return text if low <= digits <= high else None


def validate_claim(
    name: str, phone: str, delivery: str, address: str, consent: bool
) -> tuple[ClaimDetails | None, dict[str, str]]:
    """The details, or a problem code per field (the page words them in its language)."""
    errors: dict[str, str] = {}
    clean_name = clean_text(name, NAME_MAX + 1)
    if not clean_name:
        errors["name"] = "required"
    elif len(clean_name) > NAME_MAX:
        errors["name"] = "too_long"
    clean_phone = _phone(phone)
    if clean_phone is None:
        errors["phone"] = "invalid"
    chosen: Delivery | None = (
        "desk" if delivery == "desk" else "mail" if delivery == "mail" else None
    )
    if chosen is None:
        errors["delivery"] = "required"
    clean_address = clean_text(address, ADDRESS_MAX + 1)
    if chosen == "mail":
        if len(clean_address) < 5:
            errors["address"] = "required"
        elif len(clean_address) > ADDRESS_MAX:
            errors["address"] = "too_long"
    if not consent:
        errors["consent"] = "required"
    if errors or chosen is None or clean_phone is None:
        return None, errors
    return ClaimDetails(
        clean_name, clean_phone, chosen, clean_address if chosen == "mail" else None
    ), {}


class ClaimCipher:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, text: str, winner_id: int) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, text.encode(), f"winner:{winner_id}".encode())
        return _CIPHER_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, token: str, winner_id: int) -> str:
        """The plain text; ValueError when the token was altered, moved or made with another key."""
        if not token.startswith(_CIPHER_PREFIX):
            raise ValueError("not a sealed claim field")
        raw = base64.urlsafe_b64decode(token[len(_CIPHER_PREFIX) :])
        try:
            plain = self._aead.decrypt(raw[:12], raw[12:], f"winner:{winner_id}".encode())
        except InvalidTag:
            raise ValueError("the claim field cannot be opened with this key") from None
        return plain.decode()
