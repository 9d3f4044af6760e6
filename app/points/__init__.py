"""Points assessment for residence-permit holders (居住证积分, rules.md §1.4 D-RP-5): a small service whose
result — a total with every item's contribution — is kept for the person, shown on the person page and used to
rank school-place applications (app/schools)."""

from flask_babel import lazy_gettext as _l

from app.accounts.models import UnitKind
from app.cases import services
from app.points import letters as _letters  # noqa: F401  (registers the letter kinds)
from app.points import service


def _demo(units, users, rng):
    from app.points import demo

    demo.seed(units, users, rng)


POINTS = services.register(
    services.Service(
        process_id="points_assessment",
        prefix="PT",
        label=_l("Residence permit points"),
        summary=_l("Have the points of your residence permit assessed; they rank applications for school places."),
        # The points window sits in the migrant service centre (rules.md §4.2: "points office … in the
        # government service centre"); online applications enter there too.
        intake_unit_kinds=frozenset({UnitKind.SERVICE_CENTRE}),
        online_intake_unit_kind=UnitKind.SERVICE_CENTRE,
        decision_facts=service.decision_facts,
        actions={"record_points": service.record_points},
        start_data=service.start_data,
        demo=_demo,
    )
)
