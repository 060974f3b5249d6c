"""How long the verifiable draw takes: every method over a large entry list, and the check that
`sotong contest verify` runs. Prints milliseconds (median of several runs); no server needed."""

from __future__ import annotations

import argparse
import hashlib
import statistics
import time
from collections.abc import Callable
from typing import Any

from sotong.contest.draw import commitment, input_hash, select_winners, verify_record


def draw_input(entries: int, method: str) -> dict[str, Any]:
    return {
        "version": 1,
        "method": method,
        "top_n": 100 if method == "top_n_draw" else None,
        "prizes": [
            {"name": "텀블러", "winners": 10},
            {"name": "에코백", "winners": 20},
            {"name": "보틀", "winners": 30},
        ],
        "entries": [
            {"id": f"{i:026d}", "author": "@ab***", "score": (i * 7919) % 10_000, "votes": i % 50}
            for i in range(entries)
        ],
    }


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    seed = hashlib.sha256(b"bench").hexdigest()
    print(f"{'entries':>8} {'method':>11} {'draw ms':>9} {'verify ms':>10}")
    for entries in options.entries:
        for method in ("draw", "top_score", "top_n_draw"):
            data = draw_input(entries, method)
            record = {
                "input": data,
                "input_hash": input_hash(data),
                "commitment": commitment(seed),
                "seed": seed,
                "winners": [w.to_json() for w in select_winners(data, seed)],
            }
            draw_ms = median_ms(lambda data=data: select_winners(data, seed), options.repeat)
            verify_ms = median_ms(lambda record=record: verify_record(record), options.repeat)
            print(f"{entries:>8} {method:>11} {draw_ms:>9.1f} {verify_ms:>10.1f}")


if __name__ == "__main__":
    main()
