"""Forms engine: form definitions are data (forms/*.json); this package loads, validates and renders them.

Public API (see docs/forms.md):
    load_form_definitions(forms_dir) -> {form_id: definition}
    check_definition(form_id, definition)              raises ProcessDefinitionError
    parse_form_submission(definition, form) -> data    HTML strings → values
    validate_form_data(definition, data, *, locale, options=None, context=None) -> cleaned data
    missing_materials(definition, data, *, locale) -> [{"code", "label", "note"}]
    option_sources(definition) -> {field: source}     which fields need injected options
Templates: "forms/_macros.html" (render_form_fields, error_summary, render_readonly), found through the
`forms` blueprint below, which has no routes.
"""

from __future__ import annotations

from flask import Blueprint

from app.forms import rendering
from app.forms.definitions import (
    check_definition,
    content_hash,
    field_names,
    load_form_definitions,
    option_sources,
    parse_form_definition,
)
from app.forms.validation import missing_materials, parse_form_submission, validate_form_data

# static: forms-repeat.js, the repeat widget's "add another row" button (served wherever the blueprint is).
bp = Blueprint("forms", __name__, template_folder="templates", static_folder="static", static_url_path="/forms/static")
# Registered on the app with the blueprint, so any template can import the macros.
bp.add_app_template_global(rendering.form_view, "forms_view")
bp.add_app_template_global(rendering.summary_view, "forms_summary_view")
bp.add_app_template_global(rendering.readonly_view, "forms_readonly_view")

__all__ = [
    "bp",
    "check_definition",
    "content_hash",
    "field_names",
    "load_form_definitions",
    "missing_materials",
    "option_sources",
    "parse_form_definition",
    "parse_form_submission",
    "validate_form_data",
]
