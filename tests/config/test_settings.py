from __future__ import annotations

from pathlib import Path

import pytest

from config.errors import ConfigError
from config.settings import load_settings


def test_defaults_use_the_embedded_store_in_the_data_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).parent)  # no .env here
    settings = load_settings()
    assert settings.data_dir == Path("./data")
    assert settings.mongodb_url is None
    assert settings.match_pdq_threshold == 31
    assert settings.match_phash_threshold == 10


def test_a_mongodb_url_with_the_wrong_scheme_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONGODB_URL", "mongo://db")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value)
    assert "MONGODB_URL" in message and "mongodb://" in message
    assert raised.value.exit_code == 2


def test_a_bad_number_names_the_prefixed_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIKIMI_MATCH_PDQ_THRESHOLD", "300")
    with pytest.raises(ConfigError, match="JIKIMI_MATCH_PDQ_THRESHOLD"):
        load_settings()


def test_secrets_never_show_when_settings_are_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_API_HASH", "0123456789abcdef-secret")
    monkeypatch.setenv("MONGODB_URL", "mongodb://user:hunter2@db/")
    settings = load_settings()
    shown = repr(settings) + str(settings)
    assert "0123456789abcdef-secret" not in shown
    assert "hunter2" not in shown
    assert settings.telegram_api_hash is not None
    assert settings.telegram_api_hash.get_secret_value() == "0123456789abcdef-secret"


def test_every_setting_is_documented_in_env_example() -> None:
    from config.settings import Settings, _env_name

    documented = (Path(__file__).parents[2] / ".env.example").read_text()
    missing = [_env_name(field) for field in Settings.model_fields if f"\n{_env_name(field)}=" not in documented]
    assert missing == []
