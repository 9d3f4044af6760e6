"""Builders for supervision tests: cases and task rows written directly (no engine), so the numbers are known.

The `world` fixture (tests/conftest.py) freezes the clock at Friday 2026-11-20 10:00 China time.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from app.cases.models import Case, CaseStatus
from app.core.clock import CHINA_TZ
from app.extensions import db
from app.inbox.models import HumanTask, TaskState
from app.processes.models import ProcessVersion

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=CHINA_TZ).astimezone(UTC)
_numbers = itertools.count(1)


def local(day: str, hour: float = 10) -> datetime:
    """A China-time moment on `day` (ISO), in UTC as the app stores it (SQLite keeps the UTC text)."""
    moment = datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=CHINA_TZ) + timedelta(hours=hour)
    return moment.astimezone(UTC)


def end_of(day: str) -> datetime:
    """A deadline: 23:59:59 China time on `day` (cases.deadlines.end_of_day), in UTC."""
    return local(day, 0) + timedelta(hours=23, minutes=59, seconds=59)


class Builder:
    def __init__(self, world):
        self.world = world
        self.version_id = db.session.query(ProcessVersion.id).filter_by(process_id="residence_permit").scalar()

    def case(
        self,
        community: str = "C0201",
        *,
        status: CaseStatus = CaseStatus.IN_REVIEW,
        opened: datetime = NOW,
        due_on: date | None = None,
        closed: datetime | None = None,
        service: str = "residence_permit",
        id_number: str = "341202199001011234",
    ) -> Case:
        n = next(_numbers)
        case = Case(
            number=f"RP-330106-2026-{n:06d}",
            service=service,
            process_version_id=self.version_id,
            status=status,
            applicant_name="王芳",
            applicant_id_number=id_number,
            applicant_phone="13800000000",
            data={},
            community_id=self.world.units[community].id,
            intake_unit_id=self.world.units["MSC"].id,
            access_code_hash="x",
            opened_at=opened,
            closed_at=closed,
            statutory_due_on=due_on,
            workflow_state="",
            serializer_version="test",
        )
        db.session.add(case)
        db.session.flush()
        return case

    def task(
        self,
        case: Case,
        name: str = "verify_residence",
        *,
        unit: str = "C0201",
        assignee: str | None = None,
        created: datetime = NOW - timedelta(days=1),
        due: datetime | None = None,
        completed: datetime | None = None,
        completed_by: str | None = None,
        state: TaskState | None = None,
        priority: int = 0,
        title: str | None = None,
    ) -> HumanTask:
        users = self.world.users
        task = HumanTask(
            case_id=case.id,
            engine_task_id=str(uuid.uuid4()),
            task_name=name,
            title=title or name,
            service=case.service,
            lane="community",
            unit_id=self.world.units[unit].id,
            state=state or (TaskState.COMPLETED if completed else TaskState.OPEN),
            priority=priority,
            assignee_id=users[assignee].id if assignee else None,
            created_at=created,
            due_at=due,
            completed_at=completed,
            completed_by_id=users[completed_by].id if completed_by else None,
        )
        db.session.add(task)
        db.session.flush()
        return task


@pytest.fixture()
def build(world):
    return Builder(world)
