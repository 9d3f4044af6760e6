"""Letters of the permit lifecycle: endorsement (签注), change of address (变更登记), replacement (补领/换领).

Each builder turns plain facts into every sentence of the letter (docs/letters.md); the templates in
app/permits/templates/letters/ only lay out `paragraphs`, `table`, `reasons`, `notices` and `remedy`.
The residence-permit application's own kinds (rp_*) stay in app/letters/contexts.py.
"""

from __future__ import annotations

from app.letters import kinds
from app.letters.contexts import (
    DECREE,
    REMEDY_KEYS,
    fact,
    iso_date,
    numbered,
    numeric_date_of,
    remedy_clause,
    text_of,
)

ZHEJIANG = "《浙江省流动人口居住登记条例》"
HANGZHOU = "《杭州市流动人口服务管理规定》"
TRACKING = "可凭受理编号和查询码在网上查询办理进度。查询码请妥善保管，勿告知他人。"


def _received(facts: dict) -> str:
    return numeric_date_of(facts, "case.received_on")


def _reasons(facts: dict, kind: str) -> list[dict]:
    reasons = []
    for index, reason in enumerate(fact(facts, "decision.ineligible_reasons") or []):
        if not reason.get("text_zh"):
            raise ValueError(f"{kind} letter: missing facts key 'decision.ineligible_reasons[{index}].text_zh'")
        reasons.append({"text": reason["text_zh"].rstrip("。"), "basis": text_of(reason.get("basis"))})
    free_text = text_of(fact(facts, "decision.refusal_reasons")).strip()
    if free_text:
        reasons.append({"text": free_text.rstrip("。"), "basis": ""})
    if not reasons:
        raise ValueError(f"{kind} letter: missing facts key 'decision.refusal_reasons'")
    return numbered(reasons)


def _findings(facts: dict) -> str:
    findings = text_of(fact(facts, "decision.verification_findings")).strip().rstrip("。")
    return f"经核查，{findings}。" if findings else ""


def _letter(ctx: dict, *, paragraphs, table=(), reasons=(), reasons_intro="", after=(), notices=(), remedy=""):
    return {
        **ctx,
        "paragraphs": [p for p in paragraphs if p],
        "table": [{"k": k, "v": v} for k, v in table if v],
        "reasons_intro": reasons_intro,
        "reasons": list(reasons),
        "after_reasons": [p for p in after if p],
        "notices": [n for n in notices if n],
        "remedy": remedy,
    }


# ---------------------------------------------------------------- endorsement


def build_endorsement(facts: dict, ctx: dict) -> dict:
    number = text_of(fact(facts, "decision.permit_number"))
    endorsed = numeric_date_of(facts, "decision.endorsed_on")
    valid_until = numeric_date_of(facts, "decision.valid_until")
    anniversary = numeric_date_of(facts, "decision.previous_anniversary")
    late = bool(fact(facts, "decision.late"))
    paragraphs = [
        f"你持有的居住证（号码：{number}）居住满一年之日为{anniversary}。经居住地社区核查，你仍在居住地连续居住，"
        f"符合{DECREE}第二条规定的条件。",
        f"根据{DECREE}第十条的规定，本机关于{endorsed}为你的居住证办理签注，居住证有效期至{valid_until}。",
    ]
    if late:
        paragraphs.append(
            f"你未在居住满一年之日前办理签注，居住证使用功能自{anniversary}起中止。本次签注后居住证使用功能恢复；"
            f"根据{DECREE}第十条和{HANGZHOU}第二十条的规定，你的居住年限自{endorsed}起连续计算，"
            "使用功能中止期间不计入居住年限。"
        )
    window = numeric_date_of(facts, "decision.endorsement_window_start")
    return {
        **_letter(
            ctx,
            paragraphs=paragraphs,
            table=[
                ("居住证号码", number),
                ("签注日期", endorsed),
                ("有效期至", valid_until),
                ("居住年限起算日", numeric_date_of(facts, "decision.residence_years_from")),
            ],
            notices=[
                f"下次签注应于{window}至{valid_until}期间办理；逾期未办理的，居住证使用功能中止。",
                "居住地址、就业单位等登记信息发生变化的，应当自变化之日起十日内办理变更登记。",
            ],
        ),
        "permit": {"number": number, "valid_until": iso_date(facts, "decision.valid_until")},
    }


