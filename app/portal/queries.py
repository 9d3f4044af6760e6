"""Read-only lookups for the public pages. Nothing here may tell a stranger whether a case exists.

- `find_case` always does one lookup and one constant-time HMAC comparison, whether or not the number exists.
- The session holds the case id and a tag bound to the case's access-code hash (`session_tag`), so a cookie
  for one case cannot be turned into another case, and a changed access code ends old sessions.
- `progress` and `verification` return plain dicts with only what the applicant or the stranger may see.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import select

from app.accounts.models import OrgUnit
from app.cases import services, statutory
from app.cases.models import FINAL_STATUSES, Case, CaseEvent, CaseStatus
from app.cases.service import hash_access_code
from app.core.clock import CHINA_TZ, today, utcnow
from app.core.masking import mask_id_number, mask_name
from app.extensions import db
from app.forms.validation import missing_materials as forms_missing_materials
from app.inbox.models import HumanTask, TaskState
from app.letters import kinds as letter_kinds
from app.letters.models import Letter, LetterStatus
from app.letters.service import VERIFICATION_ALPHABET, VERIFICATION_LENGTH
from app.processes import specs

# Compared against when no case has the number, so a wrong number costs the same as a wrong code.
_NO_CASE_HASH = "0" * 64


def _local_day(moment: datetime | None) -> date | None:
    """The day in China of a stored UTC time (SQLite gives it back without a zone)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(CHINA_TZ).date()


def normalise_number(number: str) -> str:
    return "".join(number.split()).upper()[:40]


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()[:32]


def find_case(number: str, access_code: str) -> Case | None:
    """The case with this number if the access code matches; None otherwise (without saying which was wrong)."""
    case = db.session.scalars(select(Case).where(Case.number == normalise_number(number))).one_or_none()
    stored = case.access_code_hash if case is not None else _NO_CASE_HASH
    given = hash_access_code(normalise_code(access_code))
    matches = hmac.compare_digest(given.encode(), stored.encode())
    return case if matches and case is not None else None


def session_tag(case: Case) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"portal:{case.id}:{case.access_code_hash}".encode(), hashlib.sha256).hexdigest()


def case_from_session(entry: Any) -> Case | None:
    """The case a session entry {"case_id", "tag"} stands for, or None if anything about it does not fit."""
    if (
        not isinstance(entry, dict)
        or not isinstance(entry.get("case_id"), int)
        or not isinstance(entry.get("tag"), str)
    ):
        return None
    case = db.session.get(Case, entry["case_id"])
    if case is None or not hmac.compare_digest(session_tag(case).encode(), entry["tag"].encode()):
        return None
    return case


def _unit_names(unit_ids: set[int]) -> dict[int, OrgUnit]:
    if not unit_ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(unit_ids)))}


def missing_materials(case: Case, letters: list[Letter]) -> tuple[list[dict], str | None]:
    """What the one-time supplement notice asked for, and by when: from the latest notice, else the check's data."""
    notices = [letter for letter in letters if letter.kind in letter_kinds.supplement_kinds()]
    if notices:
        ctx = notices[-1].context
        items = [{"label": m.get("label", m.get("code")), "note": m.get("note", "")} for m in ctx.get("missing", [])]
        return items, ctx.get("supplement_deadline")
    check = (case.data or {}).get("check_materials") or {}
    service = services.get(case.service)
    if service is None or service.materials_form is None or not check:
        return [], check.get("supplement_deadline")
    form = specs.form_for(specs.version_info(case.process_version_id), service.materials_form)
    items = [{"label": m["label"], "note": m["note"]} for m in forms_missing_materials(form, check, locale="zh")]
    return items, check.get("supplement_deadline")


