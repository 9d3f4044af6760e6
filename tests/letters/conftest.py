"""Letters fixtures: each template rendered once per session; a small organisation with one case."""

from __future__ import annotations

import re
import subprocess

import pytest

from app.accounts.models import Role, UnitKind, User
from app.accounts.service import add_unit, hash_password
from app.cases.models import Case, CaseStatus
from app.letters.contexts import build_letter_context
from app.letters.render import render_pdf
from app.processes.models import ProcessVersion
from tests.letters.facts import AGENCY, KINDS, sample_facts

NUMBER = "西公居测字〔2026〕第7号"
CODE = "ABCDE23456"


def pdftotext(pdf: bytes) -> str:
    """The text of a PDF in content order (-raw: the seal does not interleave), whitespace removed."""
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"\s+", "", out.stdout.decode())


def pdffonts(pdf: bytes) -> list[dict]:
    out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name, type words…, encoding, emb, sub, uni, object, ID
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def letter_context(kind: str, **overrides) -> dict:
    return build_letter_context(sample_facts(kind, **overrides)) | {
        "number": NUMBER,
        "verification_code": CODE,
    }


@pytest.fixture(scope="session")
def rendered() -> dict[str, dict]:
    """kind → {"context", "pdf", "text"}: every template rendered once for the whole session."""
    result = {}
    for kind in KINDS:
        context = letter_context(kind)
        pdf = render_pdf(f"letters/{kind}.html", context)
        result[kind] = {"context": context, "pdf": pdf, "text": pdftotext(pdf)}
    return result


@pytest.fixture()
def org(db):
    """District → street → two communities, the police bureau that issues letters, and users."""
    district = add_unit(code="330106", name_zh="西湖区", name_en="Xihu District", kind=UnitKind.DISTRICT, parent=None)
    street = add_unit(code="330106-wx", name_zh="文新街道", name_en="Wenxin", kind=UnitKind.STREET, parent=district)
    community = add_unit(
        code="330106-wx-01",
        name_zh="文新社区",
        name_en="Wenxin Community",
        kind=UnitKind.COMMUNITY,
        parent=street,
    )
    other = add_unit(
        code="330106-wx-02",
        name_zh="德加社区",
        name_en="Dejia Community",
        kind=UnitKind.COMMUNITY,
        parent=street,
    )
    bureau = add_unit(
        code="330106-psb",
        name_zh=AGENCY["name"],
        name_en="Xihu Public Security Bureau",
        kind=UnitKind.POLICE_BUREAU,
        parent=district,
        doc_code=AGENCY["doc_code"],
        address=AGENCY["address"],
        phone=AGENCY["phone"],
    )

    def user(name: str, unit, role: Role) -> User:
        u = User(username=name, password_hash=hash_password("pw"), display_name=name, unit_id=unit.id, role=role)
        db.session.add(u)
        return u

    users = {
        "caseworker": user("cw", community, Role.CASEWORKER),
        "stranger": user("other-cw", other, Role.CASEWORKER),
        "bureau": user("bureau-cw", bureau, Role.CASEWORKER),
        "supervisor": user("sup", street, Role.SUPERVISOR),
        "admin": user("admin", district, Role.ADMIN),
    }
    version = ProcessVersion(process_id="letters_test", name="letters test", content_hash="0" * 64, sources={})
    db.session.add(version)
    db.session.flush()
    case = Case(
        number="RP-330106-2026-000123",
        service="residence_permit",
        process_version_id=version.id,
        status=CaseStatus.IN_REVIEW,
        applicant_name="王小梅",
        applicant_id_number="510104199203154321",
        applicant_phone="13800001234",
        data={},
        community_id=community.id,
        intake_unit_id=community.id,
        access_code_hash="x",
        workflow_state="{}",
        serializer_version="test",
    )
    db.session.add(case)
    db.session.commit()
    return {
        "district": district,
        "community": community,
        "other": other,
        "bureau": bureau,
        "case": case,
        "users": users,
    }
