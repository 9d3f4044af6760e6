"""Letter text from case facts: one builder per kind.

The case side passes plain `facts` (see docs/letters.md for the contract); a builder validates them and
returns the plain, JSON-serialisable dict the template renders. All sentences, the statutory wording
included, are made here, so the stored context is a complete record of what the letter says; templates only
lay it out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.letters import kinds
from app.letters.dates import chinese_date, numeric_date, parse_date

# Citations, spelled as letters spell them: full name of the law, then the article.
DECREE = "《居住证暂行条例》"
LICENSING_LAW = "《中华人民共和国行政许可法》"

COMMON_KEYS = (
    "case.number",
    "case.received_on",
    "applicant.name",
    "applicant.id_number",
    "applicant.current_address",
    "agency.name",
    "agency.doc_code",
    "agency.address",
    "agency.phone",
    "issued_on",
)
REMEDY_KEYS = ("agency.reconsideration_body", "agency.court")
# Material verdicts from the completeness check: the forms' vocabulary, plus "invalid" for a material handed
# in but not in legal form. "ok" is a synonym of "provided"; not_applicable materials are left out.
VERDICT_TEXT = {"provided": "收讫", "ok": "收讫", "missing": "未提交", "invalid": "不符合法定形式"}
RECEIVED = frozenset({"provided", "ok"})
NOT_APPLICABLE = "not_applicable"


def _get(facts: dict, dotted: str) -> Any:
    value: Any = facts
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _require(facts: dict, kind: str, keys: tuple[str, ...]) -> None:
    for key in keys:
        value = _get(facts, key)
        if value is None or value == "" or value == []:
            raise ValueError(f"{kind} letter: missing facts key {key!r}")


def _check_plain(value: Any, where: str = "facts") -> None:
    """Only JSON-like data (and dates) may come in: never ORM objects or other live state."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: keys must be strings, got {key!r}")
            _check_plain(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_plain(item, f"{where}[{index}]")
    elif not isinstance(value, str | int | float | bool | date | type(None)):
        raise TypeError(f"{where}: plain data expected, got {type(value).__name__}")


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _iso(facts: dict, dotted: str) -> str:
    return parse_date(_get(facts, dotted), field=dotted).isoformat()


def _num(facts: dict, dotted: str) -> str:
    return numeric_date(parse_date(_get(facts, dotted), field=dotted))


def _materials(facts: dict, kind: str) -> list[dict]:
    materials = _get(facts, "decision.materials") or []
    rows = []
    for index, item in enumerate(materials, start=1):
        for key in ("code", "label_zh", "verdict"):
            if not item.get(key):
                raise ValueError(f"{kind} letter: missing facts key 'decision.materials[{index - 1}].{key}'")
        verdict = item["verdict"]
        if verdict == NOT_APPLICABLE:
            continue
        if verdict not in VERDICT_TEXT:
            raise ValueError(f"{kind} letter: unknown verdict {verdict!r} for material {item['code']!r}")
        rows.append(
            {
                "index": index,
                "code": item["code"],
                "label": item["label_zh"],
                "verdict": verdict,
                "verdict_text": VERDICT_TEXT[verdict],
                "note": _str(item.get("note")),
            }
        )
    return _numbered(rows)


def _numbered(rows: list[dict]) -> list[dict]:
    return [{**row, "index": index} for index, row in enumerate(rows, start=1)]


def _remedy(agency: dict) -> str:
    return (
        f"如不服本决定，可以在收到本决定书之日起六十日内向{agency['reconsideration_body']}申请行政复议，"
        f"或者在六个月内依法向{agency['court']}提起行政诉讼。"
    )


def _common(facts: dict, kind: str) -> dict:
    applicant, agent_in, agency_in = facts["applicant"], facts.get("agent"), facts["agency"]
    agent = None
    if agent_in:
        _require(facts, kind, ("agent.name", "agent.id_number", "agent.relationship"))
        agent = {key: _str(agent_in[key]) for key in ("name", "id_number", "relationship")}
    agency = {
        key: _str(agency_in.get(key))
        for key in (
            "name",
            "doc_code",
            "address",
            "phone",
            "reconsideration_body",
            "court",
            "collection_place",
            "verification_url",
        )
    }
    party = {
        key: _str(applicant.get(key))
        for key in ("name", "id_number", "phone", "hukou_address", "current_address", "community_name")
    }
    by_agent = f"经{agent['name']}（{agent['relationship']}）代为" if agent else ""
    issued_on = _iso(facts, "issued_on")
    verify_where = agency["verification_url"] or (
        f"{facts['public_url'].rstrip('/')}/verify" if facts.get("public_url") else "本机关办事窗口"
    )
    return {
        "kind": kind,
        "title": kinds.KINDS[kind].title,
        "case_number": _str(facts["case"]["number"]),
        "received_on": _iso(facts, "case.received_on"),
        "issued_on": issued_on,
        "issued_on_zh": chinese_date(issued_on),
        "agency": agency,
        "party": party,
        "agent": agent,
        "submitted": f"你于{_num(facts, 'case.received_on')}{by_agent}向本机关提出申领居住证的申请",
        "verification_hint": f"凭文号和验证码可在{verify_where}核验本文书真伪。",
        "contact": f"地址：{agency['address']}；电话：{agency['phone']}。",
    }


def build_receipt(facts: dict, ctx: dict) -> dict:
    materials = _materials(facts, ctx["kind"])
    accepted_on = _get(facts, "case.accepted_on")
    if accepted_on:
        status = f"经审查，申请材料齐全、符合法定形式，本机关已于{_num(facts, 'case.accepted_on')}予以受理。"
        due_on = _get(facts, "decision.due_on")
        due = f"（即{_num(facts, 'decision.due_on')}前）" if due_on else ""
        time_limit = (
            f"根据{DECREE}第九条的规定，对符合居住证办理条件的，本机关将自受理之日起15日内{due}制作发放居住证。"
        )
    else:
        status = "本机关正在对申请材料进行审查。"
        time_limit = f"根据{DECREE}第九条的规定，对符合居住证办理条件的，本机关将自受理之日起15日内制作发放居住证。"
    return {
        **ctx,
        "accepted": bool(accepted_on),
        "history": f"{ctx['submitted']}，本机关已收到{'下列' if materials else '你提交的'}申请材料。{status}",
        "materials": materials,
        "time_limit": time_limit,
        "deemed_acceptance": (
            f"根据{LICENSING_LAW}第三十二条第一款第（四）项的规定，申请材料不齐全或者不符合法定形式的，"
            "本机关应当当场或者在五日内一次告知你需要补正的全部内容；逾期不告知的，自收到申请材料之日起即为受理。"
        ),
        "access_code": _str(facts["access_code"]),
        "tracking": "可凭受理编号和查询码在网上查询办理进度。查询码请妥善保管，勿告知他人。",
    }


def build_supplement(facts: dict, ctx: dict) -> dict:
    missing = _numbered([m for m in _materials(facts, ctx["kind"]) if m["verdict"] not in RECEIVED])
    if not missing:
        raise ValueError("rp_supplement letter: 'decision.materials' lists no missing or invalid material")
    for item in missing:
        if not item["note"]:
            item["note"] = f"该材料为{DECREE}第九条规定的申领居住证所需材料。"
    place = _str(_get(facts, "decision.supplement_place")) or ctx["agency"]["collection_place"]
    place = place or ctx["agency"]["address"]
    deadline = _num(facts, "decision.supplement_deadline")
    return {
        **ctx,
        "history": f"{ctx['submitted']}。经审查，你提交的申请材料不齐全或者不符合法定形式。",
        "basis": (
            f"根据{DECREE}第九条和{LICENSING_LAW}第三十二条第一款第（四）项的规定，"
            "现将需要补正的全部内容一次性告知如下："
        ),
        "missing": missing,
        "supplement_deadline": _iso(facts, "decision.supplement_deadline"),
        "instruction": f"请你于{deadline}前（含当日），携带上述材料和本告知书到{place}补正。",
        "consequence": (
            "补正的材料齐全、符合法定形式的，本机关将予以受理；逾期未补正或者补正后仍不符合要求的，"
            "本机关将依法作出不予受理的决定。"
        ),
    }


def build_not_accepted(facts: dict, ctx: dict) -> dict:
    missing = _numbered([m for m in _materials(facts, ctx["kind"]) if m["verdict"] not in RECEIVED])
    if not missing:
        raise ValueError("rp_not_accepted letter: 'decision.materials' lists no missing or invalid material")
    notice = ""
    if _get(facts, "decision.supplement_notice_on"):
        number = _str(_get(facts, "decision.supplement_notice_number"))
        notice = (
            f"本机关于{_num(facts, 'decision.supplement_notice_on')}向你送达"
            f"《{kinds.KINDS['rp_supplement'].title}》{f'（{number}）' if number else ''}，"
        )
    deadline = _num(facts, "decision.supplement_deadline")
    return {
        **ctx,
        "history": f"{ctx['submitted']}。{notice}一次性告知你于{deadline}前补正下列材料：",
        "missing": missing,
        "facts_found": "截至补正期限届满，你未补正上述材料。",
        "decision": (
            f"根据{DECREE}第九条和{LICENSING_LAW}第三十二条第一款的规定，本机关决定对你的居住证申领申请不予受理。"
        ),
        "reapply": "你备齐申请材料后，可以重新提出申请。",
        "remedy": _remedy(ctx["agency"]),
    }


def build_approval(facts: dict, ctx: dict) -> dict:
    findings = _str(_get(facts, "decision.verification_findings")) or (
        f"你在本市居住半年以上，符合{DECREE}第二条规定的申领居住证条件，申请材料真实、齐全"
    )
    findings = findings.rstrip("。")
    # Where the card is collected depends on the case (the station serving the applicant), so the decision may
    # name it; otherwise the issuing agency's own collection place is used.
    collection = _str(_get(facts, "decision.collection_place")) or ctx["agency"]["collection_place"]
    if not collection:
        raise ValueError("rp_approval letter: missing facts key 'decision.collection_place'")
    window_start = _num(facts, "decision.endorsement_window_start")
    valid_until = _num(facts, "decision.valid_until")
    return {
        **ctx,
        "accepted_on": _iso(facts, "case.accepted_on"),
        "history": f"{ctx['submitted']}，本机关于{_num(facts, 'case.accepted_on')}受理。",
        "facts_found": f"经审查，{findings}。",
        "decision": f"根据{DECREE}第二条、第九条的规定，本机关决定准予核发居住证。",
        "permit": {
            "number": _str(_get(facts, "decision.permit_number")),
            "issue_date": _iso(facts, "decision.issue_date"),
            "issue_date_text": _num(facts, "decision.issue_date"),
            "valid_until": _iso(facts, "decision.valid_until"),
            "validity_text": f"一年，自{_num(facts, 'decision.issue_date')}至{valid_until}",
            "endorsement_window_start": _iso(facts, "decision.endorsement_window_start"),
            "collection_place": collection,
        },
        "notices": [
            f"请持本决定书和本人居民身份证到{collection}领取居住证。",
            (
                f"根据{DECREE}第十条的规定，居住证每年签注1次。你在居住地连续居住的，应当在居住每满1年之日前"
                f"1个月内（首次签注应于{window_start}至{valid_until}期间办理），到居住地公安派出所或者受公安机关"
                "委托的社区服务机构办理签注手续；逾期未办理签注手续的，居住证使用功能中止。"
            ),
            "居住地址、就业单位等登记信息发生变化的，应当依照规定及时办理变更登记。",
            (
                f"你应当依法使用居住证，并接受公安机关的监督检查。使用虚假证明材料骗领居住证，或者出租、出借、"
                f"转让居住证的，由公安机关依照{DECREE}第十八条的规定予以处罚。"
            ),
        ],
    }


def build_refusal(facts: dict, ctx: dict) -> dict:
    reasons = []
    for index, reason in enumerate(_get(facts, "decision.ineligible_reasons") or []):
        if not reason.get("text_zh"):
            raise ValueError(f"rp_refusal letter: missing facts key 'decision.ineligible_reasons[{index}].text_zh'")
        reasons.append({"text": reason["text_zh"].rstrip("。"), "basis": _str(reason.get("basis"))})
    free_text = _str(_get(facts, "decision.refusal_reasons")).strip()
    if free_text:
        reasons.append({"text": free_text.rstrip("。"), "basis": ""})
    if not reasons:
        raise ValueError("rp_refusal letter: missing facts key 'decision.ineligible_reasons'")
    bases: list[str] = []
    for basis in [r["basis"] for r in reasons if r["basis"]] or [f"{DECREE}第二条"]:
        if basis not in bases:
            bases.append(basis)
    accepted_on = _get(facts, "case.accepted_on")
    accepted = f"，本机关于{_num(facts, 'case.accepted_on')}受理" if accepted_on else ""
    findings = _str(_get(facts, "decision.verification_findings")).strip().rstrip("。")
    return {
        **ctx,
        "history": f"{ctx['submitted']}{accepted}。",
        "facts_found": f"经审查，{findings}。" if findings else "",
        "reasons_intro": "本机关认定你的申请存在下列情形：" if findings else "经审查，你的申请存在下列情形：",
        "reasons": _numbered(reasons),
        "decision": (f"你的申请不符合申领居住证的条件。根据{'、'.join(bases)}的规定，本机关决定不予核发居住证。"),
        "reapply": "你符合申领条件后，可以重新提出申请。",
        "remedy": _remedy(ctx["agency"]),
    }


_RP_KINDS = (
    # kind, title, 文号 series, facts keys, builder, role
    ("rp_receipt", "居住证申领受理回执", "受", ("access_code",), build_receipt, ""),
    (
        "rp_supplement",
        "居住证申领材料一次性补正告知书",
        "补",
        ("decision.materials", "decision.supplement_deadline"),
        build_supplement,
        "supplement",
    ),
    (
        "rp_not_accepted",
        "居住证申领不予受理决定书",
        "不受",
        ("decision.materials", "decision.supplement_deadline", *REMEDY_KEYS),
        build_not_accepted,
        "",
    ),
    (
        "rp_approval",
        "准予核发居住证决定书",
        "准",
        (
            "case.accepted_on",
            "decision.permit_number",
            "decision.issue_date",
            "decision.valid_until",
            "decision.endorsement_window_start",
        ),
        build_approval,
        "",
    ),
    ("rp_refusal", "不予核发居住证决定书", "不准", REMEDY_KEYS, build_refusal, ""),
)
for _kind, _title, _series, _keys, _builder, _role in _RP_KINDS:
    kinds.register_kind(
        _kind,
        title=_title,
        series=_series,
        keys=_keys,
        builder=_builder,
        role=_role,
        valid_until_key="permit.valid_until" if _kind == "rp_approval" else None,
    )
# Read-only views kept for callers and tests that look kinds up by name.
KIND_KEYS = {k: spec.keys for k, spec in kinds.KINDS.items()}
TITLES = {k: spec.title for k, spec in kinds.KINDS.items()}


def verify_url(public_url: str, code: str) -> str:
    """The public verification address of a letter, printed as its QR code: <public url>/verify/<code>."""
    return f"{public_url.rstrip('/')}/verify/{code}"


def build_letter_context(facts: dict) -> dict:
    """Validates `facts` for its kind and returns the template context (plain, JSON-serialisable).

    Raises ValueError naming the first missing key, TypeError if anything but plain data is passed in.
    """
    _check_plain(facts)
    kind = facts.get("kind")
    spec = kinds.get(kind)
    if spec is None:
        raise ValueError(f"unknown letter kind {kind!r}; known: {', '.join(kinds.KINDS)}")
    _require(facts, kind, COMMON_KEYS + spec.keys)
    context = spec.builder(facts, _common(facts, kind))
    if facts.get("public_url") and facts.get("verification_code"):
        context["verify_url"] = verify_url(facts["public_url"], facts["verification_code"])
    return context


# The toolkit other services' letter builders use (app/<domain>/letters.py): same arithmetic, same wording.
fact = _get
text_of = _str
iso_date = _iso
numeric_date_of = _num
numbered = _numbered
material_rows = _materials
remedy_clause = _remedy
