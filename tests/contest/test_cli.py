"""`sotong contest verify` on unreadable input, and `sotong contest purge-claims`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sotong.cli import main


def test_an_unreadable_record_is_a_usage_error(tmp_path: Path) -> None:
    broken = tmp_path / "record.json"
    broken.write_text("{not json", encoding="utf-8")
    for source in (str(broken), str(tmp_path / "missing.json")):
        result = CliRunner().invoke(main, ["contest", "verify", source])
        assert result.exit_code == 2
        assert "error:" in result.output


def test_a_record_before_the_draw_does_not_verify(tmp_path: Path) -> None:
    record = tmp_path / "record.json"
    record.write_text('{"input": {"entries": [], "prizes": []}, "seed": null}', encoding="utf-8")
    result = CliRunner().invoke(main, ["contest", "verify", str(record)])
    assert result.exit_code == 1
    assert "not published yet" in result.output


def test_purge_claims_runs_against_the_configured_database(tmp_path: Path) -> None:
    config = tmp_path / "sotong.toml"
    config.write_text(
        f'[storage]\ndatabase_url = "sqlite:///{tmp_path / "s.db"}"\n'
        f'media_dir = "{tmp_path / "media"}"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["contest", "purge-claims", "-c", str(config)])
    assert result.exit_code == 0, result.output
    assert "deleted 0 prize claim(s)" in result.output
