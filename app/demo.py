"""Demo data: the 西湖区 org tree, a user for every role, the calendar, and permit cases in every state.

Cases are created through the real services (open_case, claim_task, complete_task) with the clock moved back,
so their timelines, letters and inbox rows are exactly what real use would produce.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.accounts.models import OrgUnit, Role, UnitKind, User
from app.accounts.service import add_unit, hash_password
from app.core import clock
from app.extensions import db

DEMO_PASSWORD = "anju-demo-2026"
DISTRICT_LETTER_DETAILS = {"reconsideration_body": "杭州市西湖区人民政府", "court": "杭州市西湖区人民法院"}
STREETS = [
    (
        "S01",
        "北山街道",
        "Beishan Street",
        "P01",
        "北山派出所",
        "Beishan Police Station",
        [("C0101", "宝石社区", "Baoshi Community"), ("C0102", "保俶塔社区", "Baochuta Community")],
    ),
    (
        "S02",
        "西溪街道",
        "Xixi Street",
        "P02",
        "西溪派出所",
        "Xixi Police Station",
        [("C0201", "文三社区", "Wensan Community"), ("C0202", "求是社区", "Qiushi Community")],
    ),
    (
        "S03",
        "翠苑街道",
        "Cuiyuan Street",
        "P03",
        "翠苑派出所",
        "Cuiyuan Police Station",
        [("C0301", "翠苑一区社区", "Cuiyuan Area 1 Community"), ("C0302", "翠苑二区社区", "Cuiyuan Area 2 Community")],
    ),
]
# (username, role, unit code)
USERS = (
    [
        ("admin", "admin", "D330106"),
        ("district_lead", "supervisor", "D330106"),
        ("window1", "caseworker", "MSC"),
        ("window2", "caseworker", "MSC"),
        ("window_lead", "supervisor", "MSC"),
        ("xixi_lead", "supervisor", "S02"),
        ("police_lead", "supervisor", "PSB"),
        ("legal_aid1", "caseworker", "LAC"),
        ("legal_aid2", "caseworker", "LAC"),
        ("legal_aid_lead", "supervisor", "LAC"),
        ("justice1", "caseworker", "JUS"),
        ("labour1", "caseworker", "LSI"),
        ("labour2", "caseworker", "LSI"),
        ("labour_lead", "supervisor", "LSI"),
        ("education1", "caseworker", "EDU"),
        ("education_lead", "supervisor", "EDU"),
    ]
    + [(f"community_{c[0].lower()}", "caseworker", c[0]) for s in STREETS for c in s[6]]
    + [(f"police_{s[3].lower()}", "caseworker", s[3]) for s in STREETS]
)

NAMES = [
    "王芳",
    "李娜",
    "张伟",
    "刘洋",
    "陈静",
    "杨磊",
    "赵敏",
    "黄强",
    "周杰",
    "吴霞",
    "徐涛",
    "孙丽",
    "马超",
    "朱琳",
    "胡军",
    "郭燕",
    "何平",
    "高峰",
    "林雪",
    "罗斌",
    "梁红",
    "宋健",
    "郑洁",
    "谢鹏",
    "韩梅",
    "唐亮",
    "冯娟",
    "于飞",
]
HUKOU = [
    "安徽省阜阳市颍州区清河路18号",
    "河南省周口市川汇区人民路6号",
    "四川省南充市顺庆区北湖路21号",
    "江西省上饶市信州区解放路9号",
    "贵州省毕节市七星关区洪山路3号",
    "湖南省邵阳市双清区宝庆路15号",
]


# 文号 prefixes of the district bureaus that sign letters (rules.md §6.1 item 2, e.g. ×人社监令〔2026〕第15号).
DOC_CODES = {"JUS": "西司", "LAC": "西法", "HRSS": "西人社", "LSI": "西人社监"}
# Every unit that may sign a letter has an address and a phone: letters print both (rules.md §6).
UNIT_ADDRESSES = {
    "EDU": "杭州市西湖区教工路50号",
    "JUS": "杭州市西湖区文一西路110号",
    "LAC": "杭州市西湖区文一西路110号一楼",
    "HRSS": "杭州市西湖区莫干山路238号",
    "LSI": "杭州市西湖区莫干山路238号二楼",
}


def seed_org() -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    district = add_unit(
        code="D330106",
        name_zh="杭州市西湖区人民政府",
        name_en="Xihu District Government",
        kind=UnitKind.DISTRICT,
        parent=None,
        doc_code="西政",
        address="杭州市西湖区文三路",
        phone="0571-87000000",
    )
    units["D330106"] = district
    units["MSC"] = add_unit(
        code="MSC",
        name_zh="西湖区流动人口服务中心",
        name_en="Xihu Migrant Service Centre",
        kind=UnitKind.SERVICE_CENTRE,
        parent=district,
        doc_code="西流服",
        address="杭州市西湖区文二路88号",
        phone="0571-87001234",
        letter_details=DISTRICT_LETTER_DETAILS,
    )
    psb = add_unit(
        code="PSB",
        name_zh="杭州市公安局西湖区分局",
        name_en="Xihu Public Security Sub-bureau",
        kind=UnitKind.POLICE_BUREAU,
        parent=district,
        doc_code="西公居",
        address="杭州市西湖区保俶路1号",
        phone="0571-87009110",
        letter_details=DISTRICT_LETTER_DETAILS,
    )
    units["PSB"] = psb
    for s_code, s_zh, s_en, p_code, p_zh, p_en, communities in STREETS:
        street = add_unit(code=s_code, name_zh=s_zh, name_en=s_en, kind=UnitKind.STREET, parent=district)
        station = add_unit(
            code=p_code,
            name_zh=p_zh,
            name_en=p_en,
            kind=UnitKind.POLICE_STATION,
            parent=psb,
            doc_code=f"西公{p_zh[:2]}",  # its own 文号 namespace (receipts); decisions are the bureau's 西公居
            address=f"杭州市西湖区{s_zh}{p_zh}",
            phone=f"0571-8700{p_code[1:]}10",
            letter_details={**DISTRICT_LETTER_DETAILS, "collection_place": f"{p_zh}户籍窗口"},
        )
        units[s_code], units[p_code] = street, station
        for c_code, c_zh, c_en in communities:
            community = add_unit(
                code=c_code,
                name_zh=c_zh,
                name_en=c_en,
                kind=UnitKind.COMMUNITY,
                parent=street,
                address=f"杭州市西湖区{s_zh}{c_zh}社区服务站",
                phone=f"0571-8710{c_code[1:]}",
                doc_code=f"西{c_zh.removesuffix('社区')}社",  # one 文号 namespace per signing unit
                letter_details=DISTRICT_LETTER_DETAILS,
            )
            station.served_communities.append(community)
            units[c_code] = community
    for code, zh, en, kind, parent_code in (
        ("EDU", "西湖区教育局", "Xihu Education Bureau", UnitKind.EDUCATION_BUREAU, "D330106"),
        ("JUS", "西湖区司法局", "Xihu Justice Bureau", UnitKind.JUSTICE_BUREAU, "D330106"),
        ("LAC", "西湖区法律援助中心", "Xihu Legal Aid Centre", UnitKind.LEGAL_AID_CENTRE, "JUS"),
        (
            "HRSS",
            "西湖区人力资源和社会保障局",
            "Xihu Human Resources and Social Security Bureau",
            UnitKind.HRSS_BUREAU,
            "D330106",
        ),
        ("LSI", "西湖区劳动保障监察大队", "Xihu Labour Inspection Brigade", UnitKind.LABOUR_INSPECTION, "HRSS"),
    ):
        units[code] = add_unit(
            code=code,
            name_zh=zh,
            name_en=en,
            kind=kind,
            parent=units[parent_code],
            doc_code=DOC_CODES.get(code, zh[:2]),
            address=UNIT_ADDRESSES[code],
            phone=f"0571-8702{len(units):04d}",
            letter_details=DISTRICT_LETTER_DETAILS,
        )
    return units


def seed_users(units: dict[str, OrgUnit]) -> dict[str, User]:
    password_hash = hash_password(DEMO_PASSWORD)  # one hash for all demo users: hashing is slow on purpose
    users = {}
    for username, role, unit_code in USERS:
        user = User(
            username=username,
            password_hash=password_hash,
            display_name=_display(username),
            unit_id=units[unit_code].id,
            role=Role(role),
        )
        db.session.add(user)
        users[username] = user
    db.session.flush()
    return users


def _display(username: str) -> str:
    fixed = {
        "admin": "系统管理员 钱工",
        "district_lead": "区级督办 周主任",
        "window1": "窗口 李敏",
        "window2": "窗口 陈晨",
        "window_lead": "窗口科长 王强",
        "xixi_lead": "西溪街道 赵主任",
        "police_lead": "分局 孙警官",
        "legal_aid1": "援助中心 冯律师",
        "legal_aid2": "援助中心 褚律师",
        "legal_aid_lead": "援助中心 卫主任",
        "justice1": "司法局 秦科长",
        "labour1": "监察大队 蒋队员",
        "labour2": "监察大队 尤队员",
        "labour_lead": "监察大队 许大队长",
        "education1": "教育局 沈老师",
        "education_lead": "教育局 施科长",
        "community_c0101": "宝石社区 吴姗",
        "community_c0102": "保俶塔社区 郑凯",
        "community_c0201": "文三社区 何丽",
        "community_c0202": "求是社区 许航",
        "community_c0301": "翠苑一区 韩雪",
        "community_c0302": "翠苑二区 曹阳",
        "police_p01": "北山所 杨警官",
        "police_p02": "西溪所 林警官",
        "police_p03": "翠苑所 邓警官",
    }
    return fixed.get(username, username)


def seed(cases: int = 100) -> None:
    if db.session.scalar(select(OrgUnit.id).limit(1)) is not None:
        raise RuntimeError("the database already has data; demo data is only for an empty database")
    from app.calendar.service import seed_years
    from app.processes import specs

    today = clock.today()
    seed_years(range(today.year - 2, today.year + 2))
    specs.deploy_all()
    units = seed_org()
    users = seed_users(units)
    db.session.commit()
    from app.demo_cases import make_cases

    make_cases(units, users, count=cases, rng=random.Random(20261122))
    from app.cases import services

    for definition in services.all_services():  # each service's own demo cases, in every state
        if definition.demo is not None:
            definition.demo(units, users, random.Random(definition.process_id))
            db.session.commit()
    clock.freeze(None)
    db.session.commit()


def moment(days_ago: float) -> datetime:
    """A working-hours moment `days_ago` days back, in UTC."""
    base = datetime.now(UTC).replace(hour=2, minute=0, second=0, microsecond=0)  # 10:00 China time
    return base - timedelta(days=days_ago)
