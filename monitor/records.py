"""What the store keeps besides Sightings: blocklist items and their entries, hits, evidence packets, crawl
runs, reviewers, and the states they move through.

Every record has a deterministic id derived from what makes it unique, so every write is an idempotent
upsert: a repeated crawl, import or redelivered job never duplicates anything.

States are ``StrEnum``s, defined here once: their values are what the store keeps and what the review UI
translates (``status_<value>``), so an old data directory reads back the same states.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from crawlers.registry import platform_of
from crawlers.sighting import CrawlProblem, Distributor, utc_now


def stable_id(*parts: str, length: int = 32) -> str:
    """A short hex id that is the same for the same parts, in any process, on any machine."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


@dataclass(frozen=True, slots=True)
class BlocklistEntry:
    """One hash of a picture (or video) to find. No image is ever stored for an entry: only its hash.

    ``case`` is a pseudonymous case reference (never a victim's name); ``origin`` says where the hash
    came from (victim intake, a shared list such as StopNCII, an investigator).
    """

    hash_type: str
    value: str
    case: str
    label: str = ""
    origin: str = "import"
    added_at: datetime = field(default_factory=utc_now)
    variant: str = ""  # e.g. "centre crop 5%": an extra hash of the picture, made on the victim's side
    item_id: str = ""  # the picture it is a signal of (``BlocklistItem``); empty: an item of its own

    def __post_init__(self) -> None:
        if not self.item_id:  # a row that names no item is an item of its own, the same id every time
            object.__setattr__(self, "item_id", own_item_id(self.id))

    @property
    def id(self) -> str:
        return stable_id(self.hash_type, self.value, self.case, length=24)


def own_item_id(entry_id: str) -> str:
    """The item of an entry that names none (an imported row without ``item``): itself alone."""
    return stable_id("item", entry_id)


def picture_item_id(case: str, sha256: str) -> str:
    """The item of one victim picture (``add-images``): adding the same picture again finds the same item."""
    return stable_id("item", case, "picture", sha256)


def named_item_id(case: str, name: str) -> str:
    """The item an imported list names in its ``item`` column: rows of one case with the same name are one item."""
    return stable_id("item", case, "named", name)


class ItemState(StrEnum):
    """Whether an item is looked for. Withdrawing an item withdraws every entry (signal) of it at once."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class BlocklistItem:
    """One victim picture (or video): what a reviewer decides about, whatever number of hashes find it.

    Its entries (``BlocklistEntry.item_id``) are its signals: SHA-256, MD5, PDQ, pHash, the crops made on the
    victim's side, a video's frames. An item is never deleted: withdrawn (the victim asked, the hash was
    wrong), its entries are no longer matched and the hits already recorded stay as evidence.
    """

    id: str
    case: str
    label: str = ""
    origin: str = "import"
    added_at: datetime = field(default_factory=utc_now)
    state: ItemState = ItemState.ACTIVE
    withdrawn_at: datetime | None = None

    @classmethod
    def of(cls, entry: BlocklistEntry) -> BlocklistItem:
        """The item an entry names, described by that entry (the first entry stored of an item describes it)."""
        return cls(entry.item_id, entry.case, entry.label, entry.origin, entry.added_at)


def items_of(entries: Sequence[BlocklistEntry]) -> list[BlocklistItem]:
    """One item per distinct ``item_id``, in the order first named."""
    found: dict[str, BlocklistItem] = {}
    for entry in entries:
        found.setdefault(entry.item_id, BlocklistItem.of(entry))
    return list(found.values())


class HitStatus(StrEnum):
    """Where a hit is in review (``monitor/decisions.py`` turns decisions into one of these)."""

    PENDING = "pending"
    CONFIRMED_ONCE = "confirmed-once"  # confirmed by one reviewer, awaiting a second (four-eyes review)
    CONFIRMED = "confirmed"  # may be exported and is re-checked for removal
    REJECTED = "rejected"
    ESCALATED = "escalated"


class Verdict(StrEnum):
    """What one reviewer decides about one hit."""

    CONFIRM = "confirm"
    REJECT = "reject"
    ESCALATE = "escalate"


class Role(StrEnum):
    """A review account's role: what it may do is ``monitor/review/security.py``'s ``PERMISSIONS``."""

    VOLUNTEER = "volunteer"
    INVESTIGATOR = "investigator"
    ADMIN = "admin"


class RunStatus(StrEnum):
    """How a crawl run ended (``running`` while it runs). The ones a source can be unavailable with are
    ``crawlers.errors.SourceUnavailable``'s statuses, under the same values."""

    RUNNING = "running"
    OK = "ok"
    STOPPED = "stopped"  # a graceful shutdown; resumes from its watermark
    INTERRUPTED = "interrupted"  # found unfinished after a crash
    RATE_LIMITED = "rate-limited"  # the platform asked to wait until ``RunRecord.retry_at``
    UNREACHABLE = "unreachable"
    PRIVATE = "private"
    NOT_FOUND = "not-found"
    BANNED = "banned"
    MARKUP_UNRECOGNISED = "markup-unrecognised"
    FAILED = "failed"

    @property
    def is_failure(self) -> bool:
        """Counts towards back-off and "failed in a row" (a run still going or stopped on purpose does not)."""
        return self not in (RunStatus.RUNNING, RunStatus.OK, RunStatus.STOPPED)


class ProblemKind(StrEnum):
    """A page that could not be fetched or read, one media item that could not, or a matched item whose
    evidence is incomplete or tells of an attack (no screenshot, a page that tried to navigate away)."""

    PAGE = "page"
    MEDIA = "media"
    EVIDENCE = "evidence"


