"""What a notice says: one document per planned notice, as JSON and as e-mail text in Korean or English.

The document holds the fields of the statutory deletion request (불법촬영물등 유통 신고·삭제요청서):
the requester with capacity and mandate, the category, every location with its platform, channel and poster
identifiers, post time and first seen (KST beside UTC), why it is unlawful, the good-faith statement, that
detection was automated and confirmed by a person, and the evidence references (packet id and the media's
SHA-256). The e-mail text is rendered from the same document (``templates/``), so the two never disagree.

What it never holds, by construction:

- **the picture** — nothing here reads media or packets: a location is named by its URL, its media by its
  SHA-256;
- **the victim's name** — neither the card's case code nor its label is printed. Both are typed by people
  at intake, and a label such as "Jiyoung 3" is a name; the recipient needs neither (the packet ids lead
  back to the case for the requester). Free text the distributor wrote — channel titles, display names,
  author signatures, the post's text — is left out too, since it may carry the victim's name; the link and
  the platform's ids identify the place.

Text from a crawled place (URLs, usernames) is passed through ``config.untrusted_text.visible`` so that a
line break or a control character in it cannot forge a line of the notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import jinja2

from config.recipients import OPERATOR_ROLES, Language, Recipient, RecipientsFile
from config.untrusted_text import visible
from crawlers.sighting import Distributor
from monitor.records import stable_id
from monitor.takedown import wording
from monitor.takedown.records import PlannedLocation, PlannedNotice, Rule

KST = timezone(timedelta(hours=9), "KST")
"""Korea Standard Time: UTC+9 all year (no daylight saving since 1988), so no time-zone database is needed."""

TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("monitor.takedown", "templates"), autoescape=False, undefined=jinja2.StrictUndefined,
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class EmailText:
    """A notice as an e-mail: one subject line and a plain-text body."""

    subject: str
    body: str


def notice_reference(notice: PlannedNotice) -> str:
    """``JKM-…``: the same notice (recipient, rule, category, locations) has the same reference every time."""
    urls = sorted(location.url for location in notice.locations)
    return "JKM-" + stable_id(notice.recipient, notice.rule, notice.category, *urls, length=12).upper()


def moment(value: datetime | None) -> dict[str, str] | None:
    """A time as the notice shows it: KST beside UTC (``2026-11-30 21:00:00 KST``, ``2026-11-30T12:00:00Z``)."""
    if value is None:
        return None
    return {
        "kst": value.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S KST"),
        "utc": value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def identifiers(distributor: Distributor | None) -> dict[str, str]:
    """The platform's ids of the channel, the post and the poster (no titles, names or text: see above)."""
    if distributor is None:
        return {}
    forwarded = distributor.forwarded_from
    found = {
        "channel_username": f"@{distributor.channel_username}" if distributor.channel_username else None,
        "channel_id": distributor.channel_id,
        "message_id": distributor.message_id,
        "grouped_id": distributor.grouped_id,
        "sender_username": f"@{distributor.sender_username}" if distributor.sender_username else None,
        "sender_id": distributor.sender_id,
        "forwarded_from": (forwarded.link or forwarded.peer_id) if forwarded else None,
    }
    return {key: visible(str(value)) for key, value in found.items() if value is not None}


def _location(location: PlannedLocation, number: int) -> dict[str, Any]:
    return {
        "number": number,
        "url": visible(location.url),
        "platform": visible(location.platform),
        "public": location.public,
        "identifiers": identifiers(location.distributor),
        "posted_at": moment(location.posted_at),
        "first_seen": moment(location.first_seen),
        "media_urls": [visible(url) for url in location.media_urls],
        "evidence": [{"packet_id": e.packet_id, "media_sha256": e.media_sha256} for e in location.evidence],
    }


def notice_document(
    notice: PlannedNotice, recipients: RecipientsFile, *, created_at: datetime, language: Language | None = None
) -> dict[str, Any]:
    """The notice as JSON: every statutory field, in ``language`` (default: the recipient's)."""
    recipient = recipients.recipient(notice.recipient)
    lang = Language(language or recipient.language)
    requester = recipients.requester
    return {
        "reference": notice_reference(notice),
        "language": lang.value,
        "created_at": moment(created_at),
        "urgent": notice.first,
        "recipient": _recipient(recipient),
        "rule": notice.rule.value,
        "requester": {
            "organisation": requester.organisation, "contact": requester.contact,
            "capacity": requester.capacity.value, "capacity_text": wording.CAPACITY[lang][requester.capacity],
            "mandate": requester.mandate,
        },
        "category": {
            "code": notice.category.value, "text": wording.CATEGORY[lang][notice.category],
            "statutory": wording.CATEGORY[Language.KO][notice.category], "source": notice.category_source.value,
        },
        "request": wording.ACTION[lang][recipient.role],
        "still_online": wording.STILL_ONLINE[lang] if notice.rule is Rule.ESCALATION else None,
        "unlawful": " ".join(
            [wording.UNLAWFUL[lang][notice.category]]
            + ([wording.OPERATOR_DUTY[lang]] if recipient.role in OPERATOR_ROLES else [])
        ),
        "good_faith": wording.GOOD_FAITH[lang],
        "detection": wording.DETECTION[lang],
        "privacy": wording.PRIVACY[lang],
        "locations": [_location(location, number) for number, location in enumerate(notice.locations, 1)],
    }  # fmt: skip


def _recipient(recipient: Recipient) -> dict[str, Any]:
    return {
        "id": recipient.id, "name": recipient.display_name, "role": recipient.role.value,
        "channel": recipient.channel.value, "address": recipient.address, "form": recipient.form,
        "url": recipient.url,
    }  # fmt: skip


def render_email(
    notice: PlannedNotice, recipients: RecipientsFile, *, created_at: datetime, language: Language | None = None
) -> EmailText:
    """The notice as an e-mail in ``language`` (default: the recipient's), rendered from ``notice_document``."""
    document = notice_document(notice, recipients, created_at=created_at, language=language)
    labels = wording.IDENTIFIER[Language(document["language"])]
    values = {"notice": document, "labels": labels}
    subject = TEMPLATES.get_template(f"subject.{document['language']}.j2").render(values)
    body = TEMPLATES.get_template(f"body.{document['language']}.j2").render(values)
    return EmailText(" ".join(subject.split()), body)
