"""Letters of school placement (rules.md §4.7, §6): receipt, supplement notice, not accepted, review failed
(审核不通过告知书, with the re-check route and remedies), re-check decision, and the offer (入学通知书).

The builders write every sentence (docs/letters.md); the templates extend letters/_standard.html.
"""

from __future__ import annotations

from app.letters import kinds
from app.letters.contexts import (
    DECREE,
    REMEDY_KEYS,
    fact,
    material_rows,
    numeric_date_of,
    remedy_clause,
    text_of,
)

EDUCATION_LAW = "《中华人民共和国义务教育法》"
ZHEJIANG_EDUCATION = "《浙江省义务教育条例》"
TRACKING = "可凭受理编号和查询码在网上查询办理进度。查询码请妥善保管，勿告知他人。"
ENTRY = {"grade1": "小学一年级新生入学", "transfer": "插班转学"}
RELATION = {"father": "父亲", "mother": "母亲", "guardian": "监护人"}
GRADE = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九"}
OFFER_BRING = (
    "本入学通知书",
    "家长居民身份证和居住证",
    "户口簿（或其他监护关系证明）",
    "儿童预防接种证",
)


def _grade(facts: dict) -> str:
    grade = int(fact(facts, "decision.grade") or 1)
    return f"{GRADE.get(grade, str(grade))}年级"


def _applied(facts: dict) -> str:
    child = text_of(fact(facts, "decision.child.name"))
    year = text_of(fact(facts, "decision.school_year"))
    entry = ENTRY.get(fact(facts, "decision.entry_type"), "入学")
    return (
        f"你于{numeric_date_of(facts, 'case.received_on')}为随迁子女{child}申请{year}学年{_grade(facts)}学位（{entry}）"
    )


def _child_table(facts: dict) -> list[tuple[str, str]]:
    child = f"{text_of(fact(facts, 'decision.child.name'))}（{text_of(fact(facts, 'decision.child.id_number'))}）"
    entry = ENTRY.get(fact(facts, "decision.entry_type"), "")
    return [
        ("儿童", child),
        ("申请", f"{text_of(fact(facts, 'decision.school_year'))}学年{_grade(facts)}（{entry}）"),
        ("家长居住证", text_of(fact(facts, "decision.permit_number")) or "未查到有效居住证"),
    ]


def _letter(ctx: dict, **parts) -> dict:
    return {
        **ctx,
        "paragraphs": [p for p in parts.get("paragraphs", []) if p],
        "table": [{"k": k, "v": v} for k, v in parts.get("table", []) if v],
        "grid": parts.get("grid"),
        "reasons_intro": parts.get("reasons_intro", ""),
        "reasons": parts.get("reasons", []),
        "after_reasons": [p for p in parts.get("after", []) if p],
        "notices": [n for n in parts.get("notices", []) if n],
        "remedy": parts.get("remedy", ""),
    }


def _materials_grid(facts: dict, kind: str) -> dict:
    rows = material_rows(facts, kind)
    return {
        "head": ["序号", "需补正的材料", "说明"],
        "rows": [[str(r["index"]), r["label"], r["note"] or "—"] for r in rows],
        "foot": None,
        "centred": [0],
    }


def build_receipt(facts: dict, ctx: dict) -> dict:
    out = _letter(
        ctx,
        paragraphs=[
            f"{_applied(facts)}，本局已收到你的申请，现予登记。",
            "本局将在5个工作日内审核你提交的材料；材料不齐全的，将一次性告知需要补正的全部材料。"
            "审核通过的，按本区随迁子女入学办法统筹安排学位，并发放入学通知书。",
        ],
        table=_child_table(facts),
        notices=[
            TRACKING + "家长居住证信息和积分由本系统记录调取，无需另行证明；不要求提供户籍地无人监护证明。",
        ],
    )
    out["access_code"] = facts["access_code"]
    return out


