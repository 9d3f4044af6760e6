"""Issuing stores number, context and template version without rendering; rendering stores the PDF once."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from app.cases.models import CaseEvent
from app.letters import service
from app.letters.models import Letter, LetterSequence, LetterStatus
from app.letters.render import template_version
from tests.letters.facts import sample_facts


def _issue(org, kind="rp_approval", **facts_overrides):
    return service.issue_letter(
        case_id=org["case"].id,
        kind=kind,
        facts=sample_facts(kind, **facts_overrides),
        agency_unit_id=org["bureau"].id,
        doc_code="西公居",
        actor_id=org["users"]["bureau"].id,
    )


def test_issue_stores_the_letter_without_rendering(db, org):
    letter = _issue(org)
    assert letter.id is not None
    assert letter.number == "西公居准字〔2026〕第1号"
    assert letter.status == LetterStatus.VALID and letter.kind == "rp_approval"
    assert letter.pdf is None and letter.content_hash is None and not letter.is_rendered
    assert letter.template_name == "letters/rp_approval.html"
    assert letter.template_version == template_version("letters/rp_approval.html")
    assert letter.context["number"] == letter.number
    assert letter.context["verification_code"] == letter.verification_code
    assert len(letter.verification_code) == 10
    assert set(letter.verification_code) <= set(service.VERIFICATION_ALPHABET)
    assert letter.issued_by_id == org["users"]["bureau"].id and letter.agency_unit_id == org["bureau"].id
    # The caller (cases.outcomes) records letter_issued with the lane it knows; issuing adds no event itself.
    assert db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "letter_issued")) is None


def test_series_per_kind_and_numbers_in_order(db, org):
    numbers = [_issue(org, kind).number for kind in ("rp_receipt", "rp_supplement", "rp_receipt", "rp_refusal")]
    assert numbers == [
        "西公居受字〔2026〕第1号",
        "西公居补字〔2026〕第1号",
        "西公居受字〔2026〕第2号",
        "西公居不准字〔2026〕第1号",
    ]
    not_accepted = _issue(org, "rp_not_accepted", issued_on="2027-01-04")
    assert not_accepted.number == "西公居不受字〔2027〕第1号"


def test_bad_facts_use_no_number(db, org):
    facts = sample_facts("rp_approval")
    del facts["decision"]["permit_number"]
    with pytest.raises(ValueError, match=r"decision\.permit_number"):
        service.issue_letter(
            case_id=org["case"].id,
            kind="rp_approval",
            facts=facts,
            agency_unit_id=org["bureau"].id,
            doc_code="西公居",
            actor_id=None,
        )
    assert db.session.scalar(select(LetterSequence)) is None
    with pytest.raises(ValueError, match="not 'rp_refusal'"):
        service.issue_letter(
            case_id=org["case"].id,
            kind="rp_refusal",
            facts=sample_facts("rp_approval"),
            agency_unit_id=org["bureau"].id,
            doc_code="西公居",
            actor_id=None,
        )


def test_render_stores_pdf_and_hash_once(db, org, monkeypatch):
    letter = _issue(org, "rp_refusal")
    db.session.commit()
    service.render_letter(letter.id)
    db.session.commit()
    assert letter.pdf.startswith(b"%PDF-")
    assert letter.content_hash == hashlib.sha256(letter.pdf).hexdigest()
    stored, rendered_at = letter.pdf, letter.rendered_at

    def must_not_render(*args, **kwargs):
        raise AssertionError("a stored letter was rendered again")

    monkeypatch.setattr(service, "render_pdf", must_not_render)
    service.render_letter(letter.id)
    assert service.letter_pdf(letter) == stored and letter.rendered_at == rendered_at


def test_letter_pdf_renders_when_the_job_has_not_run(db, org):
    letter = _issue(org, "rp_receipt")
    pdf = service.letter_pdf(letter)
    assert pdf.startswith(b"%PDF-") and letter.content_hash == hashlib.sha256(pdf).hexdigest()
    assert service.letter_pdf(letter) == pdf


def test_a_concurrently_stored_pdf_wins(db, org, monkeypatch):
    """If another worker stored the PDF between our check and our store, ours is dropped."""
    letter = _issue(org, "rp_receipt")
    db.session.commit()
    original = service.render_pdf

    def render_and_race(template_name, context):
        pdf = original(template_name, context)
        db.session.execute(
            Letter.__table__.update()
            .where(Letter.__table__.c.id == letter.id)
            .values(pdf=b"%PDF-first", content_hash="f" * 64)
        )
        return pdf

    monkeypatch.setattr(service, "render_pdf", render_and_race)
    service.render_letter(letter.id)
    assert letter.pdf == b"%PDF-first" and letter.content_hash == "f" * 64


def test_letters_for_case(db, org):
    first, second = _issue(org, "rp_receipt"), _issue(org, "rp_approval")
    assert [x.id for x in service.letters_for_case(org["case"].id)] == [first.id, second.id]
    assert service.letters_for_case(org["case"].id + 1000) == []


def test_download_filename(db, org):
    letter = _issue(org, "rp_approval")
    assert service.download_filename(letter) == "准予核发居住证决定书-RP-330106-2026-000123.pdf"
