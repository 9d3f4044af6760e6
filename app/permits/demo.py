"""Demo permits in every lifecycle state, made by the real services with the clock moved back (app/demo.py).

Each permit is issued through the residence-permit process; what happens to it afterwards (endorsement scans,
endorsement, change-of-address and replacement cases) is replayed in time order, so the scan at a past moment
sees exactly the permits a real scan would have seen then:

active · endorsement due with an open endorsement case · suspended (its case waiting for the police) ·
endorsed on time · endorsed late (restored, residence years from that day) · terminated (refused) ·
address changed · card replaced.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.accounts.models import OrgUnit, User
from app.cases import service as cases
from app.core import clock
from app.demo import STREETS
from app.demo_cases import _do, application
from app.extensions import db
from app.permits import scan
from app.permits.models import ResidencePermit
from app.permits.start import start_from_permit

STATION_OF = {c[0]: s[3] for s in STREETS for c in s[6]}
# (story, days before today the permit was issued)
STORIES = [
    ("active", 90),
    ("due", 345),
    ("suspended", 380),
    ("endorsed", 372),
    ("late", 420),
    ("terminated", 400),
    ("address_changed", 200),
    ("replaced", 150),
]


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=clock.CHINA_TZ)


def issue_demo_permit(
    community: str, day: date, users: dict[str, User], rng: random.Random, **form_overrides: str
) -> tuple[ResidencePermit, dict]:
    """A permit issued through the residence-permit process on `day` (the clock is moved there): the window
    opens and checks, the community verifies, the station approves. Returns the permit and the application."""
    clock.freeze(_at(day))
    form = {**application(rng, community, today=day, short_residence=False, minor=False), **form_overrides}
    case, _code = cases.open_case(service="residence_permit", form=form, actor=users["window1"], locale="zh")
    verdicts = {f"materials.{code}.verdict": "provided" for code in ("id_card", "proof_of_address")}
    verdicts.update({"materials.photo.verdict": "not_applicable", "materials.proof_of_employment.verdict": "provided"})
    verdicts.update({"materials.proof_of_study.verdict": "provided"})
    _do(case.id, users["window2"], verdicts)
    visit = {"lives_at_address": "true", "visit_date": day.isoformat(), "observations": "经入户核查，申请人居住属实。"}
    _do(case.id, users[f"community_{community.lower()}"], visit)
    _do(
        case.id,
        users[f"police_{STATION_OF[community].lower()}"],
        {"decision": "approve", "issue_date": day.isoformat()},
    )
    db.session.commit()
    return db.session.scalars(select(ResidencePermit).where(ResidencePermit.case_id == case.id)).one(), form


def _issue(community: str, day: date, users: dict[str, User], rng: random.Random) -> ResidencePermit:
    return issue_demo_permit(community, day, users, rng)[0]


def _case_of(permit: ResidencePermit, service: str) -> int:
    from app.cases.models import Case
    from app.permits.models import PermitCase

    return db.session.scalar(
        select(Case.id)
        .join(PermitCase, PermitCase.case_id == Case.id)
        .where(PermitCase.permit_id == permit.id, Case.service == service)
        .order_by(Case.id.desc())
    )


def seed(units: dict[str, OrgUnit], users: dict[str, User], rng: random.Random) -> None:
    clock.freeze(None)  # the application demo leaves the clock in the past; the stories end today
    today = clock.today()
    communities = [c[0] for s in STREETS for c in s[6]]
    events: list[tuple[date, int, Callable[[], None]]] = []  # (when, order, what)

    def later(day: date, what: Callable[[], None]) -> None:
        if day <= today:
            events.append((day, len(events), what))

    def scan_on(day: date) -> None:
        later(day, lambda: scan.scan_endorsements(today=day))

    def community_check(p: ResidencePermit, day: date, resides: bool = True) -> None:
        officer = users[f"community_{_community_code(p).lower()}"]
        observations = (
            "经入户核查，持证人仍在登记地址居住，在附近企业稳定就业。"
            if resides
            else "经走访房东和邻居，持证人已于两个月前搬离，去向不明。"
        )
        form = {"resides": "true" if resides else "false", "basis_held": "stable_job" if resides else "none"}
        later(
            day,
            lambda: _do(
                _case_of(p, "rp_endorsement"),
                officer,
                {**form, "visit_date": day.isoformat(), "observations": observations},
            ),
        )

    def police_decision(p: ResidencePermit, day: date, form: dict) -> None:
        police = users[f"police_{STATION_OF[_community_code(p)].lower()}"]
        later(day, lambda: _do(_case_of(p, "rp_endorsement"), police, form))

    for story, days in STORIES:
        community = rng.choice(communities)
        permit = _issue(community, today - timedelta(days=days), users, rng)
        window, anniversary = permit.endorsement_window_start, permit.anniversary
        if story in ("due", "suspended", "endorsed", "late", "terminated"):
            scan_on(window + timedelta(days=1))
        if story == "due":
            community_check(permit, min(today, window + timedelta(days=3)))
        if story == "suspended":
            scan_on(anniversary)
            community_check(permit, min(today, anniversary + timedelta(days=4)))
        if story == "endorsed":
            community_check(permit, window + timedelta(days=3))
            police_decision(permit, window + timedelta(days=4), {"decision": "endorse"})
        if story == "late":
            scan_on(anniversary + timedelta(days=1))
            community_check(permit, anniversary + timedelta(days=12))
            police_decision(permit, anniversary + timedelta(days=14), {"decision": "endorse"})
        if story == "terminated":
            community_check(permit, window + timedelta(days=4), resides=False)
            refusal = "经社区核查，持证人已搬离本区，不再在居住地连续居住。"
            police_decision(permit, window + timedelta(days=6), {"decision": "refuse", "refusal_reasons": refusal})
        if story == "address_changed":
            _change_address(permit, today - timedelta(days=60), users, rng, later)
        if story == "replaced":
            _replace(permit, today - timedelta(days=30), users, later)
    for day, _order, what in sorted(events, key=lambda e: (e[0], e[1])):
        clock.freeze(_at(day))
        what()
        db.session.commit()


def _community_code(permit: ResidencePermit) -> str:
    return db.session.get(OrgUnit, permit.community_id).code


def _change_address(permit, day: date, users, rng: random.Random, later) -> None:
    new = rng.choice([c[0] for s in STREETS for c in s[6] if c[0] != _community_code(permit)])
    street_number, building, room = rng.randrange(1, 300), rng.randrange(1, 20), rng.randrange(101, 999)
    form = {
        "current_address": f"杭州市西湖区文一路{street_number}号{building}幢{room}室",
        "community_code": new,
        "moved_on": (day - timedelta(days=4)).isoformat(),
    }

    def start() -> None:
        start_from_permit(actor=users["window1"], permit_id=permit.id, purpose="change_address", form=form, locale="zh")

    def check() -> None:
        visit = {
            "lives_at_new_address": "true",
            "visit_date": (day + timedelta(days=2)).isoformat(),
            "observations": "经入户核查，持证人已在新址居住，租赁合同已备案。",
        }
        _do(_case_of(permit, "rp_change_address"), users[f"community_{new.lower()}"], visit)

    later(day, start)
    later(day + timedelta(days=2), check)


def _replace(permit, day: date, users, later) -> None:
    police = users[f"police_{STATION_OF[_community_code(permit)].lower()}"]
    form = {"reason": "damaged"}

    def start() -> None:
        start_from_permit(actor=police, permit_id=permit.id, purpose="replacement", form=form, locale="zh")

    def old_card() -> None:
        _do(
            _case_of(permit, "rp_replacement"),
            police,
            {"outcome": "returned", "received_on": (day + timedelta(days=1)).isoformat()},
        )

    def produce() -> None:
        _do(
            _case_of(permit, "rp_replacement"),
            police,
            {"identity_checked": "true", "card_ready_on": (day + timedelta(days=7)).isoformat()},
        )

    later(day, start)
    later(day + timedelta(days=1), old_card)
    later(day + timedelta(days=2), produce)
