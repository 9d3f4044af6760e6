"""Wage-arrears complaints (欠薪投诉) at labour inspection, rules.md §3: the service, its letters and actions."""

from flask_babel import lazy_gettext as _l

from app.accounts.models import UnitKind
from app.cases import services
from app.wage_arrears import demo, letters, service

WAGE_ARREARS = services.register(
    services.Service(
        process_id="wage_arrears",
        prefix="WA",
        label=_l("Wage-arrears complaint"),
        summary=_l("Complain to labour inspection that an employer has not paid your wages."),
        # Complaints are taken at the labour inspection unit's window, and online by the same unit.
        intake_unit_kinds=frozenset({UnitKind.LABOUR_INSPECTION}),
        online_intake_unit_kind=UnitKind.LABOUR_INSPECTION,
        decision_facts=service.decision_facts,
        # The inspection brigade does the work; its decisions are the HRSS bureau's, which signs every letter.
        letter_lanes={kind: "hrss_bureau" for kind, *_rest in letters.KINDS},
        actions={
            "register_case": service.register_case,
            "extend_investigation": service.extend_investigation,
            "record_blacklist": service.record_blacklist,
            "record_penalty": service.record_penalty,
            "investigation_done": service.investigation_done,
        },
        materials_form="wa_acceptance",
        decision_labels={
            "accept": _l("Accept and register"),
            "supplement": _l("Ask the complainant to supplement (once)"),
            "not_accepted": _l("Not accepted"),
            "refer": _l("Refer to the competent bureau"),
            "redirect": _l("Labour arbitration or court"),
            "beyond_two_years": _l("Violation more than two years ago"),
            "employer_not_identified": _l("Employer not clearly identified"),
            "materials_incomplete": _l("Materials incomplete"),
            "not_in_scope": _l("Not within labour inspection powers"),
            "other_jurisdiction": _l("Another bureau's jurisdiction"),
            "in_dispute_procedure": _l("Already before arbitration or a court"),
            "single_worker_threshold": _l("One worker, three months or more, over the provincial amount"),
            "group_threshold": _l("Ten or more workers, over the provincial amount"),
            "no_refusal_conduct": _l("Over the amount, but no evasion or refusal"),
            "below_threshold": _l("Below the provincial amount"),
            "arrears_over_threshold": _l("Arrears over the criminal threshold"),
            "mass_incident": _l("Mass or extreme incident"),
            "not_listed": _l("Not listed"),
        },
        demo=demo.make_cases,
    )
)
