"""Read YAML keeping the line of every key and list item, so that an error can say where it is.

A person edits ``recipients.yaml`` by hand; "recipient #3, field 'adress'" makes them count entries, "line 14"
does not. PyYAML's composer knows each node's position, but ``safe_load`` throws it away, so this loader
builds the same plain values as ``safe_load`` — with mappings and lists that also remember their lines
(``LocatedDict``, ``LocatedList``). They are ``dict`` and ``list`` subclasses, so pydantic validates them as
it would any mapping or list. A key given twice in one mapping is refused (``safe_load`` would keep the
last one silently, and a contact written twice is a mistake worth hearing about).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml


class LocatedDict(dict[Any, Any]):
    """A mapping from YAML, with the line it starts on and the line of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


class LocatedList(list[Any]):
    """A list from YAML, with the line it starts on and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


class DuplicateKey(yaml.YAMLError):
    """A mapping names the same key twice."""

    def __init__(self, key: object, line: int, first: int) -> None:
        super().__init__(f"key {key!r} is given twice (lines {first} and {line})")
        self.line = line


class _LineLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` whose mappings and sequences are ``LocatedDict`` and ``LocatedList``."""


def _mapping(loader: _LineLoader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    mapping = LocatedDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in mapping.key_lines:
            raise DuplicateKey(key, line, mapping.key_lines[key])
        mapping.key_lines[key] = line
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


def _sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LocatedList:
    items = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load_located(text: str) -> Any:
    """The document in ``text``, as ``yaml.safe_load`` reads it but with located mappings and lists.

    Raises ``yaml.YAMLError`` (``DuplicateKey`` among them) for text that is not a YAML document."""
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass: no Python objects


def line_of(document: Any, loc: Sequence[int | str]) -> int | None:
    """The line of the deepest part of ``loc`` (a pydantic error location) found in ``document``.

    A field that is missing has no line of its own: the line of the mapping that lacks it is given."""
    line: int | None = getattr(document, "line", None)
    current = document
    for part in loc:
        if isinstance(current, LocatedDict) and part in current:
            line, current = current.key_lines.get(part, line), current[part]
        elif isinstance(current, LocatedList) and isinstance(part, int) and 0 <= part < len(current):
            line, current = current.item_lines[part], current[part]
        else:
            break
    return line
