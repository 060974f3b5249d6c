from __future__ import annotations

from pathlib import Path

import pytest

from sotong.config import ConfigError, load_settings, require_secret_key

STRONG_SECRET = "x" * 8 + "9f3KqPzL0vYt2RmW8sJ4nB6cH1dE7aQ"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sotong.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_loads(tmp_path: Path) -> None:
    example = Path(__file__).parents[1] / "src" / "sotong" / "config_example.toml"
    settings = load_settings(example, environ={})
    assert settings.walls[0].hashtags == ["#2017서울소통컨퍼런스", "#서울소셜컨퍼런스"]
    assert settings.walls[0].sources[0].type == "demo"


def test_environment_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, '[server]\nport = 8000\n[storage]\nmedia_dir = "m"\n')
    monkeypatch.setenv("SOTONG_SERVER__PORT", "9123")
    monkeypatch.setenv("SOTONG_STORAGE__BROKER_URL", "redis://x")
    settings = load_settings(path)
    assert settings.server.port == 9123
    assert settings.storage.media_dir == Path("m")
    assert settings.storage.broker_url == "redis://x"


def test_error_names_file_key_and_problem(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[[walls]]\nslug = "a"\ntitle = "A"\nhashtags = ["#a"]\nmoderation = "maybe"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert str(path) in message
    assert "walls[0].moderation" in message
    assert "'pre' or 'post'" in message


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[server]\nport = "many"\n', "server.port"),
        ("[server]\nprot = 1\n", "server.prot"),
        ('[[walls]]\nslug = "Bad Slug"\ntitle = "t"\nhashtags = ["#a"]\n', "walls[0].slug"),
        ('[[walls]]\nslug = "a"\ntitle = "t"\nhashtags = []\n', "walls[0].hashtags"),
        ('[storage]\ndatabase_url = "mysql://x"\n', "storage.database_url"),
        ('[storage]\nbroker_url = "amqp://x"\n', "storage.broker_url"),
        ('[server]\nsecret_key = "hunter2"\n', "server.secret_key"),
    ],
)
def test_bad_values_are_named(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text))
    assert caught.value.key == key


def test_broken_toml_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "[server\n"))


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "nope.toml")


def test_duplicate_wall_slugs(tmp_path: Path) -> None:
    wall = '[[walls]]\nslug = "a"\ntitle = "t"\nhashtags = ["#a"]\n'
    with pytest.raises(ConfigError, match="repeated: a"):
        load_settings(write(tmp_path, wall + wall))


def test_hashtags_get_a_leading_hash(tmp_path: Path) -> None:
    settings = load_settings(
        write(tmp_path, '[[walls]]\nslug = "a"\ntitle = "t"\nhashtags = ["서울", "＃소통"]\n')
    )
    assert settings.walls[0].hashtags == ["#서울", "＃소통"]


@pytest.mark.parametrize("secret", ["", "changeme", "short"])
def test_weak_secrets_are_refused(tmp_path: Path, secret: str) -> None:
    settings = load_settings(write(tmp_path, ""), environ={"SOTONG_SECRET_KEY": secret})
    with pytest.raises(ConfigError) as caught:
        require_secret_key(settings, "sotong.toml")
    assert caught.value.key == "server.secret_key_env"


def test_secret_is_read_from_the_named_variable(tmp_path: Path) -> None:
    path = write(tmp_path, '[server]\nsecret_key_env = "MY_SECRET"\n')
    settings = load_settings(path, environ={"MY_SECRET": STRONG_SECRET})
    assert require_secret_key(settings, "x") == STRONG_SECRET


def test_walls_from_a_json_environment_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SOTONG_WALLS", '[{"slug": "env", "title": "E", "hashtags": ["#환경"]}]')
    settings = load_settings(write(tmp_path, ""))
    assert [wall.slug for wall in settings.walls] == ["env"]
