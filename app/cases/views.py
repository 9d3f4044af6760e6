"""Case list, intake (new application), case page, reveal of personal data."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from app.cases import queries, service, services
from app.cases.lifecycle import EventKind, record
from app.core.auth import roles_required
from app.core.clock import utcnow
from app.core.errors import ValidationFailed
from app.extensions import db

bp = Blueprint("cases", __name__, url_prefix="/cases", template_folder="templates")
WORKERS = ("caseworker", "supervisor", "admin")
INTAKE_ROLES = ("caseworker", "supervisor")
REVEAL_SECONDS = 300


def community_choices() -> list[dict]:
    from app.accounts.models import OrgUnit, UnitKind

    rows = db.session.scalars(db.select(OrgUnit).where(OrgUnit.kind == UnitKind.COMMUNITY).order_by(OrgUnit.code))
    return [
        {
            "value": u.code,
            "label": {
                "zh": f"{u.parent.name_zh if u.parent else ''} {u.name_zh}".strip(),
                "en": f"{u.name_en}, {u.parent.name_en if u.parent else ''}".strip(", "),
            },
        }
        for u in rows
    ]


@bp.get("/")
@roles_required(*WORKERS)
def index():
    result = queries.case_list(
        current_user,
        q=request.args.get("q", ""),
        status=request.args.get("status", ""),
        page=request.args.get("page", 1, type=int),
    )
    return render_template(
        "cases/index.html", q=request.args.get("q", ""), status=request.args.get("status", ""), **result
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*INTAKE_ROLES)
def new():
    offered = [s for s in services.all_services() if current_user.unit.kind in s.intake_unit_kinds]
    # Without ?service=, the first service this unit takes in (a legal-aid centre's window: legal aid).
    service_name = request.args.get("service") or (offered[0].process_id if offered else "residence_permit")
    if services.get(service_name) is None:
        abort(404)
    errors: dict = {}
    values: dict = {}
    duplicates: list = []
    if request.method == "POST":
        values = request.form.to_dict(flat=True)
        try:
            case, access_code = service.open_case(
                service=service_name,
                form=request.form,
                actor=current_user,
                locale=g.locale,
                confirm_duplicate=request.form.get("confirm_duplicate") == "yes",
            )
            db.session.commit()
            session["new_access_code"] = {"case_id": case.id, "code": access_code}
            return redirect(url_for("cases.detail", case_id=case.id))
        except ValidationFailed as exc:
            db.session.rollback()
            errors = exc.errors
        except service.DuplicateSuspected as exc:
            db.session.rollback()
            duplicates = exc.existing
    version, definition = service.intake_form(service_name)  # only to show the form: a success redirects
    return render_template(
        "cases/new.html",
        definition=definition,
        values=values,
        errors=errors,
        version=version,
        options={"community_code": community_choices()},
        service_name=service_name,
        offered=offered,
        duplicates=duplicates,
    ), (422 if errors or duplicates else 200)


@bp.get("/<int:case_id>")
@roles_required(*WORKERS)
def detail(case_id: int):
    context = queries.case_page(current_user, case_id)
    revealed = session.get("revealed", {}).get(str(case_id), 0) > utcnow().timestamp()
    new_code = session.pop("new_access_code", None)
    access_code = new_code["code"] if new_code and new_code["case_id"] == case_id else None
    return render_template(
        "cases/detail.html",
        revealed=revealed,
        access_code=access_code,
        options={"community_code": community_choices()},
        **context,
    )


@bp.post("/<int:case_id>/reveal")
@roles_required(*WORKERS)
def reveal(case_id: int):
    """Shows full ID number and phone for five minutes; every reveal is on the case's record."""
    case = service.get_case_for(current_user, case_id)
    record(case, EventKind.PERSONAL_DATA_VIEWED, actor=current_user, fields=["id_number", "phone"])
    db.session.commit()
    revealed = dict(session.get("revealed", {}))
    revealed[str(case_id)] = (utcnow() + timedelta(seconds=REVEAL_SECONDS)).timestamp()
    session["revealed"] = revealed
    flash(_("Personal data is shown for 5 minutes. This view has been recorded."), "warning")
    return redirect(url_for("cases.detail", case_id=case_id) + "#applicant")


