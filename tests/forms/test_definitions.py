"""Loading and checking form definitions."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from app.core.errors import ProcessDefinitionError
from app.forms import check_definition, load_form_definitions, option_sources, parse_form_definition

from .conftest import FORMS_DIR

EXPECTED_FORMS = {"rp_application", "rp_materials", "rp_supplement", "rp_verification", "rp_approval"}


def test_every_form_in_forms_dir_passes(definitions):
    assert set(definitions) >= EXPECTED_FORMS
    for form_id, definition in definitions.items():
        check_definition(form_id, definition)
        assert len(definition["content_hash"]) == 64


@pytest.mark.parametrize("path", sorted(FORMS_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_every_label_is_bilingual(path):
    definition = json.loads(path.read_text("utf-8"))
    for spec in definition["ui"]["fields"].values():
        assert spec["label"]["zh"].strip() and spec["label"]["en"].strip()


def test_loading_is_cached_per_content(tmp_path: Path):
    raw = (FORMS_DIR / "rp_approval.json").read_bytes()
    first = parse_form_definition(raw, source="rp_approval.json")
    assert parse_form_definition(raw, source="rp_approval.json") is first
    (tmp_path / "rp_approval.json").write_bytes(raw)
    assert load_form_definitions(tmp_path)["rp_approval"] is first


def test_option_sources_tell_the_app_what_to_inject(definitions):
    assert option_sources(definitions["rp_application"]) == {"community_code": "communities"}


def _broken(definitions, form_id, change):
    definition = copy.deepcopy(definitions[form_id])
    definition.pop("content_hash")
    change(definition)
    with pytest.raises(ProcessDefinitionError) as caught:
        check_definition(form_id, definition)
    assert caught.value.file == f"{form_id}.json"
    return caught.value


def test_invalid_json_schema_is_refused(definitions):
    error = _broken(definitions, "rp_approval", lambda d: d["schema"]["properties"]["decision"].update(minLength="ten"))
    assert "JSON Schema" in error.reason and "decision" in error.element


def test_ui_field_not_in_schema_is_refused(definitions):
    def change(d):
        d["ui"]["fields"]["ghost"] = {"label": {"zh": "幽灵", "en": "Ghost"}, "widget": "text"}
        d["ui"]["order"].append("ghost")

    error = _broken(definitions, "rp_approval", change)
    assert "ghost" in error.reason and "not in the schema" in error.reason


def test_schema_field_missing_from_the_page_is_refused(definitions):
    error = _broken(definitions, "rp_approval", lambda d: d["ui"]["order"].remove("issue_date"))
    assert "issue_date" in error.reason


def test_enum_without_labels_is_refused(definitions):
    def change(d):
        d["ui"]["fields"]["decision"]["options"].pop()

    error = _broken(definitions, "rp_approval", change)
    assert error.element == "ui.fields.decision.options"


def test_option_without_english_label_is_refused(definitions):
    def change(d):
        del d["ui"]["fields"]["decision"]["options"][0]["label"]["en"]

    assert _broken(definitions, "rp_approval", change).element == "ui.fields.decision.options[0]"


def test_field_without_english_label_is_refused(definitions):
    error = _broken(definitions, "rp_approval", lambda d: d["ui"]["fields"]["issue_date"]["label"].pop("en"))
    assert error.element == "ui.fields.issue_date.label"


def test_unknown_format_is_refused(definitions):
    error = _broken(
        definitions,
        "rp_approval",
        lambda d: d["schema"]["properties"]["issue_date"].update(format="date-time"),
    )
    assert "date-time" in error.reason


def test_widget_must_fit_the_type(definitions):
    error = _broken(definitions, "rp_approval", lambda d: d["ui"]["fields"]["issue_date"].update(widget="checkbox"))
    assert error.element == "ui.fields.issue_date.widget"


def test_free_text_needs_a_max_length(definitions):
    error = _broken(definitions, "rp_approval", lambda d: d["schema"]["properties"]["refusal_reasons"].pop("maxLength"))
    assert "maxLength" in error.reason


def test_required_name_must_exist(definitions):
    error = _broken(definitions, "rp_approval", lambda d: d["schema"]["allOf"][0]["then"]["required"].append("reasons"))
    assert "reasons" in error.reason


def test_unknown_check_and_bad_check_field_are_refused(definitions):
    error = _broken(definitions, "rp_application", lambda d: d["checks"].append({"check": "be_nice"}))
    assert error.element == "checks[5]"
    error = _broken(definitions, "rp_application", lambda d: d["checks"][0].update(date_field="born"))
    assert "born" in error.reason


def test_bad_material_condition_is_refused(definitions):
    def change(d):
        d["ui"]["fields"]["materials"]["materials"][3]["required_when"] = {"context": "basis", "is": "x"}

    error = _broken(definitions, "rp_materials", change)
    assert error.element == "ui.fields.materials.materials[3].required_when"


def test_id_must_match_the_file_name(definitions):
    assert _broken(definitions, "rp_approval", lambda d: d.update(id="rp_decision")).element == "id"


def test_broken_json_names_the_file():
    with pytest.raises(ProcessDefinitionError) as caught:
        parse_form_definition(b'{"id": ', source="rp_broken.json")
    assert caught.value.file == "rp_broken.json"


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["ui"]["fields"]["decision"].update(widget=["radio"]),
        lambda d: d["schema"]["allOf"].append(True),
        lambda d: d["ui"].update(order="decision"),
        lambda d: d.update(ui=[]),
    ],
)
def test_malformed_shapes_are_definition_errors_not_crashes(definitions, change):
    """Start-up deploy catches only ProcessDefinitionError: a bad file must never stop the app starting."""
    _broken(definitions, "rp_approval", change)
