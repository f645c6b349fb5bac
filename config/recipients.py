"""The recipients file: who is asked to take material down, how, in which language, and by which rules.

``recipients.yaml`` (``JIKIMI_RECIPIENTS``) has four parts::

    requester:   who asks (organisation, contact, capacity, mandate): the statutory request's first block
    recipients:  each one who can be asked: an operator's abuse contact matched by host or platform,
                 Telegram, the regulator (KCSC), the victim support centre (d4u), the police — with a
                 channel (``email`` with an address, or ``manual``: a form a person submits), a language,
                 a re-send interval, an escalation and a rate limit
    rules:       which roles each kind of place goes to (``RoutingRules``; the defaults are the safe ones)
    case_categories: case code → legal category of its material (불법촬영물 / 허위영상물 / 아동·청소년성착취물)

This module holds the models and the checks that span fields (an e-mail recipient needs an address, an
escalation names a recipient that exists and never leads back to where it started). Reading the YAML and
naming the line and field of a mistake is ``config/recipients_loading.py``. ``config`` imports nothing of
``crawlers`` or ``monitor``: the platforms a match may name are listed here (``KNOWN_PLATFORMS``, checked
against the crawlers' registry by a test).
"""

from __future__ import annotations

import fnmatch
import re
from datetime import timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from config.durations import parse_duration
from config.errors import did_you_mean

RECIPIENT_ID = re.compile(r"^[a-z0-9_-]{1,64}$")
EMAIL_ADDRESS = re.compile(r"^[^@\s<>,;:\"']+@[^@\s<>,;:\"']+$")
HOST_PATTERN = re.compile(r"^[a-z0-9.*?\[\]!_-]+$")
KNOWN_PLATFORMS: tuple[str, ...] = ("telegram",)
"""Platforms a ``match: {platform: …}`` may name: ``crawlers.registry.PLATFORMS``' values (a web location's
platform is its host, matched with ``host:``)."""

DEFAULT_RESEND = timedelta(hours=24)
DEFAULT_ESCALATE_AFTER = timedelta(days=7)


class Capacity(StrEnum):
    """In which capacity the requester asks (the statutory request's 신고·삭제요청자 구분)."""

    VICTIM = "victim"
    SUPPORT_CENTRE = "support_centre"
    DESIGNATED_INSTITUTION = "designated_institution"


class Role(StrEnum):
    """What a recipient is, which decides what routing may send it."""

    OPERATOR = "operator"  # a site's operator: its abuse contact (public distribution only)
    PLATFORM = "platform"  # a platform such as Telegram (public distribution only)
    REGULATOR = "regulator"  # the Korea Communications Standards Commission (방송통신심의위원회, KCSC)
    SUPPORT_CENTRE = "support_centre"  # the victim support centre (디지털성범죄피해자지원센터, d4u)
    POLICE = "police"  # a cyber-crime report (ECRM)


AUTHORITIES: frozenset[Role] = frozenset({Role.REGULATOR, Role.SUPPORT_CENTRE, Role.POLICE})
"""The competent authorities: the only roles a card flagged "suspected minor" may ever reach."""

OPERATOR_ROLES: frozenset[Role] = frozenset({Role.OPERATOR, Role.PLATFORM})


class Channel(StrEnum):
    EMAIL = "email"  # sent by SMTP to ``address``
    MANUAL = "manual"  # a person submits the notice through ``form`` (a portal, an in-app report, a letter)


class Language(StrEnum):
    KO = "ko"
    EN = "en"


class Category(StrEnum):
    """The legal category of the material (불법촬영물등, 전기통신사업법 제2조 제13호의2 and 성폭력처벌법)."""

    ILLEGAL_FILMING = "illegal_filming"  # 불법촬영물
    DEEPFAKE = "deepfake"  # 허위영상물 (a synthetic or edited image)
    CHILD_EXPLOITATION = "child_exploitation"  # 아동·청소년성착취물


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
"""A duration as the watchlist writes it (``45s``, ``30m``, ``24h``, ``7d``; a bare number is seconds)."""


