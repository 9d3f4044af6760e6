"""Wage-arrears complaint (欠薪投诉, rules.md §3): the milestone actions the BPMN names and the facts its letters get.

The process (bpmn/wage_arrears.bpmn, written in tools/process_wage_arrears.py) decides *when*; this module
says *what*: the registration (立案) restarts the statutory clock at 60 working days, an approved extension
moves it to 90, a listing on the blacklist is recorded with its term, and each letter kind gets its facts as
plain data (docs/letters.md) — the text itself is written in app/wage_arrears/letter_texts.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.accounts.models import OrgUnit, User
from app.cases import routing, statutory
from app.cases.models import Case
from app.cases.outcomes import missing_material_facts
from app.core.clock import today
from app.core.errors import ValidationFailed
from app.extensions import db
from app.letters.models import Letter

INVESTIGATION_RULE = "60WD"  # 条例 Art. 17: 60 working days from registration
# 行政处罚法 Art. 63: a party may ask for a hearing before a "较大数额" fine; the amount is set locally and not in
# rules.md ([U]): 10,000 yuan for a unit unless the installation sets WAGE_PENALTY_HEARING_THRESHOLD.
PENALTY_HEARING_THRESHOLD = 10000
EXTENDED_RULE = "90WD"  # + 30 working days with the head's approval
BLACKLIST_YEARS = 3  # Order 45 [S]: listed for three years


def register_case(case: Case, data: dict[str, Any], actor: User | None) -> None:
    """立案 on the day of acceptance: the statutory clock now counts the investigation period from that day."""
    registered_on = date.fromisoformat(data["registered_on"])
    case.data = {
        **case.data,
        "registration": {
            "registered_on": registered_on.isoformat(),
            "investigation_due_on": data["investigation_due_on"],
        },
    }
    statutory.start(case, INVESTIGATION_RULE, registered_on)


def extend_investigation(case: Case, data: dict[str, Any], actor: User | None) -> None:
    registration = case.data.get("registration", {})
    registered_on = date.fromisoformat(registration.get("registered_on") or data["registered_on"])
    case.data = {
        **case.data,
        "registration": {**registration, "investigation_due_on": data["investigation_due_on"], "extended": True},
    }
    statutory.start(case, EXTENDED_RULE, registered_on)


def investigation_done(case: Case, data: dict[str, Any], actor: User | None) -> None:
    """Arrears confirmed and the employer told: the investigation period is met, its clock stops (a case in
    enforcement for months is not "overdue" on the supervisor's desk)."""
    statutory.stop(case)


def record_blacklist(case: Case, data: dict[str, Any], actor: User | None) -> None:
    listed_on = today()
    until = _add_years(listed_on, BLACKLIST_YEARS) - timedelta(days=1)
    case.data = {
        **case.data,
        "blacklist": {
            "listed_on": listed_on.isoformat(),
            "until": until.isoformat(),
            "reason": data.get("blacklist_reason"),
            # Early removal: arrears corrected, six months passed, written integrity pledge (Order 45, [S]).
            "earliest_removal": _add_months(listed_on, 6).isoformat(),
        },
    }


def record_penalty(case: Case, data: dict[str, Any], actor: User | None) -> None:
    """The fine decided (条例 Art. 30). It may be lower than the one notified, never higher: a higher fine would
    need a new notice and a new chance to be heard (行政处罚法 Arts. 44, 45)."""
    fine, proposed = float(data["fine_amount"]), float(data["proposed_fine"])
    if fine > proposed:
        raise ValidationFailed(
            {
                "fine_amount": [
                    f"罚款金额不得高于告知书所列拟处罚款{proposed:,.2f}元 / "
                    f"Fine: not more than the {proposed:,.2f} yuan the employer was told of"
                ]
            }
        )
    case.data = {
        **case.data,
        "penalty": {"fine": fine, "ground": data.get("penalty_ground"), "decided_on": today().isoformat()},
    }


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _add_months(day: date, months: int) -> date:
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


# ---------------------------------------------------------------- letter facts

COMPLAINANT_KINDS = frozenset(
    {
        "wa_receipt",
        "wa_acceptance",
        "wa_not_accepted",
        "wa_supplement",
        "wa_referral",
        "wa_dispute_notice",
        "wa_extension_notice",
        "wa_closure",
    }
)


def decision_facts(case: Case, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The facts of one wage-arrears letter: the complaint, then what this kind says (all plain data)."""
    application = case.data.get("application", {})
    facts: dict[str, Any] = {
        "complaint_type": application.get("complaint_type"),
        "employer": {
            "name": application.get("employer_name"),
            "credit_code": application.get("employer_credit_code"),
            "legal_rep": application.get("employer_legal_rep"),
            "address": application.get("employer_address"),
            "workplace_address": application.get("workplace_address"),
        },
        "claimed": [
            {"name": w.get("name"), "amount": w.get("amount_owed"), "period": w.get("months_owed")}
            for w in application.get("workers") or []
        ],
        "representatives": [application.get("applicant_name")]
        + [r.get("name") for r in application.get("representatives") or []],
        "violation_last_date": application.get("violation_last_date"),
        "complaint_facts": application.get("facts"),
        "registered_on": case.data.get("registration", {}).get("registered_on"),
        "investigation_due_on": case.data.get("registration", {}).get("investigation_due_on"),
    }
    facts.update(_KIND_FACTS.get(kind, lambda c, d: {})(case, data))
    return facts


def _receipt(case: Case, data: dict) -> dict:
    return {"decide_by": case.statutory_due_on.isoformat() if case.statutory_due_on else None}


def _missing(case: Case) -> dict:
    return {
        **missing_material_facts(case),
        "supplement_items": case.data.get("check_materials", {}).get("supplement_items"),
    }


def _not_accepted(case: Case, data: dict) -> dict:
    facts = {"reason": data.get("acceptance_reason") or "beyond_two_years"}
    if "record_supplement" in case.data or data.get("acceptance") == "supplement":
        notice = _letter(case, "wa_supplement")
        facts.update(
            reason="not_supplied",
            supplement_notice_number=notice.number if notice else None,
            supplement_notice_on=notice.issued_at.date().isoformat() if notice else None,
            **_missing(case),
        )
    return facts


def _referral(case: Case, data: dict) -> dict:
    return {"competent_bureau": case.data.get("check_materials", {}).get("competent_bureau")}


def _dispute(case: Case, data: dict) -> dict:
    return {"reason": data.get("acceptance_reason")}


def _extension(case: Case, data: dict) -> dict:
    return {
        "extension_reason": case.data.get("investigate", {}).get("extension_reason"),
        "investigation_due_on": data.get("investigation_due_on"),
    }


def _findings(case: Case, data: dict) -> dict:
    confirmed = data.get("confirmed_workers") or []
    return {
        "findings": data.get("findings"),
        "inspectors": data.get("inspectors"),
        "confirmed": [
            {"name": w.get("name"), "months": w.get("months"), "amount": w.get("amount"), "period": w.get("period")}
            for w in confirmed
        ],
        "confirmed_total": round(sum(float(w.get("amount") or 0) for w in confirmed), 2),
    }


def _defence(case: Case, data: dict) -> dict:
    order = _letter(case, "wa_order")
    facts = {**_findings(case, data), "defence_deadline": data.get("defence_deadline"), "stage": "order"}
    if order is not None:  # the second notice: before the additional-compensation decision
        facts.update(_after_deadline(case, data), stage="compensation")
    return facts


def _order(case: Case, data: dict) -> dict:
    return {
        **_findings(case, data),
        "payment_deadline": data.get("payment_deadline"),
        "service_method": data.get("service_method"),
        "defence": _heard(case.data.get("hear_defence", {})),
    }


def _after_deadline(case: Case, data: dict) -> dict:
    order = _letter(case, "wa_order")
    return {
        "order_number": order.number if order else None,
        "order_on": order.issued_at.date().isoformat() if order else None,
        "payment_deadline": data.get("payment_deadline"),
        "amount_paid_so_far": data.get("amount_paid_so_far") or 0,
        "unpaid_total": round(float(data.get("unpaid_total") or 0), 2),
        "non_payment_facts": data.get("non_payment_facts"),
    }


def _compensation(case: Case, data: dict) -> dict:
    unpaid = round(float(data.get("unpaid_total") or 0), 2)
    rate = int(data.get("compensation_rate") or 0)
    return {
        **_findings(case, data),
        **_after_deadline(case, data),
        "compensation_rate": rate,
        "compensation_amount": round(unpaid * rate / 100, 2),
        "compensation_deadline": data.get("compensation_deadline"),
        "rate_reason": data.get("rate_reason"),
        "defence": _heard(case.data.get("hear_compensation_defence", {})),
    }


def _crime_transfer(case: Case, data: dict) -> dict:
    police = db.session.get(OrgUnit, routing.unit_for_lane("police_bureau", case))
    compensation = _letter(case, "wa_compensation")
    report = case.data.get("prepare_transfer", {})
    return {
        **_findings(case, data),
        **_after_deadline(case, data),
        "police_name": police.name_zh,
        "police_address": police.address,
        "crime_reason": data.get("crime_reason"),
        "evasion": data.get("evasion"),
        "able_to_pay": data.get("able_to_pay"),
        "compensation_number": compensation.number if compensation else None,
        "team": report.get("team"),
        "report": report.get("report"),
        "evidence_list": report.get("evidence_list"),
    }


def _blacklist(case: Case, data: dict) -> dict:
    listing = case.data.get("blacklist", {})
    return {
        **_findings(case, data),
        **_after_deadline(case, data),
        "blacklist_reason": data.get("blacklist_reason"),
        "listed_on": listing.get("listed_on"),
        "listed_until": listing.get("until"),
        "earliest_removal": listing.get("earliest_removal"),
    }


def _closure(case: Case, data: dict) -> dict:
    result = data.get("result")
    payment = case.data.get("record_payment", {})
    if payment:
        result = "paid_after_order"
    return {
        **_findings(case, data),
        "result": result,
        "paid_on": payment.get("paid_on"),
        "amount_paid": payment.get("amount_paid"),
        "order_number": (order.number if (order := _letter(case, "wa_order")) else None),
    }


def _penalty_notice(case: Case, data: dict) -> dict:
    threshold = current_app.config.get("WAGE_PENALTY_HEARING_THRESHOLD", PENALTY_HEARING_THRESHOLD)
    return {
        **_after_deadline(case, data),
        "penalty_ground": data.get("penalty_ground"),
        "penalty_facts": data.get("penalty_facts"),
        "proposed_fine": data.get("proposed_fine"),
        "penalty_defence_deadline": data.get("penalty_defence_deadline"),
        "hearing_right": float(data.get("proposed_fine") or 0) >= float(threshold),
    }


def _penalty(case: Case, data: dict) -> dict:
    notice = _letter(case, "wa_penalty_notice")
    heard = case.data.get("hear_penalty_defence", {})
    return {
        **_penalty_notice(case, data),
        "notice_number": notice.number if notice else None,
        "notice_on": notice.issued_at.date().isoformat() if notice else None,
        "defence": _heard(heard),
        "hearing": heard.get("hearing"),
        "hearing_record": heard.get("hearing_record"),
        "fine_amount": data.get("fine_amount"),
        "fine_reason": data.get("fine_reason"),
    }


def _heard(defence: dict) -> dict:
    return {
        "made": defence.get("defence_made") == "made",
        "summary": defence.get("defence_summary"),
        "response": defence.get("defence_response"),
    }


def _letter(case: Case, kind: str) -> Letter | None:
    return db.session.scalar(
        select(Letter).where(Letter.case_id == case.id, Letter.kind == kind).order_by(Letter.id.desc()).limit(1)
    )


_KIND_FACTS = {
    "wa_receipt": _receipt,
    "wa_supplement": lambda case, data: _missing(case),
    "wa_not_accepted": _not_accepted,
    "wa_referral": _referral,
    "wa_dispute_notice": _dispute,
    "wa_extension_notice": _extension,
    "wa_defence_notice": _defence,
    "wa_order": _order,
    "wa_compensation": _compensation,
    "wa_crime_transfer": _crime_transfer,
    "wa_blacklist": _blacklist,
    "wa_closure": _closure,
    "wa_penalty_notice": _penalty_notice,
    "wa_penalty": _penalty,
}
