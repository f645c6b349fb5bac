"""The recipients file: the contract's minimal file loads, the bundled example loads, and every mistake is
named by its line and field, with a "did you mean" where a name was misspelt."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from config.errors import ConfigError
from config.recipients import AUTHORITIES, KNOWN_PLATFORMS, Capacity, Channel, Language, Match, Role
from config.recipients_loading import load_recipients
from crawlers.registry import PLATFORMS

ROOT = Path(__file__).resolve().parents[2]

CONTRACT = """\
requester: {organisation: "Example Monitoring Group", contact: "group@example.org", capacity: support_centre, mandate: "MANDATE-1"}
recipients:
  - id: host-abuse
    match: {host: "127.0.0.1"}
    channel: email
    address: abuse@example.org
    language: ko
    resend: 2s          # any duration the watchlist accepts, seconds included
"""  # noqa: E501 - the issue's contract, verbatim

REQUESTER = 'requester: {organisation: "G", contact: "g@example.org", capacity: victim, mandate: "M-1"}\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "recipients.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def refusal(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as raised:
        load_recipients(write(tmp_path, text))
    assert raised.value.exit_code == 2
    return str(raised.value)


def test_the_contracts_minimal_file_loads_with_its_two_second_resend(tmp_path: Path) -> None:
    recipients = load_recipients(write(tmp_path, CONTRACT))
    assert recipients.requester.capacity is Capacity.SUPPORT_CENTRE and recipients.requester.mandate == "MANDATE-1"
    (host,) = recipients.recipients
    assert host.id == "host-abuse" and host.role is Role.OPERATOR  # an unnamed role is an operator's
    assert host.channel is Channel.EMAIL and host.address == "abuse@example.org" and host.language is Language.KO
    assert host.resend == timedelta(seconds=2)
    assert host.match is not None and host.match.matches("127.0.0.1", "127.0.0.1")
    assert set(recipients.rules.suspected_minor.to) == AUTHORITIES  # the safe defaults apply
    assert recipients.rules.private.to == (Role.POLICE,)


def test_the_bundled_example_loads_and_covers_every_kind_of_recipient_the_issue_names() -> None:
    recipients = load_recipients(ROOT / "recipients.example.yaml")
    roles = {recipient.role for recipient in recipients.recipients}
    assert roles == set(Role)
    telegram = [r for r in recipients.recipients if r.match is not None and r.match.platform == "telegram"]
    assert {r.channel for r in telegram} == {Channel.EMAIL, Channel.MANUAL}
    assert any(r.address == "abuse@telegram.org" for r in telegram)
    assert all(r.form for r in recipients.recipients if r.channel is Channel.MANUAL)
    assert "CHECK EVERY CONTACT" in (ROOT / "recipients.example.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            CONTRACT.replace("    address:", "    adress:"),
            ["line 6", "recipient 'host-abuse'", "field 'adress'", "did you mean 'address'?"],
            id="misspelt-key",
        ),
        pytest.param(
            CONTRACT.replace("capacity: support_centre", "capacity: support_center"),
            ["line 1", "requester", "field 'capacity'", "did you mean 'support_centre'?"],
            id="misspelt-choice",
        ),
        pytest.param(
            CONTRACT.replace("resend: 2s", "resend: 2x"),
            ["line 8", "field 'resend'", "'2x' is not a duration"],
            id="bad-duration",
        ),
        pytest.param(
            CONTRACT.replace("    address: abuse@example.org\n", ""),
            ["line 3", "recipient 'host-abuse'", "field 'address' is missing", "channel 'email'"],
            id="email-without-address",
        ),
        pytest.param(
            CONTRACT.replace("channel: email", "channel: manual"),
            ["line 3", "field 'form' is missing"],
            id="manual-without-form",
        ),
        pytest.param(
            CONTRACT.replace('match: {host: "127.0.0.1"}', "match: {platform: telgram}"),
            ["line 4", "field 'match.platform'", "did you mean 'telegram'?"],
            id="misspelt-platform",
        ),
        pytest.param(
            CONTRACT.replace('match: {host: "127.0.0.1"}', 'match: {host: "https://forum.example/"}'),
            ["line 4", "field 'match.host'", "write the host alone"],
            id="url-as-host",
        ),
        pytest.param(
            CONTRACT.replace('    match: {host: "127.0.0.1"}\n', ""),
            ["line 3", "field 'match' is missing", "operator"],
            id="operator-without-match",
        ),
        pytest.param(
            CONTRACT + "  - id: host-abuse\n    role: police\n    channel: manual\n    form: ECRM\n",
            ["line 9", "field 'id'", "duplicate id 'host-abuse'"],
            id="duplicate-id",
        ),
        pytest.param(
            CONTRACT + "    escalate_to: kcs\n  - id: kcsc\n    role: regulator\n    channel: manual\n    form: x\n",
            ["line 9", "field 'escalate_to'", "no recipient has id 'kcs'", "did you mean 'kcsc'?"],
            id="unknown-escalation",
        ),
        pytest.param(
            CONTRACT + "rules:\n  suspected_minor: {to: [police, operator]}\n",
            ["line 10", "field 'suspected_minor'", "competent authorities only", "operator"],
            id="minor-to-an-operator",
        ),
        pytest.param(
            CONTRACT + "rulez: {}\n",
            ["line 9", "field 'rulez'", "did you mean 'rules'?"],
            id="misspelt-section",
        ),
        pytest.param(
            CONTRACT.replace("    language: ko\n", "    language: ko\n    language: en\n"),
            ["line 8", "not valid YAML", "'language' is given twice (lines 7 and 8)"],
            id="key-given-twice",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_the_line_and_the_field(tmp_path: Path, text: str, expected: list[str]) -> None:
    message = refusal(tmp_path, text)
    for part in expected:
        assert part in message, message


def test_an_escalation_circle_is_refused_naming_its_members(tmp_path: Path) -> None:
    text = REQUESTER + (
        "recipients:\n"
        "  - {id: kcsc, role: regulator, channel: manual, form: x, escalate_to: police}\n"
        "  - {id: police, role: police, channel: manual, form: y, escalate_to: d4u}\n"
        "  - {id: d4u, role: support_centre, channel: manual, form: z, escalate_to: kcsc}\n"
    )
    message = refusal(tmp_path, text)
    assert "line 3" in message and "recipient 'kcsc': field 'escalate_to'" in message
    assert "kcsc → police → d4u → kcsc" in message


def test_an_escalation_to_itself_is_a_circle(tmp_path: Path) -> None:
    text = REQUESTER + "recipients:\n  - {id: kcsc, role: regulator, channel: manual, form: x, escalate_to: kcsc}\n"
    assert "kcsc → kcsc" in refusal(tmp_path, text)


def test_an_escalation_chain_that_ends_is_accepted(tmp_path: Path) -> None:
    text = CONTRACT + "    escalate_to: kcsc\n    escalate_after: 3d\n"
    text += "  - {id: kcsc, role: regulator, channel: manual, form: x, escalate_to: police}\n"
    text += "  - {id: police, role: police, channel: manual, form: y}\n"
    recipients = load_recipients(write(tmp_path, text))
    host = recipients.recipient("host-abuse")
    assert host.escalate_to == "kcsc" and recipients.escalation_delay(host) == timedelta(days=3)
    assert recipients.escalation_delay(recipients.recipient("kcsc")) == timedelta(days=7)  # the public rule's


def test_several_mistakes_are_listed_together_in_the_order_of_the_file(tmp_path: Path) -> None:
    text = CONTRACT.replace("capacity: support_centre", "capacity: nobody").replace("resend: 2s", "resend: never")
    lines = refusal(tmp_path, text).splitlines()
    assert len(lines) == 2 and "line 1" in lines[0] and "line 8" in lines[1]


def test_a_missing_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_recipients(tmp_path / "recipients.yaml")
    message = str(raised.value)
    assert "no recipients file" in message and "recipients.example.yaml" in message and "JIKIMI_RECIPIENTS" in message
    assert raised.value.exit_code == 2


def test_a_file_that_is_not_yaml_names_the_line_where_the_parser_stopped(tmp_path: Path) -> None:
    message = refusal(tmp_path, CONTRACT.replace("  - id: host-abuse", "  - id: [host-abuse"))
    assert "line 4: not valid YAML" in message, message


def test_a_host_pattern_with_a_star_covers_the_domain_and_its_subdomains() -> None:
    match = Match(host="*.Forum.Example")
    assert match.matches("forum.example", "forum.example") and match.matches("www.forum.example", "x")
    assert not match.matches("notforum.example", "notforum.example")
    assert Match(platform="telegram").matches("t.me", "telegram")


def test_every_platform_the_crawlers_record_may_be_matched() -> None:
    assert set(PLATFORMS.values()) <= set(KNOWN_PLATFORMS)
