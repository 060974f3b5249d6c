"""The console's languages: Babel message catalogues (`locale/<lang>/LC_MESSAGES/console.po`).

Message ids are the English text, so English needs no catalogue entries of its own; Korean is the
default. Catalogues are compiled in memory when first used, so there is no build step.
`tests/web/test_translations.py` fails when a string in a console template or module has no
Korean translation.

Choosing the language: `?lang=ko|en` (remembered in a cookie), else the cookie, else the
browser's Accept-Language, else Korean.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from starlette.requests import Request
from starlette.responses import Response

LOCALE_DIR: Final = Path(__file__).with_name("locale")
DOMAIN: Final = "console"
LOCALES: Final = ("ko", "en")
DEFAULT_LOCALE: Final = "ko"
LANGUAGE_COOKIE: Final = "sotong_lang"


def N_(message: str) -> str:
    """Marks a string for the catalogue; it is translated where it is shown."""
    return message


def catalogue_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(locale: str) -> gettext.NullTranslations:
    path = catalogue_path(locale)
    if locale not in LOCALES or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as source:
        catalogue = read_po(source, locale=locale, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def gettext_for(locale: str) -> gettext.NullTranslations:
    return translations(locale if locale in LOCALES else DEFAULT_LOCALE)


def _accepted(header: str) -> str | None:
    """The first of our locales in an Accept-Language header, by the order the browser gave."""
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        language = tag.strip().lower().split("-")[0]
        if language in LOCALES and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None


def request_locale(request: Request) -> str:
    chosen = request.query_params.get("lang", "")
    if chosen in LOCALES:
        return chosen
    remembered = request.cookies.get(LANGUAGE_COOKIE, "")
    if remembered in LOCALES:
        return remembered
    return _accepted(request.headers.get("accept-language", "")) or DEFAULT_LOCALE


def remember_locale(request: Request, response: Response) -> None:
    """Keep a language picked with `?lang=` for the next pages."""
    chosen = request.query_params.get("lang", "")
    if chosen in LOCALES and request.cookies.get(LANGUAGE_COOKIE) != chosen:
        response.set_cookie(
            LANGUAGE_COOKIE,
            chosen,
            max_age=365 * 24 * 3600,
            path="/",
            samesite="lax",
            secure=request.url.scheme == "https",
        )


@pass_context
def _gettext(context: Context, message: str) -> str:
    return gettext_for(context.get("locale", DEFAULT_LOCALE)).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    return gettext_for(context.get("locale", DEFAULT_LOCALE)).ngettext(singular, plural, count)


def install(environment: Environment) -> None:
    """`{{ _("...") }}` and `{% trans %}` in templates, in the language of the page's `locale`."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True
    )
