"""School places for migrants' children (随迁子女入学), rules.md §4.

A parent who holds a residence permit applies for a child (grade 1 or a transfer). Anju looks the permit up in
its own records and the parent's points in the points service; the education bureau checks the materials (one
supplement notice at most), the eligibility table D-SC-1 decides, and an eligible child waits for a place:
the bureau's allocation round (app/schools/allocation.py: points, tie-breakers, a recorded lottery seed) or a
caseworker completes `assign_school` with a school that still has a place, and the offer letter
(入学通知书) goes out. The bureau then records the child reporting at the school (报到) by the report date plus
the city's grace days; a child who does not report (or whose parent gives the place up) loses the place, which
goes back to the school's places, and the bureau follows up that the child goes to school somewhere (义务教育法
Arts. 5 and 58). A refusal opens a re-check window (复核) with its own task.

Edit here, then:
    python tools/bpmn_layout.py school_placement   → bpmn/school_placement.bpmn
    python tools/sc_dmn.py                         → bpmn/sc_*.dmn (D-SC-1 and the city's parameters)
"""

from process_rp_common import escalation, x_shift

# The city's parameters (sc_parameters) fix the age cut-off; the child's age is counted on that day of the
# school year the application is for (义务教育法 Art. 11: "年满六周岁"; the 31 August cut-off is local, [U]).
COMPUTE_AGE = """cutoff_date = str(school_year) + "-" + cutoff_month_day
child_age = age_on(child_birth_date, cutoff_date)
target_grade = 1 if entry_type == "grade1" else grade"""

# The re-check (复核) must be asked for within the city's window, counted in working days from the refusal.
RECHECK_DEADLINE = """recheck_deadline = after_working_days(recheck_days)[:10]"""

# The offer says: report on the report date; not reported without a reason by then (plus the city's grace days,
# counted in working days from the report date) → deemed to give the place up (视为放弃该学位).
ENROLMENT_DEADLINE = """enrolment_deadline = after_working_days(report_grace_days, report_date)[:10]"""

BUREAU = "education_bureau"
A, B, C, D = 240, 360, 470, 545  # rows of the education bureau's lane


def el(id_, kind, name, x, y, lane=BUREAU, **extra):
    return {"id": id_, "kind": kind, "name": name, "lane": lane, "x": x, "y": y, **extra}


def user(id_, name, x, y, form, lane=BUREAU, **props):
    return el(id_, "user", name, x, y, lane, props={"form": form, **props})


def throw(id_, name, x, y, lane=BUREAU, **props):
    return el(id_, "throw", name, x, y, lane, props=props)


