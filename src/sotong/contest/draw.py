"""The verifiable draw (docs/contest.md, "The draw algorithm"): pure functions only.

Before the draw the organiser freezes the *draw input* (the entries, the prizes and the method) and
publishes it with its hash and a commitment, SHA-256 of a secret random seed. After the draw the
seed is published. Anyone can then check that the seed matches the commitment and recompute the
winners from the seed and the input. Every step below is specified exactly so that another
implementation gets the same winners:

- canonical JSON: keys sorted, no whitespace, UTF-8 without escaping non-ASCII;
- a random stream: block i of stream `label` is HMAC-SHA256(key=seed, msg="<label>:<i>"), read as
  a 64-bit big-endian number from its first 8 bytes;
- a number below n: the next block b of the stream, rejected while b >= 2^64 - (2^64 mod n), then
  b mod n (no modulo bias);
- a shuffle: Fisher–Yates from the last position down, j = below(i + 1), swap i and j.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeVar

ALGORITHM: Final = "sotong-draw-v1"
SEED_BYTES: Final = 32
_TWO_64: Final = 1 << 64
T = TypeVar("T")

Method = Literal["draw", "top_score", "top_votes", "top_n_draw"]
METHODS: Final[tuple[Method, ...]] = ("draw", "top_score", "top_votes", "top_n_draw")


class DrawInputError(ValueError):
    """The draw input is not one this algorithm can run."""


def canonical(value: Any) -> bytes:
    """The one byte form of a JSON value that hashes are taken of."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_seed() -> str:
    return secrets.token_hex(SEED_BYTES)


def seed_bytes(seed_hex: str) -> bytes:
    try:
        seed = bytes.fromhex(seed_hex)
    except ValueError:
        raise DrawInputError("the seed is not hexadecimal") from None
    if len(seed) != SEED_BYTES:
        raise DrawInputError(f"the seed must be {SEED_BYTES} bytes")
    return seed


def commitment(seed_hex: str) -> str:
    return sha256_hex(seed_bytes(seed_hex))


def input_hash(draw_input: dict[str, Any]) -> str:
    return sha256_hex(canonical(draw_input))


class RandomStream:
    """Numbers drawn from HMAC-SHA256(seed, "<label>:<counter>")."""

    def __init__(self, seed: bytes, label: str) -> None:
        self._seed = seed
        self._label = label
        self._counter = 0

    def next_block(self) -> int:
        message = f"{self._label}:{self._counter}".encode("ascii")
        self._counter += 1
        digest = hmac.new(self._seed, message, hashlib.sha256).digest()
        return int.from_bytes(digest[:8], "big")

    def below(self, n: int) -> int:
        """A uniform integer in [0, n)."""
        if n < 1:
            raise ValueError("below() needs n >= 1")
        limit = _TWO_64 - (_TWO_64 % n)
        while True:
            block = self.next_block()
            if block < limit:
                return block % n


def shuffled(seed: bytes, label: str, items: Sequence[T]) -> list[T]:
    """A seeded Fisher–Yates shuffle of `items` (a new list)."""
    result = list(items)
    stream = RandomStream(seed, label)
    for i in range(len(result) - 1, 0, -1):
        j = stream.below(i + 1)
        result[i], result[j] = result[j], result[i]
    return result


@dataclass(frozen=True, slots=True)
class DrawnWinner:
    rank: int  # 1 for the first winner drawn
    entry: str
    prize_index: int

    def to_json(self) -> dict[str, Any]:
        return {"rank": self.rank, "entry": self.entry, "prize_index": self.prize_index}


def _entries(draw_input: dict[str, Any]) -> list[dict[str, Any]]:
    entries = draw_input.get("entries")
    if not isinstance(entries, list):
        raise DrawInputError("entries must be a list")
    if any(
        not isinstance(entry, dict) or not isinstance(entry.get("id"), str) for entry in entries
    ):
        raise DrawInputError("every entry needs a text id")
    ids: list[str] = [entry["id"] for entry in entries]
    if len(set(ids)) != len(ids):
        raise DrawInputError("entry ids must be unique")
    if ids != sorted(ids):
        raise DrawInputError("entries must be sorted by id")
    return entries


