"""Which names a new review account may take, so that no account can pass for another in the audit trail.

Why? Custody events, decisions and approvals name their actor by account name. An admin (or whoever holds
an admin's session) who could make ``аlice`` (Cyrillic ``а``), ``Alice``, ``alice`` + a zero-width space
or a fullwidth ``ａｌｉｃｅ`` beside ``alice`` could act as "alice" for anyone reading the trail.

The rule, for every **new** name (``jikimi users add`` and the admin page alike):

1. The name is normalised to its **key**: Unicode NFKC (fullwidth and compatibility forms become their
   plain letters) then casefold (``Alice`` → ``alice``). The key is the name stored.
2. A name holding an invisible or formatting character (Unicode category ``Cf``: zero-width spaces and
   joiners, bidi controls, soft hyphens), a control character (``Cc``) or any space is refused, naming why.
3. The key must use only a documented set: ASCII ``a-z``, ``0-9``, ``.``, ``_``, ``-`` and the Hangul
   syllables (U+AC00–U+D7A3), 1 to 64 characters, starting with a letter or digit. Everything else —
   Cyrillic, Greek, fullwidth forms NFKC does not map, mathematical letters — is refused.
4. The key must differ from the key of every account already stored, whatever that account's own
   spelling (names made before this rule keep working as they are and still block their look-alikes).
   Two requests for one key at once still meet the store's unique name: the key is what is stored.

Why an allowed set and not a confusables "skeleton" (Unicode TS #39)? The skeleton needs Unicode's
confusables table, which is not in the standard library and changes with each Unicode version; a set
that one can read here, test and explain to a volunteer is enough for account names. Hangul is in it
because the reviewers are Korean; precomposed syllables look like no ASCII letter. What the set still
allows — ``rn`` beside ``m``, ``l`` beside ``1`` — is ordinary ASCII that a reader can spell out.

Existing accounts are not renamed or migrated: a stored ``Vera Kim`` still logs in as typed
(``login_names`` tries the exact name first).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from monitor.records import UserRecord
    from monitor.store.base import UserStore

MAX_LENGTH = 64
_ALLOWED = re.compile(r"[a-z0-9\uac00-\ud7a3][a-z0-9._\-\uac00-\ud7a3]*")


class UsernameRefused(ValueError):
    """A new account name that breaks the rule; ``message_key`` names why (the page's catalogue key)."""

    def __init__(self, name: str, message_key: str, reason: str) -> None:
        super().__init__(f"user name {name!r} refused: {reason}")
        self.message_key = message_key


def username_key(name: str) -> str:
    """The form two names are compared by: NFKC, then casefold (``Ａlice`` and ``ALICE`` → ``alice``)."""
    return unicodedata.normalize("NFKC", name).casefold()


def new_username(name: str, existing: Iterable[str]) -> str:
    """The name to store for a new account asked for as ``name``; ``UsernameRefused`` if it may not be."""
    for char in name:
        category = unicodedata.category(char)
        if category == "Cf":
            raise UsernameRefused(name, "username_invisible", f"invisible character U+{ord(char):04X}")
        if category == "Cc" or char.isspace():
            raise UsernameRefused(name, "username_characters", f"control or space character U+{ord(char):04X}")
    key = username_key(name)
    if not key or len(key) > MAX_LENGTH or not _ALLOWED.fullmatch(key):
        raise UsernameRefused(
            name, "username_characters", f"use 1 to {MAX_LENGTH} of a-z, 0-9, '.', '_', '-' or Hangul"
        )
    taken = next((other for other in existing if username_key(other) == key), None)
    if taken is not None:
        raise UsernameRefused(name, "user_exists", f"an account {taken!r} exists already and reads the same")
    return key


def login_names(typed: str) -> tuple[str, ...]:
    """The stored names a login as ``typed`` may be: the exact name (older accounts), then its key."""
    key = username_key(typed)
    return (typed,) if key == typed else (typed, key)


async def stored_account(store: UserStore, typed: str) -> UserRecord | None:
    """The account ``typed`` names, as a login finds it: its exact name (accounts older than this module),
    else its key. Every place that takes a reviewer's name (the login form, ``jikimi hits decide``) finds
    the same account, and records the stored spelling."""
    for name in login_names(typed) if typed else ():
        if (user := await store.get_user(name)) is not None:
            return user
    return None
