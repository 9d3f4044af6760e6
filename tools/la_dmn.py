"""Writes the legal-aid decision tables (bpmn/la_*.dmn) with tools/dmn_table.py: python tools/la_dmn.py

rules.md §2.4: D-LA-1 (means test needed?), D-LA-2 (hardship threshold, a provincial parameter), D-LA-4 (aid
before the decision), plus the Art. 31/32 scope table. SpiffWorkflow's UNIQUE policy returns the first matching
rule, so every table is written in FIRST order (the catch-all row last).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dmn_table import table

LAW = "《中华人民共和国法律援助法》"
ART31 = [  # (matter type, clause of Art. 31, what it covers)
    ("state_compensation", "art31_1", "依法请求国家赔偿"),
    ("social_insurance", "art31_2", "请求给予社会保险待遇或者社会救助"),
    ("pension", "art31_3", "请求发给抚恤金"),
    ("support_payment", "art31_4", "请求给付赡养费、抚养费、扶养费"),
    ("wage_claim", "art31_5", "请求确认劳动关系或者支付劳动报酬"),
    ("civil_capacity", "art31_6", "请求认定公民无民事行为能力或者限制民事行为能力"),
    ("work_injury", "art31_7", "请求工伤事故人身损害赔偿"),
    ("personal_injury", "art31_7", "请求交通事故、食品药品安全事故、医疗事故人身损害赔偿"),
    ("environmental", "art31_8", "请求环境污染、生态破坏损害赔偿"),
]
ART32 = [  # (matter type, reason code, Art. 32 clause) — not subject to the hardship condition
    ("hero_protection", "art32_hero", "英雄烈士近亲属为维护英雄烈士的人格权益"),
    ("bravery", "art32_bravery", "因见义勇为行为主张相关民事权益"),
    ("retrial_compensation", "art32_retrial", "再审改判无罪请求国家赔偿"),
    ("domestic_violence", "art32_abuse", "遭受虐待、遗弃或者家庭暴力的受害人主张相关权益"),
]
# D-LA-2: monthly income per head of the household at or below which a household counts as in economic hardship.
# Zhejiang leaves the figure to county governments, at no less than the local minimum wage (浙江省法律援助条例
# Art. 8); the figures below are the Zhejiang monthly minimum wage tiers [U]. Change a row and redeploy.
THRESHOLDS = [  # (region code, yuan per head per month, basis)
    ("330102", 2490, "杭州市上城区：浙江省月最低工资标准第一档"),
    ("330105", 2490, "杭州市拱墅区：浙江省月最低工资标准第一档"),
    ("330106", 2490, "杭州市西湖区：浙江省月最低工资标准第一档"),
    ("330108", 2490, "杭州市滨江区：浙江省月最低工资标准第一档"),
    ("330109", 2490, "杭州市萧山区：浙江省月最低工资标准第一档"),
    ("330110", 2490, "杭州市余杭区：浙江省月最低工资标准第一档"),
]
DEFAULT_THRESHOLD = (2260, "浙江省其他地区：浙江省月最低工资标准第二档")


def write_all(bpmn: Path) -> None:
    (bpmn / "la_scope.dmn").write_text(
        table(
            "la_scope",
            f"援助事项范围（{LAW}第三十一条、第三十二条）",
            [("事项类型", "matter_type", "string")],
            [("属于援助范围", "in_scope", "boolean"), ("依据", "scope_basis", "string")],
            [([f'"{m}"'], ["True", f'"{clause}"'], text) for m, clause, text in ART31]
            + [([f'"{m}"'], ["True", f'"{code}"'], text) for m, code, text in ART32]
            + [([""], ["False", '"not_in_scope"'], "不属于第三十一条、第三十二条规定的事项")],
        ),
        encoding="utf-8",
    )
    art42_no_income = '? in ("minor_no_income", "elderly_no_income", "disabled_no_income")'
    art42_assistance = '? in ("social_assistance", "judicial_relief", "preferential_treatment")'
    (bpmn / "la_means_route.dmn").write_text(
        table(
            "la_means_route",
            f"D-LA-1 经济困难审查路径（{LAW}第三十二条、第四十一条、第四十二条）",
            [("事项类型", "matter_type", "string"), ("申请人身份", "applicant_status", "string")],
            [
                ("审查路径", "means_route", "string"),
                ("理由代码", "means_reason", "string"),
                ("绿色通道（农民工）", "green_rule", "boolean"),
            ],
            [([f'"{m}"', ""], ['"not_required"', f'"{code}"', "False"], f"第三十二条：{t}") for m, code, t in ART32]
            + [
                (
                    ['? in ("wage_claim", "work_injury")', '"migrant_worker"'],
                    ['"exempt"', '"art42_migrant_worker"', "True"],
                    "第四十二条第（三）项：申请支付劳动报酬或者请求工伤事故人身损害赔偿的进城务工人员",
                ),
                (
                    ["", art42_no_income],
                    ['"exempt"', '"art42_no_income"', "False"],
                    "第四十二条第（一）项：无固定生活来源的未成年人、老年人、残疾人",
                ),
                (
                    ["", art42_assistance],
                    ['"exempt"', '"art42_assistance"', "False"],
                    "第四十二条第（二）项：社会救助、司法救助或者优抚对象",
                ),
                (["", ""], ['"test"', '"art41_means_test"', "False"], "第四十一条：如实说明并核查经济困难状况"),
            ],
            note="Art. 32 removes the hardship condition, Art. 42 the check of it: both skip the means test, "
            "with separate reason codes (rules.md §2.4).",
        ),
        encoding="utf-8",
    )
    (bpmn / "la_means_threshold.dmn").write_text(
        table(
            "la_means_threshold",
            f"D-LA-2 经济困难标准（{LAW}第三十四条；省级参数，可配置）",
            [("地区代码", "means_region", "string")],
            [("人均月收入标准（元）", "hardship_threshold", "number"), ("标准来源", "threshold_basis", "string")],
            [([f'"{code}"'], [str(amount), f'"{basis}"'], basis) for code, amount, basis in THRESHOLDS]
            + [([""], [str(DEFAULT_THRESHOLD[0]), f'"{DEFAULT_THRESHOLD[1]}"'], DEFAULT_THRESHOLD[1])],
            note="Provincial parameter (Art. 34), adjusted over time: edit tools/la_dmn.py and redeploy.",
        ),
        encoding="utf-8",
    )
    (bpmn / "la_early_aid.dmn").write_text(
        table(
            "la_early_aid",
            f"D-LA-4 先行提供法律援助（{LAW}第四十四条）",
            [
                ("时效或期限届满不足七日", "limitation_close", "boolean"),
                ("需立即保全或先予执行", "preservation_needed", "boolean"),
            ],
            [("先行援助", "early_aid", "boolean"), ("理由代码", "early_aid_reason", "string")],
            [
                (["True", ""], ["True", '"art44_limitation"'], "第四十四条第（一）项"),
                (["", "True"], ["True", '"art44_preservation"'], "第四十四条第（二）项"),
                (["", ""], ["False", '""'], "不需先行援助"),
            ],
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    write_all(Path(__file__).resolve().parent.parent / "bpmn")
    print("wrote bpmn/la_*.dmn")
