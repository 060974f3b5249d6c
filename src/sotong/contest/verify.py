"""`sotong contest verify`: load a published draw record (a file, or the server's public JSON) and
say, in plain words, whether its winners follow from its seed and frozen entry list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import orjson

from sotong.contest.draw import Verdict


class RecordUnreadable(Exception):
    pass


def load_record(source: str, *, timeout: float = 10.0) -> dict[str, Any]:
    try:
        if source.startswith(("http://", "https://")):
            response = httpx.get(source, timeout=timeout, follow_redirects=True)
            if response.status_code != 200:
                raise RecordUnreadable(f"{source} answered {response.status_code}")
            data = response.content
        else:
            data = Path(source).read_bytes()
        record = orjson.loads(data)
    except (OSError, httpx.HTTPError, orjson.JSONDecodeError) as error:
        raise RecordUnreadable(f"{source}: {error}") from None
    if not isinstance(record, dict):
        raise RecordUnreadable(f"{source}: not a draw record")
    return record


def report(record: dict[str, Any], verdict: Verdict) -> list[str]:
    found = record.get("input")
    draw_input: dict[str, Any] = found if isinstance(found, dict) else {}
    contest = draw_input.get("contest") or {}
    entries = draw_input.get("entries") or []
    prizes = draw_input.get("prizes") or []
    names = {e.get("id"): e.get("author") for e in entries if isinstance(e, dict)}
    lines = [
        f"contest: {contest.get('name', '?')} (wall {contest.get('wall', '?')})",
        f"method: {draw_input.get('method', '?')}, entries: {len(entries)}",
        f"commitment: {record.get('commitment')}",
        f"seed: {record.get('seed')}",
    ]
    for winner in verdict.winners:
        prize = (
            prizes[winner.prize_index].get("name", "?") if winner.prize_index < len(prizes) else "?"
        )
        lines.append(f"  {winner.rank:>3}. {prize}: {winner.entry} {names.get(winner.entry, '')}")
    if verdict.ok:
        lines.append("OK: the seed matches the commitment and the winners follow from it")
    else:
        lines += [f"FAILED: {problem}" for problem in verdict.problems]
    return lines
