"""The recipients file as the review UI reads it: parsed off the event loop, and once per change of the file.

Every card page and the takedown pages show who would be asked, which needs ``recipients.yaml`` parsed and
validated (YAML, pydantic, every problem located: milliseconds, more for a long file). Parsing it on the event
loop for every view would hold up every other reviewer's request; reading it once at start would show a file
an investigator has since corrected as still broken. So: parsed in a worker thread, kept while the file's
size, modification time and inode stay the same, parsed again as soon as one changes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from config.errors import ConfigError
from config.recipients import RecipientsFile
from config.recipients_loading import load_recipients


@dataclass(frozen=True, slots=True)
class LoadedRecipients:
    """The parsed file, or why there is none: ``missing`` (no file yet) or its first ``problem`` line."""

    recipients: RecipientsFile | None = None
    problem: str = ""
    missing: bool = False


FileKey = tuple[int, int, int]
_loaded: dict[Path, tuple[FileKey, LoadedRecipients]] = {}


async def current_recipients(path: Path) -> LoadedRecipients:
    """The recipients file at ``path`` as it is now (see the module docstring for when it is parsed again)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return LoadedRecipients(missing=True)
    except OSError as exc:
        return LoadedRecipients(problem=f"{path}: cannot read the recipients file: {exc.strerror or exc}")
    key = (status.st_ino, status.st_size, status.st_mtime_ns)
    cached = _loaded.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    loaded = await asyncio.to_thread(_parse, path)
    _loaded[path] = (key, loaded)
    return loaded


def _parse(path: Path) -> LoadedRecipients:
    try:
        return LoadedRecipients(load_recipients(path))
    except ConfigError as exc:
        return LoadedRecipients(problem=str(exc).splitlines()[0])
