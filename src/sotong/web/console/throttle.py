"""Login throttling: failed attempts are counted per account and per address; past the limit,
even a right password is refused until the bucket refills, and the answer says when to retry."""

from __future__ import annotations

from dataclasses import dataclass, field

from sotong.web.rate_limit import RateLimiter

FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20
WINDOW_SECONDS = 15 * 60


@dataclass(slots=True)
class LoginThrottle:
    per_account: RateLimiter = field(
        default_factory=lambda: RateLimiter(FAILURES_PER_ACCOUNT, WINDOW_SECONDS)
    )
    per_address: RateLimiter = field(
        default_factory=lambda: RateLimiter(FAILURES_PER_ADDRESS, WINDOW_SECONDS)
    )

    def wait(self, account: str, address: str) -> int:
        return max(self.per_account.retry_after(account), self.per_address.retry_after(address))

    def failed(self, account: str, address: str) -> None:
        self.per_account.take(account)
        self.per_address.take(address)
