"""The context contract: required keys per kind, plain data only, JSON-serialisable output."""

from __future__ import annotations

import copy
import json
import re
from datetime import date

import pytest

from app.letters.contexts import COMMON_KEYS, KIND_KEYS, build_letter_context
from tests.letters.facts import KINDS, sample_facts


def _without(facts: dict, dotted: str) -> dict:
    facts = copy.deepcopy(facts)
    *parents, last = dotted.split(".")
    target = facts
    for part in parents:
        target = target[part]
    target.pop(last, None)
    return facts


@pytest.mark.parametrize(("kind", "key"), [(k, key) for k in KINDS for key in COMMON_KEYS + KIND_KEYS[k]])
def test_each_required_key_is_named_when_missing(kind, key):
    with pytest.raises(ValueError, match=re.escape(f"missing facts key {key!r}")):
        build_letter_context(_without(sample_facts(kind), key))


@pytest.mark.parametrize("kind", KINDS)
def test_context_is_plain_json(kind):
    context = build_letter_context(sample_facts(kind))
    assert json.loads(json.dumps(context, ensure_ascii=False)) == context
    assert context["kind"] == kind and context["issued_on_zh"] == "二〇二六年十一月二十二日"


def test_orm_objects_are_refused():
    class FakeRow:  # stands for any ORM instance
        pass

    facts = sample_facts("rp_approval")
    facts["applicant"]["name"] = FakeRow()
    with pytest.raises(TypeError, match=r"facts\.applicant\.name: plain data expected, got FakeRow"):
        build_letter_context(facts)


def test_dates_may_be_date_objects():
    facts = sample_facts("rp_approval", issued_on=date(2026, 11, 22))
    assert build_letter_context(facts)["issued_on"] == "2026-11-22"


def test_bad_date_names_the_key():
    facts = sample_facts("rp_approval")
    facts["decision"]["valid_until"] = "next year"
    with pytest.raises(ValueError, match=r"decision\.valid_until"):
        build_letter_context(facts)


def test_unknown_kind():
    with pytest.raises(ValueError, match="unknown letter kind"):
        build_letter_context({**sample_facts("rp_approval"), "kind": "rp_party"})


def test_supplement_needs_a_missing_item():
    facts = sample_facts("rp_supplement")
    for material in facts["decision"]["materials"]:
        material["verdict"] = "ok"
    with pytest.raises(ValueError, match="no missing or invalid material"):
        build_letter_context(facts)


def test_unknown_material_verdict():
    facts = sample_facts("rp_supplement")
    facts["decision"]["materials"][0]["verdict"] = "maybe"
    with pytest.raises(ValueError, match="unknown verdict 'maybe'"):
        build_letter_context(facts)


def test_refusal_needs_a_reason():
    facts = sample_facts("rp_refusal")
    facts["decision"] = {"ineligible_reasons": [], "refusal_reasons": "  "}
    with pytest.raises(ValueError, match=r"decision\.ineligible_reasons"):
        build_letter_context(facts)


def test_refusal_with_free_text_only_cites_article_2():
    facts = sample_facts("rp_refusal")
    facts["decision"] = {"refusal_reasons": "所称就业单位已注销。"}
    context = build_letter_context(facts)
    assert context["reasons"] == [{"index": 1, "text": "所称就业单位已注销", "basis": ""}]
    assert "根据《居住证暂行条例》第二条的规定" in context["decision"]
    assert context["facts_found"] == ""


def test_agent_is_shown_and_named_in_the_history():
    agent = {"name": "王大山", "id_number": "510104196501011234", "relationship": "父亲"}
    context = build_letter_context(sample_facts("rp_approval", agent=agent))
    assert context["agent"] == agent
    assert context["history"].startswith("你于2026年11月2日经王大山（父亲）代为向本机关提出申领居住证的申请")


def test_agent_needs_all_fields():
    with pytest.raises(ValueError, match=r"agent\.relationship"):
        build_letter_context(sample_facts("rp_approval", agent={"name": "王大山", "id_number": "5101"}))


def test_receipt_before_acceptance_still_gives_the_five_day_rule():
    facts = sample_facts("rp_receipt")
    facts["case"]["accepted_on"] = None
    context = build_letter_context(facts)
    assert not context["accepted"] and "正在对申请材料进行审查" in context["history"]
    assert "逾期不告知的，自收到申请材料之日起即为受理" in context["deemed_acceptance"]


def test_supplement_place_and_default_reason():
    facts = sample_facts("rp_supplement")
    facts["decision"]["supplement_place"] = "文新街道便民服务中心"
    facts["decision"]["materials"][2]["note"] = ""
    context = build_letter_context(facts)
    assert "到文新街道便民服务中心补正" in context["instruction"]
    assert context["missing"][0]["note"] == "该材料为《居住证暂行条例》第九条规定的申领居住证所需材料。"
    assert [m["index"] for m in context["missing"]] == [1, 2]


def test_receipt_without_a_materials_list():
    facts = sample_facts("rp_receipt")
    facts["decision"] = {"materials": []}
    context = build_letter_context(facts)
    assert context["materials"] == [] and "本机关已收到你提交的申请材料" in context["history"]


def test_not_applicable_materials_are_left_out_and_provided_ones_are_not_missing():
    facts = sample_facts("rp_supplement")
    facts["decision"]["materials"].append(
        {"code": "guardianship_proof", "label_zh": "监护关系证明", "verdict": "not_applicable", "note": None}
    )
    context = build_letter_context(facts)
    assert [m["code"] for m in context["missing"]] == ["lease", "labour_contract"]


def test_approval_needs_a_collection_place_from_the_decision_or_the_agency():
    facts = sample_facts("rp_approval")
    facts["agency"] = {**facts["agency"], "collection_place": ""}
    with pytest.raises(ValueError, match=r"decision\.collection_place"):
        build_letter_context(facts)
    facts["decision"]["collection_place"] = "文新派出所户籍窗口"
    context = build_letter_context(facts)
    assert context["permit"]["collection_place"] == "文新派出所户籍窗口"
    assert context["notices"][0] == "请持本决定书和本人居民身份证到文新派出所户籍窗口领取居住证。"
