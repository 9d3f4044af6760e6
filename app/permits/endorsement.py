"""Endorsement (签注, Decree 663 Art. 10; D-RP-4): opening the case, its outcome on the permit, its letters' facts."""

from __future__ import annotations

from typing import Any

from app.accounts.models import User
from app.cases.models import Case
from app.core.clock import today
from app.permits import lifecycle, service
from app.permits.models import PermitEventKind, PermitStatus, ResidencePermit

# The community's finding (bpmn/re_conditions.dmn) as a reason in the refusal letter.
FINDINGS = {
    "no_longer_resides": (
        "持证人已不在居住地连续居住",
        "《居住证暂行条例》第十条、《杭州市流动人口服务管理规定》第十九条",
    ),
    "no_qualifying_condition": (
        "持证人已不具有合法稳定就业、合法稳定住所、连续就读三项条件中的任何一项",
        "《居住证暂行条例》第二条、《杭州市流动人口服务管理规定》第十九条",
    ),
}


def start_endorsement(
    permit: ResidencePermit, *, actor: User | None, channel: str = "window", form: Any = None, locale: str = "zh"
) -> Case:
    """Opens the endorsement case of `permit` (the scan with actor None, or a window from the permit page)."""
    if actor is not None:
        service.check_start_allowed(permit, "endorsement", today())
    basis = service.origin_application(permit).get("basis")
    fixed = {} if form is not None else {"basis": basis if basis in _BASES else "stable_home"}
    return service.start_case_for(
        permit, "endorsement", actor=actor, form=form, fixed=fixed, locale=locale, channel=channel
    )


_BASES = ("stable_job", "stable_home", "continuous_study")


def endorse_permit(case: Case, data: dict[str, Any], actor: User | None) -> None:
    """BPMN action `endorse_permit`: one more year of validity. On time: from the old anniversary. Late (the
    anniversary had passed, D-RP-4 'restored'): the suspension ends, and both the next anniversary and the
    continuous residence years count from today (杭州 Art. 20; the suspended period does not count)."""
    permit = lifecycle.permit_of_case(case)
    day = today()
    late = data.get("permit_state") == "restored"
    previous_anniversary = permit.anniversary
    start = day if late else previous_anniversary
    permit.valid_until, permit.endorsement_window_start = service.year_from(start)
    permit.last_endorsed_on = day
    if late:
        permit.residence_years_from = day
    lifecycle.move(
        permit,
        PermitStatus.ACTIVE,
        PermitEventKind.RESTORED if late else PermitEventKind.ENDORSED,
        actor=actor,
        case=case,
        endorsed_on=day,
        valid_until=permit.valid_until,
        residence_years_from=permit.residence_since if late else None,
    )
    case.data = {
        **case.data,
        "endorsement": {
            "late": late,
            "endorsed_on": day.isoformat(),
            "previous_anniversary": previous_anniversary.isoformat(),
            "valid_until": permit.valid_until.isoformat(),
            "endorsement_window_start": permit.endorsement_window_start.isoformat(),
            "residence_years_from": permit.residence_since.isoformat(),
        },
    }


def terminate_permit(case: Case, data: dict[str, Any], actor: User | None) -> None:
    """BPMN action `terminate_permit`: endorsement refused → 使用功能终止 (杭州 Arts. 19, 21)."""
    permit = lifecycle.permit_of_case(case)
    lifecycle.move(
        permit,
        PermitStatus.TERMINATED,
        PermitEventKind.TERMINATED,
        actor=actor,
        case=case,
        reason=data.get("condition_finding") or "refused",
        terminated_on=today(),
    )


def decision_facts(case: Case, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    permit = case.data.get("application", {}).get("permit_number")
    check = case.data.get("check_residence", {})
    if kind == "re_endorsement":
        done = case.data.get("endorsement", {})
        return {"permit_number": permit, **done}
    if kind == "re_refusal":
        reasons = []
        finding = data.get("condition_finding")
        if finding in FINDINGS:
            text, basis = FINDINGS[finding]
            reasons.append({"code": finding, "text_zh": text, "basis": basis})
        return {
            "permit_number": permit,
            "ineligible_reasons": reasons,
            "refusal_reasons": case.data.get("decide_endorsement", {}).get("refusal_reasons"),
            "verification_findings": check.get("observations"),
            "anniversary": data.get("anniversary"),
        }
    return {}
