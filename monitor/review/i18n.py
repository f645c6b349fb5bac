"""Interface text in English and Korean: which language a page speaks, and ``t`` to look text up in it.

One small catalogue per language (``messages_en.py``, ``messages_ko.py``), no gettext machinery. The
language comes from the reviewer's choice (``/lang/ko``, kept in the session), else the
``JIKIMI_REVIEW_LANGUAGE`` setting, else the browser's ``Accept-Language``. Templates show every
state, kind, role and verdict through ``t.term(group, value)`` and never print such a value raw.
"""

from __future__ import annotations

from monitor.review.messages_en import ENGLISH
from monitor.review.messages_ko import KOREAN

LANGUAGES = ("en", "ko")

MESSAGES: dict[str, dict[str, str]] = {"en": ENGLISH, "ko": KOREAN}


def choose_language(chosen: str | None, setting: str, accept_language: str) -> str:
    """The reviewer's choice, else the setting, else the first supported language the browser asks for."""
    if chosen in LANGUAGES:
        return chosen
    if setting in LANGUAGES:
        return setting
    for part in accept_language.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"


def message_key(group: str, value: str) -> str:
    """The catalogue key naming ``value`` of ``group``: ``("status", "confirmed-once")`` → ``status_confirmed_once``."""
    return f"{group}_{value}".replace("-", "_")


class MissingMessage(LookupError):
    """A key is not in the page's language: raised by a strict translator (the tests), never in production."""

    def __init__(self, key: str, language: str) -> None:
        super().__init__(f"no message {key!r} in the {language!r} catalogue (monitor/review/messages_{language}.py)")
        self.key = key
        self.language = language


class Translator:
    """``t("key", **values)`` for text, ``t.term(group, value)`` for a value's name, in one language.

    The groups are ``status`` (a hit's review status), ``custody`` (a custody event's kind), ``verdict``,
    ``role``, ``run`` (how a crawl run ended) and ``media`` (which picture a ``viewed`` event showed). A
    value may be a ``StrEnum`` member: its value is used.

    Why two modes? In production a missing message must not break a page a volunteer is working on, so
    it falls back to English, then to something readable (the key, or a state's own value). Tests
    render every template with ``strict=True``, where a missing message raises ``MissingMessage``: that
    is how a raw key is caught before anyone sees it.
    """

    def __init__(self, language: str, *, strict: bool = False) -> None:
        self.language = language
        self.messages = MESSAGES[language]
        self.strict = strict

    def __call__(self, key: str, **values: object) -> str:
        text = self._text(key, fallback=key)
        return text.format(**values) if values else text

    def term(self, group: str, value: object) -> str:
        """The shown name of a state, kind, role or verdict (``group`` names which): ``t.term("role", "admin")``.

        Without strict mode an unknown value shows as itself: a status added before its translation
        reads ``withdrawn``, not ``status_withdrawn``.
        """
        return self._text(message_key(group, str(value)), fallback=str(value))

    def _text(self, key: str, fallback: str) -> str:
        text = self.messages.get(key)
        if text is None and self.strict:
            raise MissingMessage(key, self.language)
        return text or MESSAGES["en"].get(key) or fallback


def translator(language: str, *, strict: bool = False) -> Translator:
    """The page's ``t``; a language we do not have speaks English. ``strict`` is for tests only."""
    return Translator(language if language in LANGUAGES else "en", strict=strict)
