"""The settings of takedown notices: the recipients file, the SMTP URL (a secret) and the sender address."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.errors import ConfigError
from config.settings import load_settings
from config.smtp_url import parse_smtp_url


@pytest.fixture(autouse=True)
def no_env_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).parent)  # no .env here


def test_the_recipients_file_is_recipients_yaml_unless_jikimi_recipients_names_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_settings().recipients == Path("./recipients.yaml")
    monkeypatch.setenv("JIKIMI_RECIPIENTS", "/etc/jikimi/recipients.yaml")
    assert load_settings().recipients == Path("/etc/jikimi/recipients.yaml")


def test_a_plain_smtp_url_with_credentials_is_parsed_and_its_password_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JIKIMI_SMTP_URL", "smtp://relay%40example.org:s3cr%3At@127.0.0.1:2525")
    monkeypatch.setenv("JIKIMI_NOTICE_FROM", "notices@example.org")
    settings = load_settings()
    endpoint = settings.smtp
    assert endpoint is not None
    assert (endpoint.host, endpoint.port, endpoint.tls) == ("127.0.0.1", 2525, False)  # STARTTLS when offered
    assert endpoint.username == "relay@example.org"
    assert endpoint.password is not None and endpoint.password.get_secret_value() == "s3cr:t"
    assert "s3cr" not in repr(settings) + str(settings) + repr(endpoint)
    assert settings.notice_from == "notices@example.org"


def test_smtps_is_tls_from_the_start_on_port_465_by_default() -> None:
    endpoint = parse_smtp_url("smtps://mail.example.org")
    assert (endpoint.port, endpoint.tls, endpoint.username, endpoint.password) == (465, True, None, None)
    assert parse_smtp_url("smtp://relay").port == 25


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://user:hunter2@mail.example.org", "must start with smtp://"),
        ("smtp://user:hunter2@", "names no host"),
        ("smtp://user:hunter2@mail.example.org:25/inbox", "only [user:pass@]host:port"),
        ("smtp://user:hunter2@mail.example.org:port", "the port is not a number"),
    ],
)
def test_a_bad_smtp_url_is_refused_naming_the_variable_and_never_the_password(
    monkeypatch: pytest.MonkeyPatch, url: str, expected: str
) -> None:
    monkeypatch.setenv("JIKIMI_SMTP_URL", url)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value)
    assert "JIKIMI_SMTP_URL" in message and expected in message, message
    assert "hunter2" not in message and raised.value.exit_code == 2


def test_an_empty_smtp_url_means_no_sending(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIKIMI_SMTP_URL", "")
    assert load_settings().smtp is None


def test_a_sender_that_is_not_one_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIKIMI_NOTICE_FROM", "a@example.org\r\nBcc: b@example.org")
    with pytest.raises(ConfigError, match="JIKIMI_NOTICE_FROM"):
        load_settings()
