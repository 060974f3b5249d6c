"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from sotong.web.responses import JSONResponse
from sotong.web.services import Services, get_services

router = APIRouter(default_response_class=JSONResponse, tags=["health"])
ServicesDep = Annotated[Services, Depends(get_services)]
CHECK_TIMEOUT_SECONDS = 3.0


@router.get("/healthz", summary="The process is alive")
async def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/readyz", summary="The database (and broker, if any) answer")
async def readyz(request: Request, services: ServicesDep) -> JSONResponse:
    checks: dict[str, Any] = {}
    ready = True
    for name, probe in (("database", services.db.ping), ("broker", services.bus.ping)):
        try:
            await asyncio.wait_for(probe(), CHECK_TIMEOUT_SECONDS)
            checks[name] = "ok"
        except Exception as exc:
            checks[name] = f"failed: {type(exc).__name__}"
            ready = False
    supervisor = getattr(request.app.state, "supervisor", None)
    sources = (
        {key: health.as_dict() for key, health in supervisor.health.items()} if supervisor else {}
    )
    body = {"status": "ok" if ready else "unavailable", "checks": checks, "sources": sources}
    return JSONResponse(body, status_code=200 if ready else 503)
