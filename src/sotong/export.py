"""A wall's posts as rows for an archive or a spreadsheet (`sotong export`)."""

from __future__ import annotations

from typing import Any, Final

from sotong.domain import Post
from sotong.wire import post_to_wire

CSV_COLUMNS: Final = (
    "id",
    "status",
    "reason",
    "source",
    "external_id",
    "permalink",
    "author_name",
    "author_handle",
    "text",
    "tags",
    "media_urls",
    "media_alt",
    "created_at",
    "received_at",
    "shown_at",
    "pinned",
    "featured",
)
_FORMULA_STARTS: Final = ("=", "+", "-", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (post text is untrusted).

    `@` starts every handle; it only makes a formula with a call in it (`@SUM(...)`)."""
    risky = value.startswith(_FORMULA_STARTS) or (value.startswith("@") and "(" in value)
    return "'" + value if risky else value


def post_record(post: Post) -> dict[str, Any]:
    """A post for the JSON export: the public shape plus why it has the status it has."""
    return {**post_to_wire(post), "reason": post.reason}


def csv_row(post: Post) -> list[str]:
    def when(value: object) -> str:
        return value.isoformat() if hasattr(value, "isoformat") else ""

    values = [
        post.id,
        post.status.value,
        post.reason or "",
        post.source,
        post.external_id,
        post.permalink or "",
        post.author.name,
        post.author.handle or "",
        post.text,
        " ".join(f"#{tag}" for tag in post.tags),
        " ".join(item.url for item in post.media if item.kind != "unavailable"),
        " | ".join(item.alt or "" for item in post.media),
        when(post.created_at),
        when(post.received_at),
        when(post.shown_at),
        "yes" if post.pinned else "",
        "yes" if post.featured else "",
    ]
    return [spreadsheet_safe(value) for value in values]
