"""The good-practice library in the demo (cases 1, 4 and 5): practices found at the
cases' meetings, vetted through the library's workflow at the dates of the events, and
spread to other units.

- **Cluster No. 18** (Thanh Hoa, Vietnamese with English): the advanced models, an
  initiative and experiences its member units put forward at the 6-month review
  conference of 24 July 2024 (the report names none: every one is demo content and says
  so), linked to the 2024 6-month review point, the meeting, the cluster's key task
  "find, build up and replicate advanced models" and, where the unit holds one, the
  Certificate of Merit of 20 August 2024; reviewed by the committee's staff, recognized
  by a demo decision of the provincial committee, some published and replicated by other
  member units.
- **The light-industry special action** (Chinese with English): the experiences of the
  9 units that presented at the Danyang exchange of 6 June 2024 and of Linhai's federation,
  and the Worker Pioneer team as an advanced model, recognized as a batch of replicable
  experience by a demo decision of the light-industry union and published at the
  exchange; adopted after it by the exchanging federations (about two hundred adoptions,
  most reported back with their outcome), one of them by Danyang's federation with a key
  task in its follow-up plan.
- **The Hunan research visit** (Chinese with English): Xiangdian's model-worker
  innovation studio and its master-apprentice pairs, linked to the visit and its
  follow-up tasks, named by a demo decision of the union; spread to the other visited
  enterprises, and by the union into its follow-up plan (a key task of the adoption).

Every practice is demo data (``is_demo``). No person is named: a studio's lead is given
by position. Decision numbers and dates are demo values. The draw of the adoptions is
seeded, so every load gives the same library. Written through the library's services,
in an audit-deferred block, each step under the clock of its day (``clock_at``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pacesetter.accounts.models import User
from pacesetter.awards.models import AwardGrant
from pacesetter.campaigns.models import Campaign
from pacesetter.decisions.models import Decision
from pacesetter.decisions.services import decision_create
from pacesetter.meetings.models import Meeting
from pacesetter.practices.defaults import ensure_fields
from pacesetter.practices.models import (
    Assessment,
    InfluenceScope,
    Practice,
    PracticeKind,
    StudioLevel,
    Subject,
    WorkField,
)
from pacesetter.practices.services import (
    adoption_create,
    adoption_report,
    practice_propose,
    practice_transition,
)
from pacesetter.units.models import Unit
from pacesetter.workplans.models import Task, WorkPlan

from .campaigns import clock_at
from .data import light_industry, machinery, thanh_hoa
from .data import light_industry_delegations as delegations
from .specs import T, Txt, source_of

SEED = 20240606

#: What a practice the reports do not name says of itself, in each language it is in.
DEMO_NOTE = {
    "vi": "Nội dung demo: báo cáo của Cụm không nêu tên điển hình này.",
    "en": "Demo content: the report names no such practice.",
    "zh-hans": "演示内容：报告未列出此项。",
}

TH_ZONE = "Asia/Ho_Chi_Minh"
CN_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Vetting:
    """The steps a practice goes through after it is proposed, each on its day (None:
    not taken). ``returned``: reviewed "revise" and returned on the review day."""

    reviewed: dt.date | None = None
    recognized: dt.date | None = None
    published: dt.date | None = None
    returned: bool = False


@dataclass(frozen=True)
class PracticeSpec:
    key: str
    kind: str
    owner: str  # unit code
    proposer: str  # username
    proposed_on: dt.date
    title: Txt
    summary: Txt
    body: Txt
    fields: tuple[str, ...]
    vetting: Vetting
    sources: tuple[str, ...] = ()  # unit codes (default: the owner)
    year: int = 2024
    facts: Mapping[str, Any] = field(default_factory=dict)
    #: Texts of the kind (``effect``, ``team``) by name.
    texts: Mapping[str, Txt] = field(default_factory=dict)
    named_in_report: bool = False


def _demo(summary: Txt) -> Txt:
    """The summary with the demo note in each of its languages."""
    assert not isinstance(summary, str)
    return {lang: f"{text} {DEMO_NOTE[lang]}" for lang, text in summary.items()}


# --- Case 1: Cluster No. 18 (Vietnamese, with English) ---------------------------------

TH_PROPOSED = dt.date(2024, 7, 24)  # at the 6-month review conference
TH_REVIEWED = dt.date(2024, 8, 5)
TH_RECOGNIZED = dt.date(2024, 8, 15)
TH_PUBLISHED = dt.date(2024, 8, 26)
TH_RECOGNITION = {
    "number": "86/QĐ-BTĐKT",
    "date": TH_RECOGNIZED,
    "issuer": T(
        vi="Trưởng Ban Thi đua - Khen thưởng tỉnh Thanh Hóa",
        en="Head of the Thanh Hoa Provincial Emulation and Reward Committee",
    ),
    "title": T(
        vi="Về việc công nhận điển hình tiên tiến của Cụm thi đua số 18 phát hiện qua sơ kết "
        "6 tháng đầu năm 2024 (số và ngày mẫu, không phải quyết định thật)",
        en="On recognizing the advanced models of Emulation Cluster No. 18 found at its "
        "6-month review of 2024 (demo number and date, not the real decision)",
    ),
    "signer_title": T(vi="Trưởng ban", en="Head"),
    "place": T(vi="Thanh Hóa", en="Thanh Hoa"),
}

OFFICER = {
    "TH-NAMSONGMA": "officer.namsongma",
    "TH-URBANENV": "officer.urbanenv",
    "TH-WATER": "officer.watersupply",
    "TH-SONGCHU": "officer.songchu",
    thanh_hoa.BAC_SONG_MA: "officer.bacsongma",
    thanh_hoa.LAM_SON: "leader.lamson",
    "TH-MEDLATEC": "officer.medlatec",
}
PUBLISHED_TH = Vetting(TH_REVIEWED, TH_RECOGNIZED, TH_PUBLISHED)

THANH_HOA: tuple[PracticeSpec, ...] = (
    PracticeSpec(
        "TH-LAMSON-PROD-MODEL",
        PracticeKind.MODEL,
        thanh_hoa.LAM_SON,
        "leader.lamson",
        TH_PROPOSED,
        T(
            vi="Tập thể Bộ phận sản xuất Công ty TNHH Lam Sơn: dẫn đầu Cụm 6 tháng đầu năm 2024",
            en="Production division of Lam Son Company Limited: leading the cluster in the "
            "first half of 2024",
        ),
        _demo(
            T(
                vi="Tập thể vượt kế hoạch sản xuất 6 tháng, không để xảy ra tai nạn lao động.",
                en="A collective that beat its 6-month production plan with no labour accident.",
            )
        ),
        T(
            vi="<p>Đơn vị Trưởng cụm đứng đầu bảng xếp hạng sơ kết 6 tháng. Cách làm:</p>"
            "<ul><li>giao chỉ tiêu đến từng tổ;</li><li>họp giao ban hằng tuần;</li>"
            "<li>biểu dương kịp thời người lao động có thành tích.</li></ul>",
            en="<p>The leading unit topped the 6-month ranking. How:</p>"
            "<ul><li>targets set for every team;</li><li>a weekly briefing;</li>"
            "<li>workers' results praised promptly.</li></ul>",
        ),
        ("production",),
        PUBLISHED_TH,
        sources=("TH-LAMSON-PROD",),
        facts={"subject": Subject.COLLECTIVE},
    ),
    PracticeSpec(
        "TH-WATER-DMA",
        PracticeKind.INITIATIVE,
        "TH-WATER",
        "officer.watersupply",
        TH_PROPOSED,
        T(
            vi="Sáng kiến phân vùng tách mạng để giảm tỷ lệ thất thoát nước sạch",
            en="Initiative: metered district zones to cut clean-water losses",
        ),
        _demo(
            T(
                vi="Một trong các sáng kiến được hội đồng khoa học của đơn vị công nhận năm 2024.",
                en="One of the initiatives the company's science council recognized in 2024.",
            )
        ),
        T(
            vi="<p>Chia mạng cấp nước thành các vùng có đồng hồ tổng, so sánh lượng nước vào "
            "với lượng nước bán để khoanh vùng rò rỉ.</p>",
            en="<p>The network is split into zones with a master meter each; water in is "
            "compared with water sold to find the leaks.</p>",
        ),
        ("innovation", "production"),
        PUBLISHED_TH,
        facts={"influence_scope": InfluenceScope.LOCAL},
        texts={
            "effect": T(
                vi="Áp dụng tại các vùng cấp nước của đơn vị; rút ngắn thời gian phát hiện rò "
                "rỉ (số liệu demo).",
                en="Applied in the company's supply zones; leaks found sooner (demo figures).",
            )
        },
    ),
    PracticeSpec(
        "TH-BSM-SAFETY",
        PracticeKind.EXPERIENCE,
        thanh_hoa.BAC_SONG_MA,
        "officer.bacsongma",
        TH_PROPOSED,
        T(
            vi="Huấn luyện an toàn lao động tại hiện trường cho công nhân vận hành trạm bơm",
            en="On-site safety training for pumping-station operators",
        ),
        _demo(
            T(
                vi="Huấn luyện ngay tại trạm bơm trước mùa mưa bão, theo từng ca vận hành.",
                en="Training at the pumping stations before the storm season, shift by shift.",
            )
        ),
        T(
            vi="<p>Mỗi ca vận hành được huấn luyện tại chỗ về điện, cơ khí và xử lý sự cố; "
            "kiểm tra lại sau mỗi đợt.</p>",
            en="<p>Each operating shift is trained on site in electrical, mechanical and "
            "incident work, and checked after each round.</p>",
        ),
        ("safety", "skills"),
        PUBLISHED_TH,
    ),
    PracticeSpec(
        "TH-MEDLATEC-SERVICE",
        PracticeKind.MODEL,
        "TH-MEDLATEC",
        "officer.medlatec",
        TH_PROPOSED,
        T(
            vi="Tập thể MEDLATEC Thanh Hóa: phục vụ người bệnh tận tâm",
            en="MEDLATEC Thanh Hoa collective: devoted care for patients",
        ),
        _demo(
            T(
                vi="Tập thể có nhiều sáng kiến và thành tích trong 6 tháng đầu năm 2024.",
                en="A collective with several initiatives and results in the first half of 2024.",
            )
        ),
        T(
            vi="<p>Lấy mẫu xét nghiệm tại nhà, trả kết quả trực tuyến.</p>",
            en="<p>Samples taken at home, results returned online.</p>",
        ),
        ("workers_welfare",),
        Vetting(TH_REVIEWED, TH_RECOGNIZED),
        facts={"subject": Subject.COLLECTIVE},
    ),
    PracticeSpec(
        "TH-NSM-IRRIGATION",
        PracticeKind.EXPERIENCE,
        "TH-NAMSONGMA",
        "officer.namsongma",
        TH_PROPOSED,
        T(
            vi="Vận hành tưới, tiêu theo lịch thời vụ gắn với trực phòng, chống thiên tai",
            en="Irrigation and drainage to the crop calendar with a standing disaster watch",
        ),
        _demo(
            T(
                vi="Kinh nghiệm phục vụ sản xuất vụ Mùa của một công ty thủy lợi.",
                en="An irrigation company's way of serving the main-season crop.",
            )
        ),
        T(
            vi="<p>Lịch vận hành lập cùng các hợp tác xã; trực 24/24 giờ khi có bão.</p>",
            en="<p>The operating calendar is drawn up with the cooperatives; a round-the-clock "
            "watch in storms.</p>",
        ),
        ("production", "environment"),
        Vetting(dt.date(2024, 12, 20)),
    ),
    PracticeSpec(
        "TH-SONGCHU-CANALS",
        PracticeKind.EXPERIENCE,
        "TH-SONGCHU",
        "officer.songchu",
        TH_PROPOSED,
        T(
            vi="Giao khoán quản lý kênh mương cho tổ thủy nông cơ sở",
            en="Canal upkeep contracted to local irrigation teams",
        ),
        _demo(
            T(
                vi="Đề xuất được trả lại để bổ sung số liệu hiệu quả.",
                en="Returned to add figures on its effect.",
            )
        ),
        T(
            vi="<p>Tổ thủy nông nhận khoán nạo vét, phát quang kênh; nghiệm thu hằng quý.</p>",
            en="<p>Local teams take on dredging and clearing the canals; accepted every "
            "quarter.</p>",
        ),
        ("production",),
        Vetting(TH_REVIEWED, returned=True),
    ),
    PracticeSpec(
        "TH-URBANENV-COLLECTION",
        PracticeKind.INITIATIVE,
        "TH-URBANENV",
        "officer.urbanenv",
        dt.date(2025, 1, 10),  # for the year-end review
        T(
            vi="Sáng kiến thu gom rác thải sinh hoạt theo giờ cố định tại khu dân cư",
            en="Initiative: household waste collected at fixed hours in residential areas",
        ),
        _demo(
            T(
                vi="Đề xuất cho tổng kết năm 2024, chờ xét.",
                en="Put forward for the 2024 year-end review, awaiting review.",
            )
        ),
        T(
            vi="<p>Xe thu gom đến đúng giờ đã thông báo; người dân không để rác qua đêm.</p>",
            en="<p>Collection vans come at the announced hours; no waste is left out "
            "overnight.</p>",
        ),
        ("environment", "community"),
        Vetting(),
        facts={"influence_scope": InfluenceScope.UNIT},
        texts={
            "effect": T(
                vi="Thử nghiệm tại một số phường (số liệu demo).",
                en="Tried in a few wards (demo figures).",
            )
        },
    ),
)

#: Other member units replicate the published models: (practice, unit, adopted on,
#: (outcome, rating, reported on) or None: the trial is still running).
TH_ADOPTIONS: tuple[tuple[str, str, dt.date, tuple[str, int, dt.date] | None], ...] = (
    ("TH-BSM-SAFETY", "TH-NAMSONGMA", dt.date(2024, 9, 5), ("adopted", 5, dt.date(2024, 12, 27))),
    ("TH-BSM-SAFETY", "TH-SONGCHU", dt.date(2024, 9, 10), ("partly", 4, dt.date(2024, 12, 27))),
    ("TH-LAMSON-PROD-MODEL", "TH-WATER", dt.date(2024, 10, 1), None),
)
TH_REPORT = {
    "adopted": "Đã áp dụng tại tất cả các trạm bơm; không có sự cố mất an toàn (demo).",
    "partly": "Đã áp dụng tại một phần các trạm; phần còn lại trong năm 2025 (demo).",
}


# --- Case 4: the light-industry special action (Chinese, with English) -----------------

LI_PROPOSED = dt.date(2024, 5, 10)
LI_REVIEWED = dt.date(2024, 5, 20)
LI_RECOGNIZED = dt.date(2024, 5, 28)
LI_PUBLISHED = dt.date(2024, 6, 6)  # at the Danyang exchange
PUBLISHED_LI = Vetting(LI_REVIEWED, LI_RECOGNIZED, LI_PUBLISHED)
LI_RECOGNITION = {
    "number": "LIGHT-TU [2024] No. 8",
    "date": LI_RECOGNIZED,
    "issuer": T(en="China Light Industry Federation of Trade Unions", zh_hans="中国轻工业工会"),
    "title": T(
        en="On the first batch of replicable experience of the industrial workforce reform "
        "special action (demo number and date, not the real document)",
        zh_hans="关于产业工人队伍建设改革专项行动第一批可复制可推广经验的通知（演示编号和日期）",
    ),
    "signer_title": T(en="Chairman", zh_hans="主席"),
}

#: The experiences of the 8 presenting units the report does not name (numbers 2 to 9).
_PRESENTED: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "劳模和工匠人才创新工作室联盟",
        "Alliances of model-worker and craftsman studios",
        ("innovation",),
    ),
    ("产业工人职业发展通道", "Career ladders for industrial workers", ("skills",)),
    ("班组长轮训制度", "Rotating training of team leaders", ("skills",)),
    ("职工技能竞赛常态化", "Skills contests held all year round", ("skills", "production")),
    ("新就业形态劳动者入会", "New-form workers brought into the union", ("union_work",)),
    ("首席技师制度", "Chief technician posts", ("skills", "innovation")),
    ("职工创新成果转化奖励", "Rewards for putting workers' innovations to use", ("innovation",)),
    ("职工代表大会民主管理", "Workers' congresses in enterprise management", ("union_work",)),
)


def _light_industry() -> tuple[PracticeSpec, ...]:
    danyang, linhai = light_industry.DANYANG, light_industry.LINHAI
    staff = "staff.lightindustry"
    specs = [
        PracticeSpec(
            "LI-DANYANG-ORDER-TRAINING",
            PracticeKind.EXPERIENCE,
            danyang,
            "officer.danyang",
            LI_PROPOSED,
            T(
                zh_hans="眼镜产业工人“订单式”技能培训",
                en="Order-based skills training for eyewear workers",
            ),
            _demo(
                T(
                    zh_hans="丹阳市总工会在交流会上介绍的经验之一。",
                    en="One of the experiences the Danyang federation presented at the exchange.",
                )
            ),
            T(
                zh_hans="<p>企业提出岗位技能需求，工会联合职业院校按“订单”开班，培训合格后晋升技能等级。</p>",
                en="<p>Enterprises state the skills their posts need; the union runs courses "
                "with vocational schools to that order, and a pass raises the skill grade.</p>",
            ),
            ("skills",),
            PUBLISHED_LI,
            sources=(danyang, "LIGHT-DANYANG-E1"),
        ),
        PracticeSpec(
            "LI-DANYANG-TEAM",
            PracticeKind.MODEL,
            danyang,
            "officer.danyang",
            LI_PROPOSED,
            T(
                zh_hans="丹阳眼镜企业一号镜片加工班组（工人先锋号）",
                en="Lens processing team of Danyang eyewear enterprise No. 1 (Worker Pioneer)",
            ),
            _demo(
                T(
                    zh_hans="专项行动试点班组：全员技能等级提升，签订师徒结对协议。",
                    en="A pilot team of the special action: every worker up a skill grade, "
                    "master-apprentice pairs signed.",
                )
            ),
            T(
                zh_hans="<p>班组以师带徒方式培养青年职工，开展岗位练兵。</p>",
                en="<p>The team trains its young workers through master-apprentice pairs and "
                "on-the-job drills.</p>",
            ),
            ("mentoring", "skills"),
            PUBLISHED_LI,
            sources=(light_industry.TEAM,),
            facts={"subject": Subject.COLLECTIVE},
        ),
        PracticeSpec(
            "LI-LINHAI-DUAL",
            PracticeKind.EXPERIENCE,
            linhai,
            "officer.linhai",
            LI_PROPOSED,
            T(
                zh_hans="产业工人“技能+学历”双提升",
                en="Skills and schooling raised together for industrial workers",
            ),
            _demo(
                T(
                    zh_hans="临海市总工会在交流会上交流的经验。",
                    en="The experience the Linhai federation exchanged at Danyang.",
                )
            ),
            T(
                zh_hans="<p>工会资助职工参加学历教育，同时取得职业技能等级证书。</p>",
                en="<p>The union pays towards workers' schooling while they earn a skill "
                "grade certificate.</p>",
            ),
            ("skills", "workers_welfare"),
            PUBLISHED_LI,
            sources=(linhai, "LIGHT-LINHAI-E1"),
        ),
    ]
    for number, (zh, en, fields) in enumerate(_PRESENTED, start=2):
        code = delegations.presenting_code(number)
        specs.append(
            PracticeSpec(
                f"LI-PRESENTING-{number:02d}",
                PracticeKind.EXPERIENCE,
                code,
                staff,
                LI_PROPOSED,
                T(zh_hans=zh, en=en),
                _demo(
                    T(
                        zh_hans=f"交流发言单位第{number}号（报告未列名）在交流会上介绍的经验。",
                        en=f"Presented at the exchange by presenting unit No. {number} (not "
                        "named in the report).",
                    )
                ),
                T(
                    zh_hans=f"<p>{zh}：试点以来的做法和成效。</p>",
                    en=f"<p>{en}: how it is done since the pilot began, and what came of it.</p>",
                ),
                fields,
                # The last one is kept recognized: the exchange did not take it up.
                PUBLISHED_LI if number < 9 else Vetting(LI_REVIEWED, LI_RECOGNIZED),
            )
        )
    return tuple(specs)


LIGHT_INDUSTRY = _light_industry()
LI_NOTE = "交流会后结合本单位实际试行（演示数据）。"
LI_REPORT = {
    "adopted": "已在本地区企业推广，参与职工技能等级普遍提升（演示数据）。",
    "partly": "部分企业采用，其余待条件具备后推广（演示数据）。",
    "abandoned": "因企业规模和工艺不同，试行后暂停（演示数据）。",
}
#: Danyang's federation takes up Linhai's experience into its follow-up plan.
DANYANG_TASK = T(
    en="Take up Linhai's skills-and-schooling experience in Danyang",
    zh_hans="在丹阳推广临海“技能+学历”双提升经验",
)


# --- Case 5: the Hunan research visit (Chinese, with English) --------------------------

MMB_RECOGNITION = {
    "number": "MMB-TU [2020] No. 15",
    "date": dt.date(2020, 11, 20),
    "issuer": T(
        zh_hans="中国机械冶金建材工会",
        en="China Machinery, Metallurgy and Building Materials Trade Union",
    ),
    "title": T(
        zh_hans="关于命名劳模创新工作室和推广师带徒经验的决定（演示编号和日期）",
        en="On naming a model-worker innovation studio and spreading master-apprentice "
        "pairs (demo number and date, not the real decision)",
    ),
    "signer_title": T(zh_hans="主席", en="Chairman"),
}
MMB_VETTING = Vetting(dt.date(2020, 10, 15), dt.date(2020, 11, 20), dt.date(2020, 11, 25))

MACHINERY: tuple[PracticeSpec, ...] = (
    PracticeSpec(
        "MMB-XIANGDIAN-STUDIO",
        PracticeKind.STUDIO,
        machinery.XIANGDIAN,
        "officer.xiangdian",
        dt.date(2020, 9, 20),
        T(zh_hans="湘电劳模创新工作室", en="Xiangdian model-worker innovation studio"),
        _demo(
            T(
                zh_hans="调研组要求搭建劳模创新平台后，由劳模领衔组建的工作室。",
                en="The studio led by a model worker, set up after the research team asked "
                "for model-worker innovation platforms.",
            )
        ),
        T(
            zh_hans="<p>工作室围绕电机生产中的技术难题开展攻关，总结推广先进操作法，"
            "开展技能培训和师带徒。</p>",
            en="<p>The studio tackles technical problems of motor production, sums up and "
            "spreads advanced operating methods, trains and pairs masters with "
            "apprentices.</p>",
        ),
        ("innovation", "skills"),
        MMB_VETTING,
        year=2020,
        facts={
            # By position: the report names no one (no personal data in the demo).
            "lead_person": "领衔劳模（报告未列名）",
            "team_size": 12,
            "studio_level": StudioLevel.PROVINCIAL,
            "funding_amount": Decimal(80000),
            "funding_currency": "CNY",
        },
        texts={
            "team": T(
                zh_hans="装配、绕线和试验工段的技术骨干与青年职工（演示数据）",
                en="Lead technicians and young workers of assembly, winding and testing "
                "(demo data)",
            )
        },
        named_in_report=True,
    ),
    PracticeSpec(
        "MMB-XIANGDIAN-PAIRS",
        PracticeKind.EXPERIENCE,
        machinery.XIANGDIAN,
        "officer.xiangdian",
        dt.date(2020, 9, 20),
        T(
            zh_hans="劳模工作室师带徒结对",
            en="Master-apprentice pairs of the model-worker studio",
        ),
        _demo(
            T(
                zh_hans="劳模和技术骨干与青年职工签订结对协议，明确目标，年终考评。",
                en="Model workers and lead technicians sign pairs with young workers, with "
                "goals reviewed at year-end.",
            )
        ),
        T(
            zh_hans="<p>每对师徒签订协议，约定带教内容和考核目标。</p>",
            en="<p>Each pair signs an agreement on what is taught and how it is assessed.</p>",
        ),
        ("mentoring", "skills"),
        MMB_VETTING,
        year=2020,
        named_in_report=True,
    ),
)
MMB_ADOPTIONS: tuple[tuple[str, str, dt.date, tuple[str, int, dt.date] | None], ...] = (
    (
        "MMB-XIANGDIAN-STUDIO",
        "MMB-XIANGGANG",
        dt.date(2020, 12, 10),
        ("adopted", 5, dt.date(2021, 6, 30)),
    ),
    (
        "MMB-XIANGDIAN-STUDIO",
        "MMB-HUNAN-BM",
        dt.date(2020, 12, 10),
        ("partly", 3, dt.date(2021, 6, 30)),
    ),
    (
        "MMB-XIANGDIAN-PAIRS",
        "MMB-XIANGGANG",
        dt.date(2020, 12, 1),
        ("adopted", 4, dt.date(2021, 6, 30)),
    ),
)
MMB_REPORT = {
    "adopted": "已组建工作室并开展攻关和带徒（演示数据）。",
    "partly": "已在一个车间试行（演示数据）。",
}
#: The union spreads the pairs through its own follow-up plan (a key task).
MMB_TASK = T(
    zh_hans="在系统内推广湘电师带徒结对经验", en="Spread Xiangdian's master-apprentice pairs"
)


class PracticeLoader:
    def __init__(self, units: Mapping[str, Unit], users: Mapping[str, User]) -> None:
        self.units = units
        self.users = users
        self.practices: dict[str, Practice] = {}
        self.fields: dict[str, WorkField] = {}

    def load(
        self,
        *,
        actor: Any,
        campaigns: Mapping[str, Campaign],
        meetings: Mapping[str, Meeting],
        plans: Mapping[str, WorkPlan],
    ) -> int:
        """Load the three cases' practices and adoptions (before the past plans are
        closed: two adoptions put a key task in a plan). Returns how many practices."""
        ensure_fields()  # the migration makes them; a database built without it, here
        self.fields = {f.code: f for f in WorkField.objects.all()}
        th_point = campaigns["TH-C18-2024"].review_points.get(code="h1")
        li_point = campaigns[light_industry.SPECIAL_ACTION.code].review_points.get(code="x2024")
        th_plan = plans[thanh_hoa.H2_PLAN]
        th = self.decision(actor, thanh_hoa.COMMITTEE, TH_RECOGNITION)
        replicate = Task.objects.filter(plan=th_plan, code="H2-5")
        merit = AwardGrant.objects.filter(decision__number="3012/QD-UBND")
        for spec in THANH_HOA:
            owner = self.units[spec.owner]
            self.practice(
                spec,
                th,
                "staff.thanhhoa",
                TH_ZONE,
                review_point=th_point,
                meeting=meetings[thanh_hoa.CONFERENCE],
                tasks=list(replicate),
                award_grants=list(merit.filter(unit=owner)),
            )
        for key, code, adopted_on, report in TH_ADOPTIONS:
            self.adopt(key, code, OFFICER[code], adopted_on, "", report, TH_REPORT, TH_ZONE)

        li = self.decision(actor, light_industry.ROOT, LI_RECOGNITION)
        pioneer = AwardGrant.objects.filter(unit=self.units[light_industry.TEAM])
        follow_up = Task.objects.filter(plan=plans[light_industry.PLAN_KEY], code="DY-1")
        for spec in LIGHT_INDUSTRY:
            self.practice(
                spec,
                li,
                "staff.lightindustry",
                CN_ZONE,
                review_point=li_point,
                meeting=meetings[light_industry.EXCHANGE.key],
                award_grants=list(pioneer) if spec.kind == PracticeKind.MODEL else [],
                tasks=list(follow_up) if spec.owner == light_industry.DANYANG else [],
            )
        self.light_industry_adoptions(plans[light_industry.PLAN_KEY])

        mmb = self.decision(actor, machinery.ROOT, MMB_RECOGNITION)
        visit = meetings[machinery.VISIT.key]
        mmb_plan = plans[machinery.PLAN_KEY]
        for spec, code in zip(MACHINERY, ("F1", "F2"), strict=True):
            self.practice(
                spec,
                mmb,
                "staff.machinery",
                CN_ZONE,
                meeting=visit,
                tasks=list(Task.objects.filter(plan=mmb_plan, code=code)),
            )
        for key, code, adopted_on, report in MMB_ADOPTIONS:
            self.adopt(key, code, "staff.machinery", adopted_on, "", report, MMB_REPORT, CN_ZONE)
        self.adopt(
            "MMB-XIANGDIAN-PAIRS",
            machinery.ROOT,
            "staff.machinery",
            dt.date(2020, 12, 1),
            "",
            None,
            MMB_REPORT,
            CN_ZONE,
            plan=mmb_plan,
            task_title=MMB_TASK,
        )
        return len(self.practices)

    def decision(self, actor: Any, owner: str, spec: Mapping[str, Any]) -> Decision:
        texts = {k: v for k, v in spec.items() if k not in ("number", "date")}
        return decision_create(
            actor=actor,
            owner_unit=self.units[owner],
            number=spec["number"],
            date=spec["date"],
            source_language=source_of(*texts.values()),
            **texts,
        )

    def practice(
        self, spec: PracticeSpec, decision: Decision, vetter: str, zone: str, **links: Any
    ) -> Practice:
        """Propose (the unit's officer or the committee's staff, on the day), then the
        steps of ``spec.vetting``, each by the staff of the lead body on its day."""
        with clock_at(spec.proposed_on, zone, 15):
            practice = practice_propose(
                actor=self.users[spec.proposer],
                owner_unit=self.units[spec.owner],
                kind=spec.kind,
                year=spec.year,
                source_language=source_of(spec.title, spec.summary, spec.body),
                title=spec.title,
                summary=spec.summary,
                body=spec.body,
                source_units=[self.units[code] for code in spec.sources or (spec.owner,)],
                work_fields=[self.fields[code] for code in spec.fields],
                is_demo=True,
                **spec.facts,
                **spec.texts,
                **links,
            )
        staff = self.users[vetter]
        vetting = spec.vetting
        if vetting.reviewed:
            with clock_at(vetting.reviewed, zone, 10):
                practice = practice_transition(
                    actor=staff,
                    practice=practice,
                    name="review",
                    assessment=Assessment.REVISE if vetting.returned else Assessment.RECOMMEND,
                    comment=_REVIEW_COMMENT[practice.source_language][vetting.returned],
                )
                if vetting.returned:
                    practice = practice_transition(
                        actor=staff,
                        practice=practice,
                        name="return",
                        comment=_RETURN_COMMENT[practice.source_language],
                    )
        if vetting.recognized:
            with clock_at(vetting.recognized, zone, 16):
                practice = practice_transition(
                    actor=staff, practice=practice, name="recognize", decision=decision
                )
        if vetting.published:
            with clock_at(vetting.published, zone, 9):
                practice = practice_transition(actor=staff, practice=practice, name="publish")
        self.practices[spec.key] = practice
        return practice

    def adopt(
        self,
        key: str,
        unit: str,
        username: str,
        adopted_on: dt.date,
        note: str,
        report: tuple[str, int, dt.date] | None,
        texts: Mapping[str, str],
        zone: str,
        **task: Any,
    ) -> None:
        user = self.users[username]
        with clock_at(adopted_on, zone, 10):
            adoption = adoption_create(
                actor=user,
                practice=self.practices[key],
                unit=self.units[unit],
                adopted_on=adopted_on,
                note=note,
                **task,
            )
        if report is not None:
            outcome, rating, reported_on = report
            with clock_at(reported_on, zone, 16):
                adoption_report(
                    actor=user,
                    adoption=adoption,
                    outcome=outcome,
                    rating=rating,
                    report=texts[outcome],
                    reported_on=reported_on,
                )

    def light_industry_adoptions(self, danyang_plan: WorkPlan) -> int:
        """After the exchange, the 42 exchanging federations (Linhai's among them) and the
        other presenting units take up some of the published experiences: two to six
        each, adopted in the summer of 2024; most report back by mid-2025 (adopted, partly
        or abandoned, with a rating). Danyang's federation takes up Linhai's experience
        with a key task in its follow-up plan."""
        rng = random.Random(SEED)
        published = [
            spec.key
            for spec in LIGHT_INDUSTRY
            if spec.vetting.published and spec.kind == PracticeKind.EXPERIENCE
        ]
        sources = {spec.key: set(spec.sources or (spec.owner,)) for spec in LIGHT_INDUSTRY}
        adopters = [
            light_industry.LINHAI,
            *(delegations.exchanging_code(n) for n in range(2, delegations.EXCHANGING_COUNT + 1)),
            *(delegations.presenting_code(n) for n in range(2, delegations.PRESENTING_COUNT + 1)),
        ]
        made = 0
        for code in adopters:
            choices = [key for key in published if code not in sources[key]]
            for key in rng.sample(choices, rng.randint(2, 6)):
                adopted_on = LI_PUBLISHED + dt.timedelta(days=rng.randint(14, 110))
                report = None
                if rng.random() < 0.85:
                    outcome = rng.choices(("adopted", "partly", "abandoned"), (6, 3, 1))[0]
                    low, high = {"adopted": (4, 5), "partly": (2, 4), "abandoned": (1, 2)}[outcome]
                    reported_on = adopted_on + dt.timedelta(days=rng.randint(120, 300))
                    report = (outcome, rng.randint(low, high), reported_on)
                username = (
                    "officer.linhai" if code == light_industry.LINHAI else ("staff.lightindustry")
                )
                self.adopt(key, code, username, adopted_on, LI_NOTE, report, LI_REPORT, CN_ZONE)
                made += 1
        self.adopt(
            "LI-LINHAI-DUAL",
            light_industry.DANYANG,
            "officer.danyang",
            dt.date(2024, 7, 10),
            LI_NOTE,
            ("adopted", 4, dt.date(2024, 12, 20)),
            LI_REPORT,
            CN_ZONE,
            plan=danyang_plan,
            task_title=DANYANG_TASK,
        )
        return made + 1


_REVIEW_COMMENT = {
    "vi": {
        False: "Đủ điều kiện, đề nghị công nhận là điển hình tiên tiến.",
        True: "Cần bổ sung số liệu về hiệu quả trước khi đề nghị công nhận.",
    },
    "zh-hans": {
        False: "经验可复制可推广，建议认定。",
        True: "请补充成效数据后再报。",
    },
    "en": {False: "Recommended for recognition.", True: "Add figures on its effect first."},
}
_RETURN_COMMENT = {
    "vi": "Trả lại để bổ sung số liệu hiệu quả.",
    "zh-hans": "退回补充成效数据。",
    "en": "Returned to add figures on its effect.",
}
