from __future__ import annotations

import pytest

from crawlers.fetch_scope import (
    FetchScope,
    RefusedAddress,
    UnresolvableHost,
    address_refusal,
    origin_of,
    resolve_allowed,
    without_credentials,
)


def test_an_origin_always_names_its_port() -> None:
    assert origin_of("http://Forum.Example/board?x=1") == "http://forum.example:80"
    assert origin_of("https://forum.example:8443/") == "https://forum.example:8443"
    assert origin_of("http://[::1]:8080/") == "http://[::1]:8080"
    assert origin_of("http://forum.example:99999/") == "http://forum.example:-1"  # in no scope, and no crash


def test_the_scope_is_the_start_origins_and_the_allowed_domains_on_default_ports() -> None:
    scope = FetchScope.of(["http://127.0.0.1:8765/"], ["forum.example", "media.example:8443"])
    assert scope.allows("http://127.0.0.1:8765/thread/1")
    assert not scope.allows("http://127.0.0.1:8766/thread/1")  # the same host on another port is another site
    assert scope.allows("https://forum.example/a") and scope.allows("http://cdn.forum.example/a")
    assert not scope.allows("https://forum.example:444/a") and not scope.allows("https://notforum.example/a")
    assert scope.allows("https://media.example:8443/a") and not scope.allows("https://media.example/a")
    assert not scope.allows("ftp://forum.example/a") and not scope.allows("javascript:alert(1)")
    assert scope.allows_host("forum.example", 443) and not scope.allows_host("127.0.0.1", 9)


@pytest.mark.parametrize(
    ("address", "kind"),
    [("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"), ("192.168.0.1", "private"),
     ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("::ffff:127.0.0.1", "loopback"),
     ("0.0.0.0", "unspecified"), ("100.64.0.1", "non-public"), ("224.0.0.1", "multicast")],
)  # fmt: skip
def test_non_public_addresses_are_named_with_their_kind(address: str, kind: str) -> None:
    article = "an" if kind == "unspecified" else "a"
    assert address_refusal(address) == f"{address.removeprefix('::ffff:')} is {article} {kind} address"


def test_public_addresses_and_names_are_not_refused_by_their_text() -> None:
    assert address_refusal("93.184.216.34") is None and address_refusal("2606:4700::1") is None
    assert address_refusal("forum.example") is None


def test_credentials_are_taken_out_of_a_url() -> None:
    assert without_credentials("https://user:pw@forum.example:8443/a?b") == "https://forum.example:8443/a?b"
    assert without_credentials("https://forum.example/a@b") == "https://forum.example/a@b"


async def test_a_name_is_resolved_once_and_refused_when_it_points_at_this_machine() -> None:
    with pytest.raises(RefusedAddress, match="localhost resolves only to non-public addresses: .*loopback"):
        await resolve_allowed("localhost", 80, allow_private=False)
    assert await resolve_allowed("localhost", 80, allow_private=True) in ("127.0.0.1", "::1")
    with pytest.raises(UnresolvableHost):
        await resolve_allowed("no-such-host.invalid", 80, allow_private=False)
