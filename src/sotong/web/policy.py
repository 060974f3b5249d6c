"""Who may call a route, declared on the route itself.

Every route carries a policy; `tests/web/test_authorization.py` builds its matrix from the route
table and fails for a route without one. The policy documents, the dependencies enforce.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Literal, TypeVar

from sotong.domain import Role, TokenScope

Policy = Literal["public", "secret-link", "signed-in"] | TokenScope | Role
"""`public`: anyone; `secret-link`: anyone holding the secret in the path; `signed-in`: any console
user; a token scope; or a console role (owners may do everything)."""
ATTRIBUTE: Final = "sotong_policy"

Endpoint = TypeVar("Endpoint", bound=Callable[..., object])


def policy(required: Policy) -> Callable[[Endpoint], Endpoint]:
    def mark(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, ATTRIBUTE, required)
        return endpoint

    return mark


def policy_of(endpoint: Callable[..., object]) -> Policy | None:
    found: Policy | None = getattr(endpoint, ATTRIBUTE, None)
    return found