def progress(case: Case) -> dict[str, Any]:
    """The applicant's view of the case: steps done, where it is now, the deadline, letters. No staff names."""
    events = db.session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind.in_(("case_opened", "task_completed", "status_changed")))
        .order_by(CaseEvent.id)
    ).all()
    open_tasks = db.session.scalars(
        select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == TaskState.OPEN).order_by(HumanTask.id)
    ).all()
    letters = list(
        db.session.scalars(select(Letter).where(Letter.case_id == case.id).order_by(Letter.issued_at, Letter.id))
    )
    units = _unit_names({e.unit_id for e in events if e.unit_id} | {t.unit_id for t in open_tasks})
    done = []
    for event in events:
        done.append(
            {
                "at": event.at,
                "kind": event.kind,
                "title": event.payload.get("title") if event.kind == "task_completed" else None,
                "title_en": event.payload.get("title_en") if event.kind == "task_completed" else None,
                "to": event.payload.get("to") if event.kind == "status_changed" else None,
                "unit": units.get(event.unit_id) if event.unit_id else None,
            }
        )
    current = [
        {"title": t.title, "title_en": t.title_en, "unit": units.get(t.unit_id), "due_at": t.due_at} for t in open_tasks
    ]
    status = CaseStatus(case.status)
    materials, supplement_deadline = (
        missing_materials(case, letters) if status == CaseStatus.AWAITING_APPLICANT else ([], None)
    )
    paused = statutory.is_paused(case)
    final = status in FINAL_STATUSES
    decided = [e.at for e in events if e.kind == "status_changed" and e.payload.get("to") == str(status)]
    expected_on = None if final or paused else expected_decision(case, open_tasks)
    return {
        "case": case,
        "service_label": services.label(case.service),
        "status": str(status),
        "final": final,
        "expected_on": expected_on,
        "decided_on": _local_day(decided[-1]) if final and decided else None,
        "expected_days": _working_days_to(expected_on),
        "service": case.service,
        "masked_name": mask_name(case.applicant_name),
        "masked_id_number": mask_id_number(case.applicant_id_number),
        "opened_on": _local_day(case.opened_at),
        "done": done,
        "current": current,
        "due_on": case.statutory_due_on,
        "paused": paused,
        "letters": [
            {
                "id": letter.id,
                "title": letter.title,
                "number": letter.number,
                "issued_on": letter.context.get("issued_on"),
            }
            for letter in letters
        ],
        "missing_materials": materials,
        "supplement_deadline": supplement_deadline,
    }


def expected_decision(case: Case, open_tasks: Sequence[HumanTask]) -> date | None:
    """When a decision is likely: now plus the typical time from the current step to the end of cases of this
    service over the last 90 days (supervision's forecast), never later than the statutory deadline. None when
    no such case has finished lately: then only the deadline is promised."""
    from app.supervision.queries import cached_forecast

    now = utcnow()
    forecast = cached_forecast(now)
    hours = [forecast.remaining_hours.get((case.service, task.task_name)) for task in open_tasks]
    known = [h for h in hours if h is not None]
    if not known:
        return None
    expected = (now + timedelta(hours=max(known))).astimezone(CHINA_TZ).date()
    return min(expected, case.statutory_due_on) if case.statutory_due_on else expected


def _working_days_to(day: date | None) -> int | None:
    from app.calendar.deadlines import working_days_between
    from app.cases.deadlines import session_calendar

    return working_days_between(today(), day, session_calendar()) if day else None


def well_formed_code(code: str) -> bool:
    return len(code) == VERIFICATION_LENGTH and all(ch in VERIFICATION_ALPHABET for ch in code)


