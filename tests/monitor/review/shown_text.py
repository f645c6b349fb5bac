"""What a reader of a review page sees, and the two ways it can betray a missing translation.

Shared by the template tests (``test_i18n.py``, pages rendered without a server) and the browser test
(``test_browser_korean.py``, pages as Chromium shows them):

- ``raw_keys``: a catalogue key shown as a word (``status_pending``), unless the language's own messages
  use that word (English "all" is both a key and its text);
- ``english_left``: on a Korean page, a Latin word beyond the Korean messages' own technical tokens (CSV,
  ``c`` for a shortcut) and the allowed technical words, once the page's data is taken out;
- ``english_messages``: a phrase of the English catalogue that the Korean one does not share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

from monitor.review.i18n import MESSAGES, TERM_GROUPS

KEY_WORD = re.compile(r"(?<![\w-])[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*(?![\w-])", re.ASCII)
LATIN_WORD = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)*", re.ASCII)
TERM_KEY = re.compile(rf"(?<![\w-])(?:{'|'.join(TERM_GROUPS)})_[a-z0-9_]+(?![\w-])", re.ASCII)
PLACEHOLDER = re.compile(r"\{(\w+)\}")
SHOWN_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")


class ShownText(HTMLParser):
    """The text a reader sees: text outside scripts and styles, and attributes that are read out or shown."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style")
        self.parts += [value for name, value in attrs if name in SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def shown_text(page: str) -> str:
    parser = ShownText()
    parser.feed(page)
    return " ".join(parser.parts)


def data_pattern(data: Iterable[str]) -> re.Pattern[str]:
    """Matches any of ``data`` as a whole (longest first): the values a page shows as they are."""
    texts = sorted({text for text in data if text}, key=len, reverse=True)
    return re.compile("|".join(rf"(?<![\w-]){re.escape(text)}(?![\w-])" for text in texts) or "(?!)")


def words_of(texts: Iterable[str], pattern: re.Pattern[str] = LATIN_WORD) -> set[str]:
    return {word for text in texts for word in pattern.findall(PLACEHOLDER.sub(" ", text))}


def raw_keys(text: str, language: str) -> list[str]:
    """Catalogue keys in ``text`` that the language's own messages never use as words, and words shaped like
    the key of a term no catalogue has yet (``status_archived``)."""
    own = words_of(MESSAGES[language].values(), KEY_WORD)
    keys = {word for word in KEY_WORD.findall(text) if word in MESSAGES["en"] and word not in own}
    return sorted(keys | set(TERM_KEY.findall(text)))


def english_left(text: str, technical: Iterable[str] = ()) -> list[str]:
    """Latin words with a lower-case letter (not CSV or UTC) that the Korean messages do not use themselves."""
    allowed = words_of(MESSAGES["ko"].values()) | set(technical)
    return sorted({w for w in LATIN_WORD.findall(text) if w not in allowed and any(c.islower() for c in w)})


def english_messages(text: str) -> list[str]:
    """The English catalogue's phrases (its text between placeholders) found in ``text`` that Korean lacks."""
    korean = " ".join(MESSAGES["ko"].values())
    phrases = {
        phrase.strip(" .,:;()·") for message in MESSAGES["en"].values() for phrase in PLACEHOLDER.split(message)[::2]
    }
    english = {p for p in phrases if re.search("[a-z]", p) and not re.search(rf"(?<!\w){re.escape(p)}(?!\w)", korean)}
    return sorted(p for p in english if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text))