def _prize_counts(draw_input: dict[str, Any]) -> list[int]:
    prizes = draw_input.get("prizes")
    if not isinstance(prizes, list) or not prizes:
        raise DrawInputError("prizes must be a non-empty list")
    counts = [prize.get("winners") if isinstance(prize, dict) else None for prize in prizes]
    if any(not isinstance(count, int) or count < 0 for count in counts):
        raise DrawInputError("every prize needs a whole number of winners")
    return [int(count) for count in counts]  # type: ignore[arg-type]


def _number(entry: dict[str, Any], key: str) -> int:
    value = entry.get(key, 0)
    if not isinstance(value, int) or isinstance(value, bool):
        raise DrawInputError(f"entry {entry.get('id')}: {key} must be a whole number")
    return value


def _ranked(seed: bytes, entries: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Highest `key` first; equal values in the order of a seeded shuffle ("tiebreak")."""
    position = {
        entry["id"]: index for index, entry in enumerate(shuffled(seed, "tiebreak", entries))
    }
    return sorted(entries, key=lambda entry: (-_number(entry, key), position[entry["id"]]))


def draw_order(draw_input: dict[str, Any], seed_hex: str) -> list[str]:
    """Every candidate entry id in the order winners are taken from."""
    seed = seed_bytes(seed_hex)
    entries = _entries(draw_input)
    method = draw_input.get("method")
    match method:
        case "draw":
            order = shuffled(seed, "draw", entries)
        case "top_score":
            order = _ranked(seed, entries, "score")
        case "top_votes":
            order = _ranked(seed, entries, "votes")
        case "top_n_draw":
            top_n = draw_input.get("top_n")
            if not isinstance(top_n, int) or isinstance(top_n, bool) or top_n < 1:
                raise DrawInputError("top_n_draw needs top_n >= 1")
            chosen = {entry["id"] for entry in _ranked(seed, entries, "score")[:top_n]}
            order = shuffled(seed, "draw", [entry for entry in entries if entry["id"] in chosen])
        case _:
            raise DrawInputError(f"unknown method {method!r}")
    return [entry["id"] for entry in order]


def select_winners(draw_input: dict[str, Any], seed_hex: str) -> list[DrawnWinner]:
    """The winners: taken in draw order, the first prize's winners first, then the next prize's."""
    counts = _prize_counts(draw_input)
    order = iter(draw_order(draw_input, seed_hex))
    winners: list[DrawnWinner] = []
    for prize_index, count in enumerate(counts):
        for _ in range(count):
            entry = next(order, None)
            if entry is None:
                return winners
            winners.append(DrawnWinner(len(winners) + 1, entry, prize_index))
    return winners


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    problems: tuple[str, ...]
    winners: tuple[DrawnWinner, ...] = ()


def verify_record(record: dict[str, Any]) -> Verdict:
    """Check a published draw record: the input's hash, the seed against the commitment, and the
    winners against a fresh computation."""
    problems: list[str] = []
    draw_input = record.get("input")
    if not isinstance(draw_input, dict):
        return Verdict(False, ("the record has no draw input",))
    if record.get("algorithm", ALGORITHM) != ALGORITHM:
        return Verdict(False, (f"unknown algorithm {record.get('algorithm')!r}",))
    if input_hash(draw_input) != record.get("input_hash"):
        problems.append("the draw input does not match its published hash")
    seed = record.get("seed")
    if not isinstance(seed, str):
        return Verdict(False, (*problems, "the seed is not published yet: the draw has not run"))
    try:
        if commitment(seed) != record.get("commitment"):
            problems.append("the seed does not match the commitment published before the draw")
        winners = select_winners(draw_input, seed)
    except DrawInputError as error:
        return Verdict(False, (*problems, str(error)))
    published = record.get("winners")
    expected = [winner.to_json() for winner in winners]
    if (
        not isinstance(published, list)
        or [
            {key: item.get(key) for key in ("rank", "entry", "prize_index")}
            for item in published
            if isinstance(item, dict)
        ]
        != expected
    ):
        problems.append("the published winners differ from the ones the seed and input give")
    return Verdict(not problems, tuple(problems), tuple(winners))
