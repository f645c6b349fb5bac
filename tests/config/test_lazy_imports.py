"""Names imported on first use: ``"module:Name"`` strings and lazy package attributes."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import pytest

from config.lazy_imports import lazy_exports, load_object


def test_a_spec_loads_the_object_it_names() -> None:
    assert load_object("config.errors:ConfigError").__name__ == "ConfigError"  # type: ignore[attr-defined]


def test_a_spec_without_a_colon_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match="'crawlers.web' is not of the form 'package.module:Name'"):
        load_object("crawlers.web")


def test_a_spec_naming_a_missing_class_fails_naming_the_spec() -> None:
    with pytest.raises(ImportError, match="'config.errors:ConfigErorr': module 'config.errors' has no 'ConfigErorr'"):
        load_object("config.errors:ConfigErorr")


@pytest.fixture
def package() -> Iterator[types.ModuleType]:
    """A throwaway package whose ``did_you_mean`` comes lazily from ``config.errors``."""
    module = types.ModuleType("lazy_test_package")
    module.__getattr__ = lazy_exports(module.__name__, {"config.errors": ("did_you_mean",)})  # type: ignore[method-assign]
    sys.modules[module.__name__] = module
    yield module
    del sys.modules[module.__name__]


def test_a_lazy_name_is_imported_on_first_use_and_then_kept(package: types.ModuleType) -> None:
    from config.errors import did_you_mean

    assert "did_you_mean" not in vars(package)
    assert package.did_you_mean is did_you_mean
    assert vars(package)["did_you_mean"] is did_you_mean


def test_a_name_the_package_does_not_export_is_an_attribute_error(package: types.ModuleType) -> None:
    with pytest.raises(AttributeError, match="module 'lazy_test_package' has no attribute 'did_you_meen'"):
        _ = package.did_you_meen
