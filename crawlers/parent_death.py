"""Make a worker process end when the process that started it dies, however it dies.

Why? The Scrapy worker writes every picture it fetches into its crawl's work folder. If ``jikimi`` is
killed (``kill -9``, the OOM killer), an orphaned worker would go on crawling and writing plaintext
pictures into a folder that the next start has just swept, or recreate it. Linux delivers a chosen signal
to a process whose parent ends (``prctl(PR_SET_PDEATHSIG)``); elsewhere this does nothing, and the worker
ends at its next write to the closed pipe.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent ends; exit now if it already has."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
