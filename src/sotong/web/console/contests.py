"""Contests in the console: owners create and edit them, open and close judging, commit and run the
draw and drive the reveal on the wall; moderators see the entries and shortlist them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from sotong.contest.eligibility import exclusion_counts
from sotong.contest.reveal import RevealAction, RevealProblem
from sotong.contest.service import ContestProblem, Overview, prize_counts, votes_open
from sotong.domain import Role
from sotong.store import contests as contest_store
from sotong.web.console.contest_forms import (
    DONE,
    EXCLUSIONS,
    METHODS,
    POOLS,
    PROBLEMS,
    contest_runtime,
    find_contest,
    find_overview,
    form_values,
    not_found,
    rules_from_form,
    zone,
)
from sotong.web.console.render import FORM_LIMITS, field, render, text
from sotong.web.console.session import CSRF_FIELD, check_csrf, require_role
from sotong.web.policy import policy
from sotong.web.services import Services, get_services

router = APIRouter(prefix="/admin/walls", include_in_schema=False)
ServicesDep = Annotated[Services, Depends(get_services)]
ENTRY_LIMIT = 500


def _back(
    slug: str, contest_id: int, problem: str | None = None, done: str | None = None
) -> Response:
    query = f"?problem={problem}" if problem else f"?done={done}" if done else ""
    return RedirectResponse(f"/admin/walls/{slug}/contests/{contest_id}{query}", status_code=303)


@router.get("/{slug}/contests")
@policy(Role.MODERATOR)
async def contest_list(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.MODERATOR)
    wall = services.wall(slug)
    async with services.db.read() as connection:
        found = await contest_store.list_contests(connection, wall.id)
    context = {"contests": found, "zone": zone(request), "methods": METHODS}
    return render(request, "contest_list.html", context, session=session, wall_slug=slug)


def _form_page(
    request: Request, session: Any, slug: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    base = {"methods": METHODS, "pools": POOLS, "errors": {}, "contest": None}
    return render(
        request,
        "contest_form.html",
        base | context,
        session=session,
        wall_slug=slug,
        status_code=status_code,
    )


@router.get("/{slug}/contests/new")
@policy(Role.OWNER)
async def new_contest_page(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    services.wall(slug)
    values = form_values(None, zone(request), None)
    values["hashtags"] = " ".join(services.wall(slug).hashtags)
    return _form_page(request, session, slug, {"values": values})


@router.post("/{slug}/contests/new")
@policy(Role.OWNER)
async def create_contest(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    wall = services.wall(slug)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        rules, errors = rules_from_form(form, zone(request), text(request))
        if rules is None:
            context = {"values": form_values(None, zone(request), form), "errors": errors}
            return _form_page(request, session, slug, context, status_code=422)
    contest_id = await contest_runtime(request).service.create(wall, rules, session.user.label)
    return _back(slug, contest_id, done="created")


@router.get("/{slug}/contests/{contest_id:int}/edit")
@policy(Role.OWNER)
async def edit_contest_page(
    slug: str, contest_id: int, request: Request, services: ServicesDep
) -> Response:
    session = await require_role(request, services, Role.OWNER)
    contest = await find_contest(request, services.wall(slug), contest_id)
    values = form_values(contest.rules, zone(request), None)
    return _form_page(request, session, slug, {"values": values, "contest": contest})


@router.post("/{slug}/contests/{contest_id:int}/edit")
@policy(Role.OWNER)
async def save_contest(
    slug: str, contest_id: int, request: Request, services: ServicesDep
) -> Response:
    session = await require_role(request, services, Role.OWNER)
    wall = services.wall(slug)
    service = contest_runtime(request).service
    contest = await find_contest(request, wall, contest_id)
    _ = text(request)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        rules, errors = rules_from_form(form, zone(request), _)
        if rules is not None:
            try:
                version = int(field(form, "version") or 0)
                await service.update(wall, contest_id, rules, version, session.user.label)
            except ContestProblem as problem:
                errors["form"] = _(PROBLEMS.get(problem.code, PROBLEMS["reveal"]))
        if errors:
            values = form_values(None, zone(request), form)
            context = {"values": values, "errors": errors, "contest": contest}
            return _form_page(request, session, slug, context, status_code=422)
    return _back(slug, contest_id, done="saved")


def _entries(overview: Overview) -> list[dict[str, Any]]:
    show_scores = not overview.contest.judging_open
    rows = []
    for item in reversed(overview.reviewed[-ENTRY_LIMIT:]):
        post = item.post
        score = overview.scores.get(post.id)
        rows.append(
            {
                "post": post,
                "thumb": next(
                    (m.thumb_url or m.url for m in post.media if m.kind == "image"), None
                ),
                "excluded": item.excluded.value if item.excluded else None,
                "shortlisted": post.id in overview.shortlist,
                "score": score.mean if score and show_scores else None,
                "judges": score.judges if score else 0,
                "votes": overview.votes.get(post.id, 0),
            }
        )
    return rows


@router.get("/{slug}/contests/{contest_id:int}")
@policy(Role.MODERATOR)
async def contest_page(
    slug: str, contest_id: int, request: Request, services: ServicesDep
) -> Response:
    session = await require_role(request, services, Role.MODERATOR)
    wall = services.wall(slug)
    overview = await find_overview(request, wall, contest_id)
    problem_code = request.query_params.get("problem", "")
    context = {
        "overview": overview,
        "contest": overview.contest,
        "entries": _entries(overview),
        "eligible_count": len(overview.eligible),
        "exclusions": exclusion_counts(overview.reviewed),
        "exclusion_names": EXCLUSIONS,
        "methods": METHODS,
        "pools": POOLS,
        "zone": zone(request),
        "counts": prize_counts(overview.contest, overview.winners),
        "votes_open": votes_open(overview),
        "problem": PROBLEMS.get(problem_code) if problem_code else None,
        "done": request.query_params.get("done", ""),
        "done_messages": DONE,
        "record_url": f"/api/v1/walls/{slug}/contests/{contest_id}/draw",
        "vote_url": f"{services.settings.server.public_url}/w/{slug}/vote",
        "is_owner": session.user.role is Role.OWNER,
        "actions": [action.value for action in RevealAction],
    }
    return render(request, "contest.html", context, session=session, wall_slug=slug)


@router.post("/{slug}/contests/{contest_id:int}/shortlist")
@policy(Role.MODERATOR)
async def shortlist(
    slug: str, contest_id: int, request: Request, services: ServicesDep
) -> Response:
    session = await require_role(request, services, Role.MODERATOR)
    wall = services.wall(slug)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        post_id = field(form, "post_id")[:26]
        listed = field(form, "listed") == "1"
    try:
        await contest_runtime(request).service.set_shortlisted(
            wall, contest_id, post_id, listed, session.user.label
        )
    except ContestProblem as problem:
        if problem.code == "contest_not_found":
            raise not_found(problem) from None
        return _back(slug, contest_id, problem=problem.code)
    return _back(slug, contest_id)


@router.post("/{slug}/contests/{contest_id:int}/judging")
@policy(Role.OWNER)
async def judging(slug: str, contest_id: int, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    wall = services.wall(slug)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        closed = field(form, "action") == "close"
    service = contest_runtime(request).service
    try:
        await service.contest(wall, contest_id)
        await service.set_judging(wall, contest_id, closed, session.user.label)
    except ContestProblem as problem:
        if problem.code == "contest_not_found":
            raise not_found(problem) from None
        return _back(slug, contest_id, problem=problem.code)
    return _back(slug, contest_id, done="judging")


@router.post("/{slug}/contests/{contest_id:int}/draw/{step}")
@policy(Role.OWNER)
async def draw_step(
    slug: str, contest_id: int, step: str, request: Request, services: ServicesDep
) -> Response:
    """`commit`: freeze the entries and publish the commitment; `run`: publish the seed and the
    winners."""
    session = await require_role(request, services, Role.OWNER)
    wall = services.wall(slug)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
    service = contest_runtime(request).service
    try:
        await service.contest(wall, contest_id)
        if step == "commit":
            await service.commit_draw(wall, contest_id, session.user.label)
        elif step == "run":
            await service.perform_draw(wall, contest_id, session.user.label)
        else:
            return _back(slug, contest_id, problem="reveal")
    except ContestProblem as problem:
        if problem.code == "contest_not_found":
            raise not_found(problem) from None
        return _back(slug, contest_id, problem=problem.code)
    return _back(slug, contest_id, done=step)


@router.post("/{slug}/contests/{contest_id:int}/reveal")
@policy(Role.OWNER)
async def reveal(slug: str, contest_id: int, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    wall = services.wall(slug)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        action = field(form, "action")
    if action not in {a.value for a in RevealAction}:
        return _back(slug, contest_id, problem="reveal")
    service = contest_runtime(request).service
    try:
        await service.contest(wall, contest_id)
        await service.reveal(wall, contest_id, RevealAction(action), session.user.label)
    except ContestProblem as problem:
        if problem.code == "contest_not_found":
            raise not_found(problem) from None
        return _back(slug, contest_id, problem=problem.code)
    except RevealProblem:
        return _back(slug, contest_id, problem="reveal")
    response = _back(slug, contest_id)
    response.headers["location"] += "#reveal"
    return response
