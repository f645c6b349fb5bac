"""Evidence time-stamped by a local RFC 3161 authority, end to end: capture, custody, export, verify."""

from __future__ import annotations

import subprocess
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from config.durations import parse_duration
from config.settings import Settings
from config.watchlist import Schedule, Source
from crawlers.source_configs import WebSourceConfig
from evidence.errors import VerificationFailed
from evidence.verify import verify_bundle
from monitor.context import open_context
from monitor.demo.run import make_demo_blocklist
from monitor.demo.site import RunningSite, demo_app
from monitor.fingerprint.pool import HashPool
from monitor.matching.hash_lists import read_blocklist
from monitor.packets.exporting import export_packets
from monitor.packets.timestamps import TimestampSettings, timestamp_pending
from monitor.records import PacketRecord
from monitor.runner import crawl_sources
from tests.doubles.tsa import LocalTsa

pytestmark = pytest.mark.slow


@pytest.fixture
async def forum() -> AsyncIterator[Source]:
    site = RunningSite(demo_app())
    url = await site.start(0)
    config = WebSourceConfig(
        start_urls=[url + "/thread/2"], allowed_domains=["127.0.0.1"], max_depth=0, allow_private_addresses=True
    )  # type: ignore[list-item]
    yield Source("forum", "web", Schedule(every=parse_duration("1h")), config)
    await site.stop()


@pytest.fixture
async def authority(tmp_path: Path) -> AsyncIterator[tuple[str, LocalTsa, Path]]:
    (tmp_path / "tsa").mkdir()
    tsa = LocalTsa(tmp_path / "tsa")
    chain = tmp_path / "tsa-chain.pem"
    chain.write_bytes(tsa.chain)
    site = RunningSite(tsa.app())
    url = await site.start(0)
    yield url + "/tsr", tsa, chain
    await site.stop()


async def capture(hash_pool: HashPool, settings: Settings, forum: Source) -> None:
    async with open_context(settings, hash_pool=hash_pool) as context:
        await context.store.add_blocklist_entries(read_blocklist(make_demo_blocklist(settings.data_dir, settings)))
        await crawl_sources(context, [forum])


async def capture_stamped_and_export(
    hash_pool: HashPool, settings: Settings, forum: Source, authority: tuple[str, LocalTsa, Path], out: Path
) -> tuple[list[PacketRecord], list[list[str]], Path]:
    """Capture with the authority up, then export: the packets, their custody kinds, the bundle."""
    url, _, chain = authority
    settings = settings.model_copy(update={"tsa_url": url, "tsa_chain": chain})
    await capture(hash_pool, settings, forum)
    async with open_context(settings, hash_pool=hash_pool) as context:
        packets = await context.store.packets()
        kinds = [[e.kind for e in await context.store.custody_events(p.id)] for p in packets]
        summary = await export_packets(context, out, recipient="police", reason="case 7")
    return packets, kinds, summary.path


async def test_each_packet_is_time_stamped_at_capture_and_the_bundle_verifies_with_its_times(
    hash_pool: HashPool, settings: Settings, forum: Source, authority: tuple[str, LocalTsa, Path], tmp_path: Path
) -> None:
    packets, kinds, bundle_path = await capture_stamped_and_export(
        hash_pool, settings, forum, authority, tmp_path / "b.zip"
    )
    assert packets and kinds == [["captured", "timestamped"]] * len(packets)
    report = verify_bundle(bundle_path)
    assert set(report.timestamps) == {p.id for p in packets}
    assert all(stamp.endswith("Z") for stamp in report.timestamps.values())
    with zipfile.ZipFile(bundle_path) as bundle:
        bundle.extractall(tmp_path / "out")
    packet = tmp_path / "out" / "data" / "packets" / packets[0].id
    manifest, chain_file = packet / "manifest-sha256.txt", tmp_path / "out" / "data" / "tsa-chain.pem"
    command = ["openssl", "ts", "-verify", "-data", str(manifest), "-in", f"{manifest}.tsr", "-CAfile", str(chain_file)]
    assert "Verification: OK" in subprocess.run(command, capture_output=True, text=True).stdout


async def test_a_forged_token_fails_verification_naming_it(
    hash_pool: HashPool, settings: Settings, forum: Source, authority: tuple[str, LocalTsa, Path], tmp_path: Path
) -> None:
    _, _, bundle_path = await capture_stamped_and_export(hash_pool, settings, forum, authority, tmp_path / "b.zip")
    forged = tmp_path / "forged.zip"
    import hashlib

    with zipfile.ZipFile(bundle_path) as source, zipfile.ZipFile(forged, "w") as target:
        token_name = next(n for n in source.namelist() if n.endswith(".tsr"))
        for name in source.namelist():
            data = source.read(name)
            if name == token_name:
                data = data[:-40] + bytes(b ^ 0x55 for b in data[-40:])
                digest = hashlib.sha256(data).hexdigest()
            target.writestr(name, data)
    with zipfile.ZipFile(forged) as archive:  # a careful forger also fixes the bundle manifest
        manifest = archive.read("manifest-sha256.txt").decode()
        original = hashlib.sha256(zipfile.ZipFile(bundle_path).read(token_name)).hexdigest()
    fixed = tmp_path / "fixed.zip"
    with zipfile.ZipFile(forged) as source, zipfile.ZipFile(fixed, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(
                name, manifest.replace(original, digest).encode() if name == "manifest-sha256.txt" else data
            )
    with pytest.raises(VerificationFailed) as raised:
        verify_bundle(fixed)
    assert raised.value.path == token_name


async def test_with_the_authority_down_packets_wait_and_are_time_stamped_later(
    hash_pool: HashPool, settings: Settings, forum: Source, authority: tuple[str, LocalTsa, Path]
) -> None:
    url, _, chain = authority
    down = settings.model_copy(update={"tsa_url": "http://127.0.0.1:9/tsr", "tsa_chain": chain, "tsa_timeout": 2.0})
    await capture(hash_pool, down, forum)
    async with open_context(down, hash_pool=hash_pool) as context:
        packets = await context.store.packets()
        waiting = [[e.kind for e in await context.store.custody_events(p.id)] for p in packets]
        assert packets and waiting == [["captured"]] * len(packets)
        counts = await timestamp_pending(
            context.store, down.data_dir, context.key, TimestampSettings(url, 10), "jikimi", signer=context.signer
        )
        kinds = [[e.kind for e in await context.store.custody_events(p.id)] for p in packets]
    assert counts == {"timestamped": len(packets)}
    assert kinds == [["captured", "timestamped"]] * len(packets)
