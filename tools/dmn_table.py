"""Writes a DMN 1.3 decision table from a compact description (see bpmn/*.dmn for the output)."""

from xml.sax.saxutils import escape, quoteattr


def table(decision_id, name, inputs, outputs, rules, hit_policy="UNIQUE", note=""):
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs_{decision_id}" name={quoteattr(name)} namespace="http://anju.example/dmn">',
        f'  <decision id="{decision_id}" name={quoteattr(name)}>',
    ]
    if note:
        out.append(f"    <description>{escape(note)}</description>")
    out.append(f'    <decisionTable id="dt_{decision_id}" hitPolicy="{hit_policy}">')
    for i, (label, expr, type_ref) in enumerate(inputs):
        out.append(
            f'      <input id="in_{decision_id}_{i}" label={quoteattr(label)}><inputExpression id="ie_{decision_id}_{i}" typeRef="{type_ref}"><text>{escape(expr)}</text></inputExpression></input>'
        )
    for i, (label, name_, type_ref) in enumerate(outputs):
        out.append(
            f'      <output id="out_{decision_id}_{i}" label={quoteattr(label)} name="{name_}" typeRef="{type_ref}" />'
        )
    for r, (ins, outs, desc) in enumerate(rules):
        out.append(f'      <rule id="rule_{decision_id}_{r}">')
        if desc:
            out.append(f"        <description>{escape(desc)}</description>")
        out += [
            f'        <inputEntry id="rule_{decision_id}_{r}_in{i}"><text>{escape(v)}</text></inputEntry>'
            for i, v in enumerate(ins)
        ]
        out += [
            f'        <outputEntry id="rule_{decision_id}_{r}_out{i}"><text>{escape(v)}</text></outputEntry>'
            for i, v in enumerate(outs)
        ]
        out.append("      </rule>")
    out += ["    </decisionTable>", "  </decision>", "</definitions>", ""]
    return "\n".join(out)


if __name__ == "__main__":
    from pathlib import Path

    bpmn = Path(__file__).resolve().parent.parent / "bpmn"
    (bpmn / "rp_proxy.dmn").write_text(
        table(
            "rp_proxy",
            "D-RP-2 代办资格（《居住证暂行条例》第九条第三款）",
            [("年龄", "age", "integer"), ("行动不便", "mobility_impaired", "boolean")],
            [("申请方式", "applicant_mode", "string")],
            [
                (["< 16", ""], ['"agent_required"'], "未满16周岁：由监护人或近亲属代为申领"),
                (["", "True"], ['"agent_allowed"'], "老年人、残疾人等行动不便：可由监护人或近亲属代为申领"),
                (["", ""], ['"self"'], "本人申领"),
            ],
        ),
        encoding="utf-8",
    )
    (bpmn / "rp_eligibility.dmn").write_text(
        table(
            "rp_eligibility",
            "D-RP-1 申领条件（《居住证暂行条例》第二条）",
            [
                ("居住月数", "residence_months", "integer"),
                ("合法稳定就业", "stable_job", "boolean"),
                ("合法稳定住所", "stable_home", "boolean"),
                ("连续就读", "continuous_study", "boolean"),
                ("特殊人才（地方规定）", "special_talent", "boolean"),
            ],
            [
                ("符合条件", "eligible", "boolean"),
                ("依据条件", "eligibility_basis", "string"),
                ("不符合原因", "ineligible_reason", "string"),
            ],
            [
                (
                    ["", "", "", "", "True"],
                    ["True", '"special_talent"', '""'],
                    "浙江省流动人口居住登记条例第十六条第二款（地方可选）",
                ),
                ([">= 6", "True", "", "", ""], ["True", '"stable_job"', '""'], "居住半年以上 + 合法稳定就业"),
                ([">= 6", "", "True", "", ""], ["True", '"stable_home"', '""'], "居住半年以上 + 合法稳定住所"),
                ([">= 6", "", "", "True", ""], ["True", '"continuous_study"', '""'], "居住半年以上 + 连续就读"),
                (["< 6", "", "", "", ""], ["False", '""', '"residence_under_six_months"'], "居住未满半年"),
                (["", "", "", "", ""], ["False", '""', '"no_qualifying_condition"'], "不具备就业、住所、就读任一条件"),
            ],
            note="SpiffWorkflow's UNIQUE policy returns the first matching rule, i.e. it behaves as FIRST.",
        ),
        encoding="utf-8",
    )
    (bpmn / "rp_issue_policy.dmn").write_text(
        table(
            "rp_issue_policy",
            "D-RP-3 发证范围（地方规定，可配置）",
            [("年龄", "age", "integer"), ("居住事由", "purpose_of_stay", "string")],
            [("发证方式", "issue_policy", "string")],
            [
                (["< 16", ""], ['"on_request"'], "未满16周岁：依申请发放"),
                ([">= 70", ""], ['"on_request"'], "70周岁以上：依申请发放"),
                (["", '"medical"'], ['"on_request"'], "就医"),
                (["", '"family"'], ['"on_request"'], "探亲"),
                (["", '"tourism"'], ['"on_request"'], "旅游"),
                (["", '"study"'], ['"on_request"'], "全日制学生、培训"),
                (["", ""], ['"issue"'], "其他：正常发放"),
            ],
            note='Set an output to "not_issued" to make the district refuse a category (the process then refuses with reasons).',
        ),
        encoding="utf-8",
    )
    print("wrote DMN tables")