class Requester(BaseModel):
    """Who asks: printed at the head of every notice. ``mandate``: the consent or mandate reference
    (a victim's written request, the centre's designation) a recipient may ask to see."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organisation: str = Field(min_length=1)
    contact: str = Field(min_length=1)
    capacity: Capacity
    mandate: str = Field(min_length=1)


class Match(BaseModel):
    """Which locations a recipient is the operator of: a host pattern (``*.example.org``) or a platform."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str | None = None
    platform: str | None = None

    @field_validator("host")
    @classmethod
    def _host(cls, value: str | None) -> str | None:
        if value is None:
            return None
        pattern = value.strip().lower()
        if "://" in pattern or "/" in pattern:
            raise ValueError(f"{value!r} is a URL: write the host alone, e.g. 'forum.example' or '*.forum.example'")
        if not HOST_PATTERN.match(pattern):
            raise ValueError(f"{value!r} is not a host pattern (letters, digits, '.', '-', and '*' or '?')")
        return pattern

    def matches(self, host: str, platform: str) -> bool:
        """Whether a location on ``host`` on ``platform`` is this recipient's. ``*.example.org`` matches
        ``example.org`` and its subdomains: the operator of a site is asked about all of it."""
        if self.platform is not None:
            return platform == self.platform
        if self.host is None:
            return False
        host = host.lower().rstrip(".")
        return fnmatch.fnmatchcase(host, self.host) or (self.host.startswith("*.") and host == self.host[2:])

    def describe(self) -> str:
        return f"platform {self.platform}" if self.platform is not None else f"host {self.host}"


class Recipient(BaseModel):
    """One who can be asked. ``form`` (manual) says where and how a person submits the notice."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str = ""
    role: Role = Role.OPERATOR
    match: Match | None = None
    channel: Channel
    address: str | None = None
    form: str | None = None
    url: str | None = None
    language: Language = Language.KO
    resend: Duration = DEFAULT_RESEND
    escalate_after: Duration | None = None
    escalate_to: str | None = None
    rate_per_hour: int | None = Field(None, ge=1, description="Notices sent to this recipient per hour at most.")

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not RECIPIENT_ID.match(value):
            raise ValueError(f"{value!r} must be 1-64 characters of [a-z0-9_-]")
        return value

    @field_validator("address")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL_ADDRESS.match(value.strip()):
            raise ValueError(f"{value!r} is not an e-mail address")
        return None if value is None else value.strip()

    @property
    def display_name(self) -> str:
        return self.name or self.id


class PublicRule(BaseModel):
    """Publicly distributed material: the operator (or platform) of the place first; ``then`` (the
    regulator) once ``after`` has passed since the first notice and the material is still online, or at
    once when no operator contact matches the place."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    to: tuple[Role, ...] = Field(default=(Role.OPERATOR, Role.PLATFORM), min_length=1)
    then: tuple[Role, ...] = (Role.REGULATOR,)
    after: Duration = DEFAULT_ESCALATE_AFTER


class AuthorityRule(BaseModel):
    """A place that goes to authorities only: every recipient with one of these roles is asked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    to: tuple[Role, ...] = Field(min_length=1)


class RoutingRules(BaseModel):
    """Which roles each kind of place goes to. The defaults are the safe ones (DESIGN.md, "Takedown"):

    - ``public``: operator or platform, then the regulator (KCSC) after 7 days still online;
    - ``private``: a private room or invite-only group goes to the police only — an operator's legal duty
      covers public distribution, and telling a private group's operator may warn its members;
    - ``suspected_minor``: the competent authorities only (``AUTHORITIES``), never an operator; a file
      naming another role there is refused;
    - ``private_sources``: watchlist source ids whose places are private (a members-only forum);
    - ``default_category``: the category of a case that ``case_categories`` does not name.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    public: PublicRule = PublicRule()
    private: AuthorityRule = AuthorityRule(to=(Role.POLICE,))
    suspected_minor: AuthorityRule = AuthorityRule(to=(Role.POLICE, Role.REGULATOR, Role.SUPPORT_CENTRE))
    private_sources: tuple[str, ...] = ()
    default_category: Category = Category.DEEPFAKE

    @field_validator("suspected_minor")
    @classmethod
    def _authorities_only(cls, rule: AuthorityRule) -> AuthorityRule:
        others = [role.value for role in rule.to if role not in AUTHORITIES]
        if others:
            allowed = ", ".join(sorted(role.value for role in AUTHORITIES))
            raise ValueError(f"a suspected minor goes to the competent authorities only ({allowed}), never {others}")
        return rule


