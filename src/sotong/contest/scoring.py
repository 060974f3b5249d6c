"""Judges' scores on the organiser's rubric: checking a submission, totals per entry, progress per
judge. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sotong.contest.rules import Criterion


class ScoreProblem(ValueError):
    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


def criterion_field(index: int) -> str:
    return f"c{index}"


def parse_scores(rubric: Sequence[Criterion], submitted: Mapping[str, str]) -> list[int]:
    """One whole number per criterion, within its range."""
    values = []
    for index, criterion in enumerate(rubric):
        raw = submitted.get(criterion_field(index), "").strip()
        try:
            value = int(raw)
        except ValueError:
            raise ScoreProblem(index, f"{criterion.label}: give a whole number") from None
        if not criterion.minimum <= value <= criterion.maximum:
            raise ScoreProblem(
                index, f"{criterion.label}: from {criterion.minimum} to {criterion.maximum}"
            )
        values.append(value)
    return values


@dataclass(frozen=True, slots=True)
class ScoreRow:
    post_id: str
    judge_id: int
    values: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class EntryScore:
    post_id: str
    judges: int
    points: int  # every judge's total, added up

    @property
    def score_milli(self) -> int:
        """The mean of the judges' totals in thousandths, rounded half up (whole numbers, so the
        published draw input needs no floating point)."""
        if self.judges == 0:
            return 0
        return (self.points * 2000 + self.judges) // (2 * self.judges)

    @property
    def mean(self) -> float:
        return self.score_milli / 1000


def aggregate(rows: Iterable[ScoreRow]) -> dict[str, EntryScore]:
    found: dict[str, EntryScore] = {}
    for row in rows:
        current = found.get(row.post_id, EntryScore(row.post_id, 0, 0))
        found[row.post_id] = EntryScore(
            row.post_id, current.judges + 1, current.points + sum(row.values)
        )
    return found


@dataclass(frozen=True, slots=True)
class JudgeProgress:
    judge_id: int
    label: str
    scored: int
    total: int

    @property
    def done(self) -> bool:
        return self.total > 0 and self.scored >= self.total


def progress(
    judges: Mapping[int, str], shortlist: Iterable[str], rows: Iterable[ScoreRow]
) -> list[JudgeProgress]:
    """How many shortlisted entries each judge has scored (anyone who scored counts as a judge)."""
    listed = set(shortlist)
    scored: dict[int, set[str]] = {judge_id: set() for judge_id in judges}
    for row in rows:
        if row.post_id in listed:
            scored.setdefault(row.judge_id, set()).add(row.post_id)
    return [
        JudgeProgress(judge_id, judges.get(judge_id, f"#{judge_id}"), len(done), len(listed))
        for judge_id, done in sorted(scored.items(), key=lambda item: judges.get(item[0], ""))
    ]
