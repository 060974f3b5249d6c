"""What the public sees of a contest: its rules and draw record (JSON, for `sotong contest
verify`), the reveal a screen should show now, the audience vote page, and the winners' claim
page. The vote and claim pages are plain HTML forms: they work without JavaScript."""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import RedirectResponse, Response

from sotong import __version__
from sotong.contest.claims import validate_claim
from sotong.contest.masking import public_name
from sotong.contest.runtime import ContestRuntime
from sotong.contest.service import ContestProblem, thumbnail, votes_open
from sotong.contest.text import contest_messages, fill
from sotong.domain import Wall
from sotong.store import contests as contest_store
from sotong.web.errors import ApiError
from sotong.web.origin import is_cross_site
from sotong.web.pages import page_headers, page_locale
from sotong.web.policy import policy
from sotong.web.responses import JSONResponse
from sotong.web.services import Services, get_services
from sotong.web.uploads import address_of, device_of, new_device, set_device_cookie

api = APIRouter(prefix="/api/v1", default_response_class=JSONResponse)
pages = APIRouter(include_in_schema=False)
ServicesDep = Annotated[Services, Depends(get_services)]
VOTER_COOKIE: Final = "sotong_voter"
FORM_LIMITS: Final[dict[str, Any]] = {"max_files": 0, "max_fields": 20, "max_part_size": 4096}


def _runtime(request: Request) -> ContestRuntime:
    runtime: ContestRuntime = request.app.state.contest
    return runtime


def _public_contest(contest: contest_store.Contest, slug: str) -> dict[str, Any]:
    rules = contest.rules
    return {
        "id": contest.id,
        "name": rules.name,
        "rules": rules.rules_text,
        "starts_at": rules.eligibility.starts_at.isoformat()
        if rules.eligibility.starts_at
        else None,
        "ends_at": rules.eligibility.ends_at.isoformat() if rules.eligibility.ends_at else None,
        "require_image": rules.eligibility.require_image,
        "per_author": rules.eligibility.per_author,
        "hashtags": list(rules.eligibility.hashtags),
        "method": rules.selection.method,
        "prizes": [{"name": p.name, "winners": p.winners} for p in contest.prizes],
        "draw_url": f"/api/v1/walls/{slug}/contests/{contest.id}/draw",
    }


@api.get(
    "/walls/{slug}/contests", summary="A wall's contests: rules, prizes, how winners are chosen"
)
@policy("public")
async def public_contests(slug: str, services: ServicesDep) -> JSONResponse:
    wall = services.wall(slug)
    async with services.db.read() as connection:
        found = await contest_store.list_contests(connection, wall.id)
    return JSONResponse({"contests": [_public_contest(c, slug) for c in found]})


@api.get(
    "/walls/{slug}/contests/{contest_id}/draw",
    summary="A contest's draw record: commitment, frozen input, and after the draw the seed",
)
@policy("public")
async def draw_record(
    slug: str, contest_id: int, request: Request, services: ServicesDep
) -> JSONResponse:
    try:
        record = await _runtime(request).service.public_record(services.wall(slug), contest_id)
    except ContestProblem as problem:
        raise ApiError(404, problem.code, problem.message) from None
    return JSONResponse(record, headers={"Cache-Control": "no-cache"})


@api.get("/walls/{slug}/contest/reveal", summary="The winner reveal a screen should show now")
@policy("public")
async def reveal_state(slug: str, request: Request, services: ServicesDep) -> JSONResponse:
    state = await _runtime(request).service.current_reveal(services.wall(slug))
    return JSONResponse(state, headers={"Cache-Control": "no-cache"})


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    headers = page_headers(embeddable=False)
    headers["Cache-Control"] = "no-store"
    headers["X-Robots-Tag"] = "noindex"
    return templates.TemplateResponse(
        request,
        name,
        {"asset_version": __version__, **context},
        status_code=status_code,
        headers=headers,
    )


async def _voting(request: Request, wall: Wall) -> Any:
    """The wall's newest contest that takes audience votes now, with its overview."""
    service = _runtime(request).service
    async with service.db.read() as connection:
        found = await contest_store.list_contests(connection, wall.id)
    for contest in found:
        if contest.rules.audience_votes:
            overview = await service.overview(wall, contest.id)
            if votes_open(overview):
                return overview
    return None


