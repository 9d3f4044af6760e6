"""The catalogue of services Anju runs: one `Service` per BPMN process, registered by its domain package.

The case machinery (opening, steps, letters, portal, lists) is the same for every service; what differs is
declared here — the case-number prefix, who may take in an application, which intake fields name the party
and the jurisdiction, which facts a letter of the service gets, and the service's own milestone actions.

A domain package registers its service when imported (`app/<domain>/__init__.py` calls `register`), and
`create_app` imports every package in `SERVICE_PACKAGES`; nothing else in the core names a service.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.accounts.models import UnitKind

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.cases.models import Case

# Domain packages that register a service; imported by create_app (order = order on menus and lists).
SERVICE_PACKAGES = (
    "app.permits",
    "app.legal_aid",
    "app.wage_arrears",
    "app.schools",
    "app.points",
)

# (case, letter kind, workflow data) → the letter's "decision" facts (docs/letters.md)
DecisionFacts = Callable[["Case", str, dict[str, Any]], dict[str, Any]]
# (case, workflow data, actor) → None; runs inside the step's transaction, may change the case and the session
Action = Callable[["Case", dict[str, Any], "User | None"], None]


@dataclass(frozen=True)
class Service:
    process_id: str  # the BPMN process id, also Case.service
    prefix: str  # case numbers: <prefix>-<district>-<year>-<seq>, e.g. RP-330106-2026-000123
    label: Any  # lazy string (English msgid, translated)
    # Units whose staff may open a case at a window; online applications enter at `online_intake_unit_kind`.
    intake_unit_kinds: frozenset[UnitKind]
    online_intake_unit_kind: UnitKind | None = UnitKind.SERVICE_CENTRE  # None: not offered online
    # Intake form fields naming the party (Case.applicant_*) and the jurisdiction (Case.community_id).
    name_field: str = "applicant_name"
    id_number_field: str = "id_number"
    phone_field: str = "phone"
    community_field: str = "community_code"
    # Letters: facts per kind; a kind may be signed by the unit of another lane than the step's own.
    decision_facts: DecisionFacts | None = None
    letter_lanes: dict[str, str] = field(default_factory=dict)
    # Milestone actions named by the BPMN property `action` on throw events: "<process_id>.<name>" or "<name>".
    actions: dict[str, Action] = field(default_factory=dict)
    # The form of the one-time materials check, done by a task named `check_materials` (its data holds the
    # verdicts and `supplement_deadline`): supplement notices and the portal's "what is missing" read it.
    materials_form: str | None = None
    # Extra words for the decision codes this service's DMN tables produce (case page, task forms).
    decision_labels: dict[str, Any] = field(default_factory=dict)
    # Extra workflow data set when a case starts (e.g. local policy flags the DMN reads).
    start_data: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # What a person is told the service is for (portal start page, service menus); a lazy string.
    summary: Any = ""
    # Demo data: (units by code, users by username, a seeded random.Random) → None; cases in every state,
    # driven through the real services with app.core.clock frozen at past moments (see app/demo_cases.py).
    demo: Callable[[dict, dict, Any], None] | None = None


# (the case whose process threw the message, the message payload, actor) → the cases it opened
MessageHandler = Callable[["Case", dict[str, Any], "User | None"], list["Case"]]

_SERVICES: dict[str, Service] = {}
_PACKAGE_OF: dict[str, str] = {}  # process id → the module that registered it
_ACTIONS: dict[str, Action] = {}
_MESSAGES: dict[str, MessageHandler] = {}


def register(service: Service) -> Service:
    # Menus, lists and the statistics page follow SERVICE_PACKAGES, not whichever package was imported first (a
    # test module importing app.legal_aid before create_app must not make legal aid "the main service").
    _PACKAGE_OF[service.process_id] = sys._getframe(1).f_globals.get("__name__", "")
    _SERVICES[service.process_id] = service
    for name, action in service.actions.items():
        _ACTIONS[name if "." in name else f"{service.process_id}.{name}"] = action
    return service


def register_action(name: str, action: Action) -> None:
    """An action any process may name (e.g. "permits.suspend"), not tied to one service."""
    _ACTIONS[name] = action


def register_message(name: str, handler: MessageHandler) -> None:
    """Who receives a BPMN message thrown by a case (e.g. "legal_aid_referral" → open a legal-aid case)."""
    _MESSAGES[name] = handler


def message_handler(name: str) -> MessageHandler:
    if name not in _MESSAGES:
        raise KeyError(f"no receiver for BPMN message {name!r}; known: {', '.join(sorted(_MESSAGES))}")
    return _MESSAGES[name]


def get(process_id: str) -> Service | None:
    return _SERVICES.get(process_id)


def require(process_id: str) -> Service:
    service = _SERVICES.get(process_id)
    if service is None:
        raise KeyError(f"no service {process_id!r} is registered; known: {', '.join(_SERVICES)}")
    return service


def all_services() -> list[Service]:
    """In SERVICE_PACKAGES order (then registration order within a package, and for services of other packages)."""
    order = {process_id: i for i, process_id in enumerate(_SERVICES)}

    def rank(service: Service) -> int:
        module = _PACKAGE_OF.get(service.process_id, "")
        found = [i for i, p in enumerate(SERVICE_PACKAGES) if module == p or module.startswith(p + ".")]
        return found[0] if found else len(SERVICE_PACKAGES)

    return sorted(_SERVICES.values(), key=lambda s: (rank(s), order[s.process_id]))


def action(name: str, process_id: str) -> Action:
    qualified = name if "." in name else f"{process_id}.{name}"
    if qualified not in _ACTIONS:
        raise KeyError(f"BPMN action {qualified!r} is not registered; known: {', '.join(sorted(_ACTIONS))}")
    return _ACTIONS[qualified]


def label(process_id: str | None) -> str:
    service = _SERVICES.get(process_id or "")
    return str(service.label) if service else (process_id or "")


def load_packages() -> None:
    for package in SERVICE_PACKAGES:
        try:
            importlib.import_module(package)
        except ModuleNotFoundError as exc:  # a service still being built is simply not offered
            if exc.name != package:
                raise
