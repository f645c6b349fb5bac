"""``to_json`` for flat records (fields of str, int, bool, None, datetime, StrEnum), without the codec's reflection.

Why a second encoder? The crawlers' codec (``crawlers/codec.py``) walks each record's fields and types one by
one: about 50 µs a blocklist entry, so a million-entry import spent most of a minute encoding. A blocklist
entry or item is flat, so its document is its fields by name, with times in the codec's ISO 8601 form. The
text is the same as ``to_json`` gives (``tests/monitor/store/test_flat_json.py``): either reads the other's.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from datetime import datetime
from enum import Enum
from typing import Any


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


def flat_json(record: Any) -> str:
    """``record`` (a dataclass whose fields hold no records, lists or mappings) as ``to_json`` writes it."""
    document: dict[str, Any] = {}
    kind: Any = type(record)
    for name in _field_names(kind):
        value = getattr(record, name)
        if isinstance(value, datetime):
            value = value.isoformat(timespec="microseconds")
        elif isinstance(value, Enum):
            value = value.value
        document[name] = value
    return json.dumps(document, ensure_ascii=False, sort_keys=True)
