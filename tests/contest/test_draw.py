"""The draw: exactly specified, reproducible from the seed and the input, uniform, and checkable."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from collections import Counter
from typing import Any

import pytest

from sotong.contest.draw import (
    DrawInputError,
    RandomStream,
    canonical,
    commitment,
    input_hash,
    new_seed,
    select_winners,
    shuffled,
    verify_record,
)

SEED = "00" * 31 + "2a"


def seeds(count: int) -> list[str]:
    """A fixed set of seeds, so the statistical checks are deterministic."""
    return [hashlib.sha256(f"sotong-test-seed-{i}".encode()).hexdigest() for i in range(count)]


def draw_input(
    entries: int, prizes: list[int], method: str = "draw", **extra: Any
) -> dict[str, Any]:
    return {
        "version": 1,
        "method": method,
        "prizes": [{"name": f"prize {i}", "winners": count} for i, count in enumerate(prizes)],
        "entries": [
            {"id": f"E{i:03d}", "author": f"@a{i}***", "score": 0, "votes": 0}
            for i in range(entries)
        ],
        **extra,
    }


def record_for(data: dict[str, Any], seed: str) -> dict[str, Any]:
    return {
        "algorithm": "sotong-draw-v1",
        "input": data,
        "input_hash": input_hash(data),
        "commitment": commitment(seed),
        "seed": seed,
        "winners": [winner.to_json() for winner in select_winners(data, seed)],
    }


def test_the_stream_is_hmac_sha256_of_label_and_counter() -> None:
    seed = bytes.fromhex(SEED)
    stream = RandomStream(seed, "draw")
    for counter in range(3):
        digest = hmac.new(seed, f"draw:{counter}".encode(), hashlib.sha256).digest()
        assert stream.next_block() == int.from_bytes(digest[:8], "big")


def test_numbers_in_the_biased_tail_are_rejected() -> None:
    class Scripted(RandomStream):
        def __init__(self, blocks: list[int]) -> None:
            super().__init__(b"x" * 32, "t")
            self.blocks = iter(blocks)

        def next_block(self) -> int:
            return next(self.blocks)

    # 2^64 mod 3 == 1: the single largest block would favour 0 and is drawn again.
    assert Scripted([2**64 - 1, 5]).below(3) == 2
    assert Scripted([2**64 - 2]).below(3) == (2**64 - 2) % 3
    assert Scripted([7]).below(1) == 0


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical({"b": 1, "a": ["텀블러", 2]}) == '{"a":["텀블러",2],"b":1}'.encode()
    assert json.loads(canonical({"x": "\n\u2028"})) == {"x": "\n\u2028"}


def test_the_same_seed_and_input_give_the_same_winners() -> None:
    data = draw_input(50, [10, 20, 30])
    first = select_winners(data, SEED)
    assert first == select_winners(json.loads(canonical(data)), SEED)
    assert [w.rank for w in first] == list(range(1, 51))
    assert Counter(w.prize_index for w in first) == {0: 10, 1: 20, 2: 20}
    assert len({w.entry for w in first}) == 50
    assert select_winners(data, new_seed()) != first


def test_fewer_entries_than_winners_fill_the_first_prizes_first() -> None:
    winners = select_winners(draw_input(4, [3, 5]), SEED)
    assert [w.prize_index for w in winners] == [0, 0, 0, 1]


def test_top_score_ranks_by_score_and_breaks_ties_by_the_seed() -> None:
    data = draw_input(6, [1, 2], method="top_score")
    for entry, score in zip(data["entries"], [3000, 5000, 5000, 1000, 4500, 5000], strict=True):
        entry["score"] = score
    seen_first = set()
    for seed in seeds(40):
        winners = select_winners(data, seed)
        assert {w.entry for w in winners} == {"E001", "E002", "E005"}
        seen_first.add(winners[0].entry)
    assert seen_first == {"E001", "E002", "E005"}


def test_top_votes_and_top_n_then_a_draw() -> None:
    data = draw_input(8, [2], method="top_votes")
    for index, entry in enumerate(data["entries"]):
        entry["votes"] = index
    assert [w.entry for w in select_winners(data, SEED)] == ["E007", "E006"]
    data = draw_input(8, [2], method="top_n_draw", top_n=3)
    for index, entry in enumerate(data["entries"]):
        entry["score"] = index * 1000
    picked = Counter(w.entry for seed in seeds(300) for w in select_winners(data, seed))
    assert set(picked) == {"E005", "E006", "E007"}
    assert min(picked.values()) > 150  # each of the three wins about 2/3 of the time


def chi_square(observed: list[int], expected: float) -> float:
    return sum((count - expected) ** 2 / expected for count in observed)


def test_each_entry_is_equally_likely_to_win() -> None:
    data = draw_input(10, [1])
    counts = Counter(select_winners(data, seed)[0].entry for seed in seeds(5000))
    observed = [counts[f"E{i:03d}"] for i in range(10)]
    # chi-square with 9 degrees of freedom: 27.88 is the 99.9th percentile
    assert chi_square(observed, 500) < 27.88, observed


def test_every_order_of_a_shuffle_is_equally_likely() -> None:
    items = ["a", "b", "c", "d", "e"]
    counts = Counter(tuple(shuffled(bytes.fromhex(seed), "draw", items)) for seed in seeds(12_000))
    observed = [counts[order] for order in itertools.permutations(items)]
    assert len(counts) == 120
    # chi-square with 119 degrees of freedom: about 172.5 at the 99.9th percentile
    assert chi_square(observed, 100) < 172.5


def test_a_real_record_verifies() -> None:
    verdict = verify_record(record_for(draw_input(12, [2, 3]), SEED))
    assert verdict.ok, verdict.problems
    assert len(verdict.winners) == 5


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (lambda r: r["winners"].reverse(), "winners differ"),
        (lambda r: r["input"]["entries"].pop(0), "does not match its published hash"),
        (lambda r: r.update(seed="11" * 32), "does not match the commitment"),
        (lambda r: r.update(seed=None), "not published"),
        (lambda r: r["input"].update(method="pick my friend"), "unknown method"),
    ],
)
def test_a_tampered_record_fails(tamper: Any, problem: str) -> None:
    record = record_for(draw_input(12, [2, 3]), SEED)
    tamper(record)
    verdict = verify_record(record)
    assert not verdict.ok
    assert any(problem in text for text in verdict.problems), verdict.problems


def test_entries_out_of_order_or_repeated_are_refused() -> None:
    data = draw_input(3, [1])
    data["entries"].reverse()
    with pytest.raises(DrawInputError, match="sorted"):
        select_winners(data, SEED)
    data["entries"] = [{"id": "A"}, {"id": "A"}]
    with pytest.raises(DrawInputError, match="unique"):
        select_winners(data, SEED)