ELEMENTS = [
    # ---- intake at the window (or online), then the city's parameters and the child's age
    el("start", "start", "提交入学申请", 60, 75, "window", props={"form": "sc_application"}),
    throw("ev_received", "出具受理回执", 150, 75, "window", status="received", letter="sc_receipt"),
    el("decide_parameters", "rule", "本市入学参数", 260, 75, "window", decision="sc_parameters"),
    el("compute_age", "script", "计算入学年龄", 380, 75, "window", script=COMPUTE_AGE),
    # ---- materials (row A), one supplement notice (row B)
    user("check_materials", "审核入学材料", 480, A, "sc_materials", due="5WD"),
    el("gw_complete", "xor", "材料齐全？", 590, A, default="f_complete"),
    throw("ev_supplement", "一次性补正告知", 590, B, status="awaiting_applicant", letter="sc_supplement"),
    user("record_supplement", "登记补正材料", 700, B, "sc_supplement", due_from="supplement_deadline"),
    el("gw_supplied", "xor", "按期补正？", 810, B, default="f_supplied"),
    throw("ev_not_accepted", "不予受理", 810, C, status="not_accepted", letter="sc_not_accepted"),
    el("end_not_accepted", "end", "不予受理结案", 700, C),
    el("merge_materials", "xor", "", 920, A),
    # ---- eligibility, then waiting for a place (row A)
    el("decide_eligibility", "rule", "入学条件审核", 1020, A, decision="sc_eligibility"),
    el("gw_eligible", "xor", "符合条件？", 1130, A, default="f_eligible"),
    throw("ev_eligible", "审核通过，等待派位", 1240, A, status="in_review"),
    el("merge_assign", "xor", "", 1900, A),
    user("assign_school", "安排学位", 2000, A, "sc_assignment"),
    throw("ev_offer", "发放入学通知书", 2120, A, status="approved", letter="sc_offer", action="record_placement"),
    # ---- reporting at the school (报到), or the place released and the follow-up (rows A, C)
    el("compute_enrolment_deadline", "script", "计算报到期限", 2230, A, script=ENROLMENT_DEADLINE),
    user("record_enrolment", "登记入学报到", 2340, A, "sc_enrolment", due_from="enrolment_deadline"),
    el("gw_enrolled", "xor", "是否报到？", 2450, A, default="f_enrolled"),
    throw("ev_enrolled", "已报到入学", 2560, A, action="record_enrolment"),
    el("end_enrolled", "end", "入学结案", 2660, A),
    throw("ev_place_released", "视为放弃学位", 2450, C, action="release_placement"),
    user("follow_up_attendance", "督促适龄儿童入学", 2560, C, "sc_attendance", due="10WD"),
    el("end_followed_up", "end", "督促入学结案", 2670, C),
    # ---- refusal and the re-check window (rows B–D)
    el("compute_recheck", "script", "计算复核申请期限", 1130, B, script=RECHECK_DEADLINE),
    throw("ev_refused", "审核不通过告知", 1240, B, status="refused", letter="sc_refusal"),
    user("record_recheck", "登记复核申请", 1350, B, "sc_recheck_request", due_from="recheck_deadline"),
    el("gw_requested", "xor", "申请复核？", 1460, B, default="f_requested"),
    el("end_no_recheck", "end", "未申请复核", 1460, C),
    user("decide_recheck", "复核决定", 1570, B, "sc_recheck_decision", due="5WD", role="supervisor"),
    el("gw_recheck", "xor", "复核结论", 1680, B, default="f_upheld"),
    throw("ev_overturned", "复核通过，等待派位", 1790, B, status="in_review", letter="sc_recheck_decision"),
    throw("ev_upheld", "维持审核结论", 1680, C, status="refused", letter="sc_recheck_decision"),
    el("end_upheld", "end", "复核结案", 1790, C),
    el("end_recheck_lapsed", "end", "复核期满结案", 1350, D),
    {
        "id": "b_supplement_deadline",
        "kind": "boundary",
        "name": "补正期满",
        "attached": "record_supplement",
        "offset": 25,
        "cancel": True,
        "timer": {"date": "end_of_day(supplement_deadline)"},
        "label_at": (640, 400),
    },
    {
        "id": "b_recheck_deadline",
        "kind": "boundary",
        "name": "复核期满",
        "attached": "record_recheck",
        "offset": 0,
        "cancel": True,
        "timer": {"date": "end_of_day(recheck_deadline)"},
        "label_at": (1360, 400),
    },
    {
        "id": "b_enrolment_deadline",
        "kind": "boundary",
        "name": "逾期未报到",
        "attached": "record_enrolment",
        "offset": 0,
        "cancel": True,
        "timer": {"date": "end_of_day(enrolment_deadline)"},
        "label_at": (2350, 300),
    },
]

