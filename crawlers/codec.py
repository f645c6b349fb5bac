"""Turn the crawler records (frozen dataclasses) into JSON-safe dicts and back.

Why not pickle? Sightings cross a process boundary (the scrapy worker) and are stored in databases;
plain JSON is readable, versionable and safe to load. The codec is driven by the dataclass type hints,
so a new field needs no codec change.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def to_jsonable(value: Any) -> Any:
    """A JSON-safe copy of ``value`` (dataclasses, datetimes as ISO 8601, paths, tuples, mappings)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def _decode(hint: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _decode(options[0], data) if len(options) == 1 else data
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], item) for item in data)
        return tuple(_decode(arg, item) for arg, item in zip(args, data, strict=True))
    if origin in (dict, Mapping, typing.Mapping) or origin is not None and issubclass(origin, Mapping):
        _, value_hint = typing.get_args(hint)
        return {key: _decode(value_hint, item) for key, item in data.items()}
    if origin is list:
        (item_hint,) = typing.get_args(hint)
        return [_decode(item_hint, item) for item in data]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_jsonable(hint, data)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(data)
    if hint is datetime:
        return datetime.fromisoformat(data)
    if hint is Path:
        return Path(data)
    return data


@functools.cache
def _field_hints(cls: type) -> dict[str, Any]:
    """The resolved type of each field of ``cls``, worked out once per class (``get_type_hints`` evaluates
    every annotation string, which costs more than decoding the record itself)."""
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def from_jsonable(cls: type[T], data: Mapping[str, Any]) -> T:
    """Rebuild a dataclass ``cls`` from ``to_jsonable`` output; unknown keys are ignored (newer writers)."""
    hints = _field_hints(cls)  # type: ignore[arg-type]
    kwargs = {name: _decode(hints[name], value) for name, value in data.items() if name in hints}
    return cls(**kwargs)