def build_supplement(facts: dict, ctx: dict) -> dict:
    deadline = numeric_date_of(facts, "decision.supplement_deadline")
    return _letter(
        ctx,
        paragraphs=[
            f"{_applied(facts)}。经审核，你提交的申请材料不齐全。现一次性告知你需要补正的全部材料如下：",
        ],
        grid=_materials_grid(facts, ctx["kind"]),
        after=[
            f"请于{deadline}前将上述材料提交至本局或在网上上传。逾期未补正的，本局将不予受理你的申请。",
            "补正期间不计入审核期限。",
        ],
        notices=[TRACKING],
    )


def build_not_accepted(facts: dict, ctx: dict) -> dict:
    deadline = numeric_date_of(facts, "decision.supplement_deadline")
    return _letter(
        ctx,
        paragraphs=[
            f"{_applied(facts)}。本局已一次性告知你补正下列材料，你未在{deadline}前补正：",
        ],
        grid=_materials_grid(facts, ctx["kind"]),
        after=["本局决定不予受理你的申请。你可以在材料齐全后重新申请。"],
        remedy=remedy_clause(ctx["agency"]),
    )


def _refusal_reason(facts: dict) -> tuple[str, str]:
    d = lambda key: fact(facts, f"decision.{key}")  # noqa: E731  (a short reader for the many facts below)
    result = d("eligibility_result")
    if result == "not_age_eligible":
        return (
            f"儿童在{numeric_date_of(facts, 'decision.cutoff_date')}未满{d('min_age')}周岁，"
            "未到入学年龄，可于下一学年申请",
            f"{EDUCATION_LAW}第十一条",
        )
    if result == "no_valid_permit":
        status = {"suspended": "因未按期签注使用功能已中止", "terminated": "使用功能已终止"}.get(
            d("permit_status") or "", "未查到或已超过有效期"
        )
        return (f"家长持有的居住证{status}", f"{DECREE}第十二条、{ZHEJIANG_EDUCATION}第十二条")
    if result == "residence_too_short":
        return (
            f"家长持居住证在本区居住{d('permit_months')}个月，不满本区规定的{d('min_permit_months')}个月，"
            f"且积分{d('points_total')}分，未达到积分入学分数线{d('points_threshold')}分",
            "本区随迁子女入学办法",
        )
    paying = "目前仍在缴纳" if d("currently_paying") else "目前未在缴纳"
    return (
        f"家长在本市缴纳社会保险{d('insurance_months')}个月（{paying}），不符合本区规定的连续缴纳{d('min_insurance_months')}个月"
        f"且仍在缴纳的条件，且积分{d('points_total')}分，未达到积分入学分数线{d('points_threshold')}分",
        "本区随迁子女入学办法",
    )


def build_refusal(facts: dict, ctx: dict) -> dict:
    reason, basis = _refusal_reason(facts)
    deadline = numeric_date_of(facts, "decision.recheck_deadline")
    return _letter(
        ctx,
        paragraphs=[f"{_applied(facts)}。"],
        table=_child_table(facts),
        reasons_intro="经审核，存在下列情形：",
        reasons=[{"index": 1, "text": reason, "basis": basis}],
        after=[
            "你的申请未通过审核。",
            f"如对审核结论有异议，可以在{deadline}前向本局书面申请复核，本局将自收到复核申请之日起5个工作日内作出复核决定。",
            "儿童年满六周岁的，家长或者其他法定监护人应当送其入学接受并完成义务教育；可以向户籍所在地申请入学。",
        ],
        remedy=remedy_clause(ctx["agency"]),
    )


def build_recheck_decision(facts: dict, ctx: dict) -> dict:
    requested = numeric_date_of(facts, "decision.requested_on")
    findings = text_of(fact(facts, "decision.findings")).rstrip("。")
    grounds = text_of(fact(facts, "decision.grounds")).rstrip("。")
    intro = f"{_applied(facts)}，本局审核未予通过。你于{requested}申请复核，理由是：{grounds}。"
    if fact(facts, "decision.outcome") == "overturn":
        return _letter(
            ctx,
            paragraphs=[
                intro,
                f"经复核，{findings}。本局决定撤销原审核结论，"
                f"认定{text_of(fact(facts, 'decision.child.name'))}符合本区随迁子女入学条件。"
                "本局将统筹安排学位，并另行发放入学通知书。",
            ],
            notices=[TRACKING],
        )
    return _letter(
        ctx,
        paragraphs=[intro, f"经复核，{findings}。本局决定维持原审核结论。"],
        remedy=remedy_clause(ctx["agency"]),
    )


