"""Judging in the console: a judge scores the shortlisted entries on the contest's rubric and sees
only their own scores until the owner closes judging; then everyone's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from sotong.contest.scoring import ScoreProblem, criterion_field, parse_scores, progress
from sotong.contest.service import ContestProblem, Overview
from sotong.domain import Role
from sotong.store import contests as contest_store
from sotong.web.console.contest_forms import (
    PROBLEMS,
    contest_runtime,
    find_contest,
    find_overview,
)
from sotong.web.console.render import FORM_LIMITS, field, render
from sotong.web.console.session import CSRF_FIELD, check_csrf, require_role
from sotong.web.policy import policy
from sotong.web.services import Services, get_services

router = APIRouter(prefix="/admin/walls", include_in_schema=False)
ServicesDep = Annotated[Services, Depends(get_services)]


@router.get("/{slug}/judging")
@policy(Role.JUDGE)
async def judging_list(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.JUDGE)
    wall = services.wall(slug)
    async with services.db.read() as connection:
        found = await contest_store.list_contests(connection, wall.id)
    context = {"contests": [c for c in found if c.rules.rubric]}
    return render(request, "contest_judging.html", context, session=session, wall_slug=slug)


async def _judge_context(
    request: Request, services: Services, overview: Overview, user_id: int
) -> dict[str, Any]:
    async with services.db.read() as connection:
        judges = await contest_store.judges(connection)
        judges |= await contest_store.user_names(
            connection, {row.judge_id for row in overview.rows}
        )
    closed = not overview.contest.judging_open
    mine = {row.post_id: row.values for row in overview.rows if row.judge_id == user_id}
    entries = []
    for post in overview.eligible:
        if post.id not in overview.shortlist:
            continue
        others = [
            {"judge": judges.get(row.judge_id, ""), "values": row.values}
            for row in overview.rows
            if closed and row.post_id == post.id
        ]
        score = overview.scores.get(post.id)
        entries.append(
            {
                "post": post,
                "thumb": next(
                    (m.thumb_url or m.url for m in post.media if m.kind == "image"), None
                ),
                "mine": mine.get(post.id),
                "all": others,
                "mean": score.mean if score and closed else None,
            }
        )
    return {
        "contest": overview.contest,
        "entries": entries,
        "closed": closed,
        "progress": progress(judges, overview.shortlist, overview.rows),
        "field_name": criterion_field,
        "problem": PROBLEMS.get(request.query_params.get("problem", "")),
        "saved": request.query_params.get("saved", ""),
    }


@router.get("/{slug}/contests/{contest_id:int}/judge")
@policy(Role.JUDGE)
async def judge_page(
    slug: str, contest_id: int, request: Request, services: ServicesDep
) -> Response:
    session = await require_role(request, services, Role.JUDGE)
    overview = await find_overview(request, services.wall(slug), contest_id)
    context = await _judge_context(request, services, overview, session.user.id)
    return render(request, "contest_judge.html", context, session=session, wall_slug=slug)


@router.post("/{slug}/contests/{contest_id:int}/judge")
@policy(Role.JUDGE)
async def save_score(
    slug: str, contest_id: int, request: Request, services: ServicesDep
) -> Response:
    session = await require_role(request, services, Role.JUDGE)
    wall = services.wall(slug)
    service = contest_runtime(request).service
    contest = await find_contest(request, wall, contest_id)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        post_id = field(form, "post_id")[:26]
        submitted = {key: field(form, key) for key in form}
    base = f"/admin/walls/{slug}/contests/{contest_id}/judge"
    try:
        values = parse_scores(contest.rules.rubric, submitted)
        await service.score(wall, contest_id, post_id, session.user.id, values)
    except ScoreProblem:
        return RedirectResponse(f"{base}?problem=invalid_score#entry-{post_id}", status_code=303)
    except ContestProblem as problem:
        return RedirectResponse(f"{base}?problem={problem.code}", status_code=303)
    return RedirectResponse(f"{base}?saved={post_id}#entry-{post_id}", status_code=303)
