"""The registry of source kinds: every ``"module:Class"`` line loads the crawler of its own kind."""

from __future__ import annotations

import pytest

from crawlers.errors import UnknownSourceKind
from crawlers.registry import CONFIG_MODELS, CRAWLERS, config_models, crawler_for


@pytest.mark.parametrize("kind", sorted(CRAWLERS))
def test_each_registered_crawler_loads_and_is_of_its_own_kind(kind: str) -> None:
    crawler = crawler_for(kind)
    assert isinstance(crawler, type) and crawler.kind == kind
    assert callable(crawler.from_settings) and callable(crawler.crawl)


def test_each_kind_is_registered_once_under_a_unique_class() -> None:
    specs = list(CRAWLERS.values())
    assert len(set(specs)) == len(specs)
    assert len({crawler_for(kind) for kind in CRAWLERS}) == len(CRAWLERS)


@pytest.mark.parametrize("kind", sorted(CRAWLERS))
def test_each_kind_has_the_config_model_its_crawler_names(kind: str) -> None:
    assert set(config_models()) == set(CRAWLERS)
    assert crawler_for(kind).config_model is config_models()[kind]


def test_config_models_is_a_copy_callers_cannot_change_the_registry_through() -> None:
    config_models().clear()
    assert set(CONFIG_MODELS) == set(CRAWLERS)


def test_an_unknown_kind_suggests_the_closest_name() -> None:
    with pytest.raises(UnknownSourceKind, match="did you mean 'web'"):
        crawler_for("wbe")
    with pytest.raises(UnknownSourceKind, match="did you mean 'telegram'"):
        crawler_for("telgram")
