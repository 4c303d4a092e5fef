#!/usr/bin/env python3
"""Generate the bundled demo service-guide catalogue, assets/catalog/catalog.json.

The data describes service items (办事事项) a street service hall and community centre in the seed
district (株洲市石峰区, 清水塘街道 / 华垅社区) typically handle. It is demo data: places and service
names follow the seed reports, but phone numbers are fictional and URLs use an example domain.
The JSON shape is the serde model in src/catalog/model.rs (`CatalogFile`, unknown keys rejected);
tests/cli/catalog_data.rs checks the invariants.

Usage, from the repository root:

    python3 tools/gen_catalog.py        # rewrites assets/catalog/catalog.json
    cargo test --test catalog_data      # validates it
"""

from __future__ import annotations

import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "catalog" / "catalog.json"

# 2: English names and summaries (name_en, summary_en). A higher version replaces the one a terminal installed.
VERSION = 2
PUBLISHED = "2026-12-01"
URL = "https://zwfw.example.gov.cn/guide/{code}"
COMPLAINT = "12345"

THEMES = [
    ("elderly", "老年人", "Senior Citizens"),
    ("disabled", "残疾人", "Persons with Disabilities"),
    ("assistance", "社会救助", "Social Assistance"),
    ("social_security", "社保就业", "Social Insurance and Employment"),
    ("medical", "医疗保障", "Medical Insurance"),
    ("birth", "生育", "Childbirth"),
    ("household", "户籍证照", "Household Registration and ID"),
    ("housing", "住房保障", "Housing Support"),
    ("veterans", "退役军人", "Veterans"),
    ("other", "其他", "Other Services"),
]

# ---------------------------------------------------------------------------------------------------
# English names and one-line summaries (the English interface, `[ui] language = "en"`): accurate,
# official-style names; the summary says who it is for. The Chinese name stays the official one.
EN = {
    "LL0001": ("Senior Citizen Card (annual review)",
               "A card for residents aged 60 and over: cheaper parks and buses, priority at hospitals. Renewed every year."),
    "LL0002": ("Centenarian Allowance",
               "A monthly allowance for residents aged 100 and over."),
    "MZ0001": ("Minimum Living Allowance (Dibao)",
               "Monthly support for families whose income per person is below the local minimum."),
    "MZ0002": ("Temporary Assistance",
               "One-off help for families in sudden hardship, e.g. after a fire, an accident or a serious illness."),
    "MZ0003": ("Support for People in Extreme Poverty",
               "Support for older people, people with disabilities and children under 16 with no income and no one to support them."),
    "MZ0004": ("Old-Age Allowance (aged 80 and over)",
               "A monthly allowance for residents aged 80 and over."),
    "MZ0005": ("Home Care Service Subsidy for Older People",
               "Meals, cleaning and bathing services at home for older people on a low income or needing care."),
    "MZ0006": ("Living and Nursing Care Subsidies for Persons with Disabilities",
               "Monthly subsidies for persons with disabilities in low-income families and for those with severe disabilities."),
    "MZ0007": ("Allowance for Children Without Parental Care",
               "Monthly support for children under 18 whose parents cannot care for them."),
    "MZ0008": ("Marriage Registration (appointment)",
               "Book an appointment to register your marriage."),
    "MZ0009": ("Care Needs Assessment for Older People",
               "An assessment of daily-living abilities, needed for care subsidies and care homes."),
    "MZ0010": ("Home Adaptation for Older People in Special Difficulty",
               "Grab bars, ramps and other home changes for older people in low-income families."),
    "CL0001": ("Disability Certificate (new or replacement)",
               "The certificate that gives access to disability benefits and services."),
    "CL0002": ("Assistive Devices for Persons with Disabilities",
               "Wheelchairs, hearing aids, walking frames and other aids, fitted after an assessment."),
    "CL0003": ("Rehabilitation Assistance for Children with Disabilities",
               "Help with the cost of rehabilitation for children aged 0 to 6 with disabilities or autism."),
    "CL0004": ("Barrier-Free Home Adaptation for Persons with Disabilities",
               "Home changes that make moving around, the toilet and bathing easier."),
    "RS0001": ("Unemployment Registration",
               "Register as unemployed to get job services and benefits."),
    "RS0002": ("Recognition as a Person with Employment Difficulties",
               "Recognition that opens job support and social insurance subsidies."),
    "RS0003": ("Social Insurance Subsidy for Flexible Workers",
               "A subsidy towards the pension and medical insurance paid by recognised flexible workers."),
    "RS0004": ("Residents' Basic Pension Insurance Enrolment",
               "Join the urban and rural residents' pension insurance (for residents aged 16 and over without an employee pension)."),
    "RS0005": ("Pension Eligibility Verification",
               "The yearly check that you may go on receiving your pension."),
    "RS0006": ("Residents' Basic Pension Claim",
               "Start receiving your residents' pension at age 60."),
    "RS0007": ("Funeral Grant for Residents' Pension Insurance Members",
               "A grant for the family when a person receiving a residents' pension dies."),
    "RS0008": ("Unemployment Insurance Benefit",
               "Unemployment benefit for people who lost their job and paid unemployment insurance for at least a year."),
    "RS0009": ("Social Security Card (application or replacement)",
               "Apply for, replace or renew your social security card."),
    "YB0001": ("Residents' Basic Medical Insurance Enrolment",
               "Join the urban and rural residents' medical insurance, newborns included."),
    "YB0002": ("Medical Assistance for Serious Illness",
               "A second reimbursement for low-income patients whose hospital costs remain high after insurance."),
    "YB0003": ("Recognition of Chronic and Special Diseases for Outpatient Care",
               "Recognition that lets insurance cover outpatient treatment of listed long-term diseases."),
    "YB0004": ("Registration for Medical Treatment in Another Region",
               "Register before treatment outside the city so bills can be settled directly."),
    "YB0005": ("Reimbursement of Medical Expenses Paid in Full",
               "Claim back medical costs that could not be settled directly, e.g. after an emergency."),
    "WJ0001": ("Birth Registration (first, second or third child)",
               "Register a birth with the health authority."),
    "WJ0002": ("Reward and Support for Parents of an Only Child",
               "A yearly payment for parents aged 60 and over who had only one child."),
    "WJ0003": ("Special Support for Family Planning Families",
               "Support for parents whose only child has died or has a serious disability."),
    "WJ0004": ("Newborn Services in One Application",
               "Birth certificate, vaccination record, household registration, medical insurance and social security card for a newborn, in one application."),
    "WJ0005": ("Pregnancy Registration (Maternal and Child Health Handbook)",
               "Register a pregnancy at the community health centre and get the Maternal and Child Health Handbook."),
    "WJ0006": ("Free Health Check for People Aged 65 and Over",
               "A free health check once a year for residents aged 65 and over."),
    "WJ0007": ("Family Doctor Registration",
               "Sign up with a family doctor at the community health centre."),
    "ZJ0001": ("Public Rental Housing",
               "Low-rent public housing for families on a low income without adequate housing."),
    "ZJ0002": ("Rent Subsidy",
               "A subsidy for eligible families who rent a home on the market."),
    "ZJ0003": ("Public Rental Housing Eligibility (annual review)",
               "The yearly review of income and housing for tenants and rent subsidy recipients."),
    "ZJ0004": ("Lift Installation in an Existing Residential Building",
               "Apply to add a lift to a residential building of four or more floors."),
    "HJ0001": ("Household Registration Certificate",
               "A certificate of your household registration details or family relationships."),
    "HJ0002": ("Residence Permit",
               "For people who have lived here for six months or more without local household registration."),
    "HJ0003": ("Household Registration of a Newborn",
               "Register a newborn in the household register."),
    "HJ0004": ("Resident Identity Card (renewal or replacement)",
               "Renew an expiring identity card, or replace a lost or damaged one."),
    "HJ0005": ("Cancellation of Household Registration after a Death",
               "The family cancels the household registration of a resident who has died."),
    "TY0001": ("Allowances for Veterans and Martyrs' Families",
               "Pensions and allowances for disabled veterans, martyrs' families and other entitled groups."),
    "TY0002": ("Veteran Preferential Treatment Card",
               "A card for veterans and other entitled groups that gives preferential treatment."),
    "TY0003": ("Honour Plaque for Military Families",
               "An honour plaque for the homes of martyrs' families, serving soldiers and veterans."),
    "TY0004": ("Veteran Information Registration",
               "Register your service details as a veteran in this district."),
    "JY0001": ("Recognition of Students from Low-Income Families (student aid)",
               "Recognition of a student's family hardship, for student financial aid each term."),
    "JY0002": ("School Enrolment for Children of Migrant Families",
               "Primary and middle school places for children of families who live and work here."),
    "SF0001": ("Legal Aid",
               "Free legal help for people who cannot afford a lawyer, e.g. for unpaid wages or work injuries."),
}