@pages.get("/w/{slug}/vote")
@policy("public")
async def vote_page(slug: str, request: Request, services: ServicesDep) -> Response:
    wall = services.wall(slug)
    locale = page_locale(request, wall.locale)
    keys = _runtime(request).service.keys
    device = keys.device_of_ticket(request.cookies.get(VOTER_COOKIE, "")) or device_of(request)
    device = device or new_device()
    overview = await _voting(request, wall)
    mine = (
        await _runtime(request).service.my_vote(overview.contest.id, device) if overview else None
    )
    entries = [
        {
            "id": post.id,
            "name": public_name(post.author.name, post.author.handle),
            "text": post.text[:140],
            "thumb": thumbnail(post),
            "mine": post.id == mine,
        }
        for post in (overview.eligible if overview else [])
    ]
    context = {
        "wall": wall,
        "t": contest_messages(locale),
        "locale": locale,
        "contest": overview.contest if overview else None,
        "entries": entries,
        "state": request.query_params.get("state", ""),
    }
    response = _page(request, "contest_vote.html", context)
    response.set_cookie(
        VOTER_COOKIE,
        keys.ticket(device),
        max_age=30 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    if device_of(request) is None:
        set_device_cookie(response, device, secure=request.url.scheme == "https")
    return response


@pages.post("/w/{slug}/vote")
@policy("public")
async def vote(slug: str, request: Request, services: ServicesDep) -> Response:
    """One vote per device (a ticket signed by this server), rate-limited per address."""
    wall = services.wall(slug)
    lang = f"&lang={request.query_params['lang']}" if "lang" in request.query_params else ""
    back = f"/w/{slug}/vote?state="
    if is_cross_site(request, services.settings.server.public_url):
        raise ApiError(403, "cross_site", "votes are accepted from this site's own pages only")
    limiter = _runtime(request).votes
    wait = limiter.retry_after(address_of(request))
    if wait:
        return RedirectResponse(f"{back}rate_limited{lang}", status_code=303)
    limiter.take(address_of(request))
    service = _runtime(request).service
    device = service.keys.device_of_ticket(request.cookies.get(VOTER_COOKIE, ""))
    async with request.form(**FORM_LIMITS) as form:
        contest_id = str(form.get("contest", ""))
        post_id = str(form.get("entry", ""))[:26]
    if device is None or not contest_id.isdigit():
        return RedirectResponse(f"{back}error{lang}", status_code=303)
    try:
        await service.vote(wall, int(contest_id), device, post_id)
    except ContestProblem as problem:
        state = "closed" if problem.code in ("votes_closed", "contest_not_found") else "error"
        return RedirectResponse(f"{back}{state}{lang}", status_code=303)
    return RedirectResponse(f"{back}thanks{lang}#entry-{post_id}", status_code=303)


async def _claim_context(request: Request, code: str, services: Services) -> dict[str, Any]:
    runtime = _runtime(request)
    target = await runtime.desk.target(code)
    record = services.registry.by_id(target.wall_id) if target else None
    if target is None or record is None:
        raise ApiError(404, "claim_not_found", "there is no prize with this code")
    locale = page_locale(request, record.wall.locale)
    t = contest_messages(locale)
    settings = runtime.settings
    return {
        "wall": record.wall,
        "t": t,
        "locale": locale,
        "target": target,
        "lead": fill(t["claim_lead"], contest=target.contest.name, prize=target.prize.name),
        "retention": fill(
            t["claim_privacy_retention"],
            days=settings.claim_retention_days,
            undelivered=settings.undelivered_retention_days,
        ),
        "errors": {},
        "values": {"delivery": "desk"},
        "done": False,
        "problem": None,
    }


@pages.get("/claim/{code}")
@policy("secret-link")
async def claim_page(code: str, request: Request, services: ServicesDep) -> Response:
    context = await _claim_context(request, code, services)
    return _page(request, "contest_claim.html", context)


@pages.post("/claim/{code}")
@policy("secret-link")
async def claim(code: str, request: Request, services: ServicesDep) -> Response:
    context = await _claim_context(request, code, services)
    t = context["t"]
    if is_cross_site(request, services.settings.server.public_url):
        context["problem"] = t["claim_error_cross_site"]
        return _page(request, "contest_claim.html", context, status_code=403)
    target = context["target"]
    if target.details_given:
        return _page(request, "contest_claim.html", context, status_code=409)
    async with request.form(**FORM_LIMITS) as form:
        values = {key: str(form.get(key, "")) for key in ("name", "phone", "delivery", "address")}
        consent = str(form.get("consent", "")) in ("true", "on", "1", "yes")
    details, errors = validate_claim(
        values["name"], values["phone"], values["delivery"], values["address"], consent
    )
    if details is None:
        context["errors"] = {name: t[f"claim_error_{name}_{code}"] for name, code in errors.items()}
        context["values"] = values | {"consent": consent}
        context["problem"] = t["claim_error_form"]
        return _page(request, "contest_claim.html", context, status_code=422)
    try:
        await _runtime(request).desk.claim(target, details)
    except ContestProblem as problem:
        key = "claim_out_of_stock" if problem.code == "out_of_stock" else "claim_already"
        context["problem"] = t[key]
        return _page(request, "contest_claim.html", context, status_code=409)
    context["done"] = details.delivery
    return _page(request, "contest_claim.html", context)
