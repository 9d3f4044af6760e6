"""Sample facts per letter kind, in the shape the case side passes (see docs/letters.md)."""

from __future__ import annotations

import copy

AGENCY = {
    "name": "杭州市公安局西湖区分局",
    "doc_code": "西公居",
    "address": "杭州市西湖区文三路108号",
    "phone": "0571-87280000",
    "reconsideration_body": "杭州市西湖区人民政府",
    "court": "杭州市西湖区人民法院",
    "collection_place": "杭州市公安局西湖区分局文新派出所户籍窗口（杭州市西湖区文一西路58号）",
}

MATERIALS = [
    {"code": "id_card", "label_zh": "本人居民身份证", "verdict": "provided", "note": "已核验原件"},
    {"code": "photo", "label_zh": "本人近期一寸免冠彩色照片", "verdict": "provided", "note": ""},
    {
        "code": "lease",
        "label_zh": "房屋租赁合同（居住地住址证明）",
        "verdict": "missing",
        "note": "用于证明你在本市有合法稳定住所（《居住证暂行条例》第二条、第九条）",
    },
    {
        "code": "labour_contract",
        "label_zh": "劳动合同或者用人单位出具的劳动关系证明",
        "verdict": "invalid",
        "note": "所交证明未加盖用人单位印章，无法证明合法稳定就业",
    },
]

BASE = {
    "case": {"number": "RP-330106-2026-000123", "received_on": "2026-11-02", "accepted_on": "2026-11-02"},
    "applicant": {
        "name": "王小梅",
        "id_number": "510104199203154321",
        "phone": "13800001234",
        "hukou_address": "四川省成都市锦江区春熙路街道红星路二段12号",
        "current_address": "浙江省杭州市西湖区文新街道文一西路58号3幢2单元501室",
        "community_name": "文新社区",
    },
    "agent": None,
    "agency": AGENCY,
    "issued_on": "2026-11-22",
}

DECISIONS = {
    "rp_receipt": {
        "materials": [{**m, "verdict": "provided", "note": ""} for m in MATERIALS],
        "due_on": "2026-11-17",
    },
    "rp_supplement": {"materials": MATERIALS, "supplement_deadline": "2026-11-30"},
    "rp_not_accepted": {
        "materials": MATERIALS,
        "supplement_deadline": "2026-11-30",
        "supplement_notice_on": "2026-11-04",
        "supplement_notice_number": "西公居补字〔2026〕第3号",
    },
    "rp_approval": {
        "permit_number": "330106202611000123",
        "issue_date": "2026-11-20",
        "valid_until": "2027-11-19",
        "endorsement_window_start": "2027-10-20",
        "verification_findings": (
            "你自2026年3月起在本市连续居住登记满半年，并与杭州某某科技有限公司签订劳动合同、连续缴纳社会保险，"
            "符合《居住证暂行条例》第二条规定的申领条件"
        ),
    },
    "rp_refusal": {
        "ineligible_reasons": [
            {
                "code": "residence_short",
                "text_zh": "你在本市居住登记未满半年（自2026年8月10日起登记，至受理之日不足六个月）",
                "basis": "《居住证暂行条例》第二条",
            },
            {
                "code": "no_condition",
                "text_zh": "你未能提供合法稳定就业、合法稳定住所或者连续就读的证明",
                "basis": "《居住证暂行条例》第二条",
            },
        ],
        "refusal_reasons": "经向出具单位核实，你提交的租赁合同所载房屋已于2026年9月出售，合同未实际履行",
        "verification_findings": ("本机关于2026年11月10日对你提交的材料进行了核查，并到现居住地址进行了实地走访"),
    },
}

KINDS = tuple(DECISIONS)


def sample_facts(kind: str, **overrides) -> dict:
    facts = copy.deepcopy(BASE)
    facts["kind"] = kind
    facts["decision"] = copy.deepcopy(DECISIONS[kind])
    if kind == "rp_receipt":
        facts["access_code"] = "K7Q2-9XPM"
    facts.update(overrides)
    return facts