FLOWS = [
    {"id": "f_start", "from": "start", "to": "ev_received"},
    {"id": "f_received", "from": "ev_received", "to": "decide_parameters"},
    {"id": "f_parameters", "from": "decide_parameters", "to": "compute_age"},
    {"id": "f_to_bureau", "from": "compute_age", "to": "check_materials", "route": "hv"},
    {"id": "f_checked", "from": "check_materials", "to": "gw_complete"},
    {"id": "f_complete", "from": "gw_complete", "to": "merge_materials", "name": "齐全", "label_at": (640, 220)},
    {
        "id": "f_incomplete",
        "from": "gw_complete",
        "to": "ev_supplement",
        "route": "v",
        "name": "缺材料",
        "cond": "len(missing_materials(materials)) > 0",
        "label_at": (600, 292),
    },
    {"id": "f_to_record", "from": "ev_supplement", "to": "record_supplement"},
    {"id": "f_recorded", "from": "record_supplement", "to": "gw_supplied"},
    {
        "id": "f_supplied",
        "from": "gw_supplied",
        "to": "merge_materials",
        "route": "hv",
        "name": "已补正",
        "label_at": (860, 340),
    },
    {
        "id": "f_not_supplied",
        "from": "gw_supplied",
        "to": "ev_not_accepted",
        "route": "v",
        "name": "未补正",
        "cond": 'supplied == "not_supplied"',
        "label_at": (820, 400),
    },
    {"id": "f_supplement_expired", "from": "b_supplement_deadline", "to": "ev_not_accepted", "route": "vh"},
    {"id": "f_not_accepted_end", "from": "ev_not_accepted", "to": "end_not_accepted", "route": ["l", "r"]},
    {"id": "f_to_eligibility", "from": "merge_materials", "to": "decide_eligibility"},
    {"id": "f_decided", "from": "decide_eligibility", "to": "gw_eligible"},
    {"id": "f_eligible", "from": "gw_eligible", "to": "ev_eligible", "name": "符合", "label_at": (1160, 220)},
    {
        "id": "f_not_eligible",
        "from": "gw_eligible",
        "to": "compute_recheck",
        "route": "v",
        "name": "不符合",
        "cond": "not eligible",
        "label_at": (1140, 292),
    },
    {"id": "f_wait", "from": "ev_eligible", "to": "merge_assign"},
    {"id": "f_to_assign", "from": "merge_assign", "to": "assign_school"},
    {"id": "f_assigned", "from": "assign_school", "to": "ev_offer"},
    {"id": "f_offer_done", "from": "ev_offer", "to": "compute_enrolment_deadline"},
    {"id": "f_to_enrolment", "from": "compute_enrolment_deadline", "to": "record_enrolment"},
    {"id": "f_enrolment_recorded", "from": "record_enrolment", "to": "gw_enrolled"},
    {"id": "f_enrolled", "from": "gw_enrolled", "to": "ev_enrolled", "name": "已报到", "label_at": (2480, 220)},
    {
        "id": "f_declined",
        "from": "gw_enrolled",
        "to": "ev_place_released",
        "route": "v",
        "name": "放弃学位",
        "cond": 'enrolment == "declined"',
        "label_at": (2460, 340),
    },
    {"id": "f_enrolled_end", "from": "ev_enrolled", "to": "end_enrolled"},
    {"id": "f_not_reported", "from": "b_enrolment_deadline", "to": "ev_place_released", "route": "vh"},
    {"id": "f_to_follow_up", "from": "ev_place_released", "to": "follow_up_attendance"},
    {"id": "f_followed_up", "from": "follow_up_attendance", "to": "end_followed_up"},
    {"id": "f_recheck_deadline", "from": "compute_recheck", "to": "ev_refused"},
    {"id": "f_refused", "from": "ev_refused", "to": "record_recheck"},
    {"id": "f_recheck_recorded", "from": "record_recheck", "to": "gw_requested"},
    {"id": "f_requested", "from": "gw_requested", "to": "decide_recheck", "name": "申请", "label_at": (1474, 338)},
    {
        "id": "f_not_requested",
        "from": "gw_requested",
        "to": "end_no_recheck",
        "route": "v",
        "name": "不申请",
        "cond": 'requested == "declined"',
        "label_at": (1470, 400),
    },
    {"id": "f_recheck_decided", "from": "decide_recheck", "to": "gw_recheck"},
    {
        "id": "f_overturned",
        "from": "gw_recheck",
        "to": "ev_overturned",
        "name": "撤销原结论",
        "cond": 'outcome == "overturn"',
        "label_at": (1706, 340),
    },
    {"id": "f_to_place", "from": "ev_overturned", "to": "merge_assign", "route": "hv"},
    {"id": "f_upheld", "from": "gw_recheck", "to": "ev_upheld", "route": "v", "name": "维持", "label_at": (1690, 400)},
    {"id": "f_upheld_end", "from": "ev_upheld", "to": "end_upheld"},
    {"id": "f_recheck_lapsed", "from": "b_recheck_deadline", "to": "end_recheck_lapsed", "route": "v"},
]

