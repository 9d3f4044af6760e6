"""The referral to legal aid is a BPMN message: delivered to its registered receiver, linked both ways."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.cases import queries, service, services
from app.cases.models import Case, CaseEvent, CaseLink
from app.core.errors import DomainError
from tests.conftest import login
from tests.wage_arrears.conftest import ACCEPT, do, wa_form

CONTRACT_KEYS = {"workers", "matter_type", "opponent_name", "opponent_credit_code", "facts", "source_case_number"}
WORKER_KEYS = {
    "applicant_name",
    "id_number",
    "phone",
    "current_address",
    "community_code",
    "amount_claimed",
    "months_owed",
}


@pytest.fixture()
def receiver(monkeypatch):
    """A stand-in for legal aid's receiver (the legal-aid engineer registers the real one): it records what it
    was sent and opens one case per referred worker — here a wage-arrears case, the service on this branch."""
    received = []

    def open_cases(case, payload, actor):
        received.append((case.number, payload))
        opened = []
        for worker in payload["workers"]:
            form = wa_form(seed=11)
            form.update(
                applicant_name=worker["applicant_name"],
                id_number=worker["id_number"],
                phone=worker["phone"],
                current_address=worker["current_address"],
                community_code=worker["community_code"],
            )
            opened.append(
                service.open_case(service="wage_arrears", form=form, actor=None, locale="zh", channel="referral")[0]
            )
        return opened

    monkeypatch.setitem(services._MESSAGES, "legal_aid_referral", open_cases)
    return received


def test_referral_opens_a_linked_case_with_events_on_both_timelines(db, world, labour, receiver, client):
    form = wa_form(group=True, worker_count=3, wants_legal_aid=True)
    case, _code = service.open_case(service="wage_arrears", form=form, actor=labour, locale="zh")
    do(db, case, labour, ACCEPT)
    db.session.commit()
    ((source_number, payload),) = receiver
    assert source_number == case.number and set(payload) == CONTRACT_KEYS
    assert payload["matter_type"] == "wage_claim" and payload["source_case_number"] == case.number
    (worker,) = payload["workers"]  # only the worker who asked
    assert set(worker) == WORKER_KEYS and worker["id_number"] == form["workers"][0]["id_number"]
    assert worker["amount_claimed"] == form["workers"][0]["amount_owed"] and worker["community_code"] == "C0201"
    assert (
        payload["opponent_name"] == form["employer_name"]
        and payload["opponent_credit_code"] == form["employer_credit_code"]
    )

    link = db.session.scalars(select(CaseLink)).one()
    target = db.session.get(Case, link.target_case_id)
    assert (link.source_case_id, link.kind, link.message) == (case.id, "referral", "legal_aid_referral")
    assert link.created_by_id == labour.id and target.applicant_id_number == worker["id_number"]
    for here, there, direction in ((case, target, "outgoing"), (target, case, "incoming")):
        (event,) = db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == here.id, CaseEvent.kind == "case_linked")
        )
        assert event.payload["direction"] == direction and event.payload["number"] == there.number
    assert [(x["direction"], x["case"].id) for x in queries.linked_cases(labour, case)] == [("outgoing", target.id)]
    assert [(x["direction"], x["case"].id) for x in queries.linked_cases(labour, target)] == [("incoming", case.id)]

    login(client, "labour1")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Linked cases" in page or "关联案件" in page
    assert f'href="/cases/{target.id}"' in page and target.number in page


def test_no_receiver_stops_the_step_and_saves_nothing(db, world, labour, monkeypatch):
    monkeypatch.delitem(services._MESSAGES, "legal_aid_referral", raising=False)
    case, _code = service.open_case(
        service="wage_arrears", form=wa_form(wants_legal_aid=True), actor=labour, locale="zh"
    )
    db.session.commit()
    before = tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Case, CaseEvent, CaseLink))
    with pytest.raises(DomainError) as caught:
        do(db, case, labour, ACCEPT)
    db.session.rollback()
    assert "legal_aid_referral" in caught.value.message and "no service receives it" in caught.value.message
    assert tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Case, CaseEvent, CaseLink)) == before
    db.session.refresh(case)
    assert case.status == "received"


def test_no_referral_without_a_worker_asking(db, world, labour, receiver):
    case, _code = service.open_case(service="wage_arrears", form=wa_form(), actor=labour, locale="zh")
    do(db, case, labour, ACCEPT)
    db.session.commit()
    assert receiver == [] and db.session.scalar(select(func.count()).select_from(CaseLink)) == 0