PLACEMENT_TEXT = {
    "catchment": "按照相对就近的原则，安排在学区学校就读",
    "other_public": "你所在学区的{catchment}学位已满，按照统筹安排的原则，安排在其他公办学校就读",
    "private_subsidised": "本区公办学校学位已满，安排在政府购买学位的民办学校就读，学费由政府按购买学位标准承担",
}


def build_offer(facts: dict, ctx: dict) -> dict:
    p = fact(facts, "decision.placement") or {}
    child = text_of(fact(facts, "decision.child.name"))
    how = PLACEMENT_TEXT[p["kind"]].format(catchment=p.get("catchment_school") or "学区学校")
    bring = list(OFFER_BRING) + (["原就读学校学籍证明"] if fact(facts, "decision.entry_type") == "transfer" else [])
    out = _letter(
        ctx,
        paragraphs=[
            f"经审核，你符合本区随迁子女接受义务教育的条件。根据{EDUCATION_LAW}第十二条和{ZHEJIANG_EDUCATION}第十二条的规定，"
            f"{how}。现通知你于{p['school_year']}学年到{p['school_name']}{_grade(facts)}就读。",
            f"请于{numeric_date_of(facts, 'decision.placement.report_date')}由家长陪同，携带{'、'.join(bring)}"
            f"到{p['report_place']}报到。",
        ],
        table=[
            ("就读学校", p["school_name"]),
            ("学校地址", p["school_address"]),
            ("年级", _grade(facts)),
            ("报到日期", numeric_date_of(facts, "decision.placement.report_date")),
            ("报到地点", p["report_place"]),
            ("学校电话", p["school_phone"]),
        ],
        notices=[
            "逾期未报到又未说明理由的，视为放弃该学位；适龄儿童的家长应当依法送其入学（义务教育法第五条、第五十八条）。",
            "学校凭本通知书的验证码核验真伪，并为学生建立学籍。",
        ],
    )
    out["student_lines"] = [
        f"学生：{child}（公民身份号码：{text_of(fact(facts, 'decision.child.id_number'))}）",
        f"家长（{RELATION.get(fact(facts, 'decision.relationship'), '监护人')}）：{ctx['party']['name']}",
    ]
    return out


KINDS = (
    ("sc_receipt", "随迁子女入学申请受理回执", "学受", ("access_code", "decision.child.name"), build_receipt, ""),
    (
        "sc_supplement",
        "随迁子女入学申请补正材料告知书",
        "学补",
        ("decision.materials", "decision.supplement_deadline"),
        build_supplement,
        "supplement",
    ),
    (
        "sc_not_accepted",
        "随迁子女入学申请不予受理告知书",
        "学不受",
        ("decision.supplement_deadline", *REMEDY_KEYS),
        build_not_accepted,
        "",
    ),
    (
        "sc_refusal",
        "随迁子女入学审核不通过告知书",
        "学审",
        ("decision.eligibility_result", "decision.recheck_deadline", *REMEDY_KEYS),
        build_refusal,
        "",
    ),
    (
        "sc_recheck_decision",
        "随迁子女入学复核决定书",
        "学复",
        ("decision.outcome", "decision.findings", "decision.requested_on", *REMEDY_KEYS),
        build_recheck_decision,
        "",
    ),
    (
        "sc_offer",
        "随迁子女义务教育入学通知书",
        "学通",
        ("decision.placement.school_name", "decision.placement.report_date", "decision.child.name"),
        build_offer,
        "",
    ),
)
for _kind, _title, _series, _keys, _builder, _role in KINDS:
    kinds.register_kind(_kind, title=_title, series=_series, keys=_keys, builder=_builder, role=_role)
