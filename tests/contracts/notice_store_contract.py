"""The contract of ``NoticeStore`` and ``CardFlagStore``: a notice is kept once, changes only by
compare-and-set, is found by state; a card's flags are replaced and read for a list of cards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.store.base import CardFlagStore, NoticeStore
from monitor.store.notice_records import (
    CardFlags,
    NoticeAttempt,
    NoticePlace,
    NoticeRecord,
    NoticeState,
    notice_record_id,
)

CREATED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def make_notice(url: str = "http://127.0.0.1/1", created: datetime = CREATED) -> NoticeRecord:
    return NoticeRecord(
        id=notice_record_id("host-abuse", "public", "deepfake", (url,), 0), recipient="host-abuse", rule="public",
        category="deepfake", reason="a public web page", language="ko", channel="email",
        places=(NoticePlace(url, ("packet-1",), ("card-1",)),), created_at=created,
    )  # fmt: skip


class NoticeStoreContract:
    async def test_a_notice_is_kept_once_and_read_back_whole(self, store: NoticeStore) -> None:
        notice = make_notice()
        assert await store.get_notice(notice.id) is None
        assert await store.put_notice(notice)
        assert not await store.put_notice(notice.changed(reason="another"))  # the first write wins
        assert await store.get_notice(notice.id) == notice

    async def test_a_notice_changes_only_from_the_revision_its_writer_read(self, store: NoticeStore) -> None:
        notice = make_notice()
        await store.put_notice(notice)
        sending = notice.changed(state=NoticeState.SENDING, sending_since=CREATED)
        assert await store.update_notice(sending)
        assert not await store.update_notice(notice.changed(state=NoticeState.STOPPED))  # a stale revision
        sent = sending.changed(
            state=NoticeState.SENT, sent=(CREATED + timedelta(seconds=1),), attempts=(NoticeAttempt(CREATED),)
        )
        assert await store.update_notice(sent)
        assert await store.get_notice(notice.id) == sent

    async def test_notices_are_listed_oldest_first_and_by_state(self, store: NoticeStore) -> None:
        late, early = make_notice("http://127.0.0.1/2", CREATED + timedelta(hours=1)), make_notice()
        await store.put_notice(late)
        await store.put_notice(early)
        await store.update_notice(late.changed(state=NoticeState.STOPPED, stopped_reason="gone"))
        assert [n.id for n in await store.notices()] == [early.id, late.id]
        assert [n.id for n in await store.notices([NoticeState.QUEUED])] == [early.id]
        assert [n.state for n in await store.notices([NoticeState.STOPPED, NoticeState.SENT])] == ["stopped"]

    async def test_card_flags_are_replaced_and_read_for_a_list_of_cards(self, store: CardFlagStore) -> None:
        assert await store.card_flags(["card-1"]) == {}
        await store.set_card_flags(CardFlags("card-1", False, "deepfake", "vera", CREATED))
        flagged = CardFlags("card-1", True, "child_exploitation", "ian", CREATED + timedelta(minutes=5))
        await store.set_card_flags(flagged)
        await store.set_card_flags(CardFlags("card-2", False, "", "ian", CREATED))
        found = await store.card_flags(["card-1", "card-2", "card-3"])
        assert found == {"card-1": flagged, "card-2": CardFlags("card-2", False, "", "ian", CREATED)}

    def test_a_category_outside_the_three_statutory_ones_is_refused(self) -> None:
        with pytest.raises(ValueError, match="category must be one of"):
            CardFlags("card-1", False, "revenge", "vera", CREATED)
