"""Request bodies of the JSON API (CONTRACT.md, "Ingest body")."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from sotong.domain import Author, DecisionAction, IncomingPost, Media
from sotong.pipeline import normalise as limits


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AuthorIn(_Body):
    name: str = Field(default="", max_length=limits.MAX_NAME_CHARS)
    handle: str | None = Field(default=None, max_length=limits.MAX_NAME_CHARS)
    avatar_url: str | None = Field(default=None, max_length=limits.MAX_URL_CHARS)


class MediaIn(_Body):
    kind: Literal["image"] = "image"
    url: str = Field(max_length=limits.MAX_URL_CHARS, pattern=r"^https?://")
    alt: str | None = Field(default=None, max_length=limits.MAX_ALT_CHARS)
    width: int | None = Field(default=None, ge=1, le=100_000)
    height: int | None = Field(default=None, ge=1, le=100_000)


class IngestIn(_Body):
    source: str = Field(default="api", pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    external_id: str = Field(min_length=1, max_length=512)
    author: AuthorIn = Field(default_factory=AuthorIn)
    text: str = Field(default="", max_length=limits.MAX_TEXT_CHARS)
    html: str | None = Field(default=None, max_length=limits.MAX_HTML_CHARS)
    tags: list[str] = Field(default_factory=list, max_length=limits.MAX_TAGS)
    media: list[MediaIn] = Field(default_factory=list, max_length=limits.MAX_MEDIA)
    created_at: AwareDatetime | None = None
    permalink: str | None = Field(
        default=None, max_length=limits.MAX_URL_CHARS, pattern=r"^https?://"
    )
    sensitive: bool = False

    @model_validator(mode="after")
    def _has_content(self) -> IngestIn:
        if not self.text.strip() and not self.media:
            raise ValueError("a post needs `text` or `media`")
        if not self.external_id.strip():
            raise ValueError("`external_id` must not be blank")
        return self

    def to_incoming(self) -> IncomingPost:
        return IncomingPost(
            source=self.source,
            external_id=self.external_id,
            author=Author(self.author.name, self.author.handle, self.author.avatar_url),
            text=self.text,
            html=self.html,
            tags=tuple(tag for tag in self.tags if isinstance(tag, str)),
            media=tuple(
                Media(url=m.url, kind=m.kind, width=m.width, height=m.height, alt=m.alt)
                for m in self.media
            ),
            created_at=self.created_at,
            permalink=self.permalink,
            sensitive=self.sensitive,
        )


class DecisionIn(_Body):
    action: DecisionAction
