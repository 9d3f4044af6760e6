"""Writes the school placement tables (bpmn/sc_*.dmn) with tools/dmn_table.py: python tools/sc_dmn.py

rules.md §4.4 D-SC-1 (eligibility, hit policy FIRST: SpiffWorkflow's UNIQUE returns the first matching rule, so
the rows are in FIRST order) and the city's parameters (the age cut-off, the months of residence and social
insurance, the points threshold, the re-check window, the grace days to report at the school). Every figure is a local parameter ([S]/[U]): a city
edits its row here and redeploys; docs/school-placement.md says where each default comes from.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dmn_table import table

# (district code, cut-off month-day, minimum age, months of permit residence, months of social insurance,
#  points threshold for the points route, working days to ask for a re-check, working days after the report
#  date before an unreported place is released, basis)
PARAMETERS = [
    (
        "330106",
        "08-31",
        6,
        12,
        12,
        60,
        5,
        3,
        "西湖区：当年8月31日前满6周岁；居住证满12个月、社保满12个月且在缴，或积分达60分",
    ),
]
DEFAULT = ("08-31", 6, 6, 6, 50, 5, 3, "默认参数：8月31日前满6周岁；居住6个月、社保6个月且在缴，或积分达50分")


def _outputs(cutoff, age, residence, insurance, points, recheck, grace, basis) -> list[str]:
    numbers = (age, residence, insurance, points, recheck, grace)
    return [f'"{cutoff}"', *(str(n) for n in numbers), f'"{basis}"']


def parameter_rows():
    rows = [([f'"{code}"'], _outputs(*values), values[-1]) for code, *values in PARAMETERS]
    rows.append(([""], _outputs(*DEFAULT), DEFAULT[-1]))
    return rows


TABLES = {
    "sc_parameters.dmn": lambda: table(
        "sc_parameters",
        "随迁子女入学参数（本市规定；可配置）",
        [("区县代码", "district_code", "string")],
        [
            ("年龄截止日（月-日）", "cutoff_month_day", "string"),
            ("最低入学年龄", "min_age", "integer"),
            ("居住证居住月数", "min_permit_months", "integer"),
            ("社会保险缴纳月数", "min_insurance_months", "integer"),
            ("积分入学分数线", "points_threshold", "integer"),
            ("复核申请期限（工作日）", "recheck_days", "integer"),
            ("逾期未报到宽限（工作日）", "report_grace_days", "integer"),
            ("参数依据", "parameters_basis", "string"),
        ],
        parameter_rows(),
        note="Local parameters ([S]/[U]): edit tools/sc_dmn.py and redeploy.",
    ),
    "sc_eligibility.dmn": lambda: table(
        "sc_eligibility",
        "D-SC-1 随迁子女入学条件（《义务教育法》第十一条、第十二条；《居住证暂行条例》第十二条）",
        [
            ("入学类型", "entry_type", "string"),
            ("截止日年龄", "child_age", "integer"),
            ("居住证有效", "permit_valid", "boolean"),
            ("居住证居住月数", "permit_months", "integer"),
            ("社保缴纳月数", "insurance_months", "integer"),
            ("社保在缴", "currently_paying", "boolean"),
            ("积分", "points_total", "integer"),
        ],
        [("符合条件", "eligible", "boolean"), ("审核结论", "eligibility_result", "string")],
        [
            (
                ['"grade1"', "< min_age", "", "", "", "", ""],
                ["False", '"not_age_eligible"'],
                "未到入学年龄：次年再申请",
            ),
            (
                ["", "", "False", "", "", "", ""],
                ["False", '"no_valid_permit"'],
                "父母一方未持有效居住证：先申领或签注居住证",
            ),
            (
                ["", "", "True", ">= min_permit_months", ">= min_insurance_months", "True", ""],
                ["True", '"eligible_conditions"'],
                "居住、社保条件均达到本市规定",
            ),
            (["", "", "True", "", "", "", ">= points_threshold"], ["True", '"eligible_points"'], "积分达到分数线"),
            (
                ["", "", "True", "< min_permit_months", "", "", ""],
                ["False", '"residence_too_short"'],
                "居住证居住时间不足且积分未达分数线",
            ),
            (["", "", "", "", "", "", ""], ["False", '"insurance_not_met"'], "社会保险缴纳条件不足且积分未达分数线"),
        ],
    ),
}

if __name__ == "__main__":
    bpmn = Path(__file__).resolve().parent.parent / "bpmn"
    for name, build in TABLES.items():
        (bpmn / name).write_text(build(), encoding="utf-8")
    print(f"wrote {', '.join(TABLES)}")
