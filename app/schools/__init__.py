"""School places for migrants' children (随迁子女入学, rules.md §4): applications, the eligibility table, schools
with catchments and places, allocation rounds with a recorded lottery, offers (入学通知书), reporting at the
school (报到) or the place released and the follow-up, and re-checks (复核)."""

from flask_babel import lazy_gettext as _l

from app.accounts.models import UnitKind
from app.cases import services
from app.schools import letters as _letters  # noqa: F401  (registers the letter kinds)
from app.schools import service


def _demo(units, users, rng):
    from app.schools import demo

    demo.seed(units, users, rng)


SCHOOL_PLACEMENT = services.register(
    services.Service(
        process_id="school_placement",
        prefix="SC",
        label=_l("School place for a migrant child"),
        summary=_l("Apply for a primary-school place for your child with your residence permit."),
        # The education bureau decides (rules.md §4.2); the service centre's one-stop window also takes
        # applications, and online ones enter at the bureau.
        intake_unit_kinds=frozenset({UnitKind.EDUCATION_BUREAU, UnitKind.SERVICE_CENTRE}),
        online_intake_unit_kind=UnitKind.EDUCATION_BUREAU,
        decision_facts=service.decision_facts,
        actions={
            "record_placement": service.record_placement,
            "record_enrolment": service.record_enrolment,
            "release_placement": service.release_placement,
        },
        materials_form="sc_materials",
        start_data=service.start_data,
        decision_labels={
            "not_age_eligible": _l("Not yet of school age on the cut-off day"),
            "no_valid_permit": _l("No valid residence permit"),
            "eligible_conditions": _l("Eligible: residence and social insurance"),
            "eligible_points": _l("Eligible: points"),
            "residence_too_short": _l("Residence too short, points too low"),
            "insurance_not_met": _l("Social insurance too short or not being paid, points too low"),
        },
        demo=_demo,
    )
)