# ---------------------------------------------------------------------------------------------------
# Departments (实施主体) and their fictional enquiry phones, by code family.
DEPT = {
    "LL": ("石峰区卫生健康局（区老龄办）", "0731-28261101"),
    "MZ": ("石峰区民政局", "0731-28261205"),
    "CL": ("石峰区残疾人联合会", "0731-28261318"),
    "RS": ("石峰区人力资源和社会保障局", "0731-28261422"),
    "YB": ("石峰区医疗保障局", "0731-28261536"),
    "WJ": ("石峰区卫生健康局", "0731-28261640"),
    "ZJ": ("石峰区住房和城乡建设局", "0731-28261757"),
    "HJ": ("株洲市公安局石峰分局", "0731-28261863"),
    "TY": ("石峰区退役军人事务局", "0731-28261971"),
    "JY": ("石峰区教育局", "0731-28262085"),
    "SF": ("石峰区司法局（区法律援助中心）", "0731-28262148"),
}

# Places (办理地点).
def street(window: int) -> str:
    return f"石峰区清水塘街道便民服务中心 {window}号窗口"


COMMUNITY = "华垅社区党群服务中心 便民服务窗口"
DISTRICT = "石峰区政务服务中心 {}号窗口"
POLICE = "清水塘派出所户籍室（石峰区政务服务中心公安窗口亦可办理）"

# Hours (办理时间).
H_STREET = "周一至周五 8:30-12:00，14:30-17:30（法定节假日除外）"
H_COMMUNITY = "周一至周六 8:30-12:00，14:30-17:30（法定节假日除外）"
H_DISTRICT = "周一至周五 9:00-12:00，13:30-17:30（法定节假日除外）"
H_POLICE = "周一至周五 8:30-12:00，14:30-17:30；周六上午 9:00-12:00（法定节假日除外）"


# ---------------------------------------------------------------------------------------------------
# Materials (申请材料).
def mat(name, form="original", copies=1, source="申请人自备", required=True, notes=None, blank=False):
    m = {"name": name, "form": form, "copies": copies, "required": required, "source": source}
    if notes:
        m["notes"] = notes
    if blank:
        m["blank_form"] = True
    return m


def ID(notes=None):
    return mat("居民身份证", "original", 1, "公安机关", notes=notes)


def HUKOU(notes=None):
    return mat("户口簿", "original", 1, "公安机关", notes=notes)


def PHOTO(n=2, what="近期一寸免冠彩色照片"):
    return mat(what, "original", n, "申请人自备", notes="白底或蓝底均可")


def BANK(notes="用于发放补贴，须为本人账户"):
    return mat("本人社会保障卡或银行卡（一类账户）", "copy", 1, "银行机构", notes=notes)


def FORM(name, notes="需本人签字；不会写字的可按手印"):
    return mat(name, "original", 1, "办理窗口领取（终端可打印）", notes=notes, blank=True)


def PROXY():
    return mat(
        "授权委托书及代办人居民身份证",
        "original",
        1,
        "申请人自备",
        required=False,
        notes="委托网格员或家人代办时提供",
        blank=True,
    )


def AUTH():
    return FORM("居民家庭经济状况核对授权书", "家庭成员（18周岁以上）均需签字")


# ---------------------------------------------------------------------------------------------------
ITEMS: list[dict] = []


def item(code, name, *, themes, item_type, conditions, materials, steps, promised, statutory=None,
         visits=1, fee=None, place=None, hours=H_STREET, aliases=(), frequent=False, terminal=False,
         legal=None, faq=(), service_object="自然人"):
    family = code[:2]
    dept, phone = DEPT[family]
    ITEMS.append(
        {
            "code": code,
            "name": name,
            "name_en": EN[code][0],
            "summary_en": EN[code][1],
            "aliases": list(aliases),
            "item_type": item_type,
            "department": dept,
            "service_object": service_object,
            "themes": list(themes),
            "frequent": frequent,
            "conditions": list(conditions),
            "materials": list(materials),
            "steps": list(steps),
            "statutory_days": statutory,
            "promised_days": promised,
            "handling": "immediate" if promised == 0 else "promised",
            "visits": visits,
            "fee": fee,
            "place": place or street(1),
            "hours": hours,
            "phone": phone,
            "complaint_phone": COMPLAINT,
            "terminal": terminal,
            "online_url": URL.format(code=code),
            "legal_basis": legal,
            "faq": [{"q": q, "a": a} for q, a in faq],
        }
    )


# === 老龄 ==========================================================================================
item(
    "LL0001", "老年人优待证办理（年审）",
    aliases=["老年证", "敬老卡", "优待证", "老年优待证", "老人证", "优待证年审", "ldyd", "lnyd"],
    themes=["elderly"], item_type="公共服务", frequent=True, terminal=True,
    conditions=[
        "年满60周岁的本市户籍老年人",
        "年满60周岁、持本市居住证的常住居民",
        "已持证老年人每年办理一次年审；证件遗失、损坏可申请补办",
    ],
    materials=[
        ID("在自助终端办理时，把身份证放在读卡区即可"),
        PHOTO(1),
        mat("原《老年人优待证》", "original", 1, required=False, notes="年审、换证时提供；首次办理不需要"),
        mat("居住证", "original", 1, "公安机关", required=False, notes="非本市户籍的常住老人提供"),
        PROXY(),
    ],
    steps=[
        "在自助终端放上身份证，选择“老年优待证”，核对信息后提交；也可到窗口办理",
        "首次办理的，在终端或窗口现场拍照（也可交一张一寸照片）",
        "工作人员当场审核",
        "当场领取新证；年审的在原证上加盖年审章",
    ],
    statutory=None, promised=0, visits=1, place=street(1),
    legal="《中华人民共和国老年人权益保障法》；《湖南省老年人优待办法》",
    faq=[
        ("行动不便，能不能不来现场？", "可以。打电话给您的网格员，由网格员上门采集照片、代办，办好后送证上门。"),
        ("优待证有什么用？", "凭证可享受公园、景区门票减免，市内公交优惠乘车，医院挂号优先等优待。"),
        ("每年都要年审吗？", "是的，每年年审一次，在街道窗口或社区自助终端都能办，随到随办。"),
    ],
)

item(
    "LL0002", "百岁老人尊老金申领",
    aliases=["尊老金", "长寿金", "百岁补贴", "zlj"],
    themes=["elderly"], item_type="行政给付",
    conditions=["年满100周岁的本区户籍老年人", "本人健在，由本人或家属申请"],
    materials=[ID("老人本人的身份证"), HUKOU(), BANK(), FORM("百岁老人尊老金申请表", "可由家属代签")],
    steps=[
        "家属持老人身份证、户口簿到街道窗口或社区申请",
        "社区入户核实老人健在情况",
        "区老龄办审核",
        "审核通过后，次月起按月发放到老人本人账户",
    ],
    statutory=20, promised=15, visits=1, place=street(1),
    legal="《中华人民共和国老年人权益保障法》",
    faq=[("每年还要再申请吗？", "不用再申请，但每年要配合社区做一次健在认证，网格员会上门办理。")],
)

# === 民政 ==========================================================================================
item(
    "MZ0001", "最低生活保障（低保）申请",
    aliases=["低保", "低保申请", "城市低保", "dbsq", "zdshbz"],
    themes=["assistance"], item_type="行政给付", frequent=True, terminal=True,
    conditions=[
        "本区户籍居民，以家庭为单位申请",
        "共同生活的家庭成员人均月收入低于本市城乡低保标准",
        "家庭财产状况符合本市规定（如无机动车、无多套住房、存款不超过规定额度）",
    ],
    materials=[
        ID("户主及共同生活的家庭成员均需提供"),
        HUKOU(),
        FORM("最低生活保障申请书"),
        AUTH(),
        mat("家庭成员收入证明", "original", 1, "工作单位或社区", notes="无工作的由本人书面说明"),
        mat("患病、残疾等证明", "original_and_copy", 1, "医疗机构", required=False,
            notes="家中有重病、残疾成员的提供病历、诊断证明或残疾人证"),
    ],
    steps=[
        "在自助终端放上身份证提交申请，或到街道窗口填写申请书",
        "签署家庭经济状况核对授权书，街道开展信息核对",
        "社区和街道工作人员入户调查",
        "在社区公示栏公示7天",
        "街道审核确认，通过后次月起发放低保金",
    ],
    statutory=30, promised=20, visits=1, place=street(2),
    legal="《社会救助暂行办法》；《最低生活保障审核确认办法》",
    faq=[
        ("没有本地户口能申请吗？", "低保须在户籍所在地申请。持居住证的困难家庭可先申请临时救助。"),
        ("家里有人上班还能申请吗？", "能否申请看全家人均收入是否低于标准，不是看有没有人上班。工作人员会帮您核算。"),
    ],
)

