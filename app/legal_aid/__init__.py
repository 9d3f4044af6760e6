"""Legal aid (法律援助, rules.md §2): applications at the legal-aid centre, the green channel for migrant workers,
objections to the justice bureau; referrals from wage-arrears cases."""

from flask_babel import lazy_gettext as _l

from app.accounts.models import UnitKind
from app.cases import services
from app.legal_aid import application, demo, letters
from app.legal_aid.referrals import open_from_referral

LEGAL_AID = services.register(
    services.Service(
        process_id="legal_aid",
        prefix="LA",
        label=_l("Legal aid"),
        summary=_l("Ask the legal-aid centre for a free lawyer in a wage, work-injury, support or other civil matter."),
        # Art. 12: the legal-aid centre takes and decides applications; online applications enter there too.
        intake_unit_kinds=frozenset({UnitKind.LEGAL_AID_CENTRE}),
        online_intake_unit_kind=UnitKind.LEGAL_AID_CENTRE,
        decision_facts=application.decision_facts,
        # The centre decides and signs; the justice bureau signs its decision on an objection (Art. 49).
        letter_lanes={kind: "legal_aid_centre" for kind in letters.CENTRE_KINDS}
        | {"la_objection_decision": "justice_bureau"},
        actions={
            "record_intake_flags": application.record_intake_flags,
            "record_grant": application.record_grant,
            "record_appointment": application.record_appointment,
            "record_lawyer_change": application.record_lawyer_change,
            "decision_made": application.decision_made,
            "objection_received": application.objection_received,
            "review_reopened": application.review_reopened,
        },
        materials_form="la_materials",
        start_data=application.start_data,
        decision_labels={
            "green_channel": _l("Green channel"),
            "not_required": _l("No means test: not subject to the hardship condition (Art. 32)"),
            "exempt": _l("No means test: exempt from the check (Art. 42)"),
            "test": _l("Means test (Art. 41)"),
            "art32_hero": _l("Art. 32(1): protecting a hero's or martyr's rights"),
            "art32_bravery": _l("Art. 32(2): act of bravery"),
            "art32_retrial": _l("Art. 32(3): state compensation after acquittal on retrial"),
            "art32_abuse": _l("Art. 32(4): victim of abuse, abandonment or domestic violence"),
            "art42_no_income": _l("Art. 42(1): minor, elderly or disabled person without a fixed income"),
            "art42_assistance": _l("Art. 42(2): social assistance, judicial relief or preferential treatment"),
            "art42_migrant_worker": _l("Art. 42(3): migrant worker claiming wages or work-injury compensation"),
            "art41_means_test": _l("Art. 41: hardship declared and checked"),
            "not_in_scope": _l("Not a legal-aid matter (Arts. 31, 32)"),
            "art44_limitation": _l("Aid first: fewer than 7 days to a limitation period (Art. 44)"),
            "art44_preservation": _l("Aid first: preservation needed at once (Art. 44)"),
        },
        demo=demo.make_cases,
    )
)
services.register_message("legal_aid_referral", open_from_referral)
