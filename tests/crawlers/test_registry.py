from __future__ import annotations

import pytest

from crawlers.errors import UnknownSourceKind
from crawlers.registry import CRAWLERS, config_models, crawler_for
from crawlers.web import WebCrawler


def test_each_kind_is_registered_once_under_its_own_name() -> None:
    for kind, crawler in CRAWLERS.items():
        assert crawler.kind == kind
    assert len(set(CRAWLERS)) == len(CRAWLERS)
    assert set(config_models()) == set(CRAWLERS)


def test_an_unknown_kind_suggests_the_closest_name() -> None:
    assert crawler_for("web") is WebCrawler
    with pytest.raises(UnknownSourceKind, match="did you mean 'web'"):
        crawler_for("wbe")
