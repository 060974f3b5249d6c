"""Settings: a TOML file with every key overridable by `SOTONG_<SECTION>__<KEY>` variables.

Settings are loaded once (by the command line) and passed down; nothing reads them at import time.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from sotong.display.contrast import palette, problems
from sotong.hashtags import tag_key

DEFAULT_CONFIG_PATH = Path("sotong.toml")
MIN_SECRET_LENGTH = 32
PLACEHOLDER_SECRETS = frozenset(
    {"changeme", "change-me", "change_me", "secret", "placeholder", "replace-me", "xxx", "todo"}
)


class ConfigError(Exception):
    """A configuration problem, phrased for the operator: which file, which key, what is wrong."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source, self.key, self.problem = source, key, problem
        super().__init__(f"{source}: {key}: {problem}" if key else f"{source}: {problem}")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServerSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    public_url: str = "http://127.0.0.1:8000"
    secret_key_env: str = "SOTONG_SECRET_KEY"  # noqa: S105 - a variable name, not a secret
    secret_key: SecretStr | None = Field(default=None, exclude=True)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    metrics_token_env: str = ""
    log_format: Literal["text", "json"] = "text"

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")


class StorageSettings(_Section):
    database_url: str = "sqlite:///./sotong-data/sotong.db"
    media_dir: Path = Path("./sotong-data/media")
    broker_url: str = ""

    @field_validator("broker_url")
    @classmethod
    def _supported_broker(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError('must be "" (in-process) or a redis:// URL')
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql://", "postgres://", "postgresql+")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value


class LiveSettings(_Section):
    heartbeat_seconds: float = Field(default=15.0, gt=0, le=60)
    replay_limit: int = Field(default=1000, ge=1)
    snapshot_size: int = Field(default=100, ge=1, le=1000)
    viewer_queue_size: int = Field(default=512, ge=8)


class MediaSettings(_Section):
    workers: int = Field(default=0, ge=0, le=64)
    max_bytes: int = Field(default=20 * 1024 * 1024, ge=64 * 1024, le=200 * 1024 * 1024)
    max_pixels: int = Field(default=50_000_000, ge=1_000_000, le=200_000_000)
    cache_remote: bool = True
    fetch_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    near_duplicate_distance: int = Field(default=8, ge=0, le=32)
    near_duplicate_window: int = Field(default=500, ge=0, le=10_000)


class UploadSettings(_Section):
    caption_max: int = Field(default=500, ge=0, le=5000)
    name_max: int = Field(default=40, ge=1, le=300)
    per_device: int = Field(default=5, ge=1)
    per_device_window_seconds: int = Field(default=600, ge=1)
    per_ip: int = Field(default=60, ge=1)
    per_ip_window_seconds: int = Field(default=600, ge=1)


class ContestSettings(_Section):
    """The creativity contest (docs/contest.md): how long winners' contact details are kept."""

    claim_retention_days: int = Field(default=30, ge=0, le=3650)
    undelivered_retention_days: int = Field(default=90, ge=1, le=3650)
    purge_interval_seconds: float = Field(default=3600.0, gt=0, le=86400)
    timezone: str = "Asia/Seoul"
    votes_per_address: int = Field(default=60, ge=1)
    votes_window_seconds: int = Field(default=600, ge=1)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known time zone") from None
        return value


class SourceSettings(BaseModel):
    """One `[[walls.sources]]` table; keys beyond `type` and `enabled` belong to the connector."""

    model_config = ConfigDict(extra="allow")

    type: str
    enabled: bool = True
    name: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class RuleSettings(_Section):
    """A wall's automatic moderation rules (docs/moderation.md)."""

    trusted_authors: list[str] = Field(default_factory=list, max_length=2000)
    blocked_words: list[str] = Field(default_factory=list, max_length=5000)
    allowed_words: list[str] = Field(default_factory=list, max_length=5000)
    bundled_words: bool = True
    author_hourly_cap: int = Field(default=0, ge=0, le=1000)
    duplicate_text_hours: int = Field(default=24, ge=0, le=24 * 90)
    link_only: bool = True

    @field_validator("trusted_authors", "blocked_words", "allowed_words")
    @classmethod
    def _clean_entries(cls, entries: list[str]) -> list[str]:
        cleaned = []
        for entry in entries:
            entry = entry.strip()
            if len(entry) > 300:
                raise ValueError(f"entries have at most 300 characters: {entry[:40]!r}...")
            if entry and entry not in cleaned:
                cleaned.append(entry)
        return cleaned


Layout = Literal["masonry", "spotlight", "carousel", "ticker", "mixed"]
Theme = Literal["dark", "light"]
COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"
# Only pictures the media pipeline made are shown as branding (and written into a stylesheet).
MEDIA_PATH_PATTERN = r"^/media/img/[0-9a-f]{2}/[0-9a-f]{64}\.webp$"
SCREEN_NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,31}$"


class BrandImage(_Section):
    """A logo, background or sponsor picture uploaded in the console (a media-pipeline WebP)."""

    url: str = Field(pattern=MEDIA_PATH_PATTERN)
    width: int = Field(ge=1, le=20_000)
    height: int = Field(ge=1, le=20_000)
    name: str = Field(default="", max_length=100)


