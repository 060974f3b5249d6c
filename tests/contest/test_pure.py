"""Scores, masking, the reveal's steps, claim codes and fields, CSV cells."""

from __future__ import annotations

import csv
import io

import pytest

from sotong.contest.claims import (
    ClaimCipher,
    claim_code,
    code_digest,
    derive_key,
    normalise_code,
    validate_claim,
)
from sotong.contest.export import to_csv
from sotong.contest.masking import mask_address, mask_handle, mask_name, mask_phone, public_name
from sotong.contest.reveal import RevealAction, RevealProblem, RevealState, announced, step
from sotong.contest.rules import Criterion
from sotong.contest.scoring import ScoreProblem, ScoreRow, aggregate, parse_scores, progress

RUBRIC = (Criterion(label="창의성", minimum=1, maximum=5), Criterion(label="주제", maximum=5))


def test_scores_are_whole_numbers_within_each_criterion() -> None:
    assert parse_scores(RUBRIC, {"c0": "5", "c1": " 1 "}) == [5, 1]
    with pytest.raises(ScoreProblem) as problem:
        parse_scores(RUBRIC, {"c0": "6", "c1": "1"})
    assert problem.value.index == 0
    with pytest.raises(ScoreProblem):
        parse_scores(RUBRIC, {"c0": "3", "c1": "2.5"})


def test_an_entry_scores_the_mean_of_its_judges_totals() -> None:
    rows = [ScoreRow("p", 1, (5, 4)), ScoreRow("p", 2, (3, 3)), ScoreRow("q", 1, (1, 1))]
    found = aggregate(rows)
    assert found["p"].score_milli == 7500
    assert found["q"].score_milli == 2000
    assert aggregate([ScoreRow("r", j, (v,)) for j, v in enumerate([1, 1, 2])])["r"].mean == 1.333


def test_progress_per_judge_counts_only_the_shortlist() -> None:
    rows = [ScoreRow("a", 1, (1,)), ScoreRow("b", 1, (1,)), ScoreRow("gone", 2, (1,))]
    found = progress({1: "judge:kim", 2: "judge:lee", 3: "judge:park"}, ["a", "b"], rows)
    assert [(p.label, p.scored, p.total, p.done) for p in found] == [
        ("judge:kim", 2, 2, True),
        ("judge:lee", 0, 2, False),
        ("judge:park", 0, 2, False),
    ]


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("홍길동", "홍*동"),
        ("남궁민수", "남**수"),
        ("이슬", "이*"),
        ("김", "*"),
        ("Christopher Robin", "C***n"),
        ("익명 참가자", "익명 참가자"),
        ("", ""),
    ],
)
def test_names_are_masked(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_handles_phones_and_addresses_are_masked() -> None:
    assert mask_handle("@yeonsil") == "@ye***"
    assert mask_handle("yeonsil@mastodon.social") == "@ye***"
    assert mask_handle("@abc") == "@a***"
    assert public_name("고연실", "@yeonsil") == "@ye***"
    assert public_name("고연실", None) == "고*실"
    assert mask_phone("010-1234-5678") == "***-****-5678"
    assert mask_address("서울특별시 중구 세종대로 110") == "서울특별시 ***"


def test_the_reveal_goes_prize_by_prize() -> None:
    counts = [2, 1]
    state = step(RevealState(), RevealAction.START, counts)
    assert announced(state, counts) == []
    with pytest.raises(RevealProblem):
        step(state, RevealAction.NEXT_WINNER, counts)
    state = step(state, RevealAction.NEXT_PRIZE, counts)
    state = step(state, RevealAction.NEXT_WINNER, counts)
    assert announced(state, counts) == [(0, 0)]
    state = step(state, RevealAction.ALL_WINNERS, counts)
    assert (state.phase, state.shown) == ("winner", 2)
    with pytest.raises(RevealProblem):
        step(state, RevealAction.NEXT_WINNER, counts)
    state = step(state, RevealAction.NEXT_PRIZE, counts)
    assert announced(state, counts) == [(0, 0), (0, 1)]
    with pytest.raises(RevealProblem):
        step(state, RevealAction.NEXT_PRIZE, counts)
    state = step(state, RevealAction.END, counts)
    assert announced(state, counts) == [(0, 0), (0, 1), (1, 0)]
    assert RevealState.from_json(state.to_json()) == state
    assert RevealState.from_json({"phase": "nonsense"}) == RevealState()


def test_claim_codes_are_stable_readable_and_distinct() -> None:
    key = derive_key(b"s" * 48, "claim codes")
    code = claim_code(key, 1, 7)
    assert code == claim_code(key, 1, 7) != claim_code(key, 1, 8)
    assert len(code) == 19
    assert code.count("-") == 3
    assert normalise_code(code.lower().replace("-", " ")) == code
    assert normalise_code("0000-0000-0000-0000") is None
    assert code_digest(code) != code_digest(claim_code(derive_key(b"t" * 48, "claim codes"), 1, 7))


def test_claim_fields_are_sealed_to_their_winner() -> None:
    cipher = ClaimCipher(derive_key(b"s" * 48, "claim fields"))
    sealed = cipher.seal("010-1234-5678", 3)
    assert "5678" not in sealed
    assert cipher.open(sealed, 3) == "010-1234-5678"
    with pytest.raises(ValueError, match="cannot be opened"):
        cipher.open(sealed, 4)
    with pytest.raises(ValueError, match="cannot be opened"):
        ClaimCipher(derive_key(b"other" * 10, "claim fields")).open(sealed, 3)


def test_the_claim_form_asks_only_what_delivery_needs() -> None:
    details, errors = validate_claim(" 홍길동 ", "010-1234-5678", "desk", "ignored", True)
    assert errors == {}
    assert details is not None
    assert details.address is None
    assert details.name == "홍길동"
    _, errors = validate_claim("", "12", "mail", "", False)
    assert errors == {
        "name": "required",
        "phone": "invalid",
        "address": "required",
        "consent": "required",
    }
    _, errors = validate_claim("a" * 51, "+82 10 1234 5678", "drone", "", True)
    assert errors == {"name": "too_long", "delivery": "required"}


def test_csv_cells_never_become_formulas() -> None:
    text = to_csv(["name", "phone"], [['=HYPERLINK("x")', "+82 10"], ["홍길동", "-1"]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [["name", "phone"], ['\'=HYPERLINK("x")', "'+82 10"], ["홍길동", "'-1"]]