def build_endorsement_refusal(facts: dict, ctx: dict) -> dict:
    number = text_of(fact(facts, "decision.permit_number"))
    reasons = _reasons(facts, ctx["kind"])
    bases = []
    for basis in [r["basis"] for r in reasons if r["basis"]] or [f"{DECREE}第十条、{HANGZHOU}第十九条"]:
        if basis not in bases:
            bases.append(basis)
    return _letter(
        ctx,
        paragraphs=[
            f"你持有的居住证（号码：{number}）于{_received(facts)}进入签注办理程序。{_findings(facts)}",
        ],
        reasons_intro="本机关认定存在下列情形：",
        reasons=reasons,
        after=[
            f"你已不符合居住证签注的条件。根据{'、'.join(bases)}和{HANGZHOU}第二十一条的规定，本机关决定不予签注，"
            "你的居住证使用功能自本决定送达之日起终止，请将居住证交回本机关。",
            "你重新符合申领条件后，可以依法重新申领居住证。",
        ],
        remedy=remedy_clause(ctx["agency"]),
    )


# ---------------------------------------------------------------- change of address


def _change_table(facts: dict) -> list[tuple[str, str]]:
    return [
        ("居住证号码", text_of(fact(facts, "decision.permit_number"))),
        ("原居住地址", text_of(fact(facts, "decision.previous_address"))),
        ("新居住地址", text_of(fact(facts, "decision.new_address"))),
        ("新居住地社区", text_of(fact(facts, "decision.new_community"))),
        ("搬迁日期", numeric_date_of(facts, "decision.moved_on")),
    ]


def _timeliness(facts: dict) -> str:
    deadline = numeric_date_of(facts, "decision.report_deadline")
    text = f"根据{ZHEJIANG}第十三条的规定，居住地址变更应当自变化之日起十日内申报（本次申报期限至{deadline}）"
    return text + ("；你的申报已超过该期限，请今后按期申报。" if fact(facts, "decision.late_report") else "。")


def build_change_receipt(facts: dict, ctx: dict) -> dict:
    return {
        **_letter(
            ctx,
            paragraphs=[
                f"你于{_received(facts)}向本机关申报居住证登记的居住地址变更，本机关已予受理。",
                _timeliness(facts),
                f"本机关将由新居住地社区（{text_of(fact(facts, 'decision.new_community'))}）核查你的实际居住情况，"
                "核查属实的，办理变更登记并出具变更登记凭证。",
            ],
            table=_change_table(facts),
            notices=[TRACKING],
        ),
        "access_code": text_of(facts["access_code"]),
    }


def build_change_certificate(facts: dict, ctx: dict) -> dict:
    return _letter(
        ctx,
        paragraphs=[
            f"你于{_received(facts)}申报居住地址变更。经新居住地社区核查，你已在新居住地址实际居住。",
            f"根据{ZHEJIANG}第十三条的规定，本机关已为你的居住证办理居住地址变更登记，登记信息如下：",
        ],
        table=_change_table(facts),
        notices=[
            _timeliness(facts),
            "居住证签注等事项今后由新居住地社区和所属公安派出所办理。",
        ],
    )


def build_change_refusal(facts: dict, ctx: dict) -> dict:
    findings = text_of(fact(facts, "decision.verification_findings")).strip().rstrip("。")
    if not findings:
        raise ValueError(f"{ctx['kind']} letter: missing facts key 'decision.verification_findings'")
    return _letter(
        ctx,
        paragraphs=[
            f"你于{_received(facts)}申报将居住证登记的居住地址变更为{text_of(fact(facts, 'decision.new_address'))}。",
            f"经新居住地社区核查，{findings}。",
            f"你申报的居住地址与实际居住情况不符。根据{ZHEJIANG}第十三条的规定，本机关决定不予办理居住地址变更登记，"
            "居住证登记的居住地址不变。你在新地址实际居住后，可以重新申报。",
        ],
        table=_change_table(facts),
        remedy=remedy_clause(ctx["agency"]),
    )


# ---------------------------------------------------------------- replacement

_KIND_ZH = {"reissue": "补领", "exchange": "换领"}


def _kind_zh(facts: dict) -> str:
    return _KIND_ZH.get(text_of(fact(facts, "decision.replacement_kind")), "补领、换领")


