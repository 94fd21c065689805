"""Self-assessment frameworks as data: read a framework file and check it, with errors that say where it is wrong.

Pure Python (no Flask, no database): `load_framework` turns JSON text or a path into a `FrameworkSpec`; the
services store it. A framework names the five NHS IMPACT components (by their canonical slugs), the statements
under each and an ordered maturity scale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.impact import ImpactComponent

SCHEMA_VERSION = 1
DEFAULT_FRAMEWORK_PATH = Path(__file__).resolve().parent / "frameworks" / "default.json"
NAME_LIMIT = 160
VERSION_LIMIT = 40
SOURCE_LIMIT = 500
LABEL_LIMIT = 60
KEY_LIMIT = 40
TEXT_LIMIT = 500
MIN_LEVELS, MAX_LEVELS = 2, 10
MAX_STATEMENTS = 20


class FrameworkError(ValueError):
    """The framework file is malformed; the message starts with where (e.g. 'components[2].statements[1]')."""


@dataclass(frozen=True)
class LevelSpec:
    """One step of the maturity scale: its ordinal (1 is the least mature), label and descriptor."""

    ordinal: int
    label: str
    descriptor: str


@dataclass(frozen=True)
class StatementSpec:
    """A statement to rate, with a key that stays the same across versions of the framework."""

    key: str
    text: str


@dataclass(frozen=True)
class ComponentSpec:
    """One NHS IMPACT component: its slug, name, what it looks like in practice, and its statements."""

    slug: ImpactComponent
    name: str
    description: str
    statements: tuple[StatementSpec, ...]


@dataclass(frozen=True)
class FrameworkSpec:
    """A whole framework, checked."""

    name: str
    version: str
    source: str
    levels: tuple[LevelSpec, ...]
    components: tuple[ComponentSpec, ...]


def load_framework(text_or_path: str | Path) -> FrameworkSpec:
    """Read and check a framework from JSON text or from a path to a JSON file.

    Raises FrameworkError naming the place that is wrong, e.g. "components[2].statements[1]: 'text' is missing".
    """
    if isinstance(text_or_path, Path):
        try:
            text = text_or_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise FrameworkError(f"{text_or_path}: cannot be read ({err})") from err
    else:
        text = text_or_path
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise FrameworkError(f"line {err.lineno}, column {err.colno}: not valid JSON ({err.msg})") from err
    return parse_framework(data)


def load_default_framework() -> FrameworkSpec:
    """The framework IMPACT Tracker ships, written in its own words (not the national tool's text)."""
    return load_framework(DEFAULT_FRAMEWORK_PATH)


def parse_framework(data: Any) -> FrameworkSpec:
    """Check already-decoded JSON; raises FrameworkError naming where it is wrong."""
    _require_object(data, "framework")
    if data.get("schema_version") != SCHEMA_VERSION:
        raise FrameworkError(f"schema_version: must be {SCHEMA_VERSION}")
    return FrameworkSpec(
        name=_text(data, "name", "framework", NAME_LIMIT),
        version=_text(data, "version", "framework", VERSION_LIMIT),
        source=_text(data, "source", "framework", SOURCE_LIMIT, required=False),
        levels=_levels(data.get("levels")),
        components=_components(data.get("components")),
    )


def _require_object(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise FrameworkError(f"{where}: must be an object")


def _require_list(value: Any, where: str, low: int, high: int) -> list:
    if value is None:
        raise FrameworkError(f"{where}: is missing")
    if not isinstance(value, list):
        raise FrameworkError(f"{where}: must be a list")
    if not low <= len(value) <= high:
        raise FrameworkError(f"{where}: must have between {low} and {high} entries (it has {len(value)})")
    return value


def _text(data: dict, key: str, where: str, limit: int, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if value is None:
        raise FrameworkError(f"{where}: '{key}' is missing")
    if not isinstance(value, str) or (required and not value.strip()):
        raise FrameworkError(f"{where}: '{key}' must be non-empty text")
    if len(value) > limit:
        raise FrameworkError(f"{where}: '{key}' is longer than {limit} characters")
    return value.strip()


def _levels(raw: Any) -> tuple[LevelSpec, ...]:
    levels = []
    for index, item in enumerate(_require_list(raw, "levels", MIN_LEVELS, MAX_LEVELS)):
        where = f"levels[{index}]"
        _require_object(item, where)
        if item.get("ordinal") != index + 1 or isinstance(item.get("ordinal"), bool):
            raise FrameworkError(f"{where}: 'ordinal' must be {index + 1} (levels go from 1, least mature, upwards)")
        levels.append(LevelSpec(index + 1, _text(item, "label", where, LABEL_LIMIT),
                                _text(item, "descriptor", where, TEXT_LIMIT, required=False)))
    return tuple(levels)


def _components(raw: Any) -> tuple[ComponentSpec, ...]:
    expected = len(ImpactComponent)
    items = _require_list(raw, "components", expected, expected)
    components = tuple(_component(item, f"components[{index}]") for index, item in enumerate(items))
    slugs = [component.slug for component in components]
    for index, slug in enumerate(slugs):
        if slugs.index(slug) != index:
            raise FrameworkError(f"components[{index}]: '{slug.value}' appears twice")
    _check_unique_keys(components)
    return components


def _component(item: Any, where: str) -> ComponentSpec:
    _require_object(item, where)
    slug = _text(item, "slug", where, KEY_LIMIT)
    if slug not in {component.value for component in ImpactComponent}:
        known = ", ".join(component.value for component in ImpactComponent)
        raise FrameworkError(f"{where}: 'slug' {slug!r} is not an NHS IMPACT component (use one of {known})")
    statements = _require_list(item.get("statements"), f"{where}.statements", 1, MAX_STATEMENTS)
    return ComponentSpec(
        slug=ImpactComponent(slug),
        name=_text(item, "name", where, NAME_LIMIT),
        description=_text(item, "description", where, TEXT_LIMIT, required=False),
        statements=tuple(_statement(s, f"{where}.statements[{n}]") for n, s in enumerate(statements)),
    )


def _statement(item: Any, where: str) -> StatementSpec:
    _require_object(item, where)
    return StatementSpec(key=_text(item, "key", where, KEY_LIMIT), text=_text(item, "text", where, TEXT_LIMIT))


def _check_unique_keys(components: tuple[ComponentSpec, ...]) -> None:
    seen: set[str] = set()
    for c_index, component in enumerate(components):
        for s_index, statement in enumerate(component.statements):
            if statement.key in seen:
                raise FrameworkError(
                    f"components[{c_index}].statements[{s_index}]: key {statement.key!r} is used twice"
                )
            seen.add(statement.key)
