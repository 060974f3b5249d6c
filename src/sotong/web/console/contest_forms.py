"""What the contest pages share: the running contest, problem messages in the page's language,
and the contest form (rules, rubric, prizes, selection) read into `ContestRules`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.requests import Request

from sotong.contest.rules import (
    MAX_CRITERIA,
    MAX_PRIZES,
    ContestRules,
    default_rubric,
    seed_prizes,
)
from sotong.contest.runtime import ContestRuntime
from sotong.contest.service import ContestProblem, Overview
from sotong.domain import Wall
from sotong.store.contests import Contest
from sotong.web.console.render import checkbox, field
from sotong.web.console.walls import parse_hashtags
from sotong.web.errors import ApiError
from sotong.web.translations import N_

PROBLEMS: Final = {
    "contest_not_found": N_("There is no such contest."),
    "contest_changed": N_("Someone else saved this contest meanwhile. Reload and try again."),
    "draw_committed": N_("The draw is committed: the contest and its entries are frozen."),
    "not_eligible": N_("Only eligible entries can be shortlisted or voted for."),
    "judging_closed": N_("Judging is closed."),
    "judging_open": N_("Close judging before a draw that uses the judges' scores."),
    "not_shortlisted": N_("Only shortlisted entries are scored."),
    "no_entries": N_("There are no entries to draw from."),
    "no_draw": N_("Commit the draw first."),
    "drawn": N_("The draw has run already."),
    "no_winners": N_("Run the draw before the reveal."),
    "reveal": N_("That step is not possible now."),
    "winner_not_found": N_("There is no such winner."),
    "no_claim": N_("No contact details are stored for this winner (not claimed, or deleted)."),
    "not_claimed": N_("This prize is not claimed yet, or was delivered already."),
    "invalid_score": N_("Give every criterion a whole number within its range."),
}
DONE: Final = {
    "created": N_("The contest is ready. Moderators can shortlist entries now."),
    "saved": N_("Saved."),
    "judging": N_("Judging was updated."),
    "commit": N_("The draw is committed: its commitment and the frozen entry list are public."),
    "run": N_("The draw has run: the seed and the winners are public."),
}
METHODS: Final = {
    "draw": N_("Random draw"),
    "top_score": N_("Top score (ties broken by the draw)"),
    "top_n_draw": N_("Judges' top N, then a draw"),
    "top_votes": N_("Most audience votes (ties broken by the draw)"),
}
POOLS: Final = {"eligible": N_("every eligible entry"), "shortlist": N_("the shortlist")}
EXCLUSIONS: Final = {
    "not_approved": N_("not approved"),
    "before_window": N_("before the window"),
    "after_window": N_("after the window"),
    "no_image": N_("no image"),
    "no_hashtag": N_("no chosen hashtag"),
    "banned": N_("banned author"),
    "staff": N_("staff"),
    "another_entry": N_("the author's earlier post is the entry"),
}


def contest_runtime(request: Request) -> ContestRuntime:
    runtime: ContestRuntime = request.app.state.contest
    return runtime


def not_found(problem: ContestProblem) -> ApiError:
    return ApiError(404, problem.code, problem.message)


async def find_contest(request: Request, wall: Wall, contest_id: int) -> Contest:
    """The wall's contest, or the console's 404 page."""
    try:
        return await contest_runtime(request).service.contest(wall, contest_id)
    except ContestProblem as problem:
        raise not_found(problem) from None


async def find_overview(request: Request, wall: Wall, contest_id: int) -> Overview:
    """The wall's contest with its entries, shortlist and scores, or the console's 404 page."""
    try:
        return await contest_runtime(request).service.overview(wall, contest_id)
    except ContestProblem as problem:
        raise not_found(problem) from None


def zone(request: Request) -> ZoneInfo:
    return ZoneInfo(contest_runtime(request).settings.timezone)


def local_input(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%dT%H:%M") if value else ""


def _moment(value: str, tz: ZoneInfo) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=tz)
    except ValueError:
        raise ValueError(value) from None


def _number(value: str) -> int | str:
    value = value.strip()
    try:
        return int(value)
    except ValueError:
        return value


def rules_from_form(
    form: FormData, tz: ZoneInfo, _: Callable[[str], str]
) -> tuple[ContestRules | None, dict[str, str]]:
    errors: dict[str, str] = {}
    try:
        window = {
            "starts_at": _moment(field(form, "starts_at"), tz),
            "ends_at": _moment(field(form, "ends_at"), tz),
        }
    except ValueError:
        errors["window"] = _("Give the times as year-month-day hour:minute.")
        window = {}
    rubric = [
        {
            "label": field(form, f"criterion_label_{i}").strip(),
            "minimum": _number(field(form, f"criterion_min_{i}") or "1"),
            "maximum": _number(field(form, f"criterion_max_{i}") or "5"),
        }
        for i in range(MAX_CRITERIA)
        if field(form, f"criterion_label_{i}").strip()
    ]
    prizes = [
        {
            "name": field(form, f"prize_name_{i}").strip(),
            "winners": _number(field(form, f"prize_winners_{i}")),
            "stock": _number(field(form, f"prize_stock_{i}")),
        }
        for i in range(MAX_PRIZES)
        if field(form, f"prize_name_{i}").strip()
    ]
    top_n = field(form, "top_n").strip()
    data: dict[str, Any] = {
        "name": field(form, "name").strip(),
        "rules_text": field(form, "rules_text").strip(),
        "eligibility": {
            **window,
            "require_image": checkbox(form, "require_image"),
            "per_author": field(form, "per_author") or "one",
            "hashtags": parse_hashtags(field(form, "hashtags")),
            "staff": [name for name in parse_hashtags(field(form, "staff")) if name],
        },
        "rubric": rubric,
        "prizes": prizes,
        "selection": {
            "method": field(form, "method") or "draw",
            "pool": field(form, "pool") or "eligible",
            "top_n": _number(top_n) if top_n else None,
        },
        "audience_votes": checkbox(form, "audience_votes"),
    }
    if errors:
        return None, errors
    try:
        return ContestRules.model_validate(data), {}
    except ValidationError as exc:
        messages = {
            "name": _("Give the contest a name of 1 to 200 characters."),
            "rules_text": _("The rules may be at most 5000 characters."),
            "eligibility": _("Check the window (the end after the start) and the hashtags."),
            "rubric": _("Each criterion needs a name and a lowest score below its highest."),
            "prizes": _("Give 1 to 8 prizes, each with a name, winners (1 or more) and stock."),
            "selection": _("Choosing by the judges' top N needs N."),
        }
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "form"
            errors.setdefault(
                name,
                messages.get(name, _("Choosing by score needs at least one rubric criterion.")),
            )
        return None, errors


def form_values(rules: ContestRules | None, tz: ZoneInfo, form: FormData | None) -> dict[str, Any]:
    """What the contest form shows: the submitted values after a failed save, else the rules."""
    if form is not None:
        return {key: field(form, key) for key in form} | {
            "require_image": checkbox(form, "require_image"),
            "audience_votes": checkbox(form, "audience_votes"),
        }
    if rules is None:
        values: dict[str, Any] = {"per_author": "one", "method": "draw", "pool": "eligible"}
        rubric, prizes = default_rubric(), seed_prizes()
    else:
        values = {
            "name": rules.name,
            "rules_text": rules.rules_text,
            "starts_at": local_input(rules.eligibility.starts_at, tz),
            "ends_at": local_input(rules.eligibility.ends_at, tz),
            "require_image": rules.eligibility.require_image,
            "per_author": rules.eligibility.per_author,
            "hashtags": " ".join(rules.eligibility.hashtags),
            "staff": "\n".join(rules.eligibility.staff),
            "method": rules.selection.method,
            "pool": rules.selection.pool,
            "top_n": rules.selection.top_n or "",
            "audience_votes": rules.audience_votes,
        }
        rubric, prizes = rules.rubric, rules.prizes
    for i, criterion in enumerate(rubric):
        values[f"criterion_label_{i}"] = criterion.label
        values[f"criterion_min_{i}"] = criterion.minimum
        values[f"criterion_max_{i}"] = criterion.maximum
    for i, prize in enumerate(prizes):
        values[f"prize_name_{i}"] = prize.name
        values[f"prize_winners_{i}"] = prize.winners
        values[f"prize_stock_{i}"] = prize.stock
    return values