@dataclass(frozen=True, slots=True)
class RunProblem:
    """One thing a run could not handle, kept on its record: the crawl went on without it."""

    kind: ProblemKind
    location: str
    reason: str
    media_url: str | None = None
    at: datetime = field(default_factory=utc_now)

    @classmethod
    def of(cls, problem: CrawlProblem) -> RunProblem:
        kind = ProblemKind.MEDIA if problem.media_url else ProblemKind.PAGE
        return cls(kind, problem.location, problem.reason, problem.media_url, problem.at)


def channel_of(distributor: Distributor, location: str, source_kind: str) -> str:
    """The channel a sighting was distributed by, as the review queue filters on it: on Telegram
    ``@username`` when the channel has one, else its id, else its title; on the web, the page's host.

    Why the username first? It is what a reviewer and a takedown notice name the channel by; a channel
    without one (private, or its username unknown to a t.me preview) is still one channel by its id."""
    if platform_of(location, source_kind) != "telegram":
        return urlsplit(location).hostname or ""
    if distributor.channel_username:
        return "@" + distributor.channel_username.lstrip("@")
    return distributor.channel_id or distributor.channel_title or telegram_channel_in(location)


def telegram_channel_in(location: str) -> str:
    """The channel a ``t.me`` post link names, for a post whose distributor is not known (a hit stored without
    its sighting): ``https://t.me/<username>/<id>`` (or ``/s/<username>/…``) → ``@username``;
    ``https://t.me/c/<id>/<message>`` (a private channel's link) → ``<id>``."""
    parts = [part for part in urlsplit(location).path.split("/") if part]
    if parts[:1] == ["s"]:
        parts = parts[1:]
    if parts[:1] == ["c"] and len(parts) > 1:
        return parts[1]
    return "@" + parts[0] if parts else ""


@dataclass(frozen=True, slots=True)
class HitRecord:
    """A sighting that matched a blocklist entry, with what a reviewer needs without opening the packet."""

    sighting_id: str
    entry_id: str
    hash_type: str
    case: str
    label: str
    distance: int
    matched_value: str  # what matched on the media's side: the probe (its value or a variant), or "frames k/n"
    source_id: str
    location: str
    media_url: str
    media_sha256: str
    posted_at: datetime | None
    seen_at: datetime
    packet_id: str | None = None
    status: HitStatus = HitStatus.PENDING
    created_at: datetime = field(default_factory=utc_now)
    uid: str = field(default_factory=lambda: str(uuid.uuid4()))  # the random id the review UI shows in URLs
    source_kind: str = ""  # web, telegram, telegram_web (empty for hits stored before it was recorded)
    item_id: str = ""  # the blocklist item (victim picture) of the entry; filled in for hits stored before items
    entry_value: str = ""  # the blocklist entry's own hash (``matched_value`` is the media's side: the probe)
    channel: str = ""  # the distributor as observed (``channel_of``); filled in for hits stored before it

    @property
    def custody_chain(self) -> str:
        """A hit's custody events go to its packet's chain; a hit without a packet keeps its own."""
        return self.packet_id or f"hit-{self.id}"

    @property
    def platform(self) -> str:
        return platform_of(self.location, self.source_kind)

    @property
    def id(self) -> str:
        return stable_id(self.sighting_id, self.entry_id)


@dataclass(frozen=True, slots=True)
class PacketRecord:
    """An evidence packet on disk (``path`` relative to the data directory) and its manifest's digest."""

    id: str
    sighting_id: str
    path: str
    manifest_sha256: str
    created_at: datetime = field(default_factory=utc_now)


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One crawl of one source: when, how it ended, its counters and the problems met on the way."""

    id: str
    source_id: str
    started_at: datetime
    finished_at: datetime | None = None
    status: RunStatus = RunStatus.RUNNING
    counters: dict[str, int] = field(default_factory=dict)
    problems: tuple[RunProblem, ...] = ()
    error: str | None = None
    retry_at: datetime | None = None  # rate-limited: not before this time (UTC), as the platform asked
    runner: str = ""  # host:pid of the process running it, to tell a crashed run from another daemon's


@dataclass(frozen=True, slots=True)
class PerceptualRow:
    """What retro-matching scans of one stored media file, by signal name (``monitor/signals/kept.py``).

    ``hashes``: each signal's kept values, the media's own first (a picture signal's second value is the
    left-right mirror). ``qualities``: the quality of each signal that reports one (PDQ).
    """

    sha256: str
    hashes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    qualities: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A review UI account. Only an argon2 hash of the password is kept; there is no default account.

    ``created_by`` is the admin who made it in the review UI (empty: the server's operator, ``jikimi users
    add``). An account that may reveal or approve, made in the UI, waits (``awaiting_approval``) until a
    second admin approves it (``approved_by``, ``approved_at``): ``monitor/review/account_approval.py``.
    """

    name: str
    role: Role
    password_hash: str
    created_at: datetime = field(default_factory=utc_now)
    disabled: bool = False
    created_by: str = ""
    awaiting_approval: bool = False
    approved_by: str = ""
    approved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReviewSession:
    """One login to the review UI as the server remembers it, so that logging out ends it everywhere.

    ``id`` is the SHA-256 of the secret the (sealed) cookie carries: the store never holds a usable
    session. A session ends at logout (``ended_at``), after its absolute lifetime, or when idle.
    """

    id: str
    user: str
    started_at: datetime
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """One reviewer's verdict on one hit. Decisions are only ever added; the hit's status follows them."""

    hit_id: str
    reviewer: str
    verdict: Verdict
    comment: str = ""
    at: datetime = field(default_factory=utc_now)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
