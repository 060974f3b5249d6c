from __future__ import annotations

import logging

import orjson

from sotong.logs import JsonFormatter


def test_json_lines_carry_level_logger_message_and_exception() -> None:
    try:
        raise ValueError("깨짐")
    except ValueError:
        record = logging.LogRecord(
            "sotong.x", logging.ERROR, __file__, 1, "실패 %s", ("한글",), None
        )
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    entry = orjson.loads(line)
    assert entry["level"] == "error"
    assert entry["logger"] == "sotong.x"
    assert entry["message"] == "실패 한글"
    assert "ValueError: 깨짐" in entry["exception"]
    assert "\n" not in line
