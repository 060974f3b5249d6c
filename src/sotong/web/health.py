"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

import asyncio
import hmac
import os
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.responses import Response

from sotong.web.auth import bearer_token
from sotong.web.errors import ApiError
from sotong.web.policy import policy
from sotong.web.responses import JSONResponse
from sotong.web.services import Services, get_services

router = APIRouter(default_response_class=JSONResponse, tags=["health"])
ServicesDep = Annotated[Services, Depends(get_services)]
CHECK_TIMEOUT_SECONDS = 3.0


@router.get("/healthz", summary="The process is alive")
@policy("public")
async def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
@policy("public")
async def metrics(request: Request, services: ServicesDep) -> Response:
    variable = services.settings.server.metrics_token_env
    if variable:
        expected = os.environ.get(variable, "")
        presented = bearer_token(request) or ""
        if not expected or not hmac.compare_digest(presented.encode(), expected.encode()):
            raise ApiError(401, "unauthorized", "metrics need the Bearer token set by the operator")
    body = await services.metrics.render()
    return Response(body, media_type=CONTENT_TYPE_LATEST)


@router.get("/readyz", summary="The database (and broker, if any) answer")
@policy("public")
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
