"""A wall's moderation rules in the console: trusted authors, its own blocked and allowed words,
the author cap, duplicate text and link-only spam; and a box to try a text against them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from sotong.config import RuleSettings
from sotong.domain import Role
from sotong.moderation.rules import word_rules
from sotong.store.walls import WallChanged, WallRecord
from sotong.web.console.render import FORM_LIMITS, STALE_EDIT, checkbox, field, render, text
from sotong.web.console.session import CSRF_FIELD, check_csrf, require_role
from sotong.web.policy import policy
from sotong.web.services import Services, get_services
from sotong.web.translations import N_

router = APIRouter(prefix="/admin/walls", include_in_schema=False)
HOW_NAMES = {
    "exact": N_("exact"),
    "spaced": N_("spaced out"),
    "obfuscated": N_("disguised"),
    "choseong": N_("initial consonants"),
}
ServicesDep = Annotated[Services, Depends(get_services)]
MAX_TRY_LENGTH = 5000


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def rules_from_form(
    form: FormData, _: Callable[[str], str]
) -> tuple[RuleSettings | None, dict[str, str]]:
    errors: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for name in ("author_hourly_cap", "duplicate_text_hours"):
        raw = field(form, name).strip() or "0"
        if not raw.isdigit() or len(raw) > 6:
            errors[name] = _("Write a whole number, 0 or more.")
        else:
            numbers[name] = int(raw)
    data: dict[str, Any] = {
        "trusted_authors": _lines(field(form, "trusted_authors")),
        "blocked_words": _lines(field(form, "blocked_words")),
        "allowed_words": _lines(field(form, "allowed_words")),
        "bundled_words": checkbox(form, "bundled_words"),
        "link_only": checkbox(form, "link_only"),
        **numbers,
    }
    if errors:
        return None, errors
    try:
        return RuleSettings.model_validate(data), {}
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "form"
            limits = {
                "author_hourly_cap": _("Write a number from 0 to 1000."),
                "duplicate_text_hours": _("Write a number of hours from 0 to 2160 (90 days)."),
            }
            errors.setdefault(
                name,
                limits.get(name, _("Too many entries, or an entry longer than 300 characters.")),
            )
        return None, errors


def _values(rules: RuleSettings | None, form: FormData | None) -> dict[str, Any]:
    if form is not None:
        return {
            name: field(form, name)
            for name in (
                "trusted_authors",
                "blocked_words",
                "allowed_words",
                "author_hourly_cap",
                "duplicate_text_hours",
            )
        } | {
            "bundled_words": checkbox(form, "bundled_words"),
            "link_only": checkbox(form, "link_only"),
        }
    assert rules is not None
    return {
        "trusted_authors": "\n".join(rules.trusted_authors),
        "blocked_words": "\n".join(rules.blocked_words),
        "allowed_words": "\n".join(rules.allowed_words),
        "bundled_words": rules.bundled_words,
        "author_hourly_cap": str(rules.author_hourly_cap),
        "duplicate_text_hours": str(rules.duplicate_text_hours),
        "link_only": rules.link_only,
    }


def _context(record: WallRecord, values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "record": record,
        "values": values,
        "errors": {},
        "saved": False,
        "trial": None,
        **extra,
    }


@router.get("/{slug}/rules")
@policy(Role.MODERATOR)
async def rules_page(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.MODERATOR)
    record = services.wall_record(slug)
    context = _context(
        record,
        _values(record.settings.rules, None),
        saved=request.query_params.get("saved") == "1",
    )
    return render(request, "rules.html", context, session=session, wall_slug=slug)


@router.post("/{slug}/rules")
@policy(Role.MODERATOR)
async def save_rules(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.MODERATOR)
    record = services.wall_record(slug)
    _ = text(request)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        rules, errors = rules_from_form(form, _)
        status_code = 422
        if rules is not None:
            try:
                version = int(field(form, "version") or 0)
                await services.registry.save(
                    record.settings.model_copy(update={"rules": rules}),
                    expected_version=version,
                    actor=session.user.label,
                )
            except WallChanged:
                errors["form"] = _(STALE_EDIT)
                status_code = 409
        if errors or rules is None:
            context = _context(record, _values(None, form), errors=errors)
            return render(
                request,
                "rules.html",
                context,
                session=session,
                wall_slug=slug,
                status_code=status_code,
            )
    return RedirectResponse(f"/admin/walls/{slug}/rules?saved=1", status_code=303)


@router.post("/{slug}/rules/try")
@policy(Role.MODERATOR)
async def try_text(slug: str, request: Request, services: ServicesDep) -> Response:
    """What the saved word rules say about a text, without storing anything."""
    session = await require_role(request, services, Role.MODERATOR)
    record = services.wall_record(slug)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        sample = field(form, "sample")[:MAX_TRY_LENGTH]
    verdict = word_rules(record.settings.rules).check(sample)
    trial = {
        "sample": sample,
        "action": verdict.action,
        "hits": [
            {"term": hit.term, "found": hit.found, "how": HOW_NAMES[hit.how], "score": hit.score}
            for hit in verdict.hits
        ],
    }
    context = _context(record, _values(record.settings.rules, None), trial=trial)
    return render(request, "rules.html", context, session=session, wall_slug=slug)