class ScreenSettings(_Section):
    """A named screen of a wall (`/w/<slug>?screen=<name>`) with its own layout and overlays."""

    name: str = Field(pattern=SCREEN_NAME_PATTERN)
    layout: Layout | None = None
    theme: Theme | None = None
    dwell_seconds: int | None = Field(default=None, ge=2, le=120)
    show_qr: bool = True
    show_agenda: bool = True
    show_countdown: bool = True
    show_sponsors: bool = True
    show_announcements: bool = True


class DisplaySettings(_Section):
    """How the wall looks: branding, overlays and named screens (docs/display.md)."""

    theme: Theme = "dark"
    accent: str | None = Field(default=None, pattern=COLOUR_PATTERN)
    background: str | None = Field(default=None, pattern=COLOUR_PATTERN)
    text: str | None = Field(default=None, pattern=COLOUR_PATTERN)
    font_scale: float = Field(default=1.0, ge=1.0, le=1.4)
    logo: BrandImage | None = None
    background_image: BrandImage | None = None
    sponsors: list[BrandImage] = Field(default_factory=list, max_length=12)
    sponsors_label: str = Field(default="", max_length=40)
    timezone: str = "Asia/Seoul"
    show_agenda: bool = True
    countdown_at: AwareDatetime | None = None
    countdown_label: str = Field(default="", max_length=80)
    countdown_next_session: bool = False
    screens: list[ScreenSettings] = Field(default_factory=list, max_length=50)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone (e.g. Asia/Seoul)") from None
        return value

    @model_validator(mode="after")
    def _legible_and_unique(self) -> DisplaySettings:
        themes = [self.theme, *(s.theme for s in self.screens if s.theme not in (None, self.theme))]
        for theme in dict.fromkeys(themes):
            found = problems(palette(theme, self.background, self.text, self.accent))
            if found:
                where = "" if theme == self.theme else f" (with the {theme} theme of a screen)"
                raise ValueError(f"colours too close to read{where}: " + "; ".join(found))
        names = [screen.name for screen in self.screens]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"screen names must be unique; repeated: {', '.join(repeated)}")
        return self


class WallSettings(_Section):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    title: str = Field(min_length=1, max_length=200)
    hashtags: list[str] = Field(min_length=1, max_length=50)
    moderation: Literal["pre", "post"] = "pre"
    locale: Literal["ko", "en"] = "ko"
    match_particles: bool = False
    layout: Layout = "masonry"
    uploads: bool = True
    show_qr: bool = True
    rules: RuleSettings = Field(default_factory=RuleSettings)
    display: DisplaySettings = Field(default_factory=DisplaySettings)
    sources: list[SourceSettings] = Field(default_factory=list)

    @field_validator("hashtags")
    @classmethod
    def _real_hashtags(cls, tags: list[str]) -> list[str]:
        for tag in tags:
            if not tag_key(tag):
                raise ValueError(f"{tag!r} is not a usable hashtag")
        return [tag if tag.startswith(("#", "＃")) else f"#{tag}" for tag in tags]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SOTONG_",
        env_nested_delimiter="__",
        extra="forbid",
        nested_model_default_partial_update=True,
    )

    server: ServerSettings = Field(default_factory=ServerSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    live: LiveSettings = Field(default_factory=LiveSettings)
    media: MediaSettings = Field(default_factory=MediaSettings)
    uploads: UploadSettings = Field(default_factory=UploadSettings)
    contest: ContestSettings = Field(default_factory=ContestSettings)
    walls: list[WallSettings] = Field(default_factory=list)

    @field_validator("walls")
    @classmethod
    def _unique_slugs(cls, walls: list[WallSettings]) -> list[WallSettings]:
        slugs = [wall.slug for wall in walls]
        duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        if duplicates:
            raise ValueError(f"wall slugs must be unique; repeated: {', '.join(duplicates)}")
        return walls

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment variables win over the file, which arrives as init arguments.
        return (env_settings, init_settings)


def _format_location(location: tuple[int | str, ...]) -> str:
    key = ""
    for part in location:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key


def load_settings(
    path: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    require_file: bool = False,
) -> Settings:
    """Read the TOML file (if present), apply environment overrides, resolve the secret key."""
    environ = os.environ if environ is None else environ
    config_path = path or DEFAULT_CONFIG_PATH
    data: dict[str, Any] = {}
    if config_path.exists():
        try:
            data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(str(config_path), "", f"not valid TOML: {exc}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(str(config_path), "", f"cannot be read: {exc}") from exc
    elif require_file or path is not None:
        raise ConfigError(str(config_path), "", "file not found (create one with `sotong init`)")
    if "secret_key" in data.get("server", {}):
        raise ConfigError(
            str(config_path),
            "server.secret_key",
            "secrets are not written in the file; put it in the environment variable named by "
            "server.secret_key_env",
        )
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(
            str(config_path), _format_location(tuple(first["loc"])), first["msg"]
        ) from None
    secret = environ.get(settings.server.secret_key_env)
    if secret:
        settings.server.secret_key = SecretStr(secret)
    return settings


def require_secret_key(settings: Settings, source: str) -> str:
    """The server's secret key, refusing a missing, short or placeholder one."""
    variable = settings.server.secret_key_env
    secret = settings.server.secret_key.get_secret_value() if settings.server.secret_key else ""
    if not secret:
        raise ConfigError(
            source, "server.secret_key_env", f"environment variable {variable} is not set"
        )
    if secret.strip().lower() in PLACEHOLDER_SECRETS or len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(
            source,
            "server.secret_key_env",
            f"{variable} holds a placeholder or is shorter than {MIN_SECRET_LENGTH} characters; "
            'generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"',
        )
    return secret
