"""Source HTML reduced to a small allow-list. Text and names are never HTML: not touched here."""

from __future__ import annotations

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "a",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "ul",
        "ol",
        "li",
        "blockquote",
        "span",
        "code",
        "pre",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "span": {"lang"}, "p": {"lang"}}


def sanitise_html(html: str | None) -> str | None:
    if not html:
        return None
    cleaned: str = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    )
    return cleaned.strip() or None
