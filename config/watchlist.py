"""Load the watchlist YAML file into typed, validated sources.

A source has common fields (``id``, ``kind``, ``enabled``, ``schedule``) and fields of its kind
(``start_urls`` for ``web``, ``channel`` for ``telegram``…). The kinds' models belong to the crawlers
(``crawlers/registry.py``), which ``config`` must not import, so the caller passes them in. Every problem
is a ``ConfigError`` naming the file, the source and the field, and nothing is crawled.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from config.durations import parse_duration
from config.errors import ConfigError, did_you_mean

SOURCE_ID = re.compile(r"^[a-z0-9_-]{1,64}$")
COMMON_FIELDS = {"id", "kind", "enabled", "schedule", "description"}


class Schedule(BaseModel):
    """How often a source is crawled: a fixed interval (``every: 30m``) or a cron line, plus random jitter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    every: timedelta | None = None
    cron: str | None = None
    jitter: timedelta = Field(default=timedelta(seconds=60))

    @field_validator("every", "jitter", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return None if value is None else parse_duration(value)

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str | None) -> str | None:
        if value is not None:
            from apscheduler.triggers.cron import CronTrigger

            try:
                CronTrigger.from_crontab(value, timezone="UTC")
            except ValueError as exc:
                raise ValueError(f"{value!r} is not a cron line: {exc}") from None
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> Schedule:
        if (self.every is None) == (self.cron is None):
            raise ValueError("give exactly one of 'every' (e.g. 30m) or 'cron' (e.g. '0 */2 * * *')")
        return self


@dataclass(frozen=True, slots=True)
class Source:
    """Something watched. ``config`` is the validated model of the source's kind (see crawlers/registry.py)."""

    id: str
    kind: str
    schedule: Schedule
    config: BaseModel
    enabled: bool = True
    description: str = ""


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(source)"


def _parse_source(path: Path, index: int, raw: Any, models: Mapping[str, type[BaseModel]]) -> Source:
    where = f"{path}: source #{index + 1}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping with id, kind and schedule (got {type(raw).__name__})")
    source_id = raw.get("id")
    if source_id is None:
        raise ConfigError(f"{where}: field 'id' is missing")
    if not isinstance(source_id, str) or not SOURCE_ID.match(source_id):
        raise ConfigError(f"{where}: field 'id': {source_id!r} must be 1-64 characters of [a-z0-9_-]")
    where = f"{path}: source {source_id!r}"
    kind = raw.get("kind")
    if kind is None:
        raise ConfigError(f"{where}: field 'kind' is missing ({did_you_mean('', list(models))})")
    if kind not in models:
        raise ConfigError(f"{where}: field 'kind': unknown kind {kind!r}, {did_you_mean(str(kind), list(models))}")
    if "schedule" not in raw:
        raise ConfigError(f"{where}: field 'schedule' is missing (e.g. schedule: {{every: 30m}})")
    try:
        schedule = Schedule.model_validate(raw["schedule"])
    except ValidationError as exc:
        first = exc.errors()[0]
        field = _field_path(("schedule", *first["loc"]))
        raise ConfigError(f"{where}: field {field!r}: {first['msg'].removeprefix('Value error, ')}") from None
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}: field 'enabled': expected true or false (got {enabled!r})")
    options = {key: value for key, value in raw.items() if key not in COMMON_FIELDS}
    try:
        config = models[kind].model_validate(options)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            allowed = set(models[kind].model_fields) | COMMON_FIELDS
            message = f"not a field of kind {kind!r}, {did_you_mean(str(first['loc'][0]), allowed)}"
        raise ConfigError(f"{where}: field {_field_path(first['loc'])!r}: {message}") from None
    return Source(source_id, kind, schedule, config, enabled, str(raw.get("description", "")))


def load_watchlist(path: Path, models: Mapping[str, type[BaseModel]]) -> list[Source]:
    """Read ``path`` and validate every source against the model of its kind (``models``: kind → model)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the watchlist ({exc.strerror})") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}: not valid YAML{line}: {problem}") from None
    if not isinstance(document, dict) or not isinstance(document.get("sources"), list):
        raise ConfigError(f"{path}: expected a top-level 'sources:' list")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, raw in enumerate(document["sources"]):
        source = _parse_source(path, index, raw, models)
        if source.id in seen:
            raise ConfigError(f"{path}: source {source.id!r}: field 'id': duplicate id (ids must be unique)")
        seen.add(source.id)
        sources.append(source)
    return sources
