"""Letters of the points assessment: receipt, result (积分核定通知书) with every item, refusal (no valid permit).

The builders write every sentence (docs/letters.md); the templates extend letters/_standard.html.
"""

from __future__ import annotations

from app.letters import kinds
from app.letters.contexts import DECREE, REMEDY_KEYS, fact, numeric_date_of, remedy_clause, text_of

ZHEJIANG = "《浙江省流动人口居住登记条例》"
TRACKING = "可凭受理编号和查询码在网上查询办理进度。查询码请妥善保管，勿告知他人。"
DECLARED_TEXT = {
    "education": {
        "none": "初中及以下",
        "senior_secondary": "高中、中专、技校",
        "associate": "大学专科",
        "bachelor": "大学本科",
        "master": "硕士研究生",
        "doctorate": "博士研究生",
    },
    "skill": {
        "none": "无",
        "junior_worker": "初级工",
        "intermediate_worker": "中级工或初级职称",
        "senior_worker": "高级工",
        "technician": "技师或中级职称",
        "senior_technician": "高级技师或高级职称",
    },
    "award_level": {"none": "无", "district": "区级", "city": "市级", "provincial": "省级", "national": "国家级"},
    "penalty": {"none": "无", "dishonest": "失信被执行人", "detention": "行政拘留", "criminal": "刑事处罚"},
}
# Which declared value an item row reads (the result table shows declared → verified → points).
ITEM_VALUE = {
    "residence": ("residence_years", "年"),
    "insurance": ("insurance_months", "个月"),
    "education": ("education", ""),
    "skill": ("skill", ""),
    "volunteer": ("volunteer_hours", "小时"),
    "awards": ("award_level", ""),
    "penalty": ("penalty", ""),
}


def _applied(facts: dict) -> str:
    return f"你于{numeric_date_of(facts, 'case.received_on')}向本中心申请居住证积分核定"


def _value(key: str, value, unit: str) -> str:
    if value is None or value == "":
        return "—"
    if key in DECLARED_TEXT:
        return DECLARED_TEXT[key].get(str(value), str(value))
    return f"{value}{unit}"


def _letter(ctx: dict, **parts) -> dict:
    out = dict(ctx)
    out.update(
        paragraphs=[p for p in parts.get("paragraphs", []) if p],
        table=[{"k": k, "v": v} for k, v in parts.get("table", []) if v],
        grid=parts.get("grid"),
        reasons_intro=parts.get("reasons_intro", ""),
        reasons=parts.get("reasons", []),
        after_reasons=parts.get("after", []),
        notices=[n for n in parts.get("notices", []) if n],
        remedy=parts.get("remedy", ""),
    )
    return out


def build_receipt(facts: dict, ctx: dict) -> dict:
    decide_by = fact(facts, "decision.decide_by")
    by = f"（即{numeric_date_of(facts, 'decision.decide_by')}前）" if decide_by else ""
    out = _letter(
        ctx,
        paragraphs=[
            f"{_applied(facts)}，本中心已收到你的申请及申报的积分项目，现予登记。",
            f"本中心将在10个工作日内{by}核验你申报的各项积分及其证明材料，按积分分值表核定积分，并书面告知结果。",
        ],
        table=[("居住证号码", text_of(fact(facts, "decision.permit_number")) or "未查到有效居住证")],
        notices=[TRACKING, "申报内容应当真实；提供虚假材料的，不予计分并依法处理。"],
    )
    out["access_code"] = facts["access_code"]
    return out


def build_result(facts: dict, ctx: dict) -> dict:
    declared, verified = fact(facts, "decision.declared") or {}, fact(facts, "decision.verified") or {}
    rows = []
    for index, item in enumerate(fact(facts, "decision.items") or [], start=1):
        key, unit = ITEM_VALUE[item["item"]]
        if key == "residence_years":
            shown_declared = shown_verified = _value(key, fact(facts, "decision.residence_years"), unit)
        else:
            shown_declared, shown_verified = _value(key, declared.get(key), unit), _value(key, verified.get(key), unit)
        rows.append([str(index), item["label_zh"], shown_declared, shown_verified, f"{item['points']}", item["basis"]])
    total = fact(facts, "decision.total")
    since = numeric_date_of(facts, "decision.residence_since") if fact(facts, "decision.residence_since") else ""
    return _letter(
        ctx,
        paragraphs=[
            f"{_applied(facts)}。经核验你提交的证明材料，根据{DECREE}第十六条、{ZHEJIANG}第二十八条和本市积分管理规定，"
            f"核定你的积分为{total}分。各项积分如下：",
        ],
        grid={
            "head": ["序号", "积分项目", "申报", "核实", "分值", "计分依据"],
            "rows": rows,
            "foot": ["", "合计", "", "", f"{total}", ""],
            "centred": [0, 4],
            "widths": [10, 30, 22, 22, 11, None],
        },
        after=[
            f"你的居住证号码为{text_of(fact(facts, 'decision.permit_number'))}，连续居住年限自{since}起计算"
            "（居住证使用功能中止期间不计入）。"
            f"本次核定的积分有效期至{numeric_date_of(facts, 'decision.valid_until')}，"
            "可用于随迁子女入学等梯度公共服务；情况发生变化的，可以重新申请核定。",
        ],
        remedy=remedy_clause(ctx["agency"]),
    )


def build_refusal(facts: dict, ctx: dict) -> dict:
    status = fact(facts, "decision.permit_status")
    if status == "suspended":
        reason = "你的居住证因未按期签注，使用功能已中止"
    elif status == "terminated":
        reason = "你的居住证使用功能已终止"
    elif status:
        reason = "你的居住证已超过有效期"
    else:
        reason = "本机关未查到你持有的居住证"
    return _letter(
        ctx,
        paragraphs=[f"{_applied(facts)}。"],
        reasons_intro="经审查，存在下列情形：",
        reasons=[{"index": 1, "text": reason, "basis": f"{DECREE}第十六条、{ZHEJIANG}第二十八条"}],
        after=[
            "积分核定以持有有效居住证为条件。本中心决定不予核定积分。",
            "你依法申领居住证或者办理签注恢复居住证使用功能后，可以重新申请积分核定。",
        ],
        remedy=remedy_clause(ctx["agency"]),
    )


KINDS = (
    ("pt_receipt", "居住证积分申请受理回执", "积受", ("access_code",), build_receipt),
    (
        "pt_result",
        "居住证积分核定通知书",
        "积核",
        ("decision.items", "decision.valid_until", *REMEDY_KEYS),
        build_result,
    ),
    ("pt_refusal", "不予核定居住证积分告知书", "积不", REMEDY_KEYS, build_refusal),
)
for _kind, _title, _series, _keys, _builder in KINDS:
    kinds.register_kind(_kind, title=_title, series=_series, keys=_keys, builder=_builder)
