"""Open what every command needs — store, hash pool, evidence key — from the settings, and close it again.

No module-level singletons: each command (or the daemon) opens one ``MonitorContext`` and passes its
parts to the components that need them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from config.settings import Settings
from evidence.keys import decode_key, load_or_create_key
from evidence.rendering import ChromiumRenderer, Renderer, find_chromium
from evidence.signing import load_or_create_signing_key
from monitor.fingerprint.pool import HashPool
from monitor.matching.index_file import load_blocklist
from monitor.matching.matcher import BlocklistMatcher
from monitor.packets.timestamps import TimestampSettings
from monitor.pipeline import EvidenceSettings, Pipeline
from monitor.signals import MatchRule
from monitor.store import Store, store_from_settings


@dataclass(slots=True)
class MonitorContext:
    settings: Settings
    store: Store
    hash_pool: HashPool
    key: bytes
    signer: Ed25519PrivateKey
    renderer: Renderer | None = None

    @property
    def evidence_root(self) -> Path:
        return self.settings.data_dir / "evidence"

    def packet_dir(self, packet_id: str) -> Path:
        """Where the pipeline writes a packet (``PacketRecord.path`` is this, relative to the data dir)."""
        return self.evidence_root / packet_id

    @property
    def workdir(self) -> Path:
        return self.settings.data_dir / "tmp"

    async def matcher(self, blocklist: bool = True) -> BlocklistMatcher:
        """A matcher over the whole blocklist, its rules from the settings (other signals: their defaults).

        The indexes are mapped from the file beside the store, built again only when the blocklist changed
        (``monitor/matching/index_file.py``). Building is CPU-bound (a million entries: seconds), so it runs
        in a thread and the event loop — the review UI, the daemon's other runs — keeps answering (numpy
        releases the GIL for the heavy parts).
        ``blocklist=False`` gives the rules without the entries: retro-matching indexes only the new ones.
        """
        settings = self.settings
        rules = {
            "pdq": MatchRule(settings.match_pdq_threshold, min_quality=settings.match_pdq_min_quality),
            "phash": MatchRule(settings.match_phash_threshold, settings.match_phash_variant_threshold),
            "video_pdq": MatchRule(settings.match_pdq_threshold, min_share=settings.match_video_share),
        }
        matcher = BlocklistMatcher(rules)
        if blocklist:
            await load_blocklist(matcher, self.store, self.settings.data_dir)
        return matcher

    async def pipeline(self, blocklist: bool = True) -> Pipeline:
        """The pipeline, its matcher as ``matcher(blocklist)`` gives it (``False``: to record retro-matches)."""
        timestamps = TimestampSettings(self.settings.tsa_url, self.settings.tsa_timeout)
        evidence = EvidenceSettings(
            self.evidence_root, self.key, self.settings.operator, self.signer, timestamps, self.renderer,
            renderer_missing(self.settings),
        )  # fmt: skip
        return Pipeline(self.store, await self.matcher(blocklist), self.hash_pool, evidence)


def media_key(settings: Settings) -> bytes:
    if settings.media_key is not None:
        return decode_key(settings.media_key.get_secret_value(), "JIKIMI_MEDIA_KEY")
    return load_or_create_key(settings.data_dir / "keys" / "media.key")


def renderer_missing(settings: Settings) -> str:
    """Why packets have no screenshot, as recorded in them when ``open_renderer`` gives none."""
    if not settings.evidence_screenshots:
        return "screenshots are turned off (JIKIMI_EVIDENCE_SCREENSHOTS=false)"
    if settings.evidence_chromium is not None:
        return f"no Chromium executable at {settings.evidence_chromium} (JIKIMI_EVIDENCE_CHROMIUM)"
    return "Chromium is not installed on the capturing machine (Debian package: chromium)"


def open_renderer(settings: Settings) -> Renderer | None:
    """Headless Chromium for screenshots, started on first use; ``None`` when off or absent."""
    executable = find_chromium(settings.evidence_chromium) if settings.evidence_screenshots else None
    if executable is None:
        return None
    return ChromiumRenderer(executable, settings.evidence_render_timeout, settings.evidence_render_max_height)


@asynccontextmanager
async def open_context(settings: Settings, hash_pool: HashPool | None = None) -> AsyncIterator[MonitorContext]:
    """The store, the hash pool, the keys and the renderer, opened from ``settings`` and closed again.

    ``hash_pool``: one the caller owns (and closes), e.g. the tests' shared pool; otherwise a pool is started
    here (a few seconds: spawned processes import the hashing libraries) and shut down at the end.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    store = store_from_settings(settings)
    await store.open()
    pool = hash_pool or HashPool(settings.hash_worker_count, settings.hash_max_pixels, settings.hash_max_video_frames)
    renderer = None
    try:
        configured = settings.signing_key.get_secret_value() if settings.signing_key else None
        signer = load_or_create_signing_key(settings.data_dir / "keys" / "signing.key", configured)
        renderer = open_renderer(settings)
        yield MonitorContext(settings, store, pool, media_key(settings), signer, renderer)
    finally:
        if renderer is not None:
            await renderer.close()
        if hash_pool is None:
            pool.close()
        await store.close()
