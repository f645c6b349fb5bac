"""Every setting jikimi reads, with its default and help, in one place (read from the environment and ``.env``).

Settings are grouped by prefix, like Scrapy's ``default_settings.py``: ``JIKIMI_CRAWL_*`` for crawlers,
``JIKIMI_HASH_*`` for fingerprinting, ``JIKIMI_MATCH_*`` for matching, ``JIKIMI_EVIDENCE_*`` for packets.
A few names have no prefix because they are the conventional names operators already use
(``MONGODB_URL``, ``TELEGRAM_*``, ``TSA_URL``). Components receive the values they need, never this object.

Secrets are ``SecretStr`` so that printing or logging the settings never shows them.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.errors import ConfigError
from config.recipients import EMAIL_ADDRESS
from config.smtp_url import SmtpEndpoint, parse_smtp_url


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    """jikimi's settings. See ``.env.example`` for the same list with examples."""

    model_config = SettingsConfigDict(
        env_prefix="JIKIMI_", env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    # --- where things live -------------------------------------------------------------------------
    data_dir: Path = Field(Path("./data"), description="Data directory: SQLite store, encrypted blobs, keys.")
    watchlist: Path = Field(Path("./watchlist.yaml"), description="The watchlist YAML file of sources.")
    operator: str = Field("", description="Name of the collector recorded in evidence packets.")

    # --- store ---------------------------------------------------------------------------------------
    mongodb_url: SecretStr | None = Field(
        None, validation_alias=_env("MONGODB_URL"), description="Use MongoDB instead of the embedded SQLite."
    )
    mongodb_database: str = Field("jikimi", description="MongoDB database name.")

    # --- crawling ------------------------------------------------------------------------------------
    crawl_user_agent: str = Field("jikimi/0.1 (+monitoring of non-consensual imagery)", description="HTTP UA.")
    crawl_download_timeout: float = Field(30.0, gt=0, description="Seconds before a download is abandoned.")
    crawl_retry_times: int = Field(2, ge=0, description="Retries of a failed page or media download.")
    crawl_max_media_bytes: int = Field(50 * 2**20, gt=0, description="Media larger than this is not fetched.")
    crawl_max_page_bytes: int = Field(10 * 2**20, gt=0, description="Pages larger than this are not parsed.")
    crawl_concurrency_per_domain: int = Field(4, ge=1, description="Parallel requests to one host.")
    crawl_autothrottle: bool = Field(True, description="Adapt request rate to the site's latency.")
    crawl_deadline: float = Field(3600.0, gt=0, description="Seconds one crawl of one source may take.")

    # --- hashing and matching ------------------------------------------------------------------------
    hash_workers: int = Field(0, ge=0, description="Hashing processes; 0 means one per CPU core.")
    hash_max_pixels: int = Field(89_478_485, gt=0, description="Larger images are refused as bombs.")
    hash_max_video_frames: int = Field(600, ge=1, description="Frames hashed per video at most (longer: sampled).")
    match_pdq_threshold: int = Field(31, ge=0, le=256, description="Max PDQ Hamming distance of a match.")
    match_phash_threshold: int = Field(10, ge=0, le=64, description="Max pHash Hamming distance of a match.")
    match_pdq_min_quality: int = Field(50, ge=0, le=100, description="Below this PDQ quality, PDQ is ignored.")
    match_phash_variant_threshold: int = Field(
        6, ge=0, le=64, description="Max pHash distance when a rotated/cropped/trimmed variant is involved."
    )
    match_video_share: float = Field(
        0.5, gt=0, le=1, description="Share of a blocklisted video's frames that must be found (vPDQ's rule)."
    )

    # --- evidence ------------------------------------------------------------------------------------
    media_key: SecretStr | None = Field(
        None, description="Base64 32-byte key encrypting media at rest; generated in the data dir if unset."
    )
    signing_key: SecretStr | None = Field(
        None, description="Base64 Ed25519 private key signing packet manifests; generated in the data dir if unset."
    )
    tsa_url: str | None = Field(None, validation_alias=_env("TSA_URL"), description="RFC 3161 authority.")
    tsa_timeout: float = Field(10.0, gt=0, description="Seconds to wait for the time-stamping authority.")
    tsa_chain: Path | None = Field(
        None, validation_alias=_env("TSA_CHAIN"), description="PEM file of the authority's certificate chain."
    )

    evidence_screenshots: bool = Field(
        True, description="Render each preserved page or post in headless Chromium and keep the screenshot."
    )
    evidence_chromium: Path | None = Field(
        None, description="Chromium executable for screenshots; found on PATH (Debian's chromium) if unset."
    )
    evidence_render_timeout: float = Field(20.0, gt=0, description="Seconds a page may take to render.")
    evidence_render_max_height: int = Field(
        16_000, ge=500, description="Screenshots of taller pages are cut at this many pixels (the packet says so)."
    )

    # --- review UI ------------------------------------------------------------------------------------
    review_host: str = Field("127.0.0.1", description="Address the review UI listens on (loopback by default).")
    review_port: int = Field(8780, ge=1, le=65535, description="Port of the review UI.")
    review_session_key: SecretStr | None = Field(
        None, description="Base64 32-byte key sealing session cookies; generated in the data dir if unset."
    )
    review_idle_minutes: float = Field(30.0, gt=0, description="A session idle this long must log in again.")
    review_session_hours: float = Field(
        12.0, gt=0, description="A session ends this long after its login, however busy (then log in again)."
    )
    review_secure_cookies: bool = Field(False, description="Send cookies over HTTPS only (behind a TLS proxy).")
    review_confirmations: int = Field(
        1, ge=1, le=5, description="Independent confirmations a hit needs before it counts as confirmed."
    )
    review_reveal_seconds: int = Field(30, ge=5, le=600, description="How long a revealed picture stays shown.")
    review_daily_reveals: int = Field(30, ge=0, description="Reveals per reviewer per day (UTC) before a stop.")
    review_break_after: int = Field(25, ge=1, description="Suggest a break after this many reviews in a session.")
    review_language: str = Field("auto", pattern="^(auto|en|ko)$", description="auto (browser), en or ko.")
    review_login_attempts: int = Field(
        5, ge=1, description="Failed logins on one account from one address before that pair is locked out."
    )
    review_login_account_attempts: int = Field(
        20, ge=1, description="Failed logins on one account from all addresses before the account is locked out."
    )
    review_login_address_attempts: int = Field(
        50, ge=1, description="Failed logins from one address on all accounts before the address is locked out."
    )
    review_lockout_minutes: float = Field(15.0, gt=0, description="How long a lockout lasts.")
    review_trusted_proxies: str = Field(
        "", description="Comma-separated addresses/networks of reverse proxies whose X-Forwarded-For is believed."
    )
    review_metrics_token: SecretStr | None = Field(
        None, description="Bearer token that shows /metrics per source; without it /metrics shows totals only."
    )
    review_max_upload_bytes: int = Field(5 * 2**20, gt=0, description="Largest blocklist file an admin may upload.")

    # --- daemon (`jikimi run`) -------------------------------------------------------------------------
    daemon_misfire_grace: float = Field(
        600.0, gt=0, description="A run missed by less than this (seconds) still runs; older misses coalesce."
    )
    daemon_stop_deadline: float = Field(
        60.0, gt=0, description="On SIGTERM, seconds running crawls get to finish their current item."
    )
    daemon_backoff_cap: float = Field(
        6 * 3600.0, gt=0, description="Longest wait (seconds) before retrying a source that keeps failing."
    )
    daemon_alert_after_failures: int = Field(3, ge=1, description="Failed runs in a row before an alert.")
    daemon_watch_interval: float = Field(5.0, gt=0, description="Seconds between checks of the watchlist file.")
    daemon_serve_review: bool = Field(True, description="Serve the review UI from the daemon too.")
    recheck_interval: float = Field(
        86400.0, gt=0, description="Seconds between removal re-checks of each confirmed hit's location."
    )
    timestamp_retry_interval: float = Field(
        900.0, gt=0, description="Seconds between retries for packets awaiting their RFC 3161 token."
    )

    # --- takedown notices -----------------------------------------------------------------------------
    recipients: Path = Field(
        Path("./recipients.yaml"), description="The recipients file: who is asked to take material down, and how."
    )
    smtp_url: SecretStr | None = Field(
        None, description="smtp://[user:pass@]host:port (STARTTLS when offered) or smtps://… (TLS) for notices."
    )
    notice_from: str | None = Field(None, description="The sender address of e-mailed notices (From:).")
    notice_interval: float = Field(
        300.0, gt=0, description="Seconds between the daemon's passes of the outbox (send, re-send, escalate)."
    )
    notice_smtp_timeout: float = Field(
        30.0, gt=0, description="Seconds an SMTP server may take to answer before a notice's send fails."
    )

    # --- alerts ----------------------------------------------------------------------------------------
    alert_webhook_url: str | None = Field(None, description="JSON POST on new hits, failing sources, TSA backlog.")
    alert_telegram_bot_token: SecretStr | None = Field(None, description="Bot token for alerts to a group chat.")
    alert_telegram_chat_id: str | None = Field(None, description="The group chat id the bot writes to.")
    alert_telegram_api: str = Field("https://api.telegram.org", description="Bot API base URL.")
    alert_tsa_backlog: int = Field(20, ge=1, description="Alert when this many packets await a time-stamp.")
    review_public_url: str | None = Field(
        None, description="The review UI's address as reviewers reach it, for links in alerts."
    )
    log_format: str = Field("auto", pattern="^(auto|json|text)$", description="auto: JSON lines unless a terminal.")

    # --- telegram ------------------------------------------------------------------------------------
    telegram_max_media_bytes: int = Field(200 * 2**20, gt=0, description="Telegram media over this is not fetched.")
    telegram_flood_wait_budget: float = Field(
        300.0, ge=0, description="Seconds of FloodWait a run may sit out before it stops the source until next run."
    )
    telegram_backfill_messages: int = Field(500, ge=0, description="Messages read back on a channel's first run.")
    telegram_history_wait: float = Field(
        1.0, ge=0, description="Seconds between pages of channel history (telethon's own pace for long reads)."
    )
    telegram_api_id: int | None = Field(None, validation_alias=_env("TELEGRAM_API_ID"))
    telegram_api_hash: SecretStr | None = Field(None, validation_alias=_env("TELEGRAM_API_HASH"))
    telegram_session: SecretStr | None = Field(
        None, validation_alias=_env("TELEGRAM_SESSION"), description="Session file path or StringSession."
    )

    @field_validator("mongodb_url")
    @classmethod
    def _mongodb_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        url = value.get_secret_value()
        if not url.startswith(("mongodb://", "mongodb+srv://")):
            shown = url.split("://", 1)[0] + "://…"
            raise ValueError(f"must start with mongodb:// or mongodb+srv:// (got {shown!r})")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        parse_smtp_url(value.get_secret_value())  # ValueError: names the scheme and host, never a credential
        return value

    @field_validator("notice_from")
    @classmethod
    def _notice_from(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not EMAIL_ADDRESS.match(value.strip()):
            raise ValueError(f"must be one e-mail address such as notices@example.org (got {value!r})")
        return value.strip()

    @property
    def smtp(self) -> SmtpEndpoint | None:
        """``JIKIMI_SMTP_URL`` parsed (``None`` when unset): what a sender connects to."""
        return None if self.smtp_url is None else parse_smtp_url(self.smtp_url.get_secret_value())

    @property
    def hash_worker_count(self) -> int:
        return self.hash_workers or os.cpu_count() or 1


def _env_name(field: str) -> str:
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info else None
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"JIKIMI_{field.upper()}"


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment and ``.env``; a bad value is a ``ConfigError`` naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            problems.append(f"{_env_name(field)} {error['msg'].removeprefix('Value error, ')}")
        raise ConfigError("config: " + "; ".join(problems), setting=problems[0]) from None
