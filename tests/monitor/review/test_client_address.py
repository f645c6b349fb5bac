"""The client's address: X-Forwarded-For is believed from trusted proxies only, read from the right."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import make_mocked_request

from config.errors import ConfigError
from monitor.review.client_address import client_address, trusted_networks

PROXY = trusted_networks("127.0.0.1, 10.0.0.0/8")


def request_from(peer: str, forwarded: str | None) -> object:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    request = make_mocked_request("POST", "/login", headers=headers)
    return request.clone(remote=peer)


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_address(request_from("127.0.0.1", "203.0.113.9"), ()) == "127.0.0.1"  # type: ignore[arg-type]


def test_from_an_untrusted_peer_the_header_is_ignored() -> None:
    assert client_address(request_from("198.51.100.1", "203.0.113.9"), PROXY) == "198.51.100.1"  # type: ignore[arg-type]


def test_through_trusted_proxies_the_nearest_untrusted_hop_is_the_client() -> None:
    # the client wrote a fake first entry; the proxies added the real address and their own
    request = request_from("127.0.0.1", "1.2.3.4, 203.0.113.9, 10.0.0.5")
    assert client_address(request, PROXY) == "203.0.113.9"  # type: ignore[arg-type]


def test_garbage_in_the_header_leaves_the_peer() -> None:
    assert client_address(request_from("127.0.0.1", "not-an-address"), PROXY) == "127.0.0.1"  # type: ignore[arg-type]


def test_a_bad_proxy_setting_is_a_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match="JIKIMI_REVIEW_TRUSTED_PROXIES holds 'proxy.local'"):
        trusted_networks("127.0.0.1,proxy.local")
