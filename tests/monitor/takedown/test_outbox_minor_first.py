"""The outbox's order, specified: in one pass a suspected minor's notice is mailed before every other (issue 14:
"first in every queue"), and a recipient's hourly rate limit, spent in a pass, is spent on it first — the other
notice waits for the next hour. Real SMTP on 127.0.0.1; the clock is injected. The order is the plan's
(``monitor/takedown/routing.py`` sorts a suspected minor's notices first; ``resending.reconcile`` keeps it)."""

from __future__ import annotations

from pathlib import Path

from crawlers.sighting import Distributor
from monitor.cards import card_id
from monitor.records import HitStatus
from monitor.store.notice_records import CardFlags
from monitor.store.sqlite import SqliteStore
from tests.config.test_recipients import CONTRACT
from tests.doubles.smtp import smtp_server
from tests.monitor.cli.test_notices_plan import FORUM, ITEM, hit, media, sighting
from tests.monitor.takedown.test_outbox import START, Clock, one_pass, recipients_file

POLICE_BY_MAIL = "  - {id: police, role: police, channel: email, address: police@example.org, language: ko}\n"
URGENT = "[긴급] [불법촬영물등 삭제요청] 아동·청소년성착취물"
OTHER_GROUP = "https://t.me/c/1234567890/9"


async def confirmed_card(store: SqliteStore, url: str, number: int, telegram: bool = False) -> str:
    """A confirmed card of media ``number`` seen at ``url`` (a private Telegram group when ``telegram``)."""
    kind, distributor = ("telegram", Distributor(channel_id="1234567890", message_id=9)) if telegram else ("web", None)
    seen = sighting(url, media(number), kind, distributor)
    await store.put_sighting(seen)
    await store.put_hit(hit(seen, HitStatus.CONFIRMED))
    return card_id(media(number), ITEM)


async def flag_minor(store: SqliteStore, card: str) -> None:
    await store.set_card_flags(CardFlags(card, True, "", "vera", START))


async def test_a_suspected_minors_notice_is_mailed_first_in_its_pass(store: SqliteStore, tmp_path: Path) -> None:
    recipients, clock = recipients_file(tmp_path, CONTRACT + POLICE_BY_MAIL), Clock()  # the operator listed first
    await confirmed_card(store, f"{FORUM}/6", 6)  # another picture on the public forum: the operator's
    await flag_minor(store, card_id(media(1), ITEM))  # the seeded card (FORUM/1 and a private group)
    with smtp_server() as (url, mailbox):
        done = await one_pass(store, recipients, url, clock)
    assert done.sent == 2 and done.problems == []
    assert [m["To"] for m in mailbox.messages] == ["police@example.org", "abuse@example.org"]
    assert mailbox.messages[0]["Subject"].startswith(URGENT)
    assert f"{FORUM}/6" in mailbox.messages[1].get_content() and f"{FORUM}/1" not in mailbox.messages[1].get_content()


async def test_a_rate_limit_spent_in_a_pass_is_spent_on_the_suspected_minors_notice_first(
    store: SqliteStore, tmp_path: Path
) -> None:
    police = POLICE_BY_MAIL.replace("}", ", rate_per_hour: 1}")
    recipients, clock = recipients_file(tmp_path, CONTRACT + police), Clock()
    minor = await confirmed_card(store, OTHER_GROUP, 6, telegram=True)  # the police's, as is the seeded group
    await flag_minor(store, minor)
    with smtp_server() as (url, mailbox):
        first = await one_pass(store, recipients, url, clock)
        clock.advance(hours=1, seconds=1)
        later = await one_pass(store, recipients, url, clock)
    to_police = [m for m in mailbox.messages if m["To"] == "police@example.org"]
    assert (first.rate_limited, later.rate_limited) == (1, 0) and len(to_police) == 2
    assert to_police[0]["Subject"].startswith(URGENT) and OTHER_GROUP in to_police[0].get_content()
    assert not to_police[1]["Subject"].startswith("[긴급]") and "1234567890/7" in to_police[1].get_content()
