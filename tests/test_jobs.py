"""After-commit jobs: run inline after the commit on the embedded default, never after a rollback."""

from __future__ import annotations

from sqlalchemy import select

from app.cases import service
from app.core import jobs
from app.letters.models import Letter
from tests.factories import permit_form


def test_letters_render_after_commit_inline(app, db, world, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_MODE", "inline")
    service.open_case(service="residence_permit", form=permit_form(), actor=world.users["window1"], locale="zh")
    db.session.commit()
    assert jobs.run_committed() == 2  # the receipt's PDF, and the applicant's message through the outbox
    letter = db.session.scalars(select(Letter)).one()
    assert letter.content_hash and letter.pdf.startswith(b"%PDF")


def test_rolled_back_work_runs_no_job(app, db, world, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_MODE", "inline")
    service.open_case(service="residence_permit", form=permit_form(), actor=world.users["window1"], locale="zh")
    db.session.rollback()
    db.session.commit()
    assert jobs.run_committed() == 0
