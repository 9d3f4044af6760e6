"""Uploaded files of the applicant-side tests go to a temporary directory, not the checkout's instance/uploads."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, tmp_path):
    before = app.config.get("UPLOAD_DIR")
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield
    if before is None:
        app.config.pop("UPLOAD_DIR", None)
    else:
        app.config["UPLOAD_DIR"] = before