item(
    "MZ0002", "临时救助申请",
    aliases=["临时救助", "急难救助", "困难救助", "lsjz"],
    themes=["assistance"], item_type="行政给付", frequent=True, terminal=True,
    conditions=[
        "因火灾、交通事故、突发重病等意外事件，家庭生活暂时出现严重困难的居民",
        "因生活必需支出突然增加超出家庭承受能力的低收入家庭",
        "本区户籍居民或持本区居住证的常住居民",
    ],
    materials=[
        ID(),
        HUKOU(notes="非本区户籍的提供居住证"),
        FORM("临时救助申请书"),
        AUTH(),
        mat("困难情况证明", "original_and_copy", 1, "医疗机构或相关部门",
            notes="如住院发票、诊断证明、事故证明等"),
        BANK(notes="用于发放救助金"),
    ],
    steps=[
        "在自助终端放上身份证提交申请，或请网格员上门代为申请",
        "街道工作人员核实困难情况",
        "情况紧急的，街道可先行救助",
        "区民政局审批，救助金打到本人账户",
    ],
    statutory=10, promised=3, visits=0, place=street(2),
    legal="《社会救助暂行办法》；《国务院关于全面建立临时救助制度的通知》",
    faq=[
        ("多久能拿到救助？", "一般3个工作日内办结；情况紧急的，街道可以先行发放。"),
        ("生病住院花了很多钱，除了临时救助还能申请什么？", "符合条件的还可以申请城乡居民大病二次报销（医疗救助），网格员可以帮您一起办。"),
    ],
)

item(
    "MZ0003", "特困人员救助供养申请",
    aliases=["特困供养", "五保", "特困人员", "tkry"],
    themes=["assistance", "elderly", "disabled"], item_type="行政给付",
    conditions=[
        "本区户籍的老年人、残疾人或未满16周岁的未成年人",
        "无劳动能力、无生活来源",
        "无法定赡养、抚养、扶养义务人，或者其义务人无履行义务能力",
    ],
    materials=[
        ID(), HUKOU(), FORM("特困人员救助供养申请书"), AUTH(),
        mat("残疾人证", "original_and_copy", 1, "残联", required=False, notes="残疾人提供"),
        mat("义务人无履行能力的证明", "original", 1, "社区或相关单位", required=False),
    ],
    steps=[
        "本人或委托他人向街道提出书面申请",
        "街道入户调查、核对家庭经济状况",
        "在社区公示7天",
        "区民政局审核确认",
        "确认后按月发放基本生活费，可选择集中供养或分散供养",
    ],
    statutory=35, promised=25, visits=1, place=street(2),
    legal="《社会救助暂行办法》；《特困人员认定办法》",
)

item(
    "MZ0004", "高龄津贴申领",
    aliases=["高龄补贴", "高龄老人津贴", "80岁补贴", "gljt"],
    themes=["elderly"], item_type="行政给付", frequent=True, terminal=True,
    conditions=["年满80周岁的本区户籍老年人", "已领取高龄津贴的不重复申请"],
    materials=[ID("老人本人的身份证"), HUKOU(), BANK(), PROXY()],
    steps=[
        "在自助终端放上老人身份证提交，或到社区、街道窗口申请",
        "社区核实老人年龄和健在情况",
        "区民政局审核",
        "审核通过后，从满80周岁的次月起按月发放",
    ],
    statutory=20, promised=10, visits=0, place=COMMUNITY, hours=H_COMMUNITY,
    legal="《中华人民共和国老年人权益保障法》",
    faq=[
        ("津贴有多少？", "按年龄段分档发放，年龄越大标准越高，具体标准以当年公布的为准，可在窗口咨询。"),
        ("老人过了80岁生日才来申请，能补发吗？", "可以，按规定从满80周岁的次月起计算，但补发一般不超过一年，请尽早申请。"),
    ],
)

item(
    "MZ0005", "居家养老服务补贴申请",
    aliases=["居家养老", "养老服务补贴", "上门服务补贴", "jjyl"],
    themes=["elderly"], item_type="行政给付", terminal=True,
    conditions=[
        "年满60周岁的本区户籍老年人",
        "属于低保、低保边缘、特困家庭，或经评估为失能、半失能的经济困难老年人",
    ],
    materials=[
        ID(), HUKOU(), FORM("居家养老服务补贴申请表"),
        mat("老年人能力评估结果", "copy", 1, "评估机构", required=False, notes="已做过评估的提供；没做过的可同时申请评估"),
    ],
    steps=[
        "在自助终端放上身份证提交申请，或到街道窗口申请",
        "社区上门了解老人身体和家庭情况",
        "区民政局审核，确定补贴档次",
        "审核通过后，由服务机构按月上门提供助餐、助洁、助浴等服务",
    ],
    statutory=20, promised=15, visits=0, place=street(1),
    legal="《湖南省实施〈中华人民共和国老年人权益保障法〉办法》",
    faq=[("补贴是发钱吗？", "补贴以服务的形式发放，由签约的养老服务机构上门服务，不直接发现金。")],
)

item(
    "MZ0006", "困难残疾人生活补贴和重度残疾人护理补贴（残疾人两项补贴）",
    aliases=["两项补贴", "残疾人补贴", "护理补贴", "生活补贴", "lxbt"],
    themes=["disabled", "assistance"], item_type="行政给付",
    conditions=[
        "持有第二代残疾人证的本区户籍残疾人",
        "生活补贴：低保家庭中的残疾人",
        "护理补贴：残疾等级为一级、二级且需要长期照护的重度残疾人",
    ],
    materials=[ID(), mat("第二代残疾人证", "original_and_copy", 1, "残联"), HUKOU(), BANK(),
               FORM("残疾人两项补贴申请审批表")],
    steps=[
        "本人或家属到街道窗口提出申请，也可请网格员代办",
        "街道初审，核实残疾和家庭情况",
        "区残联复核，区民政局审定",
        "审定后从受理次月起按月发放",
    ],
    statutory=30, promised=20, visits=1, place=street(3),
    legal="《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》",
)

item(
    "MZ0007", "事实无人抚养儿童认定及基本生活补贴",
    aliases=["无人抚养儿童", "儿童生活补贴", "srfy"],
    themes=["assistance", "other"], item_type="行政给付",
    conditions=[
        "父母双方都重残、重病、服刑、失联等，不能履行抚养义务的未满18周岁儿童",
        "儿童户籍在本区",
    ],
    materials=[
        mat("儿童居民身份证或户口簿", "original", 1, "公安机关"),
        ID("监护人的身份证"),
        FORM("事实无人抚养儿童认定申请表", "由监护人签字"),
        mat("父母情况证明", "original_and_copy", 1, "相关部门", notes="如残疾人证、诊断证明、服刑证明、失联报警回执等"),
    ],
    steps=[
        "监护人向街道窗口提出申请",
        "街道调查核实，在社区公示",
        "区民政局认定",
        "认定后按月发放基本生活补贴",
    ],
    statutory=30, promised=20, visits=1, place=street(2),
    legal="《关于进一步加强事实无人抚养儿童保障工作的意见》",
)

item(
    "MZ0008", "结婚登记（预约）",
    aliases=["领证", "结婚证", "婚姻登记", "jhdj"],
    themes=["other", "household"], item_type="行政确认",
    conditions=[
        "男满22周岁、女满20周岁",
        "双方都没有配偶，自愿结婚",
        "一方户籍在本市，或一方持有本市居住证（全国通办试点）",
    ],
    materials=[
        mat("双方居民身份证", "original", 2, "公安机关"),
        mat("双方户口簿", "original", 2, "公安机关", notes="全国通办试点地区可免交"),
        PHOTO(3, "双方近期半身免冠合影二寸彩色照片"),
    ],
    steps=[
        "在终端、网上或电话预约登记日期",
        "双方一起带齐材料到婚姻登记处",
        "填写声明书，签字按手印",
        "当场领取结婚证",
    ],
    statutory=None, promised=0, visits=1,
    place="石峰区婚姻登记处（石峰区政务服务中心二楼）", hours=H_DISTRICT,
    legal="《婚姻登记条例》",
    faq=[("可以一个人去办吗？", "不可以，结婚登记必须男女双方本人一起到场，不能代办。")],
)

