"""Loading and checking framework files: the default loads, and a malformed file says where it is wrong."""

from __future__ import annotations

import copy
import json

import pytest

from impact_tracker.assessment.framework import (
    DEFAULT_FRAMEWORK_PATH,
    FrameworkError,
    load_default_framework,
    load_framework,
)
from impact_tracker.core.impact import ImpactComponent

GOOD = json.loads(DEFAULT_FRAMEWORK_PATH.read_text())


def _broken(change) -> str:
    data = copy.deepcopy(GOOD)
    change(data)
    return json.dumps(data)


def test_the_default_framework_covers_the_five_components_with_three_to_five_statements_each():
    spec = load_default_framework()
    assert [component.slug for component in spec.components] == list(ImpactComponent)
    assert all(3 <= len(component.statements) <= 5 for component in spec.components)
    assert [level.ordinal for level in spec.levels] == [1, 2, 3, 4, 5]
    assert "not the NHS England self-assessment" in spec.source


def test_text_and_paths_load_the_same(tmp_path):
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(GOOD))
    assert load_framework(path) == load_framework(json.dumps(GOOD))


@pytest.mark.parametrize("change, message", [
    (lambda d: d["components"][2]["statements"][1].pop("text"), "components[2].statements[1]: 'text' is missing"),
    (lambda d: d.pop("name"), "framework: 'name' is missing"),
    (lambda d: d.update(schema_version=2), "schema_version: must be 1"),
    (lambda d: d["levels"][1].update(ordinal=3), "levels[1]: 'ordinal' must be 2"),
    (lambda d: d.update(levels=d["levels"][:1]), "levels: must have between 2 and 10 entries (it has 1)"),
    (lambda d: d["components"][0].update(slug="vibes"), "components[0]: 'slug' 'vibes' is not an NHS IMPACT"),
    (lambda d: d["components"][1].update(slug=d["components"][0]["slug"]), "components[1]: "),
    (lambda d: d["components"].pop(), "components: must have between 5 and 5 entries (it has 4)"),
    (lambda d: d["components"][3].update(statements=[]), "components[3].statements: must have between 1 and 20"),
    (lambda d: d["components"][4]["statements"][0].update(key="purpose-1"),
     "components[4].statements[0]: key 'purpose-1' is used twice"),
    (lambda d: d["components"][0]["statements"][0].update(text="x" * 501),
     "components[0].statements[0]: 'text' is longer than 500 characters"),
    (lambda d: d["levels"][0].update(label=""), "levels[0]: 'label' must be non-empty text"),
    (lambda d: d.update(components="five"), "components: must be a list"),
])
def test_a_malformed_framework_is_refused_naming_the_place(change, message):
    with pytest.raises(FrameworkError) as err:
        load_framework(_broken(change))
    assert str(err.value).startswith(message)


def test_invalid_json_names_the_line():
    with pytest.raises(FrameworkError, match=r"line 1, column \d+: not valid JSON"):
        load_framework('{"schema_version": 1,')


def test_a_missing_file_is_a_framework_error(tmp_path):
    with pytest.raises(FrameworkError, match="cannot be read"):
        load_framework(tmp_path / "absent.json")
