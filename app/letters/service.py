"""Issue, render and hand out letters. Services flush, never commit; the actor is passed in explicitly.

Issuing and rendering are two steps: `issue_letter` runs inside the case's transaction (number, context,
record, no PDF); `render_letter` runs after that commit (a job, ≈ 0.2 s) and stores the PDF once. A stored
PDF is never rendered again, so a letter downloaded twice is byte-identical.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from typing import cast

from flask import current_app
from sqlalchemy import CursorResult, select, update

from app.accounts.models import User
from app.cases.lifecycle import EventKind, record
from app.cases.models import Case
from app.core.clock import utcnow
from app.core.errors import NotFound
from app.extensions import db
from app.letters import kinds
from app.letters.contexts import build_letter_context
from app.letters.dates import parse_date
from app.letters.models import Letter
from app.letters.numbering import next_reference_number
from app.letters.render import render_pdf, template_version

logger = logging.getLogger(__name__)

# No 0/O, 1/I/L: read over the phone and typed from paper without mistakes. 31 symbols ** 10 ≈ 2 ** 49.5.
VERIFICATION_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
VERIFICATION_LENGTH = 10
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"  # config ANJU_PUBLIC_URL: where /verify/<code> is served


def template_for(kind: str) -> str:
    return f"letters/{kind}.html"


def new_verification_code() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(VERIFICATION_LENGTH))


def issue_letter(
    *,
    case_id: int,
    kind: str,
    facts: dict,
    agency_unit_id: int,
    doc_code: str,
    actor_id: int | None,
    flush: bool = True,
) -> Letter:
    """Validates the facts, allocates the 文号 and stores the letter with its context — without rendering it.

    `doc_code` (the agency's 文号 prefix, e.g. 西公居) overrides facts["agency"]["doc_code"]. The year of
    the number is the year of facts["issued_on"]. The caller records the `letter_issued` CaseEvent
    (cases.outcomes does). Raises ValueError on bad facts, before any number is used.

    `flush=False` leaves the letter to the caller's next flush (its id is set then): a case step writes all its
    rows in one flush, and the event and job that name the letter read its id after that (cases.outcomes).
    """
    spec = kinds.get(kind)
    if spec is None:
        raise ValueError(f"unknown letter kind {kind!r}")
    if facts.get("kind", kind) != kind:
        raise ValueError(f"facts are for {facts.get('kind')!r}, not {kind!r}")
    code = new_verification_code()
    facts = {
        "public_url": current_app.config.get("ANJU_PUBLIC_URL") or DEFAULT_PUBLIC_URL,
        **facts,
        "kind": kind,
        "agency": {**(facts.get("agency") or {}), "doc_code": doc_code},
        "verification_code": code,
    }
    context = build_letter_context(facts)
    year = parse_date(context["issued_on"]).year
    number = next_reference_number(agency_unit_id=agency_unit_id, doc_code=doc_code, series=spec.series, year=year)
    context = {**context, "number": number, "verification_code": code}
    template_name = template_for(kind)
    letter = Letter(
        case_id=case_id,
        kind=kind,
        number=number,
        agency_unit_id=agency_unit_id,
        issued_at=utcnow(),
        issued_by_id=actor_id,
        template_name=template_name,
        template_version=template_version(template_name),
        context=context,
        verification_code=code,
    )
    db.session.add(letter)
    if flush:
        db.session.flush()
    return letter


def get_letter(letter_id: int) -> Letter:
    letter = db.session.get(Letter, letter_id)
    if letter is None:
        raise NotFound(f"letter {letter_id} does not exist")
    return letter


def render_letter(letter_id: int) -> None:
    """Renders the letter and stores its PDF and content hash; does nothing if a PDF is already stored.

    Safe when two workers race: the store is `UPDATE … WHERE content_hash IS NULL`, so the first PDF stored
    wins and the other rendering is dropped. The template version actually used is recorded with the PDF.
    """
    letter = get_letter(letter_id)
    if letter.content_hash is not None:
        return
    version = template_version(letter.template_name)
    if version != letter.template_version:
        logger.warning(
            "letter %s: template %s changed since issue (%s → %s); rendering with the current one",
            letter.number,
            letter.template_name,
            letter.template_version[:12],
            version[:12],
        )
    pdf = render_pdf(letter.template_name, letter.context)
    result = cast(
        CursorResult,
        db.session.execute(
            update(Letter)
            .where(Letter.id == letter.id, Letter.content_hash.is_(None))
            .values(
                pdf=pdf,
                content_hash=hashlib.sha256(pdf).hexdigest(),
                rendered_at=utcnow(),
                template_version=version,
            )
            .execution_options(synchronize_session=False)
        ),
    )
    db.session.expire(letter, ["pdf", "content_hash", "rendered_at", "template_version"])
    if result.rowcount == 0:
        logger.info("letter %s was rendered concurrently; kept the PDF stored first", letter.number)


def letter_pdf(letter: Letter) -> bytes:
    """The stored PDF bytes, rendering (and storing) them first if the render job has not run yet."""
    if letter.content_hash is None:
        render_letter(letter.id)
    pdf = letter.pdf
    assert pdf is not None  # stored by render_letter
    return pdf


def letters_for_case(case_id: int) -> list[Letter]:
    """All letters of a case, oldest first (PDFs are deferred: not loaded)."""
    return list(
        db.session.scalars(select(Letter).where(Letter.case_id == case_id).order_by(Letter.issued_at, Letter.id))
    )


def record_download(*, letter: Letter, case: Case, actor: User | None) -> None:
    """Appends a `letter_downloaded` CaseEvent (committed with the request that serves the file)."""
    record(case, EventKind.LETTER_DOWNLOADED, actor=actor, letter_id=letter.id, number=letter.number)


def download_filename(letter: Letter) -> str:
    """准予核发居住证决定书-RP-330106-2026-000123.pdf"""
    case_number = str(letter.context.get("case_number", letter.number))
    return f"{letter.title}-{case_number}.pdf"