item(
    "MZ0009", "老年人能力评估申请",
    aliases=["能力评估", "失能评估", "nlpg"],
    themes=["elderly"], item_type="公共服务",
    conditions=["年满60周岁的本区户籍或常住老年人", "申请养老服务补贴、入住养老机构等需要评估的"],
    materials=[ID(), FORM("老年人能力评估申请表"),
               mat("近期病历或诊断证明", "copy", 1, "医疗机构", required=False)],
    steps=[
        "到街道窗口或社区提出申请",
        "评估机构预约上门时间",
        "评估员上门评估老人的自理能力",
        "出具评估结果，告知老人和家属",
    ],
    statutory=None, promised=15, visits=1, place=street(1),
)

item(
    "MZ0010", "特殊困难老年人家庭适老化改造申请",
    aliases=["适老化改造", "扶手改造", "slh"],
    themes=["elderly", "housing"], item_type="公共服务",
    conditions=["本区户籍的低保、低保边缘、特困家庭中的高龄、失能、残疾老年人"],
    materials=[ID(), HUKOU(), FORM("家庭适老化改造申请表"),
               mat("房屋产权证明或租赁合同", "copy", 1, "申请人自备", notes="证明在该住房内长期居住")],
    steps=[
        "到街道窗口或请网格员代为申请",
        "施工单位上门评估，商定改造项目（如扶手、防滑地面、坐便椅）",
        "街道审核，确定改造方案",
        "施工完成后，老人或家属签字验收",
    ],
    statutory=None, promised=30, visits=1, place=street(1),
)

# === 残联 ==========================================================================================
item(
    "CL0001", "残疾人证（新办/换领）",
    aliases=["残疾证", "残疾人证", "办残疾证", "换残疾证", "cjz", "cjrz"],
    themes=["disabled"], item_type="行政确认", frequent=True, terminal=True,
    conditions=[
        "视力、听力、言语、肢体、智力、精神等方面有长期残疾的本区户籍居民",
        "换领：残疾人证有效期满、证件损坏或残疾等级变化的",
    ],
    materials=[
        ID("未满16周岁的提供户口簿"),
        HUKOU(),
        PHOTO(3, "近期二寸免冠白底彩色照片"),
        FORM("残疾人证申请表"),
        mat("原残疾人证", "original", 1, "残联", required=False, notes="换领时交回"),
        mat("相关病历资料", "copy", 1, "医疗机构", required=False, notes="有住院病历、检查报告的一并带上"),
    ],
    steps=[
        "在自助终端放上身份证提交申请，或到街道窗口申请，领取评定通知",
        "本人到区残联指定的医院进行残疾评定（这一步须本人到场）",
        "区残联审核评定结果",
        "审核通过后公示",
        "制证完成后到街道领证，也可请网格员代领送上门",
    ],
    statutory=20, promised=10, visits=1, place=street(3),
    legal="《中华人民共和国残疾人保障法》；《中华人民共和国残疾人证管理办法》",
    faq=[
        ("行动不便，要跑几次？", "除了到医院评定必须本人去一次，其余环节都可以由网格员代办。"),
        ("评定要收费吗？", "本区户籍残疾人首次评定的费用由残联承担，本人不用交钱。"),
    ],
)

item(
    "CL0002", "残疾人辅助器具适配申请",
    aliases=["辅具", "轮椅", "助听器", "拐杖", "fjsp"],
    themes=["disabled"], item_type="公共服务",
    conditions=["持有残疾人证的本区户籍残疾人", "经评估需要适配轮椅、助听器、助行器等辅助器具"],
    materials=[ID(), mat("第二代残疾人证", "original", 1, "残联"), FORM("残疾人辅助器具适配申请表")],
    steps=[
        "到街道窗口提出申请",
        "区残联组织评估需要的辅具种类",
        "到适配机构试用、调整",
        "领取辅具，签字确认",
    ],
    statutory=None, promised=20, visits=2, place=street(3),
)

item(
    "CL0003", "残疾儿童康复救助申请",
    aliases=["儿童康复", "康复救助", "kfjz"],
    themes=["disabled", "other"], item_type="行政给付",
    conditions=["0至6周岁的视力、听力、言语、肢体、智力残疾儿童和孤独症儿童", "本区户籍或持本区居住证的家庭"],
    materials=[
        mat("儿童户口簿或居民身份证", "original", 1, "公安机关"),
        ID("监护人的身份证"),
        mat("医疗机构诊断证明", "original", 1, "医疗机构"),
        FORM("残疾儿童康复救助申请审批表", "由监护人签字"),
    ],
    steps=[
        "监护人到街道窗口提出申请",
        "区残联审核",
        "选择定点康复机构",
        "在定点机构接受康复训练，费用按标准直接结算",
    ],
    statutory=15, promised=10, visits=1, place=street(3),
    legal="《国务院关于建立残疾儿童康复救助制度的意见》",
)

item(
    "CL0004", "残疾人家庭无障碍改造申请",
    aliases=["无障碍改造", "wzagz"],
    themes=["disabled", "housing"], item_type="公共服务",
    conditions=["持有残疾人证的本区户籍困难残疾人家庭", "住房内有出行、如厕、洗浴等方面的障碍"],
    materials=[ID(), mat("第二代残疾人证", "original_and_copy", 1, "残联"),
               FORM("残疾人家庭无障碍改造申请表"),
               mat("房屋产权证明或租赁合同", "copy", 1, "申请人自备")],
    steps=[
        "到街道窗口或请网格员代为申请",
        "区残联组织上门评估",
        "确定改造方案并施工",
        "完工后签字验收",
    ],
    statutory=None, promised=30, visits=1, place=street(3),
)

# === 人社 ==========================================================================================
item(
    "RS0001", "失业登记",
    aliases=["失业", "失业证", "登记失业", "sydj"],
    themes=["social_security"], item_type="公共服务", frequent=True, terminal=True,
    conditions=["法定劳动年龄内、有劳动能力和就业要求、处于无业状态的城乡劳动者", "在常住地（户籍地或居住地）办理"],
    materials=[ID(), mat("解除或终止劳动合同证明", "copy", 1, "原工作单位", required=False, notes="有原单位的提供")],
    steps=[
        "在自助终端放上身份证，填写求职意向后提交",
        "工作人员当场核对信息，完成登记",
        "领取或激活《就业创业证》",
        "定期与社区联系，了解招聘和培训信息",
    ],
    statutory=None, promised=0, visits=0, place=street(4),
    legal="《就业服务与就业管理规定》",
    faq=[
        ("失业登记后有什么帮助？", "可免费参加职业介绍和技能培训，符合条件的还能申请就业困难人员认定、社保补贴等。"),
        ("失业登记和领失业金是一回事吗？", "不是。领失业保险金需要另外申请，要求缴纳失业保险满一年且非本人意愿中断就业。"),
    ],
)

item(
    "RS0002", "就业困难人员认定",
    aliases=["就业困难", "4050", "jykn"],
    themes=["social_security"], item_type="行政确认",
    conditions=[
        "已办理失业登记",
        "属于女满40周岁、男满50周岁以上，或残疾人、低保家庭成员、连续失业一年以上等情形之一",
    ],
    materials=[ID(), FORM("就业困难人员认定申请表"),
               mat("符合困难类别的证明", "copy", 1, "相关部门", required=False, notes="如残疾人证、低保证明")],
    steps=[
        "到街道窗口提出申请",
        "街道审核材料，在社区公示",
        "区人社局认定",
        "认定后可享受就业援助和相关补贴",
    ],
    statutory=15, promised=5, visits=1, place=street(4),
    legal="《中华人民共和国就业促进法》",
)

item(
    "RS0003", "灵活就业人员社保补贴申领",
    aliases=["社保补贴", "灵活就业补贴", "lhjy"],
    themes=["social_security"], item_type="行政给付",
    conditions=["经认定的就业困难人员", "以灵活就业身份缴纳了职工养老、医疗保险"],
    materials=[ID(), FORM("灵活就业人员社会保险补贴申请表"),
               mat("社保缴费凭证", "original", 1, "社保经办机构", notes="可在终端或网上打印"), BANK()],
    steps=[
        "先按规定缴纳社保费",
        "到街道窗口申请补贴",
        "区人社局审核",
        "补贴按季度打到本人账户",
    ],
    statutory=20, promised=15, visits=1, place=street(4),
    faq=[("补贴能领多久？", "一般最长3年；距法定退休年龄不足5年的，可延长至退休。")],
)

