"""What a contest is: its eligibility rules, rubric, prizes and way of choosing winners. Typed
values, validated once where they come in (the console form, the database)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sotong.contest.draw import Method
from sotong.hashtags import tag_key

PerAuthor = Literal["one", "best"]
Pool = Literal["eligible", "shortlist"]
MAX_PRIZES = 8
MAX_CRITERIA = 6
MAX_STAFF = 500


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Criterion(_Model):
    label: str = Field(min_length=1, max_length=60)
    minimum: int = Field(default=1, ge=0, le=100)
    maximum: int = Field(default=5, ge=1, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Criterion:
        if self.maximum <= self.minimum:
            raise ValueError("the highest score must be above the lowest")
        return self


class PrizeSpec(_Model):
    name: str = Field(min_length=1, max_length=100)
    winners: int = Field(ge=1, le=1000)
    stock: int = Field(ge=0, le=100_000)


class Eligibility(_Model):
    """Which posts of the wall are entries. The window is `starts_at <= time < ends_at` (either
    may be open), on the post's own time (`created_at`, else when it was received)."""

    starts_at: datetime | None = None
    ends_at: datetime | None = None
    require_image: bool = False
    per_author: PerAuthor = "one"
    hashtags: tuple[str, ...] = Field(default=(), max_length=50)
    staff: tuple[str, ...] = Field(default=(), max_length=MAX_STAFF)

    @field_validator("hashtags")
    @classmethod
    def _usable_tags(cls, tags: tuple[str, ...]) -> tuple[str, ...]:
        for tag in tags:
            if not tag_key(tag):
                raise ValueError(f"{tag!r} is not a usable hashtag")
        return tuple(tag if tag.startswith(("#", "＃")) else f"#{tag}" for tag in tags)

    @model_validator(mode="after")
    def _window(self) -> Eligibility:
        for moment in (self.starts_at, self.ends_at):
            if moment is not None and moment.tzinfo is None:
                raise ValueError("times need a time zone")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("the end must come after the start")
        return self


class Selection(_Model):
    method: Method = "draw"
    pool: Pool = "eligible"
    top_n: int | None = Field(default=None, ge=1, le=10_000)

    @model_validator(mode="after")
    def _top_n(self) -> Selection:
        if self.method == "top_n_draw" and self.top_n is None:
            raise ValueError("judges' top N then a draw needs N")
        return self

    @property
    def needs_scores(self) -> bool:
        return self.method in ("top_score", "top_n_draw")


class ContestRules(_Model):
    name: str = Field(min_length=1, max_length=200)
    rules_text: str = Field(default="", max_length=5000)
    eligibility: Eligibility = Field(default_factory=Eligibility)
    rubric: tuple[Criterion, ...] = Field(default=(), max_length=MAX_CRITERIA)
    prizes: tuple[PrizeSpec, ...] = Field(min_length=1, max_length=MAX_PRIZES)
    selection: Selection = Field(default_factory=Selection)
    audience_votes: bool = False

    @model_validator(mode="after")
    def _scores_need_a_rubric(self) -> ContestRules:
        if self.selection.needs_scores and not self.rubric:
            raise ValueError("choosing by score needs at least one rubric criterion")
        return self

    @property
    def total_winners(self) -> int:
        return sum(prize.winners for prize in self.prizes)


def default_rubric() -> tuple[Criterion, ...]:
    return (
        Criterion(label="창의성", minimum=1, maximum=5),
        Criterion(label="주제", minimum=1, maximum=5),
    )


def seed_prizes() -> tuple[PrizeSpec, ...]:
    """The prizes of the 2017 Seoul Communication Conference."""
    return (
        PrizeSpec(name="텀블러", winners=10, stock=10),
        PrizeSpec(name="에코백", winners=20, stock=20),
        PrizeSpec(name="보틀", winners=30, stock=30),
    )
