"""Permit lifecycle fixtures: permits issued through the real application process, and helpers to act on them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.cases import service
from app.core import clock
from app.inbox import service as inbox
from app.inbox.models import HumanTask, TaskState
from app.permits.models import ResidencePermit
from tests.factories import materials, permit_form

STATION_OF = {"C0101": "P01", "C0102": "P01", "C0201": "P02", "C0202": "P02", "C0301": "P03", "C0302": "P03"}


def on(day: str, hour: int = 10) -> None:
    """Anju's clock at `hour` China time on `day`."""
    clock.freeze(datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00"))


def open_task(db, case_id: int) -> HumanTask:
    return db.session.scalars(
        select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.state == TaskState.OPEN)
    ).one()


def do(db, case_id: int, actor, form: dict) -> None:
    task = open_task(db, case_id)
    inbox.claim_task(task_id=task.id, actor=actor)
    service.complete_task(task_id=task.id, actor=actor, form=form, locale="zh")


def issue_through_process(db, world, *, community: str = "C0201", day: str = "2026-11-20", seed: int | None = None):
    """A permit as the application process issues it: window → community → police station."""
    users = world.users
    on(day)
    case, _code = service.open_case(
        service="residence_permit",
        form=permit_form(community, today=date.fromisoformat(day), seed=seed),
        actor=users["window1"],
        locale="zh",
    )
    do(db, case.id, users["window1"], materials())
    visit = {"lives_at_address": "true", "visit_date": day, "observations": "经入户核查，申请人居住属实"}
    do(db, case.id, users[f"community_{community.lower()}"], visit)
    do(db, case.id, users[f"police_{STATION_OF[community].lower()}"], {"decision": "approve", "issue_date": day})
    db.session.commit()
    return db.session.scalars(select(ResidencePermit).where(ResidencePermit.case_id == case.id)).one()


def more_permits(db, origin: ResidencePermit, n: int) -> list[int]:
    """`n` further permits like `origin` (same dates and community), issued directly: for volume tests."""
    ids = []
    for i in range(n):
        permit = ResidencePermit(
            number=f"3301062026{9000000 + i:07d}",
            case_id=origin.case_id,
            holder_name=f"测试{i}",
            holder_id_number=origin.holder_id_number,
            community_id=origin.community_id,
            issuing_unit_id=origin.issuing_unit_id,
            issued_on=origin.issued_on,
            valid_until=origin.valid_until,
            endorsement_window_start=origin.endorsement_window_start,
            residence_years_from=origin.issued_on,
            address=origin.address,
            holder_phone=origin.holder_phone,
        )
        db.session.add(permit)
        db.session.flush()
        ids.append(permit.id)
    db.session.commit()
    return ids


@pytest.fixture()
def permit(db, world):
    """Issued 2026-11-20 to a resident of 文三社区 (C0201, served by 西溪派出所 P02): valid until 2027-11-19,
    endorsement window from 2027-10-20."""
    return issue_through_process(db, world)


@pytest.fixture(autouse=True)
def calendar_2028(world):
    """Endorsements a year on need next year's working days too."""
    from app.calendar.service import seed_years

    seed_years(range(2028, 2029))
    world_db = __import__("app.extensions", fromlist=["db"]).db
    world_db.session.commit()
