"""Referrals into legal aid: a wage-arrears case throws the BPMN message "legal_aid_referral" and each worker named
in it gets a legal-aid case of their own, on the green channel (rules.md §2.7; 保障农民工工资支付条例 Art. 45).

The payload contract is fixed with the wage-arrears service:
    {"workers": [{"applicant_name", "id_number", "phone", "current_address", "community_code",
                  "amount_claimed" (yuan), "months_owed"}...],
     "matter_type": "wage_claim", "opponent_name", "opponent_credit_code" (or None), "facts",
     "source_case_number"}
The sender records the link between the cases; this side returns the cases it opened.
"""

from __future__ import annotations

from typing import Any

from app.accounts import service as accounts
from app.accounts.models import UnitKind, User
from app.cases.models import Case
from app.core.errors import DomainError, ValidationFailed
from app.forms.validation import validate_form_data

FACTS_LIMIT = 2000  # forms/la_application.json facts.maxLength


def open_from_referral(source_case: Case, payload: dict[str, Any], actor: User | None) -> list[Case]:
    """One validated legal-aid application per worker, opened at the legal-aid centre, flagged green channel.

    All or nothing: a worker whose details the intake form refuses stops the referral (ValidationFailed names the
    worker and the field), so the sender's step rolls back and nothing is opened half way."""
    from app.cases import service as cases  # cases.service imports the catalogue that imports this package

    centre = accounts.first_unit_of_kind(UnitKind.LEGAL_AID_CENTRE)
    if centre is None:
        raise DomainError("no legal-aid centre is set up to receive referrals")
    workers = payload.get("workers") or []
    if not workers:
        raise ValidationFailed({"workers": ["转介名单中没有劳动者 / The referral names no worker"]})
    _version, definition = cases.intake_form("legal_aid")
    options = {"community_code": cases.community_options()}
    opened = []
    for index, worker in enumerate(workers):
        application = _application(payload, worker, source_case)
        try:
            data = validate_form_data(definition, application, locale="zh", options=options)
        except ValidationFailed as exc:
            name = worker.get("applicant_name") or f"#{index + 1}"
            raise ValidationFailed(
                {
                    f"workers[{index}].{field}": [f"{name}：{m}" for m in messages]
                    for field, messages in exc.errors.items()
                }
            ) from exc
        case, _access_code = cases.start_case(
            service="legal_aid",
            data=data,
            actor=actor,
            channel="referral",
            intake_unit_id=centre.id,
            extra={"green_channel": True, "referred_from": source_case.number},
        )
        opened.append(case)
    return opened


def _application(payload: dict[str, Any], worker: dict[str, Any], source_case: Case) -> dict[str, Any]:
    """The intake form's fields from the referral: a migrant worker's wage claim, represented in arbitration."""
    claim = []
    if worker.get("months_owed"):
        claim.append(f"被拖欠{worker['months_owed']}的工资")
    if worker.get("amount_claimed") is not None:
        claim.append(f"请求支付劳动报酬{worker['amount_claimed']}元")
    source = payload.get("source_case_number") or source_case.number
    intro = f"经欠薪投诉案件{source}转介。" + ("申请人" + "，".join(claim) + "。" if claim else "")
    facts = intro + str(payload.get("facts") or "")
    return {
        "applicant_name": worker.get("applicant_name"),
        "id_number": worker.get("id_number"),
        "phone": worker.get("phone"),
        "current_address": worker.get("current_address"),
        "community_code": worker.get("community_code"),
        "applicant_status": "migrant_worker",
        "matter_type": payload.get("matter_type") or "wage_claim",
        "aid_requested": "arbitration",
        "opponent_name": payload.get("opponent_name"),
        "opponent_credit_code": payload.get("opponent_credit_code") or None,
        "facts": facts[:FACTS_LIMIT],
        "amount_claimed": worker.get("amount_claimed"),
        "months_owed": worker.get("months_owed"),
        "preservation_needed": False,
    }
