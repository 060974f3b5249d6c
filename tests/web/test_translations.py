"""The console speaks Korean first and English second: every string it shows has a Korean
translation in the Babel catalogue, with the same placeholders."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import regex
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi import FastAPI
from starlette.requests import Request

from sotong.domain import Role
from sotong.web.translations import catalogue_path, request_locale
from tests.support import asgi_client, console_user, make_settings, running_app

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = regex.compile(r"%\((\w+)\)s")


def console_strings() -> set[str]:
    method_map, options_map = parse_mapping_cfg(io.StringIO((ROOT / "babel.cfg").read_text()))
    found = set()
    for _, _, message, _, _ in extract_from_dir(ROOT, method_map, options_map):
        found.add(message if isinstance(message, str) else message[0])
    return found


def korean() -> dict[str, str]:
    with catalogue_path("ko").open("rb") as source:
        catalogue = read_po(source, locale="ko")
    return {message.id: message.string for message in catalogue if message.id}


def test_every_console_string_has_a_korean_translation_with_the_same_placeholders() -> None:
    strings = console_strings()
    translations = korean()
    assert len(strings) > 100
    assert sorted(s for s in strings if not translations.get(s)) == []
    mismatched = [
        s
        for s in strings
        if set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(translations[s]))
    ]
    assert mismatched == []
    assert sorted(set(translations) - strings) == [], "entries nothing uses (scripts/messages)"


def request_with(query: str = "", cookie: str = "", accept: str = "") -> Request:
    headers = []
    if cookie:
        headers.append((b"cookie", f"sotong_lang={cookie}".encode()))
    if accept:
        headers.append((b"accept-language", accept.encode()))
    scope = {"type": "http", "query_string": query.encode(), "headers": headers}
    return Request(scope)


@pytest.mark.parametrize(
    ("request_", "locale"),
    [
        (request_with(), "ko"),
        (request_with(accept="en-US,en;q=0.9"), "en"),
        (request_with(accept="fr-FR, en;q=0.5, ko;q=0.8"), "ko"),
        (request_with(accept="en;q=0, de"), "ko"),
        (request_with(accept="en;q=banana"), "ko"),
        (request_with(cookie="en", accept="ko"), "en"),
        (request_with(query="lang=ko", cookie="en"), "ko"),
        (request_with(query="lang=xx", cookie="zz"), "ko"),
    ],
)
def test_the_language_comes_from_the_query_the_cookie_or_the_browser(
    request_: Request, locale: str
) -> None:
    assert request_locale(request_) == locale


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[FastAPI]:
    settings = make_settings(f"sqlite:///{tmp_path / 'i18n.db'}", tmp_path / "media")
    async with running_app(settings) as application:
        yield application


async def test_the_console_is_korean_by_default_and_remembers_english(app: FastAPI) -> None:
    async with asgi_client(app) as client:
        korean_page = (await client.get("/admin/login")).text
        assert '<html lang="ko">' in korean_page
        assert "로그인" in korean_page
        english = await client.get("/admin/login?lang=en")
        assert '<html lang="en">' in english.text
        assert "Sign in" in english.text
        assert "sotong_lang=en" in english.headers["set-cookie"]
        assert "Sign in" in (await client.get("/admin/login")).text


async def test_a_signed_in_page_shows_the_role_in_the_page_language(app: FastAPI) -> None:
    async with console_user(app, Role.MODERATOR) as moderator:
        assert "(검수자)" in (await moderator.client.get("/admin/")).text
        assert "(moderator)" in (await moderator.client.get("/admin/?lang=en")).text