item(
    "RS0004", "城乡居民养老保险参保登记",
    aliases=["居民养老保险", "城乡居保", "农保", "cxjb", "ylbx"],
    themes=["social_security"], item_type="公共服务", terminal=True,
    conditions=["年满16周岁（不含在校学生）", "未参加职工基本养老保险的本区户籍居民"],
    materials=[ID(), HUKOU(notes="终端办理可免交")],
    steps=[
        "在自助终端放上身份证，选择缴费档次后提交，或到窗口办理",
        "当场完成参保登记",
        "通过银行、税务或手机缴纳当年保费",
    ],
    statutory=None, promised=0, visits=0, place=street(4),
    legal="《国务院关于建立统一的城乡居民基本养老保险制度的意见》",
    faq=[("每年交多少？", "分多个缴费档次自己选，交得多、交得长，将来领得多；政府按档次给予补贴。")],
)

item(
    "RS0005", "养老保险待遇领取资格认定",
    aliases=["资格认证", "养老金认证", "生存认证", "年审", "zgrd", "zgrz"],
    themes=["social_security", "elderly"], item_type="公共服务", frequent=True, terminal=True,
    conditions=["正在领取基本养老保险待遇的人员", "每年认定一次"],
    materials=[ID("在自助终端刷身份证并做人脸识别即可")],
    steps=[
        "在自助终端放上身份证",
        "按提示看向摄像头，完成人脸识别",
        "屏幕显示“认证成功”即完成",
    ],
    statutory=None, promised=0, visits=0, place=COMMUNITY, hours=H_COMMUNITY,
    legal="《中华人民共和国社会保险法》",
    faq=[
        ("行动不便来不了怎么办？", "可以用手机“掌上12333”认证，或请网格员上门认证。"),
        ("不认证会怎样？", "超过认定期限未认证的，养老金会暂停发放；认证后恢复，并补发暂停期间的待遇。"),
    ],
)

item(
    "RS0006", "城乡居民基本养老保险待遇申领",
    aliases=["领养老金", "居保待遇", "dysl"],
    themes=["social_security", "elderly"], item_type="行政给付",
    conditions=["年满60周岁", "参加城乡居民养老保险并按规定缴费", "未领取其他基本养老保险待遇"],
    materials=[ID(), HUKOU(), BANK(notes="用于按月发放养老金"), FORM("城乡居民基本养老保险待遇申领表")],
    steps=[
        "在满60周岁前一个月到街道窗口申请",
        "区社保经办机构核定待遇",
        "从满60周岁次月起按月发放",
    ],
    statutory=20, promised=10, visits=1, place=street(4),
    legal="《国务院关于建立统一的城乡居民基本养老保险制度的意见》",
)

item(
    "RS0007", "城乡居民养老保险参保人丧葬补贴申领",
    aliases=["丧葬补助", "丧葬费", "丧葬补贴", "sbt"],
    themes=["social_security", "other"], item_type="行政给付",
    conditions=["已领取城乡居民养老保险待遇的参保人去世", "由其直系亲属申请"],
    materials=[
        mat("死亡证明或火化证明", "original_and_copy", 1, "医疗机构或殡仪馆"),
        mat("逝者居民身份证", "original", 1, "公安机关", required=False, notes="已注销户口的可免交"),
        ID("申领人（家属）的身份证"),
        mat("亲属关系证明", "copy", 1, "公安机关或社区", notes="如户口簿"),
        BANK(notes="家属本人账户"),
    ],
    steps=[
        "家属到街道窗口提交材料",
        "区社保经办机构审核，停发养老金",
        "核定丧葬补贴和个人账户余额",
        "款项一次性打到家属账户",
    ],
    statutory=20, promised=10, visits=1, place=street(4),
)

item(
    "RS0008", "失业保险金申领",
    aliases=["失业金", "失业保险", "syj"],
    themes=["social_security"], item_type="行政给付",
    conditions=["失业前单位和本人已缴纳失业保险满1年", "非因本人意愿中断就业", "已办理失业登记，并有求职要求"],
    materials=[ID(), mat("解除或终止劳动合同证明", "original", 1, "原工作单位"), BANK()],
    steps=[
        "先办理失业登记（可在自助终端办理）",
        "在手机或窗口提交失业保险金申请",
        "社保经办机构审核",
        "审核通过后按月发放",
    ],
    statutory=None, promised=5, visits=0, place=street(4),
    legal="《失业保险条例》",
)

item(
    "RS0009", "社会保障卡申领（补换）",
    aliases=["社保卡", "补社保卡", "换社保卡", "sbk"],
    themes=["social_security", "other"], item_type="公共服务",
    conditions=["已参加社会保险的人员", "卡片遗失、损坏或需要换发第三代社保卡的"],
    materials=[ID(), PHOTO(1)],
    steps=[
        "到街道窗口或合作银行网点申请",
        "遗失的先办理挂失",
        "现场拍照、签字",
        "即时制卡的网点当场领卡，其余网点10个工作日后领卡",
    ],
    statutory=None, promised=10, visits=2, fee="补换卡工本费按规定收取（首次申领免费）",
    place=street(4),
)

# === 医保 ==========================================================================================
item(
    "YB0001", "城乡居民医保参保登记",
    aliases=["居民医保", "新农合", "医保参保", "cxyb", "jmyb"],
    themes=["medical"], item_type="公共服务", frequent=True, terminal=True,
    conditions=["未参加职工医保的本区户籍居民", "持本区居住证的常住居民及其未成年子女", "新生儿在出生后90天内参保"],
    materials=[ID("未成年人可提供户口簿"), mat("居住证", "original", 1, "公安机关", required=False, notes="非本区户籍提供")],
    steps=[
        "在自助终端放上身份证提交，或到窗口办理",
        "当场完成参保登记",
        "在集中缴费期内通过银行、税务或手机缴费",
        "缴费后次年1月1日起享受医保待遇",
    ],
    statutory=None, promised=0, visits=0, place=street(5),
    legal="《中华人民共和国社会保险法》",
    faq=[
        ("什么时候交费？", "每年9月至12月为下一年度集中缴费期，请按时缴纳，逾期有等待期。"),
        ("低保、特困人员要自己交吗？", "低保、特困等困难人员的个人缴费由政府按规定资助，具体请到窗口咨询。"),
    ],
)

item(
    "YB0002", "城乡居民大病二次报销（医疗救助）",
    aliases=["大病二次报销", "二次报销", "医疗救助", "大病救助", "ecbx", "yljz"],
    themes=["medical", "assistance"], item_type="行政给付", frequent=True, terminal=True,
    conditions=[
        "本区户籍的低保对象、特困人员、低保边缘家庭成员等困难群众",
        "因大病住院，经基本医保、大病保险报销后，个人负担仍然较重",
    ],
    materials=[
        ID(),
        mat("住院发票", "original", 1, "医疗机构", notes="已直接结算的提供结算单"),
        mat("出院小结或诊断证明", "copy", 1, "医疗机构"),
        mat("医保结算单", "original", 1, "医疗机构"),
        BANK(),
        PROXY(),
    ],
    steps=[
        "在自助终端放上身份证提交申请，或请网格员代办",
        "把住院发票、出院小结等交到街道窗口（网格员可代交）",
        "区医保局审核报销金额",
        "救助金打到本人账户",
    ],
    statutory=20, promised=10, visits=1, place=street(5),
    legal="《社会救助暂行办法》；《国务院办公厅关于健全重特大疾病医疗保险和救助制度的意见》",
    faq=[
        ("出院时已经在医院一站式结算了，还要申请吗？", "已在医院“一站式”结算救助的不用再申请；没有结算的按本指南申请。"),
        ("可以请网格员代办吗？", "可以。网格员可以代您收集材料、递交申请，办好后告诉您结果。"),
    ],
)

item(
    "YB0003", "门诊慢特病认定",
    aliases=["慢性病", "慢病卡", "特殊病", "mtb"],
    themes=["medical"], item_type="行政确认",
    conditions=["参加本市基本医疗保险的人员", "患有高血压、糖尿病、恶性肿瘤门诊治疗等规定病种"],
    materials=[ID(), mat("近期病历、检查报告", "copy", 1, "医疗机构"), FORM("门诊慢特病认定申请表")],
    steps=[
        "到定点医院或街道窗口提交申请",
        "医保部门组织专家评审",
        "认定通过后，信息录入医保系统",
        "在定点医疗机构就诊按门诊慢特病待遇报销",
    ],
    statutory=20, promised=15, visits=1, place=street(5),
)

