"""RFC 3161 against a local authority (``openssl ts -reply``): tokens verify with jikimi and with openssl."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from evidence.errors import TimestampUnavailable
from evidence.timestamping import TimestampInvalid, request_token, verify_token
from monitor.demo.site import RunningSite
from tests.doubles.tsa import LocalTsa

MANIFEST = b"0123456789abcdef" * 4 + b"  media/picture.jpg\n"


@pytest.fixture(scope="module")
def authority_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tsa")


@pytest.fixture
async def authority(authority_folder: Path, request: pytest.FixtureRequest) -> AsyncIterator[tuple[str, LocalTsa]]:
    tsa = LocalTsa(authority_folder, getattr(request, "param", "ok"))
    site = RunningSite(tsa.app())
    url = await site.start(0)
    yield url + "/tsr", tsa
    await site.stop()


async def test_a_token_from_the_authority_verifies_with_jikimi_and_with_openssl(
    authority: tuple[str, LocalTsa], tmp_path: Path
) -> None:
    url, tsa = authority
    token = await request_token(MANIFEST, url, timeout=10)
    stamped_at = verify_token(token, MANIFEST, tsa.chain)
    assert stamped_at.year >= 2026
    (tmp_path / "m.txt").write_bytes(MANIFEST)
    (tmp_path / "m.tsr").write_bytes(token)
    (tmp_path / "chain.pem").write_bytes(tsa.chain)
    command = ["openssl", "ts", "-verify", "-data", str(tmp_path / "m.txt"), "-in", str(tmp_path / "m.tsr"),
               "-CAfile", str(tmp_path / "chain.pem")]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0 and "Verification: OK" in result.stdout


async def test_a_token_does_not_verify_for_other_data_or_another_authority(
    authority: tuple[str, LocalTsa], tmp_path: Path
) -> None:
    url, tsa = authority
    token = await request_token(MANIFEST, url, timeout=10)
    with pytest.raises(TimestampInvalid):
        verify_token(token, MANIFEST + b"x", tsa.chain)
    (tmp_path / "other").mkdir()
    stranger = LocalTsa(tmp_path / "other")
    with pytest.raises(TimestampInvalid):
        verify_token(token, MANIFEST, stranger.chain)


@pytest.mark.parametrize("authority", ["garbage"], indirect=True)
async def test_an_authority_answering_garbage_is_unavailable_not_a_crash(authority: tuple[str, LocalTsa]) -> None:
    with pytest.raises(TimestampUnavailable, match="not a time-stamp"):
        await request_token(MANIFEST, authority[0], timeout=10)


@pytest.mark.parametrize("authority", ["slow"], indirect=True)
async def test_a_slow_authority_times_out_as_unavailable(authority: tuple[str, LocalTsa]) -> None:
    with pytest.raises(TimestampUnavailable, match="unreachable"):
        await request_token(MANIFEST, authority[0], timeout=0.5)


async def test_an_authority_that_is_down_is_unavailable() -> None:
    with pytest.raises(TimestampUnavailable, match="unreachable"):
        await request_token(MANIFEST, "http://127.0.0.1:9/tsr", timeout=2)