def build_replacement_receipt(facts: dict, ctx: dict) -> dict:
    kind = _kind_zh(facts)
    card = (
        "原居住证已交回本机关。"
        if fact(facts, "decision.old_card_returned")
        else (
            "换领居住证须交回原证，请在领取新证前将原证交回本机关。"
            if fact(facts, "decision.replacement_kind") == "exchange"
            else "你声明原居住证已丢失，原证自新证制发之日起作废。"
        )
    )
    return {
        **_letter(
            ctx,
            paragraphs=[
                f"你于{_received(facts)}向本机关申请{kind}居住证"
                f"（号码：{text_of(fact(facts, 'decision.permit_number'))}），本机关已予受理。",
                f"根据{DECREE}第十一条的规定，居住证损坏难以辨认或者丢失的，居住证持有人应当到居住地公安派出所"
                f"或者受公安机关委托的社区服务机构办理换领、补领手续。{card}",
                f"根据{DECREE}第二十一条的规定，换领、补领居住证的，应当缴纳证件工本费。",
            ],
            notices=[TRACKING],
        ),
        "access_code": text_of(facts["access_code"]),
    }


def build_replacement_certificate(facts: dict, ctx: dict) -> dict:
    kind = _kind_zh(facts)
    number = text_of(fact(facts, "decision.permit_number"))
    place = text_of(fact(facts, "decision.collection_place")) or ctx["agency"]["collection_place"]
    if not place:
        raise ValueError(f"{ctx['kind']} letter: missing facts key 'decision.collection_place'")
    ready = numeric_date_of(facts, "decision.card_ready_on")
    return {
        **_letter(
            ctx,
            paragraphs=[
                f"你于{_received(facts)}申请{kind}居住证。根据{DECREE}第十一条的规定，本机关已为你制作新证。",
            ],
            table=[
                ("居住证号码", number),
                ("新证卡序号", f"第{text_of(fact(facts, 'decision.card_serial'))}张"),
                ("作废卡序号", f"第{text_of(fact(facts, 'decision.void_card_serial'))}张及以前"),
                ("可领取日期", ready),
            ],
            notices=[
                f"请于{ready}起持本通知书和本人居民身份证到{place}领取新证。",
                "居住证号码、有效期限和签注情况不变；原证自新证制发之日起作废，不得再使用。",
            ],
        ),
        "permit": {"number": number},
    }


_KINDS = (
    # kind, title, 文号 series, facts keys, builder
    (
        "re_endorsement",
        "居住证签注凭证",
        "签",
        (
            "decision.permit_number",
            "decision.endorsed_on",
            "decision.valid_until",
            "decision.endorsement_window_start",
            "decision.previous_anniversary",
            "decision.residence_years_from",
        ),
        build_endorsement,
    ),
    ("re_refusal", "不予签注决定书", "不签", ("decision.permit_number", *REMEDY_KEYS), build_endorsement_refusal),
    (
        "rc_receipt",
        "居住证变更登记受理回执",
        "变受",
        (
            "access_code",
            "decision.permit_number",
            "decision.new_address",
            "decision.moved_on",
            "decision.report_deadline",
        ),
        build_change_receipt,
    ),
    (
        "rc_certificate",
        "居住证变更登记凭证",
        "变",
        ("decision.permit_number", "decision.new_address", "decision.moved_on", "decision.report_deadline"),
        build_change_certificate,
    ),
    (
        "rc_refusal",
        "不予办理居住证变更登记决定书",
        "不变",
        (
            "decision.permit_number",
            "decision.new_address",
            "decision.moved_on",
            "decision.report_deadline",
            *REMEDY_KEYS,
        ),
        build_change_refusal,
    ),
    (
        "rr_receipt",
        "居住证补领换领受理回执",
        "换受",
        ("access_code", "decision.permit_number"),
        build_replacement_receipt,
    ),
    (
        "rr_certificate",
        "居住证补领换领通知书",
        "换",
        ("decision.permit_number", "decision.card_serial", "decision.void_card_serial", "decision.card_ready_on"),
        build_replacement_certificate,
    ),
)
for _kind, _title, _series, _keys, _builder in _KINDS:
    kinds.register_kind(
        _kind,
        title=_title,
        series=_series,
        keys=_keys,
        builder=_builder,
        valid_until_key="permit.valid_until" if _kind == "re_endorsement" else None,
    )