item(
    "YB0004", "异地就医备案",
    aliases=["异地就医", "异地备案", "ydjy"],
    themes=["medical"], item_type="公共服务",
    conditions=["参加本市基本医保，异地长期居住、工作或转外就医的人员"],
    materials=[ID(), mat("异地居住证明", "copy", 1, "申请人自备", required=False, notes="也可本人书面承诺代替")],
    steps=[
        "在手机“国家医保服务平台”或窗口提出申请",
        "填写或选择就医地",
        "当场完成备案，到就医地直接结算",
    ],
    statutory=None, promised=0, visits=0, place=street(5),
)

item(
    "YB0005", "零星医疗费用报销",
    aliases=["手工报销", "医疗费报销", "lxbx"],
    themes=["medical"], item_type="行政给付",
    conditions=["参保人因急诊、未备案异地就医等原因，就医时未能直接结算医疗费用"],
    materials=[ID(), mat("医疗费用发票", "original", 1, "医疗机构"),
               mat("费用明细清单", "original", 1, "医疗机构"),
               mat("出院小结或门诊病历", "copy", 1, "医疗机构"), BANK()],
    steps=[
        "到街道窗口或区医保服务大厅提交材料",
        "医保经办机构审核",
        "报销款打到本人账户",
    ],
    statutory=30, promised=20, visits=1, place=street(5),
)

# === 卫健 ==========================================================================================
item(
    "WJ0001", "生育登记（一孩、二孩、三孩）",
    aliases=["生育登记", "准生证", "生育服务证", "二孩", "三孩", "sydj", "zsz"],
    themes=["birth"], item_type="公共服务", frequent=True, terminal=True,
    conditions=["夫妻一方户籍在本区，或在本区居住并持有居住证", "生育一孩、二孩、三孩的家庭均可登记"],
    materials=[ID("夫妻双方均需在终端或窗口核验身份证"),
               mat("结婚证", "original", 1, "婚姻登记机关", required=False, notes="未婚生育的可凭承诺书登记")],
    steps=[
        "在自助终端放上身份证，按提示填写夫妻双方信息后提交",
        "工作人员当场核对",
        "登记完成，可在终端打印生育服务登记回执",
    ],
    statutory=None, promised=0, visits=0, place=street(6),
    legal="《中华人民共和国人口与计划生育法》；《湖南省人口与计划生育条例》",
    faq=[
        ("登记有什么用？", "登记后可享受免费孕前检查、孕产期保健等服务，也是办理生育津贴等的依据之一。"),
        ("没有登记能报户口吗？", "可以。生育登记不再作为办理户口的前提，但建议尽早登记以享受服务。"),
    ],
)

item(
    "WJ0002", "独生子女父母奖励扶助",
    aliases=["独生子女奖励", "奖励扶助", "独生子女费", "dszn"],
    themes=["birth", "elderly"], item_type="行政给付",
    conditions=["本区户籍、只生育一个子女或合法收养一个子女的夫妻", "按规定年满60周岁后申请年老奖励扶助"],
    materials=[ID(), HUKOU(), mat("独生子女父母光荣证", "original_and_copy", 1, "卫健部门"),
               FORM("独生子女父母奖励扶助申请表"), BANK()],
    steps=[
        "本人到街道窗口提出申请",
        "社区核实生育情况，公示7天",
        "区卫健局审批",
        "审批通过后按年度发放奖励扶助金",
    ],
    statutory=30, promised=20, visits=1, place=street(6),
    legal="《中华人民共和国人口与计划生育法》",
)

item(
    "WJ0003", "计划生育家庭特别扶助",
    aliases=["特别扶助", "失独", "特扶", "tbfz"],
    themes=["birth", "elderly", "assistance"], item_type="行政给付",
    conditions=["独生子女死亡或伤残（三级以上），未再生育或收养子女", "女方年满49周岁", "本区户籍"],
    materials=[ID(), HUKOU(), mat("子女死亡证明或残疾人证", "copy", 1, "相关部门"),
               FORM("计划生育家庭特别扶助申请表"), BANK()],
    steps=[
        "本人或委托网格员向街道窗口申请",
        "社区核实，公示7天",
        "区卫健局审批",
        "按月或按年发放特别扶助金",
    ],
    statutory=30, promised=20, visits=1, place=street(6),
    legal="《中华人民共和国人口与计划生育法》",
    faq=[("申请要本人到现场吗？", "不用本人多跑。可委托网格员上门收集材料代为申请，工作人员会注意保护家庭隐私。")],
)

item(
    "WJ0004", "新生儿出生“一件事”联办",
    aliases=["出生一件事", "出生证", "新生儿联办", "cs"],
    themes=["birth", "household"], item_type="公共服务",
    conditions=["在本市助产机构出生的新生儿", "父母一方户籍在本区"],
    materials=[mat("父母双方居民身份证", "original", 2, "公安机关"), mat("结婚证", "original", 1, "婚姻登记机关"),
               HUKOU(), FORM("新生儿出生“一件事”联办申请表", "父母签字")],
    steps=[
        "在医院或街道窗口填写一张联办申请表",
        "一次办理出生医学证明、预防接种证、户口登记、医保参保和社保卡",
        "各部门内部流转办理",
        "证件通过邮寄或到窗口一次领取",
    ],
    statutory=None, promised=5, visits=1, place=street(6),
)

item(
    "WJ0005", "孕产妇建档（母子健康手册）",
    aliases=["建档", "建卡", "母子健康手册", "yfjd"],
    themes=["birth", "medical"], item_type="公共服务",
    conditions=["在本区居住的孕妇（孕13周前建档为宜）"],
    materials=[ID("孕妇本人"), mat("早孕检查报告", "copy", 1, "医疗机构", required=False)],
    steps=[
        "到居住地的社区卫生服务中心建档",
        "做一次孕早期检查",
        "当场领取《母子健康手册》",
    ],
    statutory=None, promised=0, visits=1,
    place="清水塘社区卫生服务中心 妇幼保健门诊", hours=H_STREET,
)

item(
    "WJ0006", "65岁以上老年人免费健康体检",
    aliases=["老年人体检", "免费体检", "lnrtj"],
    themes=["elderly", "medical"], item_type="公共服务",
    conditions=["年满65周岁、在本区居住半年以上的老年人", "每年可免费体检一次"],
    materials=[ID()],
    steps=[
        "到社区卫生服务中心或通过网格员预约体检时间",
        "体检当天空腹前往",
        "做血压、血糖、心电图、B超等检查",
        "一周后取体检报告，医生当面解读",
    ],
    statutory=None, promised=0, visits=2,
    place="清水塘社区卫生服务中心 公共卫生科", hours="周一至周五 7:30-11:30（空腹体检，法定节假日除外）",
)

item(
    "WJ0007", "家庭医生签约服务",
    aliases=["家庭医生", "签约医生", "jtys"],
    themes=["medical", "elderly"], item_type="公共服务",
    conditions=["在本区居住的居民，老年人、慢性病患者、孕产妇、儿童、残疾人优先"],
    materials=[ID()],
    steps=[
        "到社区卫生服务中心，或请家庭医生团队上门",
        "选择签约的医生团队和服务包",
        "签订服务协议，当场生效",
    ],
    statutory=None, promised=0, visits=1,
    place="清水塘社区卫生服务中心 家庭医生工作室", hours=H_STREET,
    faq=[("签约要交钱吗？", "基础服务包免费，个人付费的服务包另行说明，签约前医生会讲清楚。")],
)

# === 住建 / 住保 ====================================================================================
item(
    "ZJ0001", "公租房申请",
    aliases=["公租房", "廉租房", "保障房", "gzf"],
    themes=["housing"], item_type="行政给付",
    conditions=[
        "本市城区户籍的中低收入住房困难家庭，或在本市稳定就业的外来务工人员",
        "家庭人均收入、财产低于本市规定标准",
        "在本市无自有住房或人均住房面积低于规定标准",
    ],
    materials=[ID("申请人及家庭成员"), HUKOU(), FORM("公共租赁住房申请表"), AUTH(),
               mat("收入证明", "original", 1, "工作单位"),
               mat("婚姻状况证明", "copy", 1, "婚姻登记机关", notes="如结婚证、离婚证")],
    steps=[
        "到街道窗口提交申请",
        "社区入户调查，街道初审并公示",
        "区住建局会同民政等部门审核",
        "审核通过后轮候，按顺序配租",
        "签订租赁合同，办理入住",
    ],
    statutory=30, promised=20, visits=2, place=street(7),
    legal="《公共租赁住房管理办法》",
    faq=[("要排队多久？", "审核通过后进入轮候，轮候时间视房源情况而定，可在窗口或网上查询排位。")],
)

