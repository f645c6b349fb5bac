"""A run's temporary media files: which sightings still need each one, and removing it once none does.

A crawl writes every picture it fetches to its work folder (sealed, ``crawlers/temp_files.py``). Once a
sighting has been identified, fingerprinted and matched, the pipeline has stored what it needs (the
fingerprints: retro-matching uses those, never the media), so a file that matched nothing is removed
there and then, and a crawl's temporary disk no longer grows with the site (``bench/tempdisk.py``).

Why count users per path rather than give every sighting a file of its own? The crawlers download a
media once per crawl on purpose (the web spider's ``_downloaded``, Telegram's by file id) and hand every
later sighting of it the same path: copying the bytes per sighting would cost the disk this saves. So:

- ``take`` (as the runner dispatches a sighting, before any await) counts it as a user of its file;
  ``release`` (when it is done, whatever happened) uncounts it, and the last user's release removes the
  file. Both run on the event loop and the removal is a plain ``unlink`` there, so no sighting can take
  the file between the decision and the removal, and nothing else reads it by then: the pipeline has
  awaited its hashing (the hash pool's read) before ``process`` returns.
- ``settled`` (called by the pipeline once the media is matched, a sighting skipped as already stored
  included) says what the file held: its SHA-256, and whether it matched.
- A file that matched is kept to the end of the run: a later sighting of the same media (the same
  picture on another page) needs the bytes for its own packet. So is a file never identified (the
  pipeline could not read it): a later sighting of it gets the same recorded error. Kept files move to
  ``kept/`` beside them (later sightings are handed the new path), out of the folder the Scrapy worker
  counts to know when to wait (``crawlers/scrapy_media_budget.py``): only files still to be processed
  hold the crawl back, so a run with many matches never stalls.
- A later sighting of a removed file is handed on known by its SHA-256 (``Media.path`` ``None``), as
  Telegram media already known by file id are: the pipeline takes its stored fingerprints.

The crawlers write each download to a file of its own (``crawlers/scrapy_capture.py:save_media``), never
over an earlier one, so the digest remembered for a path is always that of the bytes it held.

What is left when the run ends or dies (matched media, pages, post JSON) goes with the work folder, as
before (``crawlers/workdirs.py``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import Counter
from pathlib import Path

from crawlers.sighting import Sighting

KEPT = "kept"


class TempMedia:
    """The users of each media file of one run; removes a file when its last user is done with it."""

    def __init__(self) -> None:
        self._users: Counter[Path] = Counter()
        self._digests: dict[Path, str] = {}  # path → SHA-256 of its bytes, once the pipeline identified them
        self._kept: set[Path] = set()  # matched: kept for the packets of later sightings of the same media
        self._removed: dict[Path, str] = {}  # path → SHA-256 of what it held
        self._moved: dict[Path, Path] = {}  # path → where it was kept
        self.removed_files = 0

    def take(self, sighting: Sighting) -> Sighting:
        """Count ``sighting`` as a user of its media file; if that file is already removed, the sighting
        known by its SHA-256 instead (its fingerprints are stored)."""
        path = sighting.media.path
        if path is None:
            return sighting
        digest = self._removed.get(path)
        if digest is not None:
            return dataclasses.replace(sighting, media=dataclasses.replace(sighting.media, path=None, sha256=digest))
        if path in self._moved:
            path = self._moved[path]
            sighting = dataclasses.replace(sighting, media=dataclasses.replace(sighting.media, path=path))
        self._users[path] += 1
        return sighting

    def settled(self, sighting: Sighting) -> None:
        """The pipeline matched ``sighting``'s media (``fingerprints`` and ``hits`` filled in)."""
        path = sighting.media.path
        if path is None or sighting.fingerprints is None:
            return
        self._digests[path] = sighting.fingerprints.sha256
        if sighting.hits:
            self._kept.add(path)

    def release(self, sighting: Sighting) -> None:
        """``sighting`` (as ``take`` returned it) is done with its file: remove the file if nobody else
        needs it, it matched nothing and it was identified."""
        path = sighting.media.path
        if path is None or self._users[path] == 0:
            return
        self._users[path] -= 1
        if self._users[path] > 0:
            return
        del self._users[path]
        digest = self._digests.pop(path, None)
        if path in self._kept or digest is None:
            self._keep(path)
            return
        with contextlib.suppress(OSError):  # on the loop, not in a thread: see the module docstring
            path.unlink()  # (a file that cannot be removed goes with the work folder)
        self._removed[path] = digest
        self.removed_files += 1

    def _keep(self, path: Path) -> None:
        """Keep ``path`` to the end of the run, in ``kept/`` beside it (once)."""
        if path.parent.name == KEPT:
            return
        kept = path.parent / KEPT / path.name
        try:
            kept.parent.mkdir(mode=0o700, exist_ok=True)
            path.rename(kept)
        except OSError:  # kept where it is: it still goes with the work folder
            self._kept.add(path)
            return
        self._moved[path] = kept
        self._kept.add(kept)
