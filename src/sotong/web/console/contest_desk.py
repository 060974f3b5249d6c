"""The prize desk: winners masked for the desk (moderators), mark a prize delivered; for owners a
ready-to-send message per winner, a claim's full details (each view audited), the CSV export, the
post-contest report and the claim-deletion job on demand."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from sotong.contest.desk import DeskRow
from sotong.contest.service import ContestProblem, prize_counts
from sotong.contest.text import contest_messages, fill
from sotong.domain import Role
from sotong.store import contest_prizes
from sotong.web.console.contest_forms import (
    METHODS,
    PROBLEMS,
    contest_runtime,
    find_overview,
    not_found,
    zone,
)
from sotong.web.console.render import FORM_LIMITS, field, render
from sotong.web.console.session import CSRF_FIELD, check_csrf, require_role
from sotong.web.policy import policy
from sotong.web.services import Services, get_services

router = APIRouter(prefix="/admin/walls", include_in_schema=False)
ServicesDep = Annotated[Services, Depends(get_services)]


def _message(row: DeskRow, contest_name: str, locale: str, public_url: str) -> str:
    text = contest_messages(locale)
    link = f"{public_url}/claim/{row.code}"
    return fill(text["message_template"], contest=contest_name, prize=row.prize.name, link=link)


@router.get("/{slug}/contests/{contest_id:int}/desk")
@policy(Role.MODERATOR)
async def desk_page(
    slug: str, contest_id: int, request: Request, services: ServicesDep
) -> Response:
    session = await require_role(request, services, Role.MODERATOR)
    wall = services.wall(slug)
    runtime = contest_runtime(request)
    try:
        contest = await runtime.service.contest(wall, contest_id)
        rows = await runtime.desk.rows(wall, contest_id)
    except ContestProblem as problem:
        raise not_found(problem) from None
    search = request.query_params.get("code", "").strip().upper()
    owner = session.user.role is Role.OWNER
    public_url = services.settings.server.public_url
    context = {
        "contest": contest,
        "rows": [
            {
                "row": row,
                "message": _message(row, contest.name, wall.locale, public_url) if owner else "",
                "link": f"{public_url}/claim/{row.code}" if owner else "",
            }
            for row in rows
            if not search or search.replace("-", "") in row.code.replace("-", "")
        ],
        "search": search,
        "owner": owner,
        "zone": zone(request),
        "problem": PROBLEMS.get(request.query_params.get("problem", "")),
        "purged": request.query_params.get("purged"),
    }
    return render(request, "contest_desk.html", context, session=session, wall_slug=slug)


def _to_desk(slug: str, contest_id: int, query: str = "") -> Response:
    return RedirectResponse(
        f"/admin/walls/{slug}/contests/{contest_id}/desk{query}", status_code=303
    )


@router.post("/{slug}/contests/{contest_id:int}/desk/{winner_id:int}/delivered")
@policy(Role.MODERATOR)
async def delivered(
    slug: str, contest_id: int, winner_id: int, request: Request, services: ServicesDep
) -> Response:
    session = await require_role(request, services, Role.MODERATOR)
    wall = services.wall(slug)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
    try:
        await contest_runtime(request).desk.deliver(wall, contest_id, winner_id, session.user.label)
    except ContestProblem as problem:
        if problem.code == "winner_not_found":
            raise not_found(problem) from None
        return _to_desk(slug, contest_id, f"?problem={problem.code}")
    return _to_desk(slug, contest_id)


@router.post("/{slug}/contests/{contest_id:int}/desk/{winner_id:int}/details")
@policy(Role.OWNER)
async def claim_details(
    slug: str, contest_id: int, winner_id: int, request: Request, services: ServicesDep
) -> Response:
    """A claim in full: only for owners, only on purpose (a form post), and always audited."""
    session = await require_role(request, services, Role.OWNER)
    wall = services.wall(slug)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
    runtime = contest_runtime(request)
    try:
        contest = await runtime.service.contest(wall, contest_id)
        winner, details = await runtime.desk.open_claim(
            wall, contest_id, winner_id, session.user.label
        )
    except ContestProblem as problem:
        if problem.code in ("winner_not_found", "contest_not_found"):
            raise not_found(problem) from None
        return _to_desk(slug, contest_id, f"?problem={problem.code}")
    prize = next(p for p in contest.prizes if p.id == winner.prize_id)
    context = {"contest": contest, "winner": winner, "prize": prize, "details": details}
    return render(request, "contest_claim_details.html", context, session=session, wall_slug=slug)


@router.get("/{slug}/contests/{contest_id:int}/claims.csv")
@policy(Role.OWNER)
async def export_claims(
    slug: str, contest_id: int, request: Request, services: ServicesDep
) -> Response:
    session = await require_role(request, services, Role.OWNER)
    try:
        body = await contest_runtime(request).desk.export(
            services.wall(slug), contest_id, session.user.label
        )
    except ContestProblem as problem:
        raise not_found(problem) from None
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="sotong-{slug}-contest-{contest_id}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/{slug}/contests/{contest_id:int}/report")
@policy(Role.OWNER)
async def report(slug: str, contest_id: int, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    wall = services.wall(slug)
    overview = await find_overview(request, wall, contest_id)
    async with services.db.read() as connection:
        stock = await contest_prizes.prize_stock(connection, contest_id)
    counts = prize_counts(overview.contest, overview.winners)
    prizes: list[dict[str, Any]] = [
        {
            "prize": prize,
            "drawn": counts[index],
            "claimed": sum(1 for w in overview.winners if w.prize_id == prize.id and w.claimed_at),
            "delivered": sum(
                1 for w in overview.winners if w.prize_id == prize.id and w.delivered_at
            ),
            "stock": stock.get(prize.id, 0),
        }
        for index, prize in enumerate(overview.contest.prizes)
    ]
    ranked = sorted(overview.scores.values(), key=lambda score: -score.score_milli)
    context = {
        "contest": overview.contest,
        "overview": overview,
        "entries": len(overview.eligible),
        "shortlisted": len(overview.shortlist),
        "scored": ranked if not overview.contest.judging_open else [],
        "posts": overview.posts,
        "votes": sum(overview.votes.values()),
        "prizes": prizes,
        "methods": METHODS,
        "zone": zone(request),
    }
    return render(request, "contest_report.html", context, session=session, wall_slug=slug)


@router.post("/{slug}/contests/purge")
@policy(Role.OWNER)
async def purge_now(slug: str, request: Request, services: ServicesDep) -> Response:
    """Run the claim-deletion job now (it also runs by itself)."""
    session = await require_role(request, services, Role.OWNER)
    services.wall(slug)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
    deleted = await contest_runtime(request).desk.purge()
    return RedirectResponse(f"/admin/walls/{slug}/contests?purged={deleted}", status_code=303)