item(
    "ZJ0002", "公租房租赁补贴申请",
    aliases=["租房补贴", "租赁补贴", "zlbt"],
    themes=["housing", "assistance"], item_type="行政给付",
    conditions=["符合公租房保障条件，自行在市场租房的家庭", "低保、特困家庭优先"],
    materials=[ID(), HUKOU(), FORM("住房租赁补贴申请表"), mat("房屋租赁合同", "copy", 1, "申请人自备"), BANK()],
    steps=[
        "到街道窗口提交申请",
        "街道初审、公示",
        "区住建局审核",
        "补贴按季度发放到本人账户",
    ],
    statutory=30, promised=20, visits=1, place=street(7),
    legal="《公共租赁住房管理办法》",
)

item(
    "ZJ0003", "公租房保障资格年审",
    aliases=["公租房年审", "保障房年审", "gzfns"],
    themes=["housing"], item_type="行政确认",
    conditions=["正在租住公租房或领取租赁补贴的家庭", "每年审核一次家庭收入、住房变化"],
    materials=[ID(), FORM("公共租赁住房年度复核表"), mat("家庭成员收入证明", "original", 1, "工作单位")],
    steps=[
        "在年审通知规定的时间内到街道窗口申报",
        "工作人员核对家庭变化情况",
        "区住建局复核，结果书面告知",
    ],
    statutory=None, promised=10, visits=1, place=street(7),
)

item(
    "ZJ0004", "既有住宅加装电梯申请",
    aliases=["加装电梯", "老楼电梯", "jzdt"],
    themes=["housing", "elderly"], item_type="公共服务", service_object="自然人、业主委员会",
    conditions=["本区已建成投入使用、未设电梯的四层及以上住宅", "本单元业主按规定比例同意加装"],
    materials=[
        FORM("既有住宅加装电梯申请书", "由业主代表签字"),
        mat("本单元业主同意加装电梯的书面意见", "original", 1, "申请人自备"),
        mat("房屋产权证明", "copy", 1, "不动产登记机构"),
        mat("设计方案", "original", 2, "设计单位"),
    ],
    steps=[
        "业主代表先到社区咨询，征求单元业主意见",
        "委托设计单位出方案，在小区公示",
        "向街道窗口提交申请，联合审查",
        "取得批复后施工，完工后验收",
    ],
    statutory=None, promised=20, visits=2, place=street(7),
)

# === 户籍 / 公安 ===================================================================================
item(
    "HJ0001", "户籍证明开具",
    aliases=["户口证明", "户籍证明", "hjzm"],
    themes=["household"], item_type="公共服务",
    conditions=["本区户籍居民，因办事需要证明户籍登记信息、亲属关系、注销情况等"],
    materials=[ID(), HUKOU(), mat("用途说明", "original", 1, "申请人自备", required=False, notes="写明证明用途")],
    steps=["到派出所户籍室或政务服务中心公安窗口申请", "工作人员核查户籍档案", "当场出具证明"],
    statutory=None, promised=0, visits=1, place=POLICE, hours=H_POLICE,
)

item(
    "HJ0002", "居住证办理",
    aliases=["居住证", "暂住证", "jzz"],
    themes=["household"], item_type="行政许可", frequent=True,
    conditions=["离开户籍所在地，在本市居住半年以上", "有合法稳定就业、合法稳定住所或连续就读之一"],
    materials=[
        ID(),
        mat("合法稳定住所证明", "copy", 1, "申请人自备", notes="房屋租赁合同、房产证或单位住宿证明"),
        mat("就业或就读证明", "copy", 1, "工作单位或学校", required=False),
        PHOTO(1, "近期免冠白底彩色照片（可现场采集）"),
    ],
    steps=[
        "先到社区或派出所办理居住登记",
        "居住满半年后，到派出所户籍室提交居住证申请",
        "现场采集照片",
        "制证完成后到原窗口领证",
    ],
    statutory=15, promised=10, visits=2, place=POLICE, hours=H_POLICE,
    fee="首次申领免费；换领、补领按规定收取工本费",
    legal="《居住证暂行条例》",
    faq=[
        ("居住证有什么用？", "可以在本地享受义务教育、基本公共就业、基本医疗卫生、办理老年人优待证等服务。"),
        ("居住证要签注吗？", "居住证每年签注一次，可在派出所或网上办理。"),
    ],
)

item(
    "HJ0003", "新生儿出生登记（报户口）",
    aliases=["报户口", "上户口", "出生登记", "bhk"],
    themes=["household", "birth"], item_type="行政确认",
    conditions=["在本区落户的新生儿", "父母一方户籍在本区"],
    materials=[
        mat("出生医学证明", "original", 1, "助产医疗机构"),
        mat("父母双方居民身份证", "original", 2, "公安机关"),
        mat("父（母）户口簿", "original", 1, "公安机关"),
        mat("结婚证", "original", 1, "婚姻登记机关", required=False, notes="非婚生育的按规定提供其他材料"),
    ],
    steps=["到户口所在地派出所户籍室申报", "工作人员当场核对材料", "当场登记，在户口簿上加页"],
    statutory=None, promised=0, visits=1, place=POLICE, hours=H_POLICE,
    legal="《中华人民共和国户口登记条例》",
)

item(
    "HJ0004", "居民身份证申领（换领、补领）",
    aliases=["身份证", "补身份证", "换身份证", "sfz"],
    themes=["household"], item_type="行政许可",
    conditions=["本区户籍居民，身份证有效期将满（满前3个月可换领）、遗失或损坏的", "未满16周岁的可以自愿申领"],
    materials=[HUKOU(), mat("原居民身份证", "original", 1, "公安机关", required=False, notes="换领时交回")],
    steps=["到派出所户籍室或政务服务中心公安窗口申请", "现场拍照、采集指纹", "缴纳工本费", "按约定时间领取或邮寄到家"],
    statutory=60, promised=15, visits=1, place=POLICE, hours=H_POLICE,
    fee="换领、补领每证20元；申领临时居民身份证每证10元（首次申领免费）",
    legal="《中华人民共和国居民身份证法》",
    faq=[("70岁以上老人行动不便能上门办吗？", "可以电话预约，派出所民警可上门采集照片和指纹。")],
)

item(
    "HJ0005", "死亡人员户口注销",
    aliases=["注销户口", "销户", "zxhk"],
    themes=["household", "other"], item_type="行政确认",
    conditions=["本区户籍居民死亡后，由家属在规定时间内办理"],
    materials=[mat("死亡医学证明或火化证明", "original", 1, "医疗机构或殡仪馆"),
               mat("死者户口簿、居民身份证", "original", 1, "公安机关"), ID("办理人（家属）的身份证")],
    steps=["家属到户口所在地派出所户籍室申报", "工作人员核对材料", "当场注销，收回身份证"],
    statutory=None, promised=0, visits=1, place=POLICE, hours=H_POLICE,
    legal="《中华人民共和国户口登记条例》",
)

# === 退役军人 =====================================================================================
item(
    "TY0001", "优抚对象抚恤补助申领",
    aliases=["优抚", "抚恤金", "定期补助", "yfdx"],
    themes=["veterans"], item_type="行政给付",
    conditions=["本区户籍的残疾军人、烈士遗属、因公牺牲军人遗属、在乡复员军人、带病回乡退伍军人等优抚对象"],
    materials=[ID(), HUKOU(), mat("优抚对象相关证件", "original_and_copy", 1, "退役军人事务部门",
                                  notes="如残疾军人证、烈士证明书、复员证、退伍证"),
               FORM("优抚对象抚恤补助申请表"), BANK()],
    steps=[
        "到街道退役军人服务站提出申请",
        "街道核实身份和档案",
        "区退役军人事务局审核认定",
        "按月发放抚恤补助金",
    ],
    statutory=30, promised=20, visits=1, place="清水塘街道退役军人服务站（便民服务中心 8号窗口）",
    legal="《军人抚恤优待条例》",
)

item(
    "TY0002", "退役军人优待证申领",
    aliases=["退役军人优待证", "军人优待证", "tyjr"],
    themes=["veterans"], item_type="公共服务",
    conditions=["户籍在本区的退役军人和其他优抚对象", "已完成退役军人信息采集"],
    materials=[ID(), PHOTO(1, "近期二寸免冠白底彩色照片"),
               mat("退役证明", "copy", 1, "退役军人事务部门", notes="如退伍证、转业证")],
    steps=["到街道退役军人服务站或手机申请", "核对信息、采集照片", "区退役军人事务局审核", "制证后到服务站领取"],
    statutory=None, promised=20, visits=2, place="清水塘街道退役军人服务站（便民服务中心 8号窗口）",
    legal="《中华人民共和国退役军人保障法》",
)

