"""The wage-arrears letter kinds (rules.md §3.7): title, 文号 series, required facts, builder.

Registered on import (app/wage_arrears/__init__.py). Each kind has its own 文号 series, so a bureau's
registers of notices, orders and decisions are numbered separately (`<doc code><series>〔year〕第N号`).
"""

from __future__ import annotations

from app.letters import kinds
from app.letters.contexts import REMEDY_KEYS
from app.wage_arrears import employer_letters as e
from app.wage_arrears import letter_texts as t
from app.wage_arrears import penalty_letters as p

EMPLOYER = "decision.employer.name"
# kind, title, 文号 series, facts keys beyond the common ones, builder, role
KINDS = (
    ("wa_receipt", "欠薪投诉登记回执", "监收", ("access_code", EMPLOYER, "decision.claimed"), t.build_receipt, ""),
    (
        "wa_acceptance",
        "欠薪投诉受理通知书",
        "监受",
        (EMPLOYER, "decision.registered_on", "decision.investigation_due_on"),
        t.build_acceptance,
        "",
    ),
    (
        "wa_supplement",
        "欠薪投诉补正通知书",
        "监补",
        (EMPLOYER, "decision.supplement_deadline"),
        t.build_supplement,
        "supplement",
    ),
    (
        "wa_not_accepted",
        "欠薪投诉不予受理通知书",
        "监不受",
        (EMPLOYER, "decision.reason", *REMEDY_KEYS),
        t.build_not_accepted,
        "",
    ),
    ("wa_referral", "欠薪投诉移送告知书", "监移", (EMPLOYER, "decision.competent_bureau"), t.build_referral, ""),
    (
        "wa_dispute_notice",
        "劳动争议处理程序告知书",
        "监告",
        (EMPLOYER, "decision.reason", "agency.court"),
        t.build_dispute_notice,
        "",
    ),
    (
        "wa_extension_notice",
        "延长办案期限告知书",
        "监延",
        (EMPLOYER, "decision.registered_on", "decision.investigation_due_on", "decision.extension_reason"),
        t.build_extension_notice,
        "",
    ),
    (
        "wa_defence_notice",
        "劳动保障监察陈述申辩告知书",
        "监申",
        (EMPLOYER, "decision.registered_on", "decision.confirmed", "decision.defence_deadline"),
        e.build_defence_notice,
        "",
    ),
    (
        "wa_order",
        "劳动保障监察限期改正指令书",
        "监令",
        (EMPLOYER, "decision.registered_on", "decision.confirmed", "decision.payment_deadline", *REMEDY_KEYS),
        e.build_order,
        "",
    ),
    (
        "wa_compensation",
        "劳动保障监察行政处理决定书",
        "监处",
        (
            EMPLOYER,
            "decision.registered_on",
            "decision.confirmed",
            "decision.order_number",
            "decision.order_on",
            "decision.compensation_rate",
            "decision.compensation_deadline",
            *REMEDY_KEYS,
        ),
        e.build_compensation,
        "",
    ),
    (
        "wa_crime_transfer",
        "涉嫌犯罪案件移送书",
        "监刑移",
        (EMPLOYER, "decision.police_name", "decision.order_number", "decision.order_on", "decision.report"),
        e.build_crime_transfer,
        "",
    ),
    (
        "wa_blacklist",
        "列入拖欠农民工工资失信联合惩戒对象名单决定书",
        "监失",
        (
            EMPLOYER,
            "decision.registered_on",
            "decision.order_on",
            "decision.blacklist_reason",
            "decision.listed_on",
            "decision.listed_until",
            *REMEDY_KEYS,
        ),
        e.build_blacklist,
        "",
    ),
    (
        "wa_penalty_notice",
        "劳动保障监察行政处罚告知书",
        "监罚告",
        (
            EMPLOYER,
            "decision.registered_on",
            "decision.penalty_ground",
            "decision.penalty_facts",
            "decision.proposed_fine",
            "decision.penalty_defence_deadline",
        ),
        p.build_penalty_notice,
        "",
    ),
    (
        "wa_penalty",
        "劳动保障监察行政处罚决定书",
        "监罚",
        (
            EMPLOYER,
            "decision.registered_on",
            "decision.penalty_ground",
            "decision.penalty_facts",
            "decision.fine_amount",
            "decision.fine_reason",
            *REMEDY_KEYS,
        ),
        p.build_penalty,
        "",
    ),
    (
        "wa_closure",
        "欠薪投诉处理结果告知书",
        "监结",
        (EMPLOYER, "decision.result", "decision.registered_on"),
        t.build_closure,
        "",
    ),
)

for _kind, _title, _series, _keys, _builder, _role in KINDS:
    kinds.register_kind(_kind, title=_title, series=_series, keys=_keys, builder=_builder, role=_role)
