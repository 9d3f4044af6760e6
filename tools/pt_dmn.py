"""Writes the points table (bpmn/pt_items.dmn) with tools/dmn_table.py: python tools/pt_dmn.py

rules.md §1.4 D-RP-5: Decree 663 Art. 16 names the main indicators (stable job, stable home, years of social
insurance, years of continuous residence); Zhejiang Art. 28 / Hangzhou Art. 24 add education, skills, credit,
awards and community service. The weights are set by each city's government and were not collected ([U]): the
figures below are Anju's defaults, modelled on published city schemes. A city edits the rows and redeploys.

COLLECT: every item has exactly one matching row (the bands of one item do not overlap), so the result lists
every item with its points — zero included — and the basis the letter prints beside it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dmn_table import table

ANY = ""
# (item, inputs by column, points expression, basis printed on the letter)
COLUMNS = ("residence_years", "insurance_months", "education", "skill", "volunteer_hours", "award_level", "penalty")
ROWS = [
    ("residence", {"residence_years": ">= 1"}, "min(residence_years, 10) * 2", "连续居住每满一年计2分，最高20分"),
    ("residence", {"residence_years": "< 1"}, "0", "连续居住不满一年不计分"),
    (
        "insurance",
        {"insurance_months": ">= 12"},
        "min(insurance_months // 12, 10) * 3",
        "在本市连续缴纳社会保险每满一年计3分，最高30分",
    ),
    ("insurance", {"insurance_months": "< 12"}, "0", "缴纳社会保险不满一年不计分"),
    ("education", {"education": '"doctorate"'}, "30", "博士研究生学历计30分"),
    ("education", {"education": '"master"'}, "25", "硕士研究生学历计25分"),
    ("education", {"education": '"bachelor"'}, "20", "大学本科学历计20分"),
    ("education", {"education": '"associate"'}, "10", "大学专科学历计10分"),
    ("education", {"education": '"senior_secondary"'}, "5", "高中（中专、技校）学历计5分"),
    ("education", {"education": '"none"'}, "0", "初中及以下学历不计分"),
    ("skill", {"skill": '"senior_technician"'}, "30", "高级技师或高级专业技术职称计30分"),
    ("skill", {"skill": '"technician"'}, "20", "技师或中级专业技术职称计20分"),
    ("skill", {"skill": '"senior_worker"'}, "15", "高级工职业资格计15分"),
    ("skill", {"skill": '"intermediate_worker"'}, "10", "中级工职业资格或初级专业技术职称计10分"),
    ("skill", {"skill": '"junior_worker"'}, "5", "初级工职业资格计5分"),
    ("skill", {"skill": '"none"'}, "0", "无职业资格或专业技术职称不计分"),
    (
        "volunteer",
        {"volunteer_hours": ">= 50"},
        "min(volunteer_hours // 50, 5)",
        "志愿服务每满50小时计1分，最高5分",
    ),
    ("volunteer", {"volunteer_hours": "< 50"}, "0", "志愿服务不满50小时不计分"),
    ("awards", {"award_level": '"national"'}, "20", "获国家级表彰奖励计20分"),
    ("awards", {"award_level": '"provincial"'}, "10", "获省级表彰奖励计10分"),
    ("awards", {"award_level": '"city"'}, "5", "获市级表彰奖励计5分"),
    ("awards", {"award_level": '"district"'}, "2", "获区级表彰奖励计2分"),
    ("awards", {"award_level": '"none"'}, "0", "无表彰奖励不计分"),
    ("penalty", {"penalty": '"criminal"'}, "-50", "五年内受过刑事处罚扣50分"),
    ("penalty", {"penalty": '"detention"'}, "-20", "五年内受过行政拘留处罚扣20分"),
    ("penalty", {"penalty": '"dishonest"'}, "-10", "被列为失信被执行人扣10分"),
    ("penalty", {"penalty": '"none"'}, "0", "无违法失信记录不扣分"),
]


def write_all(bpmn: Path) -> None:
    (bpmn / "pt_items.dmn").write_text(
        table(
            "pt_items",
            "D-RP-5 居住证积分分值表（《居住证暂行条例》第十六条；浙江省流动人口居住登记条例第二十八条；可配置）",
            [
                ("连续居住年数", "residence_years", "integer"),
                ("社会保险缴纳月数", "insurance_months", "integer"),
                ("学历", "education", "string"),
                ("职业资格或专业技术职称", "skill", "string"),
                ("志愿服务小时数", "volunteer_hours", "integer"),
                ("表彰奖励", "award_level", "string"),
                ("违法失信记录", "penalty", "string"),
            ],
            [("积分项目", "pt_item", "string"), ("分值", "pt_points", "integer"), ("计分依据", "pt_basis", "string")],
            [
                ([inputs.get(column, ANY) for column in COLUMNS], [f'"{item}"', points, f'"{basis}"'], basis)
                for item, inputs, points, basis in ROWS
            ],
            hit_policy="COLLECT",
            note="City policy, not law ([U]): edit tools/pt_dmn.py and redeploy. One row per item band.",
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    write_all(Path(__file__).resolve().parent.parent / "bpmn")
    print("wrote bpmn/pt_items.dmn")