def verification(code: str) -> dict[str, Any] | None:
    """Only what a stranger holding the code may learn about the letter; None if no letter has the code."""
    code = normalise_code(code)
    if not well_formed_code(code):
        return None
    letter = db.session.scalars(select(Letter).where(Letter.verification_code == code)).one_or_none()
    if letter is None:
        return None
    ctx = letter.context or {}
    state = str(letter.status)
    valid_until = None
    spec = letter_kinds.get(letter.kind)
    if spec is not None and spec.valid_until_key:
        raw: Any = ctx
        for part in spec.valid_until_key.split("."):
            raw = raw.get(part) if isinstance(raw, dict) else None
        valid_until = date.fromisoformat(raw) if raw else None
        if state == LetterStatus.VALID and valid_until is not None and valid_until < today():
            state = "expired"
    agency = db.session.get(OrgUnit, letter.agency_unit_id)
    return {
        "code": code,
        "title": letter.title,
        "number": letter.number,
        "issued_on": ctx.get("issued_on") or letter.issued_at.date().isoformat(),
        "agency": (ctx.get("agency") or {}).get("name") or (agency.name_zh if agency else ""),
        "holder": mask_name((ctx.get("party") or {}).get("name")),
        "state": state,
        "valid_until": valid_until,
    }


def case_summary(case: Case) -> dict[str, Any]:
    """One line of the applicant's list of cases."""
    return {
        "id": case.id,
        "number": case.number,
        "service": services.label(case.service),
        "status": str(case.status),
        "opened_on": _local_day(case.opened_at),
        "due_on": case.statutory_due_on,
    }


def statutory_rule_of(process_id: str) -> str | None:
    """The service's statutory clock rule ("15CAL", "10WD"), read from its deployed process."""
    from app.cases import steps

    return steps.statutory_rule(specs.bundle_for(specs.latest_version_info(process_id)))


def confirmation(case: Case) -> dict[str, Any]:
    """The confirmation page: what happens next and by when (working days), what to bring, the receipt."""
    from app.calendar.deadlines import working_days_between
    from app.cases.deadlines import session_calendar
    from app.portal.models import CaseDocument

    calendar, now = session_calendar(), today()
    open_tasks = db.session.scalars(
        select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == TaskState.OPEN).order_by(HumanTask.id)
    ).all()
    first_due = min((t.due_at for t in open_tasks if t.due_at), default=None)
    first_due_on = _local_day(first_due)
    uploaded = set(db.session.scalars(select(CaseDocument.material_code).where(CaseDocument.case_id == case.id)))
    locale = "en" if str(get_locale() or "zh").startswith("en") else "zh"
    materials = _applicable_materials(case, locale)
    receipt = db.session.scalars(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id)).first()
    return {
        "case": case,
        "service": services.label(case.service),
        "opened_on": _local_day(case.opened_at) or now,
        "made_on": now,
        "contact": contact_of(case),
        "track_url": f"{current_app.config.get('ANJU_PUBLIC_URL', '').rstrip('/')}/track",
        "check_by": first_due_on,
        "check_days": working_days_between(now, first_due_on, calendar) if first_due_on else None,
        "decide_by": case.statutory_due_on,
        "decide_days": working_days_between(now, case.statutory_due_on, calendar) if case.statutory_due_on else None,
        "to_bring": [m for m in materials if m["code"] not in uploaded],
        "uploaded": [m for m in materials if m["code"] in uploaded],
        "intake_unit": case.intake_unit,
        "receipt": receipt,
    }


def contact_of(case: Case) -> dict[str, str] | None:
    """How the applicant hears about the case (the channel they chose), with the address masked."""
    from app.notifications.outbox import mask_recipient
    from app.portal.accounts import recipients_for

    for recipient in recipients_for(case):
        if recipient.email:
            return {"channel": "email", "to": mask_recipient(recipient.email)}
        if recipient.phone:
            return {"channel": "sms", "to": mask_recipient(recipient.phone)}
    return None


def _applicable_materials(case: Case, locale: str) -> list[dict[str, str]]:
    service = services.get(case.service)
    if service is None or service.materials_form is None:
        return []
    from app.forms.messages import text
    from app.forms.validation import applicable_materials

    form = specs.form_for(specs.version_info(case.process_version_id), service.materials_form)
    found = []
    for name, spec in form["ui"]["fields"].items():
        if spec["widget"] == "materials":
            for material, _applies in applicable_materials(form, name, {}, case.data.get("application") or {}):
                found.append({"code": material["code"], "label": text(material["label"], locale)})
    return found
