"""The last place of a school, given twice at the same moment over real concurrent connections: one family gets
it, the other caseworker is told the school is full, and nothing is saved for the loser (PostgreSQL only)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.cases import service
from app.core.errors import DomainError, ValidationFailed
from app.extensions import db as _db
from app.schools.models import SchoolPlacement
from tests.conftest import database_url
from tests.schools.conftest import check, do, open_tasks

pytestmark = pytest.mark.skipif(not database_url().startswith("postgresql"), reason="needs PostgreSQL")


def test_two_caseworkers_give_the_last_place_at_once(app, db, apply, schools):
    bureau = schools.users["education1"]
    first, form = apply("C0201")
    check(db, first, form, bureau)
    do(db, first, bureau, {"school_code": "XH-P02", "report_date": "2027-08-28"}, "assign_school")
    db.session.commit()  # XH-P02 has one grade-1 place left
    racing = []
    for _ in range(2):
        case, form = apply("C0201")
        check(db, case, form, bureau)
        racing.append(open_tasks(db, case.id)[0].id)
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def give(username: str, task_id: int) -> None:
        with app.app_context():
            actor = _db.session.scalars(select(User).where(User.username == username)).one()
            barrier.wait()
            try:
                service.complete_task(
                    task_id=task_id,
                    actor=actor,
                    form={"school_code": "XH-P02", "report_date": "2027-08-28"},
                    locale="zh",
                )
                _db.session.commit()
                results[username] = "ok"
            except ValidationFailed as exc:
                _db.session.rollback()
                results[username] = exc.errors["school_code"][0]
            except DomainError as exc:
                _db.session.rollback()
                results[username] = f"unexpected: {exc.message}"
            finally:
                _db.session.remove()

    threads = [
        threading.Thread(target=give, args=(name, task))
        for name, task in zip(("education1", "education_lead"), racing, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results.values())[0] == "ok" and list(results.values()).count("ok") == 1, results
    assert "学位已满" in next(v for v in results.values() if v != "ok")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(SchoolPlacement)) == 2
