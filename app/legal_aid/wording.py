"""The words letters use for legal-aid codes (form values, DMN reason codes), with the article each rests on."""

from __future__ import annotations

LAW = "《中华人民共和国法律援助法》"

# matter_type → (what it is, the clause that makes it a legal-aid matter)
MATTERS = {
    "state_compensation": ("依法请求国家赔偿", "第三十一条第（一）项"),
    "social_insurance": ("请求给予社会保险待遇或者社会救助", "第三十一条第（二）项"),
    "pension": ("请求发给抚恤金", "第三十一条第（三）项"),
    "support_payment": ("请求给付赡养费、抚养费、扶养费", "第三十一条第（四）项"),
    "wage_claim": ("请求确认劳动关系或者支付劳动报酬", "第三十一条第（五）项"),
    "civil_capacity": ("请求认定公民无民事行为能力或者限制民事行为能力", "第三十一条第（六）项"),
    "work_injury": ("请求工伤事故人身损害赔偿", "第三十一条第（七）项"),
    "personal_injury": ("请求交通事故、食品药品安全事故、医疗事故人身损害赔偿", "第三十一条第（七）项"),
    "environmental": ("请求环境污染、生态破坏损害赔偿", "第三十一条第（八）项"),
    "hero_protection": ("英雄烈士近亲属为维护英雄烈士的人格权益", "第三十二条第（一）项"),
    "bravery": ("因见义勇为行为主张相关民事权益", "第三十二条第（二）项"),
    "retrial_compensation": ("再审改判无罪请求国家赔偿", "第三十二条第（三）项"),
    "domestic_violence": ("遭受虐待、遗弃或者家庭暴力的受害人主张相关权益", "第三十二条第（四）项"),
    "other": ("其他事项", ""),
}
STATUSES = {
    "migrant_worker": "申请支付劳动报酬或者请求工伤事故人身损害赔偿的进城务工人员",
    "minor_no_income": "无固定生活来源的未成年人",
    "elderly_no_income": "无固定生活来源的老年人",
    "disabled_no_income": "无固定生活来源的残疾人",
    "social_assistance": "社会救助对象",
    "judicial_relief": "司法救助对象",
    "preferential_treatment": "优抚对象",
}
# means_reason (bpmn/la_means_route.dmn) → the clause that lifts the means test
MEANS_CLAUSES = {
    "art32_hero": "第三十二条第（一）项",
    "art32_bravery": "第三十二条第（二）项",
    "art32_retrial": "第三十二条第（三）项",
    "art32_abuse": "第三十二条第（四）项",
    "art42_no_income": "第四十二条第（一）项",
    "art42_assistance": "第四十二条第（二）项",
    "art42_migrant_worker": "第四十二条第（三）项",
}
AID_FORMS = {
    "arbitration": "劳动争议仲裁代理",
    "litigation": "民事、行政诉讼代理",
    "non_litigation": "非诉讼代理",
    "mediation": "调解代理",
    "document_drafting": "代拟法律文书",
}
# refusal_ground (forms/la_decision.json) → (the reason in words, its basis)
REFUSAL_GROUNDS = {
    "no_hardship": ("申请人的经济状况不符合本地经济困难标准", f"{LAW}第三十一条、第三十四条"),
    "not_in_scope": ("申请事项不属于法律援助的事项范围", f"{LAW}第三十一条、第三十二条"),
    "has_agent": ("申请人已委托代理人", f"{LAW}第三十一条"),
    "no_basis": ("申请事项明显缺乏事实或者法律依据", f"{LAW}第四十三条"),
}
# termination_ground (forms/la_conduct.json) → (Art. 48 para. 1 clause, its wording)
TERMINATION_GROUNDS = {
    "fraud": ("（一）", "受援人以欺骗或者其他不正当手段获得法律援助"),
    "concealment": ("（二）", "受援人故意隐瞒与案件有关的重要事实或者提供虚假证据"),
    "unlawful_use": ("（三）", "受援人利用法律援助从事违法活动"),
    "finances_changed": ("（四）", "受援人的经济状况发生变化，不再符合法律援助条件"),
    "case_ended": ("（五）", "案件终止审理或者已经被撤销"),
    "own_lawyer": ("（六）", "受援人自行委托律师或者其他代理人"),
    "client_request": ("（七）", "受援人有正当理由要求终止法律援助"),
    "other_statutory": ("（八）", "法律法规规定的其他情形"),
}
EARLY_AID_REASONS = {
    "art44_limitation": "距法定时效或者期限届满不足七日，需要及时提起诉讼或者申请仲裁、行政复议",
    "art44_preservation": "需要立即申请财产保全、证据保全或者先予执行",
}


_DIGITS = "〇一二三四五六七八九"


def days_in_words(n: int) -> str:
    """7 → 七, 15 → 十五, 30 → 三十: a period in a letter's sentence ("三十日内"), 1 to 99."""
    if not 1 <= n <= 99:
        raise ValueError(f"a period of 1 to 99 days, not {n}")
    tens, units = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[units] if units else "")
