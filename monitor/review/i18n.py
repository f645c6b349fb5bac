"""Interface text in English and Korean: which language a page speaks, and ``t`` to look text up in it.

One small catalogue per language (``messages_en.py``, ``messages_ko.py``), no gettext machinery. The
language comes from the reviewer's choice (``/lang/ko``, kept in the session), else the
``JIKIMI_REVIEW_LANGUAGE`` setting, else the browser's ``Accept-Language``. Templates show every
state, kind, role and verdict through ``t.term(group, value)`` and never print such a value raw;
``TERM_GROUPS`` lists every value each group can take, so a test can hold both catalogues to all of them.
"""

from __future__ import annotations

import logging
from functools import cache

from config.recipients import Category, Channel
from crawlers.registry import CRAWLERS, PLATFORM_HOSTS, PLATFORMS
from evidence.custody import CustodyKind
from monitor.records import HitStatus, Role, RunStatus, Verdict
from monitor.review.messages_en import ENGLISH
from monitor.review.messages_ko import KOREAN
from monitor.store.notice_records import NoticeState
from monitor.takedown.records import Rule

LANGUAGES = ("en", "ko")

MESSAGES: dict[str, dict[str, str]] = {"en": ENGLISH, "ko": KOREAN}

TERM_GROUPS: dict[str, tuple[str, ...]] = {
    "status": tuple(dict.fromkeys((*HitStatus, "withdrawn"))),  # a hit's review status (withdrawn: issue 13)
    "custody": tuple(CustodyKind),  # a custody event's kind
    "verdict": tuple(Verdict),
    "role": tuple(Role),
    "run": tuple(RunStatus),  # how a crawl run ended
    "media": ("preview", "original"),  # which picture a ``viewed`` event showed
    "kind": tuple(CRAWLERS),  # a source's kind
    "platform": tuple(dict.fromkeys((*PLATFORMS.values(), *PLATFORM_HOSTS.values(), "unknown"))),
    "category": tuple(Category),  # the legal category a deletion request names
    "notice_state": tuple(NoticeState),  # where a takedown notice stands in the outbox
    "notice_channel": tuple(Channel),  # how a notice reaches its recipient
    "rule": tuple(Rule),  # which routing rule chose a takedown request's recipient
}
"""group → every value it names; each has a ``<group>_<value>`` message in both catalogues."""

OPEN_GROUPS = frozenset({"platform"})
"""Groups whose other values are data shown as they are: a platform is ``telegram`` or a web site's host."""

log = logging.getLogger(__name__)


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


@cache
def warn_missing(key: str, language: str) -> None:
    """Log a missing message once per process and language: the operator learns of it, the log is not flooded."""
    log.warning(
        "review UI: no message %r in the %r catalogue (monitor/review/messages_%s.py); showing %s",
        key, language, language, "the English text" if key in ENGLISH else "a readable stand-in",
    )  # fmt: skip


class Translator:
    """``t("key", **values)`` for text, ``t.term(group, value)`` for a value's name, in one language.

    The groups are those of ``TERM_GROUPS``. A value may be a ``StrEnum`` member: its value is used.

    Why two modes? In production a missing message must not break a page a volunteer is working on,
    nor pass unnoticed: it is logged as a warning (once per key) and the page shows the English text —
    a sentence the reviewer can still act on, where ``status_pending`` would be noise — and, failing
    that, something readable (a state's own value, else the key). Tests render every template with
    ``strict=True``, where a missing message raises ``MissingMessage``: that is how a raw key is
    caught before anyone sees it.
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

        An open group's value it does not name is data and shows as it is (``t.term("platform",
        "forum.example")``). Otherwise, without strict mode, an unknown value is logged and shows as
        itself: a status added before its translation reads ``archived``, not ``status_archived``.
        """
        shown = str(value)
        if group in OPEN_GROUPS and shown not in TERM_GROUPS[group]:
            return shown
        return self._text(message_key(group, shown), fallback=shown)

    def _text(self, key: str, fallback: str) -> str:
        text = self.messages.get(key)
        if text is not None:
            return text
        if self.strict:
            raise MissingMessage(key, self.language)
        warn_missing(key, self.language)
        return MESSAGES["en"].get(key) or fallback


def translator(language: str, *, strict: bool = False) -> Translator:
    """The page's ``t``; a language we do not have speaks English. ``strict`` is for tests only."""
    return Translator(language if language in LANGUAGES else "en", strict=strict)
