"""Residence permits (居住证): the application service, the permit records it issues, and their lifecycle —
endorsement (签注), change of address (变更登记) and replacement (补领/换领), each a service of its own."""

from flask_babel import lazy_gettext as _l

from app.accounts.models import UnitKind
from app.cases import services
from app.permits import application, changes, endorsement
from app.permits import commands as _commands  # noqa: F401  (flask anju scan-permits)
from app.permits import letters as _letters  # noqa: F401  (registers the lifecycle letter kinds)

RESIDENCE_PERMIT = services.register(
    services.Service(
        process_id="residence_permit",
        prefix="RP",
        label=_l("Residence permit"),
        summary=_l("Apply for a residence permit (居住证) after living in the district for half a year."),
        # Decree 663 Art. 9: police stations and the community bodies they entrust take applications.
        intake_unit_kinds=frozenset({UnitKind.SERVICE_CENTRE, UnitKind.COMMUNITY, UnitKind.POLICE_STATION}),
        decision_facts=application.decision_facts,
        # Approval and refusal are decided by the county-level public security organ (Art. 8), whatever lane.
        letter_lanes={"rp_approval": "police_station", "rp_refusal": "police_station"},
        actions={"issue_permit": application.issue_permit_for},
        materials_form="rp_materials",
        start_data=lambda data: {"special_talent": False},
    )
)

# The lifecycle services act on an issued permit: they are started from the permit page (window staff) or by
# the endorsement scan, never from the generic intake page (no intake unit kinds) and not online.
LIFECYCLE_INTAKE: frozenset = frozenset()
# Decisions on the permit are the county-level public security organ's (Decree 663 Arts. 8, 10, 11).
_POLICE = "police_station"


def _demo(units, users, rng):
    from app.permits import demo

    demo.seed(units, users, rng)


ENDORSEMENT = services.register(
    services.Service(
        process_id="rp_endorsement",
        prefix="RE",
        label=_l("Residence permit endorsement"),
        summary=_l("Yearly endorsement (签注) of a residence permit, due in the month before each anniversary."),
        intake_unit_kinds=LIFECYCLE_INTAKE,
        online_intake_unit_kind=None,
        decision_facts=endorsement.decision_facts,
        letter_lanes={"re_endorsement": _POLICE, "re_refusal": _POLICE},
        actions={"endorse_permit": endorsement.endorse_permit, "terminate_permit": endorsement.terminate_permit},
        decision_labels={
            "no_longer_resides": _l("No longer lives at the registered address"),
            "no_qualifying_condition": _l("None of employment, residence or study any more"),
            "active": _l("Endorsed on time: valid for another year"),
            "restored": _l("Endorsed late: restored, residence years count from today"),
            "terminated": _l("Refused: the permit ends"),
        },
        demo=_demo,
    )
)
CHANGE_ADDRESS = services.register(
    services.Service(
        process_id="rp_change_address",
        prefix="RC",
        label=_l("Residence permit change of address"),
        summary=_l("Register a new address within ten days of moving; the new community checks it."),
        intake_unit_kinds=LIFECYCLE_INTAKE,
        online_intake_unit_kind=None,
        decision_facts=changes.change_facts,
        letter_lanes={"rc_certificate": _POLICE, "rc_refusal": _POLICE},
        actions={"change_address": changes.change_address},
        decision_labels={"on_time": _l("Reported within ten days"), "late": _l("Reported after ten days")},
    )
)
REPLACEMENT = services.register(
    services.Service(
        process_id="rp_replacement",
        prefix="RR",
        label=_l("Residence permit replacement card"),
        summary=_l("Reissue a lost residence permit card or exchange a damaged one."),
        intake_unit_kinds=LIFECYCLE_INTAKE,
        online_intake_unit_kind=None,
        decision_facts=changes.replacement_facts,
        letter_lanes={"rr_certificate": _POLICE},
        actions={"replace_card": changes.replace_card},
        decision_labels={"reissue": _l("Reissue (card lost)"), "exchange": _l("Exchange (card damaged)")},
    )
)
