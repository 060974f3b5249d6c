"""The winner reveal on the wall, driven step by step from the console. Pure: a state, the actions
that move it, and which winners a state has made public."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

Phase = Literal["idle", "intro", "prize", "winner", "end"]


class RevealAction(enum.StrEnum):
    START = "start"  # the contest's title card
    NEXT_PRIZE = "next_prize"  # the next prize's title card
    NEXT_WINNER = "next_winner"  # one more winner of the current prize
    ALL_WINNERS = "all_winners"  # every remaining winner of the current prize at once
    END = "end"  # the overlay leaves the wall; every winner counts as announced


class RevealProblem(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class RevealState:
    phase: Phase = "idle"
    prize_index: int = 0
    shown: int = 0  # winners of the current prize shown so far

    def to_json(self) -> dict[str, Any]:
        return {"phase": self.phase, "prize_index": self.prize_index, "shown": self.shown}

    @classmethod
    def from_json(cls, value: Any) -> RevealState:
        if not isinstance(value, dict) or value.get("phase") not in (
            "idle",
            "intro",
            "prize",
            "winner",
            "end",
        ):
            return cls()
        return cls(value["phase"], int(value.get("prize_index", 0)), int(value.get("shown", 0)))


def step(state: RevealState, action: RevealAction, counts: Sequence[int]) -> RevealState:
    """The state after `action`; `counts` holds the number of winners drawn for each prize."""
    current = counts[state.prize_index] if state.prize_index < len(counts) else 0
    match action:
        case RevealAction.START:
            return RevealState("intro", 0, 0)
        case RevealAction.END:
            if state.phase == "idle":
                raise RevealProblem("the reveal has not started")
            return RevealState("end", state.prize_index, state.shown)
        case RevealAction.NEXT_PRIZE:
            if state.phase in ("idle", "end"):
                raise RevealProblem("start the reveal first")
            if state.phase == "intro":
                return RevealState("prize", 0, 0)
            if state.prize_index + 1 >= len(counts):
                raise RevealProblem("every prize has been shown")
            return RevealState("prize", state.prize_index + 1, 0)
        case RevealAction.NEXT_WINNER | RevealAction.ALL_WINNERS:
            if state.phase not in ("prize", "winner"):
                raise RevealProblem("show a prize first")
            if state.shown >= current:
                raise RevealProblem("every winner of this prize has been shown")
            shown = state.shown + 1 if action is RevealAction.NEXT_WINNER else current
            return RevealState("winner", state.prize_index, shown)


def announced(state: RevealState, counts: Sequence[int]) -> list[tuple[int, int]]:
    """(prize index, place within the prize) of every winner this state has made public. Once the
    reveal ends, all of them are."""
    if state.phase == "idle":
        return []
    if state.phase == "end":
        return [(index, place) for index, count in enumerate(counts) for place in range(count)]
    done = [(index, place) for index in range(state.prize_index) for place in range(counts[index])]
    if state.phase == "intro":
        return []
    return done + [(state.prize_index, place) for place in range(state.shown)]
