"""A notice a recipient can act on: every field of the statutory deletion request, in Korean and English,
times in KST beside UTC — and never the picture, the case code, the label or the distributor's free text."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config.recipients import Category, Language, RecipientsFile
from config.recipients_loading import load_recipients
from crawlers.sighting import Distributor, ForwardedFrom
from monitor.takedown.content import notice_document, notice_reference, render_email
from monitor.takedown.records import PlannedNotice
from monitor.takedown.routing import plan_notices
from tests.monitor.takedown.test_routing import FORUM, MEDIA, NOW, RECIPIENTS, card_facts, place

LABEL_AS_NAME = "Kim Jiyoung 3"
CASE_AS_NAME = "case-kim-jiyoung"
CHANNEL = place(
    "https://t.me/leaks_channel/12", kind="telegram_web", packet="packet-tg",
    distributor=Distributor(
        channel_id="-1001234567890", channel_username="leaks_channel", channel_title="Jiyoung leaked",
        message_id=12, sender_username="poster_01", sender_name="Kim Jiyoung fan", author_signature="Jiyoung",
        text="Kim Jiyoung photos", forwarded_from=ForwardedFrom(peer_id="-1009876", name="Jiyoung archive"),
        posted_at=datetime(2026, 11, 29, 12, tzinfo=UTC),
    ),
)  # fmt: skip

STATUTORY_KO = ["신고·삭제요청인", "기관명", "연락처", "요청인 구분", "위임·동의 근거", "유형", "불법성", "유통 위치",
                "플랫폼", "게시 시각", "최초 확인", "탐지 방법", "선의의 진술", "증거 참조"]  # fmt: skip
STATUTORY_EN = ["Requester", "Organisation", "Contact", "Capacity", "Mandate or consent reference", "Category",
                "Why it is unlawful", "Locations", "platform", "posted", "first seen", "How it was found",
                "Good-faith statement", "evidence"]  # fmt: skip


@pytest.fixture
def recipients(tmp_path: Path) -> RecipientsFile:
    path = tmp_path / "recipients.yaml"
    path.write_text(RECIPIENTS, encoding="utf-8")
    return load_recipients(path)


def telegram_notice(recipients: RecipientsFile, **flags: object) -> PlannedNotice:
    facts = card_facts(CHANNEL, case=CASE_AS_NAME, **flags)
    facts = replace(facts, card=replace(facts.card, label=LABEL_AS_NAME))
    notices = plan_notices([facts], recipients, now=NOW).notices
    return notices[0]


@pytest.mark.parametrize(("language", "fields"), [(Language.KO, STATUTORY_KO), (Language.EN, STATUTORY_EN)])
def test_the_email_holds_every_field_of_the_statutory_request(
    recipients: RecipientsFile, language: Language, fields: list[str]
) -> None:
    email = render_email(telegram_notice(recipients), recipients, created_at=NOW, language=language)
    missing = [field for field in fields if field not in email.body]
    assert missing == [], email.body
    requester = recipients.requester
    for value in (requester.organisation, requester.contact, requester.mandate, "https://t.me/leaks_channel/12",
                  "@leaks_channel", "-1001234567890", "12", "@poster_01", "-1009876", "packet-tg", MEDIA):  # fmt: skip
        assert value in email.body, value
    assert ("허위영상물" if language is Language.KO else "deepfake") in email.subject
    assert "JKM-" in email.subject and "\n" not in email.subject


def test_post_time_and_first_seen_are_shown_in_kst_beside_utc(recipients: RecipientsFile) -> None:
    korean = render_email(telegram_notice(recipients), recipients, created_at=NOW, language=Language.KO).body
    assert "게시 시각: 2026-11-29 21:00:00 KST (2026-11-29T12:00:00Z)" in korean
    assert "최초 확인: 2026-11-30 21:00:00 KST (2026-11-30T12:00:00Z)" in korean  # seen_at = NOW - 2 days
    english = render_email(telegram_notice(recipients), recipients, created_at=NOW, language=Language.EN).body
    assert "posted: 2026-11-29 21:00:00 KST (2026-11-29T12:00:00Z)" in english


def test_the_notice_says_why_it_is_unlawful_that_a_person_confirmed_it_and_that_it_is_in_good_faith(
    recipients: RecipientsFile,
) -> None:
    korean = render_email(telegram_notice(recipients), recipients, created_at=NOW, language=Language.KO).body
    assert "제14조의2" in korean and "전기통신사업법" in korean  # a platform is told its own duty
    assert "자동 대조로 탐지" in korean and "직접 확인" in korean and "선의로 믿습니다" in korean
    english = render_email(telegram_notice(recipients), recipients, created_at=NOW, language=Language.EN).body
    assert "Article 14-2" in english and "confirmed by a person" in english and "in good faith" in english


def test_neither_the_case_code_nor_the_label_nor_the_distributors_free_text_is_printed(
    recipients: RecipientsFile,
) -> None:
    notice = telegram_notice(recipients)
    texts = [json.dumps(notice_document(notice, recipients, created_at=NOW), ensure_ascii=False)]
    for language in Language:
        email = render_email(notice, recipients, created_at=NOW, language=language)
        texts += [email.subject, email.body]
    for text in texts:
        assert "Jiyoung" not in text and "jiyoung" not in text and "Kim" not in text, text


def test_the_notice_carries_no_media_only_its_sha256(recipients: RecipientsFile) -> None:
    document = notice_document(telegram_notice(recipients), recipients, created_at=NOW)
    encoded = json.dumps(document)
    assert MEDIA in encoded and "base64" not in encoded and "data:" not in encoded
    assert len(encoded) < 8000  # sentences and identifiers, no picture
    assert document["locations"][0]["media_urls"] == []  # a Telegram post is named by its link alone


def test_the_json_form_has_the_same_fields_as_the_email(recipients: RecipientsFile) -> None:
    document = notice_document(telegram_notice(recipients), recipients, created_at=NOW, language=Language.EN)
    assert set(document) >= {"reference", "requester", "category", "unlawful", "good_faith", "detection", "locations"}
    assert document["requester"]["capacity"] == "support_centre" and document["requester"]["mandate"] == "MANDATE-1"
    assert document["category"] == {
        "code": "deepfake", "text": "sexually explicit deepfake (허위영상물)", "statutory": "허위영상물",
        "source": "default",
    }  # fmt: skip
    (location,) = document["locations"]
    assert location["posted_at"] == {"kst": "2026-11-29 21:00:00 KST", "utc": "2026-11-29T12:00:00Z"}
    assert location["evidence"] == [{"packet_id": "packet-tg", "media_sha256": MEDIA}]
    assert location["identifiers"]["channel_username"] == "@leaks_channel"


def test_a_suspected_minors_notice_is_marked_urgent_as_child_exploitation_material(
    recipients: RecipientsFile,
) -> None:
    notice = telegram_notice(recipients, suspected_minor=True)
    assert notice.category is Category.CHILD_EXPLOITATION
    email = render_email(notice, recipients, created_at=NOW, language=Language.KO)
    assert email.subject.startswith("[긴급]") and "아동·청소년성착취물" in email.subject
    assert "청소년의 성보호에 관한 법률" in email.body and "전기통신사업법" not in email.body  # an authority


def test_a_line_break_in_a_crawled_identifier_cannot_forge_a_line_of_the_notice(recipients: RecipientsFile) -> None:
    forged = replace(CHANNEL, distributor=replace(CHANNEL.distributor or Distributor(),
                                                  sender_username="x\nGood-faith statement: void"))  # fmt: skip
    notice = plan_notices([card_facts(forged)], recipients, now=NOW).notices[0]
    body = render_email(notice, recipients, created_at=NOW, language=Language.EN).body
    assert "\nGood-faith statement: void" not in body and "x\\nGood-faith statement: void" in body


def test_a_notice_batches_its_locations_and_keeps_its_reference_whatever_their_order(
    recipients: RecipientsFile,
) -> None:
    second = replace(FORUM, location=replace(FORUM.location, location="https://forum.example/t/2"))
    one = plan_notices([card_facts(FORUM), card_facts(second)], recipients, now=NOW).notices[0]
    other = plan_notices([card_facts(second), card_facts(FORUM)], recipients, now=NOW).notices[0]
    assert notice_reference(one) == notice_reference(other)
    body = render_email(one, recipients, created_at=NOW, language=Language.KO).body
    assert "유통 위치 (2건)" in body and "[1] https://www.forum.example/thread/1" in body
    assert "파일 주소: https://www.forum.example/thread/1/m.jpg" in body  # a web page's media file, to delete