class RecipientsFile(BaseModel):
    """The whole file, validated. ``recipient(id)`` finds one; ``recipients`` keep the file's order, which
    is the order notices are planned in (every matching recipient of a rule's roles is asked)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    requester: Requester
    recipients: tuple[Recipient, ...] = Field(min_length=1)
    rules: RoutingRules = RoutingRules()
    case_categories: dict[str, Category] = Field(default_factory=dict)

    def recipient(self, recipient_id: str) -> Recipient:
        return next(r for r in self.recipients if r.id == recipient_id)

    def escalation_delay(self, recipient: Recipient) -> timedelta:
        return recipient.escalate_after or self.rules.public.after


Problem = tuple[tuple[int | str, ...], str]
"""Where in the file (a pydantic-style location) and what is wrong there."""


def check_recipients(document: RecipientsFile) -> list[Problem]:
    """What the field models cannot see alone: channels' needs, unique ids, escalations that exist and end."""
    problems: list[Problem] = []
    ids = [recipient.id for recipient in document.recipients]
    for index, recipient in enumerate(document.recipients):
        at = ("recipients", index)
        if ids.index(recipient.id) != index:
            problems.append(((*at, "id"), f"duplicate id {recipient.id!r} (ids must be unique)"))
        if recipient.channel is Channel.EMAIL and recipient.address is None:
            problems.append(((*at, "address"), "is missing: channel 'email' needs the address notices go to"))
        if recipient.channel is Channel.MANUAL and not (recipient.form or "").strip():
            problems.append(((*at, "form"), "is missing: channel 'manual' needs the form or portal to submit to"))
        if recipient.role in OPERATOR_ROLES and recipient.match is None:
            problems.append(((*at, "match"), f"is missing: say which host or platform this {recipient.role} runs"))
        problems += _check_match(at, recipient.match)
        if recipient.escalate_to is not None and recipient.escalate_to not in ids:
            hint = did_you_mean(recipient.escalate_to, ids)
            problems.append(((*at, "escalate_to"), f"no recipient has id {recipient.escalate_to!r}, {hint}"))
    return problems or _escalation_cycles(document)


def _check_match(at: tuple[int | str, ...], match: Match | None) -> list[Problem]:
    if match is None:
        return []
    if (match.host is None) == (match.platform is None):
        return [((*at, "match"), "give exactly one of 'host' (e.g. '*.forum.example') or 'platform' (e.g. telegram)")]
    if match.platform is not None and match.platform not in KNOWN_PLATFORMS:
        return [((*at, "match", "platform"), f"unknown platform {match.platform!r}, "
                 f"{did_you_mean(match.platform, KNOWN_PLATFORMS)} (a website is matched by host)")]  # fmt: skip
    return []


def _escalation_cycles(document: RecipientsFile) -> list[Problem]:
    """An escalation that leads back to a recipient already asked would never end: refused."""
    onward = {recipient.id: recipient.escalate_to for recipient in document.recipients}
    for index, recipient in enumerate(document.recipients):
        chain = [recipient.id]
        step = onward[recipient.id]
        while step is not None:
            chain.append(step)
            if step == recipient.id:
                where = ("recipients", index, "escalate_to")
                return [(where, "escalations go round in a circle: " + " → ".join(chain))]
            if chain.count(step) > 1:
                break  # a circle that does not pass through this recipient: reported from its own members
            step = onward.get(step)
    return []