item(
    "TY0003", "光荣牌悬挂申请",
    aliases=["光荣牌", "光荣之家", "grp"],
    themes=["veterans"], item_type="公共服务",
    conditions=["烈士遗属、因公牺牲军人遗属、现役军人家庭、退役军人家庭"],
    materials=[ID(), mat("身份证明", "copy", 1, "退役军人事务部门", notes="如退伍证、入伍通知书、烈士证明书")],
    steps=["到社区或街道退役军人服务站登记", "核实身份", "工作人员上门悬挂光荣牌"],
    statutory=None, promised=10, visits=1, place=COMMUNITY, hours=H_COMMUNITY,
    legal="《中华人民共和国退役军人保障法》",
)

item(
    "TY0004", "退役军人信息采集",
    aliases=["信息采集", "退役军人登记", "xxcj"],
    themes=["veterans"], item_type="公共服务",
    conditions=["户籍在本区的退役军人、其他优抚对象", "户籍迁入本区后尚未采集信息的"],
    materials=[ID(), mat("退役证明", "original_and_copy", 1, "退役军人事务部门", notes="如退伍证、转业证、复员证"),
               PHOTO(1)],
    steps=["到社区或街道退役军人服务站登记", "工作人员核对证件，录入信息系统", "当场完成采集，信息上报区退役军人事务局"],
    statutory=None, promised=0, visits=1, place="清水塘街道退役军人服务站（便民服务中心 8号窗口）",
    legal="《中华人民共和国退役军人保障法》",
)

# === 教育 / 司法 ===================================================================================
item(
    "JY0001", "家庭经济困难学生认定（学生资助）",
    aliases=["学生资助", "助学金", "困难学生", "xszz"],
    themes=["other", "assistance"], item_type="行政给付",
    conditions=["本区学校在读学生，家庭经济困难的", "低保、特困、残疾、事实无人抚养等家庭学生优先"],
    materials=[mat("学生户口簿或居民身份证", "original", 1, "公安机关"), FORM("家庭经济困难学生认定申请表", "由家长签字"),
               mat("困难情况证明", "copy", 1, "相关部门", required=False, notes="如低保证、残疾人证")],
    steps=["向就读学校提交申请表", "学校评议小组认定并公示", "区教育局审核", "按学期发放资助"],
    statutory=None, promised=20, visits=1, place="学生就读学校（学生资助管理办公室）",
)

item(
    "JY0002", "随迁子女义务教育入学申请",
    aliases=["入学", "小学报名", "随迁子女", "sqzn"],
    themes=["other", "household"], item_type="公共服务",
    conditions=["父母在本区稳定就业、居住，持本区居住证", "子女达到入学年龄"],
    materials=[mat("父母居民身份证和居住证", "original_and_copy", 1, "公安机关"),
               mat("儿童户口簿", "original_and_copy", 1, "公安机关"),
               mat("住房证明", "copy", 1, "申请人自备", notes="房屋租赁合同或房产证"),
               mat("就业证明", "copy", 1, "工作单位")],
    steps=["在报名期内网上或到区教育局窗口报名", "审核材料", "统筹安排学位", "按通知到学校报到"],
    statutory=None, promised=20, visits=1, place=DISTRICT.format(12), hours=H_DISTRICT,
)

item(
    "SF0001", "法律援助申请",
    aliases=["法律援助", "免费律师", "flyz"],
    themes=["other", "assistance"], item_type="公共服务",
    conditions=["因经济困难没有委托代理人，需要讨薪、追索赡养费、工伤赔偿等法律帮助的", "低保、特困人员、残疾人、老年人等可免予核查经济状况"],
    materials=[ID(), FORM("法律援助申请表"), mat("案件相关材料", "copy", 1, "申请人自备", notes="如合同、欠条、判决书"),
               mat("经济困难状况说明表", "original", 1, "申请人自备", notes="签字承诺即可")],
    steps=["到区公共法律服务中心或街道窗口提出申请", "法律援助中心审查", "决定给予援助的，指派律师", "律师联系您办理案件"],
    statutory=7, promised=5, visits=1, place="石峰区公共法律服务中心（街道便民服务中心可代收）", hours=H_STREET,
    legal="《中华人民共和国法律援助法》",
)

# ---------------------------------------------------------------------------------------------------
# Terminal application forms (what the ID card cannot tell) and eligibility decided from the card.
PHONE = {"key": "phone", "label": "联系电话", "kind": "phone", "required": True,
         "help": "手机号11位，或座机号（含区号），工作人员会电话联系您"}


def choice(key, label, options, required=True, help=None):
    return {"key": key, "label": label, "kind": "choice", "required": required, "options": options, "help": help}


def number(key, label, lo, hi, unit, required=True, help=None):
    return {"key": key, "label": label, "kind": "number", "required": required, "min": lo, "max": hi,
            "unit": unit, "help": help}


def text(key, label, max_len=40, required=False, help=None):
    return {"key": key, "label": label, "kind": "text", "required": required, "max_len": max_len, "help": help}


def date(key, label, required=True, help=None):
    return {"key": key, "label": label, "kind": "date", "required": required, "help": help}


def yes_no(key, label, required=True, help=None):
    return {"key": key, "label": label, "kind": "yes_no", "required": required, "help": help}


FORMS = {
    "LL0001": ([], {"min_age": 60}),
    "MZ0001": ([PHONE, number("household_size", "家庭共同生活人口", 1, 20, "人"),
                number("monthly_income", "家庭月总收入", 0, 100000, "元", help="全家每月收入合计，没有收入填0")],
               {}),
    "MZ0002": ([choice("reason", "遇到的困难", ["突发重大疾病", "意外事故", "火灾等灾害", "其他急难情况"]),
                number("amount", "急需救助金额", 1, 100000, "元", help="估算即可，最终金额由民政部门核定"),
                number("household_size", "家庭共同生活人口", 1, 20, "人"), PHONE,
                text("situation", "简要情况说明", 60, help="可不填；如需补充，可用拼音键盘输入")],
               {}),
    "MZ0004": ([PHONE, choice("payout", "津贴发放方式", ["社会保障卡", "本人银行卡"])], {"min_age": 80}),
    "MZ0005": ([PHONE, choice("service", "需要的服务", ["助餐", "助洁", "助浴", "助医", "陪护"]),
                yes_no("lives_alone", "是否独居")], {"min_age": 60}),
    "CL0001": ([PHONE, choice("apply_type", "办理类型", ["新办", "换领", "补办"]),
                choice("category", "残疾类别", ["视力", "听力", "言语", "肢体", "智力", "精神", "多重"])], {}),
    "RS0001": ([PHONE, choice("reason", "失业原因", ["合同到期", "单位解除合同", "本人辞职", "毕业未就业", "其他"]),
                text("last_employer", "原工作单位", 30, help="没有可不填"),
                yes_no("wants_job", "是否希望推荐工作")], {"min_age": 16, "max_age": 65}),
    "RS0004": ([PHONE, choice("grade", "缴费档次（每年）", ["200元", "300元", "500元", "1000元", "2000元", "3000元"])],
               {"min_age": 16}),
    "RS0005": ([PHONE], {"min_age": 50}),
    "YB0001": ([PHONE, choice("insured_type", "参保人员类别", ["城乡居民", "学生儿童", "低保或特困人员"])], {}),
    "YB0002": ([PHONE, text("hospital", "住院医院", 30, required=True),
                number("self_paid", "个人自付金额", 1, 10000000, "元", help="以医院结算单上的个人自付为准")], {}),
    "WJ0001": ([PHONE, choice("child_order", "本次生育", ["一孩", "二孩", "三孩"]),
                date("due_date", "预产期", help="按8位数字输入，如20270315")], {"min_age": 18}),
}


def main() -> None:
    for it in ITEMS:
        form, elig = FORMS.get(it["code"], ([], {}))
        assert not form or it["terminal"], it["code"]
        it["form"] = [{k: v for k, v in f.items() if v is not None} for f in form]
        it["eligibility"] = elig
    catalog = {
        "version": VERSION,
        "published": PUBLISHED,
        "themes": [{"code": c, "name": n, "name_en": en} for c, n, en in THEMES],
        "items": ITEMS,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(catalog, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert sorted(EN) == sorted(i["code"] for i in ITEMS), "an English name for every item, no more"
    per_theme = {c: sum(c in i["themes"] for i in ITEMS) for c, _, _ in THEMES}
    print(f"{OUT.relative_to(ROOT)}: {len(ITEMS)} items; per theme {per_theme}; "
          f"frequent {sum(i['frequent'] for i in ITEMS)}, terminal {sum(i['terminal'] for i in ITEMS)}")


if __name__ == "__main__":
    main()