STATUS_LABELS = {
    "received": _l("Received"),
    "awaiting_applicant": _l("Waiting for the applicant"),
    "in_review": _l("In review"),
    "approved": _l("Approved"),
    "refused": _l("Refused"),
    "not_accepted": _l("Not accepted"),
    "withdrawn": _l("Withdrawn"),
    "referred": _l("Referred elsewhere"),
    "terminated": _l("Terminated"),
    "closed": _l("Closed"),
}
EVENT_LABELS = {
    "case_opened": _l("Case opened"),
    "status_changed": _l("Status changed"),
    "task_created": _l("Task created"),
    "task_claimed": _l("Task claimed"),
    "task_released": _l("Task released"),
    "task_reassigned": _l("Task reassigned"),
    "task_completed": _l("Task completed"),
    "task_cancelled": _l("Task withdrawn"),
    "letter_issued": _l("Letter issued"),
    "letter_downloaded": _l("Letter downloaded"),
    "permit_issued": _l("Permit issued"),
    "personal_data_viewed": _l("Personal data viewed"),
    "person_viewed": _l("Person page viewed (all cases of the applicant)"),
    "duplicate_suspected": _l("Opened although the applicant has an open case of this service"),
    "clock_paused": _l("Statutory clock paused"),
    "clock_resumed": _l("Statutory clock resumed"),
    "case_closed": _l("Case closed"),
    "timer_fired": _l("Timer fired"),
    "timer_failed": _l("Timer failed, will retry"),
    "task_overdue": _l("Task overdue, supervisor notified"),
    "case_linked": _l("Linked case"),
    "permit_status_changed": _l("Residence permit record changed"),
    "placement_round": _l("Ranked in an allocation round"),
    "place_changed": _l("School place"),
}
LINK_LABELS = {
    ("referral", "outgoing"): _l("Referred to"),
    ("referral", "incoming"): _l("Referred from"),
}
# Codes the decision tables produce, as words for the caseworker (D-RP-1/2/3 in bpmn/rp_*.dmn).
DECISION_LABELS = {
    "self": _l("The applicant applies in person"),
    "agent_required": _l("A guardian or close relative must apply (under 16)"),
    "agent_allowed": _l("A guardian or close relative may apply (limited mobility)"),
    "stable_job": _l("Stable lawful employment"),
    "stable_home": _l("Stable lawful residence"),
    "continuous_study": _l("Continuous study"),
    "special_talent": _l("Special talent (local rule)"),
    "residence_under_six_months": _l("Registered residence under six months"),
    "no_qualifying_condition": _l("None of employment, residence or study"),
    "issue": _l("Issue normally"),
    "on_request": _l("Issue on the applicant's request"),
    "not_issued": _l("Not issued under the local rule"),
}


def decision_label(code) -> str:
    """A DMN output code in words: the residence permit's, or the service that registered it."""
    if str(code) in DECISION_LABELS:
        return str(DECISION_LABELS[str(code)])
    for definition in services.all_services():
        if str(code) in definition.decision_labels:
            return str(definition.decision_labels[str(code)])
    return str(code or "—")


def deadline_rule_text(rule: str | None) -> str:
    """'15CAL' → '15 calendar days (a last day on a rest day moves to the next working day)'."""
    from app.calendar.deadlines import DayType
    from app.cases.deadlines import parse_rule

    if not rule:
        return ""
    parsed = parse_rule(rule)
    if parsed.day_type == DayType.WD:
        return _("%(n)s working days", n=parsed.duration)
    return _("%(n)s calendar days (moved to the next working day if the last day is a rest day)", n=parsed.duration)


def time_left_text(due, *, paused: bool = False) -> str:
    """'3 working days left', 'due today', 'overdue by 2 working days', or that the clock is paused."""
    from app.calendar.deadlines import working_days_between
    from app.cases.deadlines import session_calendar
    from app.core.clock import today

    if due is None:
        return ""
    if paused:
        return _("the clock is paused while the applicant supplies materials")
    now = today()
    n = working_days_between(now, due, session_calendar())
    if now > due:
        return (
            ngettext("overdue by %(num)s working day", "overdue by %(num)s working days", max(-n, 1))
            if -n != 0
            else _("overdue")
        )
    return _("due today") if n == 0 else ngettext("%(num)s working day left", "%(num)s working days left", n)


def case_flag(case) -> str | None:
    """The case's own priority in words (a legal-aid green-channel case: "Green channel"), shown beside each of its
    tasks in every list and on the case page; None for a case without one."""
    data = case.data or {}
    if not data.get("priority"):
        return None
    return decision_label(data["priority_reason"]) if data.get("priority_reason") else _("Priority case")


def escalated(task) -> bool:
    """Raised above its case's own priority: an overdue escalation (a green-channel task starts at 1, not raised)."""
    return (task.priority or 0) > int((task.case.data or {}).get("priority") or 0)


PERSONAL_FIELDS = ("id_number", "phone", "agent_id_number", "agent_phone")


def mask_personal(values: dict) -> dict:
    from app.core.masking import mask_id_number, mask_phone

    masked = dict(values)
    for name in PERSONAL_FIELDS:
        if masked.get(name):
            masked[name] = mask_phone(masked[name]) if "phone" in name else mask_id_number(masked[name])
    for name, value in masked.items():  # rows of a repeat field (workers of a group complaint) are masked too
        if isinstance(value, list) and all(isinstance(row, dict) for row in value):
            masked[name] = [mask_personal(row) for row in value]
    return masked


@bp.app_context_processor
def _case_labels():
    return {
        "status_label": lambda s: str(STATUS_LABELS.get(str(s), s)),
        "event_label": lambda k: str(EVENT_LABELS.get(str(k), k)),
        "link_label": lambda kind, direction: str(LINK_LABELS.get((kind, direction), kind)),
        "mask_personal": mask_personal,
        "decision_label": decision_label,
        "case_flag": case_flag,
        "escalated": escalated,
        "service_label": services.label,
        "deadline_rule_text": deadline_rule_text,
        "time_left_text": time_left_text,
    }
