"""Scrapy settings that make a crawl polite and bounded, built from jikimi's settings.

Why here and not in each spider? Every scrapy-based crawler (web, t.me/s) must be polite the same way:
identify itself, throttle to the site's latency, cap concurrency per host, give up on slow or huge
downloads, and never open Scrapy's telnet console.
"""

from __future__ import annotations

from typing import Any

from config.settings import Settings


def scrapy_settings_for(settings: Settings) -> dict[str, Any]:
    return {
        "USER_AGENT": settings.crawl_user_agent,
        "DOWNLOAD_TIMEOUT": settings.crawl_download_timeout,
        "RETRY_TIMES": settings.crawl_retry_times,
        "DOWNLOAD_MAXSIZE": settings.crawl_max_page_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.crawl_concurrency_per_domain,
        "AUTOTHROTTLE_ENABLED": settings.crawl_autothrottle,
        "AUTOTHROTTLE_START_DELAY": 1.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(settings.crawl_concurrency_per_domain),
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
    }
