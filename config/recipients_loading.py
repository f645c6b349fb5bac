"""Load ``recipients.yaml`` into a ``RecipientsFile``; every mistake names the file, line and field.

Why all mistakes at once, not the first? The file is written by hand from the bundled example, often with
several contacts changed together; one run that lists them all (up to ``MAX_PROBLEMS``) saves rounds of
edit-and-retry. An unknown key gets a "did you mean" among the keys allowed at that place; an unknown
choice (a capacity, a role) among its choices. Nothing is sent from a file with any mistake.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from config.errors import ConfigError, did_you_mean
from config.recipients import Problem, RecipientsFile, check_recipients
from config.yaml_lines import line_of, load_located

MAX_PROBLEMS = 10
EXAMPLE = "recipients.example.yaml"


def load_recipients(path: Path) -> RecipientsFile:
    """Read and validate ``path``; ``ConfigError`` (exit status 2) naming each problem's line and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no recipients file. Copy the bundled {EXAMPLE} to {path} (or point JIKIMI_RECIPIENTS at "
            "your copy), check every contact in it against the recipient's own current instructions, and run again",
            setting="JIKIMI_RECIPIENTS",
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the recipients file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the recipients file is not UTF-8 text (byte {exc.start})") from None
    try:
        document = load_located(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}{_yaml_line(exc)}: not valid YAML: {_yaml_problem(exc)}") from None
    if not isinstance(document, dict):
        raise ConfigError(f"{path}, line 1: expected a mapping with 'requester:' and a 'recipients:' list")
    try:
        recipients = RecipientsFile.model_validate(document)
    except ValidationError as exc:
        errors = exc.errors()
        locs = [tuple(error["loc"]) for error in errors]
        # a list whose item is wrong is also "too short" once the item is dropped: say only what is wrong
        problems = [_problem_of(e) for e in errors if not any(o[: len(e["loc"])] == e["loc"] != o for o in locs)]
        raise ConfigError(_report(path, document, problems)) from None
    problems = check_recipients(recipients)
    if problems:
        raise ConfigError(_report(path, document, problems))
    return recipients


def _yaml_line(exc: yaml.YAMLError) -> str:
    line = getattr(exc, "line", None)
    mark = getattr(exc, "problem_mark", None)
    if line is None and mark is not None:
        line = mark.line + 1
    return f", line {line}" if line is not None else ""


def _yaml_problem(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    return str(problem) if problem else str(exc).splitlines()[0]


def _problem_of(error: ErrorDetails) -> Problem:
    """A pydantic error as (location, message written for a person)."""
    loc = tuple(error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "is missing"
    elif error["type"] == "extra_forbidden":
        allowed = _fields_at(loc[:-1])
        message = f"is not a field here, {did_you_mean(str(loc[-1]), allowed)}"
    elif error["type"] == "enum":
        choices = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
        message = f"{error['input']!r} is not allowed, {did_you_mean(str(error['input']), choices)}"
    return loc, message


def _fields_at(loc: Sequence[int | str]) -> list[str]:
    """The field names of the model found at ``loc`` (for a did-you-mean among them)."""
    model: type[BaseModel] | None = RecipientsFile
    for part in loc:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        model = _model_in(field.annotation) if field is not None else None
    return list(model.model_fields) if model is not None else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model an annotation holds (``Match | None`` → ``Match``; ``tuple[Recipient, ...]`` → ``Recipient``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) is dict:
        return None  # a mapping's keys are data (case codes), not fields
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for argument in typing.get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None


def _report(path: Path, document: Any, problems: Sequence[Problem]) -> str:
    located = sorted(((line_of(document, loc) or 0, loc, message) for loc, message in problems), key=lambda p: p[0])
    lines = []
    for line, loc, message in located[:MAX_PROBLEMS]:
        joined = " " if message.startswith("is ") else ": "
        lines.append(f"{path}{f', line {line}' if line else ''}: {_where(document, loc)}{joined}{message}")
    if len(problems) > MAX_PROBLEMS:
        lines.append(f"… and {len(problems) - MAX_PROBLEMS} more problems in {path}")
    return "\n".join(lines)


def _where(document: Any, loc: Sequence[int | str]) -> str:
    """``recipient 'kcsc': field 'escalate_to'``: the part of the file, by id where it has one, and the field."""
    if len(loc) >= 2 and loc[0] == "recipients" and isinstance(loc[1], int):
        entries = document.get("recipients")
        entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
        named = entry.get("id") if isinstance(entry, dict) else None
        part = f"recipient {named!r}" if isinstance(named, str) else f"recipient #{loc[1] + 1}"
        rest = loc[2:]
    elif len(loc) >= 2:
        part, rest = str(loc[0]), loc[1:]
    else:
        part, rest = "", loc
    field = ".".join(str(step) for step in rest)
    named_field = f"field {field!r}" if field else ""
    return ": ".join(text for text in (part, named_field) if text) or "(file)"
