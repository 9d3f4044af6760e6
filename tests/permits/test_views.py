"""Permit pages: jurisdiction, masking, starting endorsement / change of address / replacement from a permit."""

from __future__ import annotations

from sqlalchemy import func, select

from app.cases.models import Case, CaseStatus
from app.core.masking import mask_id_number
from app.letters.models import Letter
from app.permits import scan
from app.permits.models import PermitCase, PermitStatus
from tests.conftest import csrf_from, login
from tests.permits.conftest import do, on, open_task


def page(client, url: str):
    response = client.get(url)
    return response, response.get_data(as_text=True)


def test_list_and_page_within_jurisdiction_masked(app, db, world, permit):
    for user, sees in (
        ("police_p02", True),
        ("community_c0201", True),
        ("window1", True),  # the district's migrant service centre
        ("police_lead", True),  # the bureau: every station below it
        ("police_p01", False),
        ("community_c0101", False),
        ("xixi_lead", True),  # 西溪街道 supervisor: 文三社区 is below the street
    ):
        client = app.test_client()
        login(client, user)
        _response, html = page(client, "/permits/")
        assert (permit.number in html) is sees, user
        response, html = page(client, f"/permits/{permit.id}")
        assert response.status_code == (200 if sees else 404), user
        if sees:
            assert permit.holder_id_number not in html and mask_id_number(permit.holder_id_number) in html
            assert permit.holder_name not in html


def test_start_endorsement_is_refused_before_the_window_and_opens_in_it(app, db, world, permit):
    client = app.test_client()
    login(client, "window1")
    on("2027-09-01")
    response, html = page(client, f"/permits/{permit.id}/start/endorsement")
    assert response.status_code == 200 and permit.number in html
    form = {"csrf_token": csrf_from(html), "basis": "stable_job"}
    response = client.post(f"/permits/{permit.id}/start/endorsement", data=form, follow_redirects=True)
    assert "2027-10-20" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.service == "rp_endorsement")) == 0
    on("2027-10-21")
    response = client.post(f"/permits/{permit.id}/start/endorsement", data=form)
    assert response.status_code == 302 and "/cases/" in response.location
    case = db.session.scalars(select(Case).where(Case.service == "rp_endorsement")).one()
    assert case.data["channel"] == "window" and case.intake_unit_id == world.units["MSC"].id
    assert case.applicant_id_number == permit.holder_id_number
    assert scan.scan_endorsements() == 1  # due now, but the case is already open: no second one
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.service == "rp_endorsement")) == 1
    response = client.post(f"/permits/{permit.id}/start/endorsement", data=form, follow_redirects=True)
    assert case.number in response.get_data(as_text=True)  # "still open"


def test_change_of_address_reroutes_to_the_new_community_and_station(app, db, world, permit):
    client = app.test_client()
    login(client, "window1")
    on("2027-03-10")
    _response, html = page(client, f"/permits/{permit.id}/start/change_address")
    token = csrf_from(html)
    counts = db.session.scalar(select(func.count()).select_from(Case))
    response = client.post(
        f"/permits/{permit.id}/start/change_address", data={"csrf_token": token, "moved_on": "2027-03-05"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "新居住地址" in html or "New address" in html
    assert db.session.scalar(select(func.count()).select_from(Case)) == counts  # nothing saved half way
    form = {
        "csrf_token": token,
        "current_address": "杭州市西湖区翠苑路8号3幢201室",
        "community_code": "C0302",
        "moved_on": "2027-03-05",
    }
    response = client.post(f"/permits/{permit.id}/start/change_address", data=form)
    assert response.status_code == 302
    case = db.session.scalars(select(Case).where(Case.service == "rp_change_address")).one()
    assert case.number.startswith("RC-") and case.community_id == world.units["C0302"].id
    assert case.data["application"]["previous_address"] == permit.address
    task = open_task(db, case.id)
    assert task.unit_id == world.units["C0302"].id  # the NEW community checks
    do(
        db,
        case.id,
        world.users["community_c0302"],
        {"lives_at_new_address": "true", "visit_date": "2027-03-10", "observations": "入户核查，已在新址居住"},
    )
    db.session.commit()
    db.session.refresh(permit)
    assert case.status == CaseStatus.APPROVED and permit.community_id == world.units["C0302"].id
    assert permit.address == "杭州市西湖区翠苑路8号3幢201室"
    letters = db.session.scalars(select(Letter.kind).where(Letter.case_id == case.id).order_by(Letter.id)).all()
    assert letters == ["rc_receipt", "rc_certificate"]
    # The next endorsement goes to the new community and its station (翠苑派出所).
    on("2027-10-20")
    scan.scan_endorsements()
    endorsement = db.session.scalars(
        select(Case).join(PermitCase, PermitCase.case_id == Case.id).where(PermitCase.purpose == "endorsement")
    ).one()
    assert endorsement.intake_unit_id == world.units["P03"].id
    assert open_task(db, endorsement.id).unit_id == world.units["C0302"].id
    # The old community no longer sees the permit; the new one does.
    client = app.test_client()
    login(client, "community_c0201")
    assert client.get(f"/permits/{permit.id}").status_code == 404


def test_replacement_of_a_lost_card(app, db, world, permit):
    client = app.test_client()
    login(client, "police_p02")
    on("2027-02-01")
    _response, html = page(client, f"/permits/{permit.id}/start/replacement")
    form = {"csrf_token": csrf_from(html), "reason": "lost"}
    response = client.post(f"/permits/{permit.id}/start/replacement", data=form)
    assert response.status_code == 422 and "丢失情况说明" in response.get_data(as_text=True)
    form["loss_statement"] = "2027年1月在地铁上遗失"
    assert client.post(f"/permits/{permit.id}/start/replacement", data=form).status_code == 302
    case = db.session.scalars(select(Case).where(Case.service == "rp_replacement")).one()
    assert open_task(db, case.id).unit_id == world.units["P02"].id
    do(db, case.id, world.users["police_p02"], {"identity_checked": "true", "card_ready_on": "2027-02-08"})
    db.session.commit()
    db.session.refresh(permit)
    assert permit.card_serial == 2 and permit.status == PermitStatus.ACTIVE
    certificate = db.session.scalars(
        select(Letter).where(Letter.case_id == case.id, Letter.kind == "rr_certificate")
    ).one()
    assert certificate.context["table"][1]["v"] == "第2张" and "西溪派出所户籍窗口" in certificate.context["notices"][0]


def test_only_window_staff_start_cases(app, db, world, permit):
    client = app.test_client()
    login(client, "police_lead")  # a supervisor at the bureau, not at a window
    assert client.get(f"/permits/{permit.id}/start/endorsement").status_code == 403
    client = app.test_client()
    login(client, "police_p01")  # a window, but not this permit's
    assert client.get(f"/permits/{permit.id}/start/endorsement").status_code == 404
