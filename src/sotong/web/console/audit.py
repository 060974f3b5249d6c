"""The audit log in the console (owners): filtered by actor, action, wall and time, paged, and
exported as CSV or JSON. Looking is not recorded; every export is."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Final

import orjson
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response, StreamingResponse

from sotong.clock import utc_now
from sotong.domain import Role
from sotong.store import audit
from sotong.store.walls import slugs_by_id
from sotong.web.console.audit_export import MEDIA_TYPES, entry_to_record, export_chunks
from sotong.web.console.render import render, text
from sotong.web.console.session import require_role
from sotong.web.errors import ApiError
from sotong.web.policy import policy
from sotong.web.services import Services, get_services

router = APIRouter(prefix="/admin", include_in_schema=False)
ServicesDep = Annotated[Services, Depends(get_services)]

PAGE: Final = 50
EXPORT_PAGE: Final = 1000
DETAIL_CHARS: Final = 300


@dataclass(frozen=True, slots=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    wall: str = ""  # a slug
    since: str = ""  # as typed: YYYY-MM-DDTHH:MM, UTC
    until: str = ""

    def query(self) -> dict[str, str]:
        return {key: value for key, value in asdict(self).items() if value}


def parse_time(value: str) -> datetime | None:
    """A `datetime-local` value (or any ISO 8601 time), read as UTC unless it names its zone."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


@dataclass(frozen=True, slots=True)
class ParsedFilters:
    filters: AuditFilters
    wall_id: int | None
    since: datetime | None
    until: datetime | None
    errors: dict[str, str]

    def entries_query(self) -> dict[str, Any]:
        return {
            "actor": self.filters.actor or None,
            "action": self.filters.action or None,
            "wall_id": self.wall_id,
            "since": self.since,
            "until": self.until,
        }


def parse_filters(
    params: Mapping[str, str], slugs: dict[int, str], _: Callable[[str], str]
) -> ParsedFilters:
    filters = AuditFilters(
        **{name: params.get(name, "").strip()[:400] for name in AuditFilters.__slots__}
    )
    errors: dict[str, str] = {}
    wall_ids = {slug: wall_id for wall_id, slug in slugs.items()}
    if filters.wall and filters.wall not in wall_ids:
        errors["wall"] = _("There is no such wall.")
    times: dict[str, datetime | None] = {}
    for name in ("since", "until"):
        try:
            times[name] = parse_time(getattr(filters, name))
        except ValueError:
            errors[name] = _("Write a date and time, like 2017-11-10T09:30.")
            times[name] = None
    return ParsedFilters(
        filters, wall_ids.get(filters.wall), times["since"], times["until"], errors
    )


def detail_text(detail: dict[str, Any]) -> str:
    parts = []
    for key, value in detail.items():
        shown = value if isinstance(value, str) else orjson.dumps(value).decode()
        parts.append(f"{key}: {shown}")
    joined = ", ".join(parts)
    return joined if len(joined) <= DETAIL_CHARS else joined[: DETAIL_CHARS - 1] + "…"


@router.get("/audit")
@policy(Role.OWNER)
async def audit_page(request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    _ = text(request)
    before_value = request.query_params.get("before", "")
    async with services.db.read() as connection:
        slugs = await slugs_by_id(connection)
        parsed = parse_filters(request.query_params, slugs, _)
        before = int(before_value) if before_value.isdigit() else None
        found = (
            []
            if parsed.errors
            else await audit.entries(
                connection, **parsed.entries_query(), limit=PAGE + 1, before=before
            )
        )
        actors = await audit.distinct_values(connection, "actor")
        actions = await audit.distinct_values(connection, "action")
    page = found[:PAGE]
    context = {
        "entries": [
            {
                "entry": entry,
                "wall": slugs.get(entry.wall_id) if entry.wall_id is not None else None,
                "detail": detail_text(entry.detail),
            }
            for entry in page
        ],
        "filters": parsed.filters,
        "query": parsed.filters.query(),
        "errors": parsed.errors,
        "older": page[-1].id if len(found) > PAGE else None,
        "paged": before is not None,
        "actors": actors,
        "actions": actions,
        "walls": sorted(slugs.values()),
    }
    return render(
        request, "audit.html", context, session=session, status_code=422 if parsed.errors else 200
    )


@router.get("/audit/export")
@policy(Role.OWNER)
async def export(request: Request, services: ServicesDep) -> Response:
    """Every entry that matches the filters, newest first: `?format=csv` or `?format=json`."""
    session = await require_role(request, services, Role.OWNER)
    fmt = request.query_params.get("format", "csv")
    if fmt not in MEDIA_TYPES:
        raise ApiError(422, "invalid_field", "format: choose csv or json", field="format")
    async with services.db.read() as connection:
        slugs = await slugs_by_id(connection)
    parsed = parse_filters(request.query_params, slugs, text(request))
    if parsed.errors:
        name, problem = next(iter(parsed.errors.items()))
        raise ApiError(422, "invalid_field", f"{name}: {problem}", field=name)
    now = utc_now()
    async with services.db.write() as connection:
        await audit.record(
            connection,
            audit.AuditEntry(
                at=now,
                actor=session.user.label,
                action="audit.export",
                detail={"format": fmt, "filters": parsed.filters.query()},
            ),
        )

    async def pages() -> AsyncIterator[list[dict[str, Any]]]:
        before: int | None = None
        while True:
            async with services.db.read() as connection:
                found = await audit.entries(
                    connection, **parsed.entries_query(), limit=EXPORT_PAGE, before=before
                )
            if found:
                yield [entry_to_record(entry, slugs) for entry in found]
            if len(found) < EXPORT_PAGE:
                return
            before = found[-1].id

    filename = f"sotong-audit-{now:%Y%m%dT%H%M%SZ}.{fmt}"
    return StreamingResponse(
        export_chunks(fmt, pages()),
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
