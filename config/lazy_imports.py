"""Import a name when it is first used: ``"module:Name"`` strings and package attributes (PEP 562).

Why: telethon, Scrapy/Twisted, pymongo, aiohttp, numpy and PyAV each take tens to hundreds of
milliseconds to import. A registry that held their classes, or a package ``__init__`` that re-exported
them, would make every command and every process that only needs a record type pay for all of them.
So registries hold ``"module:Name"`` strings (scrapy's ``load_object``) and packages re-export lazily:

    if TYPE_CHECKING:                     # what mypy and readers see
        from crawlers.registry import crawler_for
    else:                                 # what runs: crawlers.registry is imported on first use
        __getattr__ = lazy_exports(__name__, {"crawlers.registry": ("crawler_for",)})

A type checker never sees the ``__getattr__``, so a misspelt attribute is still an error there.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def load_object(spec: str) -> object:
    """The object ``spec`` names as ``"package.module:Name"``, importing the module if needed.

    A malformed spec raises ``ValueError``; a missing module or name raises ``ImportError``, both naming
    the spec, because a wrong line in a registry is a bug to be found by its contract test.
    """
    module_name, colon, name = spec.partition(":")
    if not colon or not module_name or not name:
        raise ValueError(f"{spec!r} is not of the form 'package.module:Name'")
    module = importlib.import_module(module_name)
    try:
        return getattr(module, name)
    except AttributeError:
        raise ImportError(f"{spec!r}: module {module_name!r} has no {name!r}") from None


def lazy_exports(package: str, exports: Mapping[str, tuple[str, ...]]) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package``: ``exports`` maps a module to the names it provides.

    The first access of a name imports its module and stores the value in the package, so later
    accesses are plain attribute lookups. Any other name raises ``AttributeError`` as usual.
    """
    home = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> object:
        try:
            module = home[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = load_object(f"{module}:{name}")
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
