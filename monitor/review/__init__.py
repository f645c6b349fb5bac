"""The review web UI: volunteers confirm or reject hits, investigators reveal and export (aiohttp + jinja2).

``build_app`` is imported on first use (``config/lazy_imports.py``): ``jikimi users add`` needs only
``monitor.review.passwords``, and importing it must not load aiohttp and everything the app wires together.
"""

from typing import TYPE_CHECKING

from config.lazy_imports import lazy_exports

if TYPE_CHECKING:
    from monitor.review.app import build_app
else:
    __getattr__ = lazy_exports(__name__, {"monitor.review.app": ("build_app",)})

__all__ = ["build_app"]