for _task, _row in (("check_materials", B), ("decide_recheck", D), ("follow_up_attendance", D)):
    _elements, _flows = escalation(ELEMENTS, _task, row_y=_row)
    ELEMENTS.extend(_elements)
    FLOWS.extend(_flows)

PROCESS = {
    "id": "school_placement",
    "name": "随迁子女义务教育入学",
    "width": 2760,
    "lanes": [
        {"key": "window", "name": "受理窗口", "height": 150},
        {"key": BUREAU, "name": "区教育局", "height": 450},
    ],
    "elements": ELEMENTS,
    "flows": FLOWS,
}
x_shift(PROCESS)

# English names of the steps people see (inbox, task and case pages, timeline, the applicant's progress page): the
# Chinese `name` stays the element's name; app pages pick by language (docs/i18n.md).
PROCESS["english"] = {
    "check_materials": "Check of the documents",
    "record_supplement": "Record of missing documents supplied",
    "assign_school": "Assign a school place",
    "record_enrolment": "Record the child reporting at the school",
    "follow_up_attendance": "Follow up that the child goes to school",
    "record_recheck": "Record a request for a re-check",
    "decide_recheck": "Re-check decision",
    "b_supplement_deadline": "Supplement period ended",
    "b_recheck_deadline": "Re-check period ended",
    "b_enrolment_deadline": "Not reported by the deadline",
    # The diagram's other labels (docs/i18n.md): the process, lanes, events, gateways, automatic tasks, branches.
    "school_placement": "School places for migrants' children",
    "lane_window": "Service window",
    "lane_education_bureau": "District education bureau",
    "start": "School application submitted",
    "ev_received": "Acceptance receipt issued",
    "decide_parameters": "City admission parameters",
    "compute_age": "Calculation of school-entry age",
    "gw_complete": "Documents complete?",
    "ev_supplement": "One-time notice of missing documents",
    "gw_supplied": "Supplemented in time?",
    "ev_not_accepted": "Not accepted",
    "end_not_accepted": "Closed as not accepted",
    "decide_eligibility": "Check of admission conditions",
    "gw_eligible": "Eligible?",
    "ev_eligible": "Eligible, awaiting allocation",
    "ev_offer": "Offer letter issued",
    "compute_enrolment_deadline": "Calculation of reporting deadline",
    "gw_enrolled": "Reported at school?",
    "ev_enrolled": "Reported and enrolled",
    "end_enrolled": "Closed as enrolled",
    "ev_place_released": "Place deemed given up",
    "end_followed_up": "Closed after follow-up",
    "compute_recheck": "Calculation of re-check deadline",
    "ev_refused": "Refusal notice issued",
    "gw_requested": "Re-check requested?",
    "end_no_recheck": "No re-check requested",
    "gw_recheck": "Re-check outcome",
    "ev_overturned": "Overturned, awaiting allocation",
    "ev_upheld": "Original finding upheld",
    "end_upheld": "Closed after re-check",
    "end_recheck_lapsed": "Closed, re-check period ended",
    "f_complete": "Complete",
    "f_incomplete": "Documents missing",
    "f_supplied": "Supplemented",
    "f_not_supplied": "Not supplemented",
    "f_eligible": "Eligible",
    "f_not_eligible": "Not eligible",
    "f_enrolled": "Reported",
    "f_declined": "Place given up",
    "f_requested": "Requested",
    "f_not_requested": "Not requested",
    "f_overturned": "Overturned",
    "f_upheld": "Upheld",
}
