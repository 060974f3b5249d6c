"""Source tables as the TOML an operator reads and edits in the console (the config file's form)."""

from __future__ import annotations

import json
import tomllib
from typing import Any

import regex

_BARE_KEY = regex.compile(r"^[A-Za-z0-9_-]+$")


class TomlProblem(ValueError):
    pass


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _value(key)


def tables_to_toml(name: str, tables: list[dict[str, Any]]) -> str:
    """`[[name]]` tables of plain values (strings, numbers, booleans, lists of them)."""
    blocks = []
    for table in tables:
        lines = [f"[[{name}]]"]
        lines += [f"{_key(key)} = {_value(value)}" for key, value in table.items()]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def toml_to_tables(name: str, text: str) -> list[dict[str, Any]]:
    """The `[[name]]` tables of a TOML text; TomlProblem says what is wrong, and where."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlProblem(str(exc)) from None
    unknown = sorted(set(document) - {name})
    if unknown:
        raise TomlProblem(f"only [[{name}]] tables belong here, not {', '.join(unknown)}")
    tables = document.get(name, [])
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        raise TomlProblem(f"write each one as a [[{name}]] table")
    return tables
