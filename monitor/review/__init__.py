"""The review web UI: volunteers confirm or reject hits, investigators reveal and export (aiohttp + jinja2)."""

from monitor.review.app import build_app

__all__ = ["build_app"]
