"""Cross-site request refusal for endpoints that act without a login (uploads, withdrawals).

Browsers say where a request comes from (`Sec-Fetch-Site`, else `Origin`); a page on another site
must not be able to post or withdraw in a visitor's name, spending their device's upload allowance.
Requests that carry neither header come from programs, not from a browser a site could steer, and
are let through.
"""

from __future__ import annotations

from starlette.requests import Request

ALLOWED_FETCH_SITES = frozenset({"same-origin", "none"})


def _origin_of(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme.lower()}://{rest.split('/', 1)[0].lower()}"


def is_cross_site(request: Request, public_url: str) -> bool:
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.strip().lower() not in ALLOWED_FETCH_SITES
    origin = request.headers.get("origin")
    if origin is None:
        return False
    own = {_origin_of(public_url), _origin_of(str(request.base_url))}
    return _origin_of(origin.strip()) not in own
