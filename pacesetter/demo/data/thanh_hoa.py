"""Case 1: Emulation Cluster No. 18, Thanh Hoa province (Vietnam), 2024.

Set up by Decision No. 1197/QD-UBND of 27 March 2024 of the Chairman of the provincial
People's Committee: 7 provincial enterprises of 2 types; Lam Son leads the cluster for
2024 and Bac Song Ma is deputy.

Assumptions (not stated in the report): the enterprises hang directly under the
province; the irrigation companies are 100% state-owned, MEDLATEC Thanh Hoa is private,
Lam Son's ownership and industry are left blank; councils seat from 1 January 2024.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pacesetter.accounts.models import Role
from pacesetter.bodies.models import BodyKind, MemberPosition
from pacesetter.clusters.models import LeadershipRole
from pacesetter.demo.specs import (
    AccountSpec,
    BodyPollSpec,
    BodySpec,
    CaseSpec,
    ClusterSpec,
    DecisionSpec,
    GrantSpec,
    LeaderSpec,
    SeatSpec,
    T,
    Txt,
    UnitSpec,
    english,
)
from pacesetter.units.models import OwnershipType

AREA = T(vi="Thanh Hóa", en="Thanh Hoa")
DECIDED = date(2024, 3, 27)
COUNCILS_FROM = date(2024, 1, 1)

ROOT = "TH"
COMMITTEE = "TH-ERC"
LAM_SON = "TH-LAMSON"
BAC_SONG_MA = "TH-BACSONGMA"
CLUSTER = "TH-C18"
CLUSTER_BODY = "TH-C18-MEMBERS"
CONFERENCE = "TH-C18-2024-H1-CONFERENCE"
H2_PLAN = "TH-C18-2024-H2"


def _llc(code: str, name: Txt, short: Txt, ownership: str = "", industry: Txt = "") -> UnitSpec:
    return UnitSpec(
        code,
        name,
        "llc-single-member",
        short_name=short,
        ownership_type=ownership,
        industry=industry,
        area=AREA,
    )


def _jsc(code: str, name: Txt, short: Txt, industry: Txt) -> UnitSpec:
    return UnitSpec(
        code,
        name,
        "jsc-state-majority",
        short_name=short,
        ownership_type=OwnershipType.STATE_MAJORITY,
        industry=industry,
        area=AREA,
    )


IRRIGATION = T(vi="Quản lý khai thác công trình thủy lợi", en="Irrigation works management")

# Lam Son's emulation and reward council seats its union and departments, each
# following its own field of work.
LAM_SON_DEPARTMENTS = (
    UnitSpec(
        "TH-LAMSON-UNION",
        T(vi="Công đoàn Công ty TNHH Lam Sơn", en="Lam Son Company Limited trade union"),
        "grassroots-union",
    ),
    UnitSpec(
        "TH-LAMSON-PROD",
        T(
            vi="Công ty TNHH Lam Sơn — Bộ phận sản xuất",
            en="Lam Son Company Limited — production division",
        ),
        "department",
    ),
    UnitSpec(
        "TH-LAMSON-ADMIN",
        T(
            vi="Công ty TNHH Lam Sơn — Phòng Hành chính - Nhân sự",
            en="Lam Son Company Limited — administration and personnel department",
        ),
        "department",
    ),
)

# The 7 member units in the order of the report, with the short names used for
# their officer accounts.
ENTERPRISES: tuple[tuple[UnitSpec, str], ...] = (
    (
        _llc(
            "TH-NAMSONGMA",
            T(
                vi="Công ty TNHH MTV Thủy lợi Nam Sông Mã",
                en="Nam Song Ma Irrigation One Member LLC",
            ),
            T(vi="Nam Sông Mã", en="Nam Song Ma"),
            OwnershipType.STATE,
            IRRIGATION,
        ),
        "namsongma",
    ),
    (
        _jsc(
            "TH-URBANENV",
            T(
                vi="Công ty CP Môi trường và Công trình đô thị Thanh Hóa",
                en="Thanh Hoa Urban Environment and Construction JSC",
            ),
            T(vi="Môi trường đô thị", en="Urban Environment"),
            T(vi="Môi trường và công trình đô thị", en="Urban environment and construction"),
        ),
        "urbanenv",
    ),
    (
        _jsc(
            "TH-WATER",
            T(vi="Công ty CP Cấp nước Thanh Hóa", en="Thanh Hoa Water Supply JSC"),
            T(vi="Cấp nước", en="Water Supply"),
            T(vi="Cấp nước", en="Water supply"),
        ),
        "watersupply",
    ),
    (
        _llc(
            "TH-SONGCHU",
            T(vi="Công ty TNHH MTV Sông Chu", en="Song Chu Company Limited"),
            T(vi="Sông Chu", en="Song Chu"),
            OwnershipType.STATE,
            IRRIGATION,
        ),
        "songchu",
    ),
    (
        _llc(
            BAC_SONG_MA,
            T(
                vi="Công ty TNHH MTV Thủy lợi Bắc Sông Mã",
                en="Bac Song Ma Irrigation Company Limited",
            ),
            T(vi="Bắc Sông Mã", en="Bac Song Ma"),
            OwnershipType.STATE,
            IRRIGATION,
        ),
        "bacsongma",
    ),
    (
        replace(
            _llc(
                LAM_SON,
                T(vi="Công ty TNHH Lam Sơn", en="Lam Son Company Limited"),
                T(vi="Lam Sơn", en="Lam Son"),
            ),
            children=LAM_SON_DEPARTMENTS,
        ),
        "lamson",
    ),
    (
        _llc(
            "TH-MEDLATEC",
            T(vi="Công ty TNHH MEDLATEC Thanh Hóa", en="MEDLATEC Thanh Hoa Company Limited"),
            T(vi="MEDLATEC Thanh Hóa", en="MEDLATEC Thanh Hoa"),
            OwnershipType.PRIVATE,
            T(vi="Xét nghiệm và chẩn đoán y khoa", en="Medical testing and diagnostics"),
        ),
        "medlatec",
    ),
)

ROOT_UNIT = UnitSpec(
    ROOT,
    T(vi="Tỉnh Thanh Hóa", en="Thanh Hoa Province"),
    "province",
    short_name=T(vi="Thanh Hóa", en="Thanh Hoa"),
    ownership_type=OwnershipType.GOVERNMENT,
    area=AREA,
    children=(
        UnitSpec(
            COMMITTEE,
            T(
                vi="Ban Thi đua - Khen thưởng tỉnh Thanh Hóa",
                en="Thanh Hoa Provincial Emulation and Reward Committee",
            ),
            "committee",
            short_name=T(
                vi="Ban Thi đua - Khen thưởng tỉnh", en="Provincial Emulation and Reward Committee"
            ),
            ownership_type=OwnershipType.GOVERNMENT,
            area=AREA,
        ),
        *(unit for unit, _ in ENTERPRISES),
    ),
)

DECISION = DecisionSpec(
    key="TH-1197",
    number="1197/QĐ-UBND",
    date=DECIDED,
    issuer=T(
        vi="Chủ tịch UBND tỉnh Thanh Hóa",
        en="Chairman of the Thanh Hoa Provincial People's Committee",
    ),
    recorded_by=COMMITTEE,
    title=T(
        vi="Về việc chia cụm, khối thi đua của tỉnh Thanh Hóa, trong đó có Cụm thi đua số 18",
        en="On the emulation clusters and blocks of Thanh Hoa province, "
        "including Emulation Cluster No. 18",
    ),
    signer_title=T(vi="Chủ tịch", en="Chairman"),
    file_name="1197-QD-UBND.pdf",
    file_lines=(
        "THANH HOA PROVINCIAL PEOPLE'S COMMITTEE",
        "No. 1197/QD-UBND                        Thanh Hoa, 27 March 2024",
        "",
        "DECISION",
        "of the Chairman of the Thanh Hoa Provincial People's Committee",
        "on the emulation clusters and blocks of the province",
        "",
        "Emulation Cluster No. 18 has 7 member units:",
        "1. Nam Song Ma Irrigation One Member LLC",
        "2. Thanh Hoa Urban Environment and Construction JSC",
        "3. Thanh Hoa Water Supply JSC",
        "4. Song Chu Company Limited",
        "5. Bac Song Ma Irrigation Company Limited",
        "6. Lam Son Company Limited",
        "7. MEDLATEC Thanh Hoa Company Limited",
        "",
        "Pacesetter demo: a placeholder standing in for the signed scan.",
    ),
)

CLUSTER_18 = ClusterSpec(
    code=CLUSTER,
    name=T(vi="Cụm thi đua số 18", en="Emulation Cluster No. 18"),
    owner=COMMITTEE,
    decision=DECISION.key,
    description=T(
        vi="Doanh nghiệp của tỉnh thuộc hai loại hình: công ty TNHH một thành viên và công ty "
        "cổ phần có vốn nhà nước từ 50% đến 100%. Các đơn vị đăng ký nội dung thi đua; Hội "
        "đồng Thi đua - Khen thưởng của mỗi đơn vị theo dõi, kiểm tra, động viên và đánh giá.",
        en="Provincial enterprises of two types: single-member LLCs and joint-stock "
        "companies with 50–100% state capital. Units register emulation content; each unit's "
        "Emulation & Reward Council monitors, inspects, encourages and evaluates.",
    ),
    members=tuple(unit.code for unit, _ in ENTERPRISES),
    members_from=DECIDED,
    leaders=(
        LeaderSpec(2024, LeadershipRole.LEADER, LAM_SON, DECIDED),
        LeaderSpec(2024, LeadershipRole.DEPUTY, BAC_SONG_MA, DECIDED),
    ),
)

#: The provincial council's seats (demo data: role accounts, not real people): a chair,
#: two vice-chairs, a secretary (the committee's) and four members, as a provincial
#: Emulation and Reward Council seats the province's leaders and its departments' heads.
#: ``council.thanhhoa`` keeps its seat from the first demo.
COUNCIL_SEATS: tuple[tuple[str, str], ...] = (
    ("council.thanhhoa.chair", MemberPosition.CHAIR),
    ("council.thanhhoa.vice1", MemberPosition.VICE_CHAIR),
    ("council.thanhhoa.vice2", MemberPosition.VICE_CHAIR),
    ("council.thanhhoa.secretary", MemberPosition.SECRETARY),
    ("council.thanhhoa", MemberPosition.MEMBER),
    ("council.thanhhoa.member2", MemberPosition.MEMBER),
    ("council.thanhhoa.member3", MemberPosition.MEMBER),
    ("council.thanhhoa.member4", MemberPosition.MEMBER),
)

#: Where each Vietnamese name comes from ("unconfirmed: ..." when it is rendered from the
#: English of the product brief and not yet checked against the decision's text).
NAME_NOTES: dict[str, str] = {
    CLUSTER: "Decision 1197/QĐ-UBND of 27/3/2024 (product brief)",
    BAC_SONG_MA: "baothanhhoa.vn, 18/8/2025",
    "TH-NAMSONGMA": "unconfirmed: rendered from the brief's English",
    "TH-URBANENV": "unconfirmed: rendered from the brief's English",
    "TH-WATER": "unconfirmed: rendered from the brief's English",
    "TH-SONGCHU": "unconfirmed: rendered from the brief's English",
    LAM_SON: "unconfirmed: rendered from the brief's English",
    "TH-MEDLATEC": "unconfirmed: rendered from the brief's English",
    "TH-LAMSON-PROD": "demo placeholder: a department the report does not name",
    "TH-LAMSON-ADMIN": "demo placeholder: a department the report does not name",
    CLUSTER_BODY: "demo placeholder: the cluster's member units seated as a body, so that "
    "the cluster's conference invites them and the cluster keeps a work plan (a plan belongs "
    "to a body); the name is descriptive",
    CONFERENCE: "the product brief: the 6-month review conference of 24/7/2024, every unit at "
    "or above its plan, the deputy head of the provincial Emulation & Reward Committee's "
    "speech, the tasks of the last 6 months. Demo assumptions, not from the report: the place "
    "and hours, the agenda, the speakers (by position, no names), who came, the resolution's "
    "wording, and the 6 tasks with their leads and progress",
    H2_PLAN: "demo placeholder: the plan that receives the conference's tasks; its name is "
    "descriptive",
}


def _vi(text: Txt) -> str:
    return text if isinstance(text, str) else text.get("vi", english(text))


PROVINCIAL_COUNCIL = BodySpec(
    key="TH-COUNCIL",
    name=T(
        vi="Hội đồng Thi đua - Khen thưởng tỉnh Thanh Hóa",
        en="Thanh Hoa Provincial Emulation and Reward Council",
    ),
    kind=BodyKind.COUNCIL,
    owner=COMMITTEE,
    seats=tuple(
        SeatSpec(COUNCILS_FROM, username=username, position=position)
        for username, position in COUNCIL_SEATS
    ),
)

#: The cluster's 7 member units as a body (a demo placeholder, see NAME_NOTES): its
#: conference invites them, and its plan for the last 6 months is kept by the committee's
#: staff. The leading unit chairs, the deputy leader is vice-chair.
CLUSTER_MEMBERS = BodySpec(
    key=CLUSTER_BODY,
    name=T(
        vi="Các đơn vị thành viên Cụm thi đua số 18",
        en="Member units of Emulation Cluster No. 18",
    ),
    kind=BodyKind.COMMITTEE,
    owner=COMMITTEE,
    description=T(
        vi="Bảy doanh nghiệp thành viên của Cụm, họp tại các hội nghị sơ kết, tổng kết của Cụm.",
        en="The cluster's seven member enterprises, meeting at its review conferences.",
    ),
    seats=tuple(
        SeatSpec(
            DECIDED,
            unit=unit.code,
            position={LAM_SON: MemberPosition.CHAIR, BAC_SONG_MA: MemberPosition.VICE_CHAIR}.get(
                unit.code, MemberPosition.MEMBER
            ),
        )
        for unit, _ in ENTERPRISES
    ),
)

UNIT_COUNCILS = tuple(
    BodySpec(
        key=f"{unit.code}-COUNCIL",
        name=T(
            vi=f"Hội đồng Thi đua - Khen thưởng {_vi(unit.short_name)}",
            en=f"{english(unit.short_name)} Emulation & Reward Council",
        ),
        kind=BodyKind.COUNCIL,
        owner=unit.code,
        seats=(
            (
                SeatSpec(COUNCILS_FROM, username="leader.lamson", position=MemberPosition.CHAIR),
                SeatSpec(COUNCILS_FROM, unit="TH-LAMSON-UNION", position=MemberPosition.VICE_CHAIR),
                SeatSpec(COUNCILS_FROM, unit="TH-LAMSON-PROD"),
                SeatSpec(COUNCILS_FROM, unit="TH-LAMSON-ADMIN", position=MemberPosition.SECRETARY),
            )
            if unit.code == LAM_SON
            else ()
        ),
    )
    for unit, _ in ENTERPRISES
)

CASE = CaseSpec(
    title="Thanh Hoa province (Vietnam): Emulation Cluster No. 18, 2024",
    root=ROOT_UNIT,
    time_zone="Asia/Ho_Chi_Minh",
    country="VN",
    decisions=(DECISION,),
    clusters=(CLUSTER_18,),
    bodies=(PROVINCIAL_COUNCIL, CLUSTER_MEMBERS, *UNIT_COUNCILS),
    accounts=(
        AccountSpec("staff.thanhhoa", (GrantSpec(Role.COMMITTEE_STAFF, unit=ROOT),)),
        AccountSpec(
            "leader.lamson",
            (
                GrantSpec(Role.CLUSTER_LEADER, cluster=CLUSTER),
                GrantSpec(Role.UNIT_OFFICER, unit=LAM_SON),
            ),
        ),
        *(
            AccountSpec(f"officer.{short}", (GrantSpec(Role.UNIT_OFFICER, unit=unit.code),))
            for unit, short in ENTERPRISES
            if unit.code != LAM_SON
        ),
        AccountSpec("viewer.thanhhoa", (GrantSpec(Role.VIEWER, unit=ROOT),)),
        *(
            AccountSpec(username, (GrantSpec(Role.COUNCIL_MEMBER, body="TH-COUNCIL"),))
            for username, _ in COUNCIL_SEATS
        ),
    ),
)


#: The provincial council's secret poll on its nominations for the province's emulation
#: flag (a demo assumption: the motion, the candidates and every vote are demo data).
#: Six of the eight seats vote, and they split, so the published counts name nobody.
_FLAG_LAM_SON = "Đề nghị tặng Cờ thi đua của UBND tỉnh năm 2024: Công ty TNHH Lam Sơn"
_FLAG_BAC_SONG_MA = (
    "Đề nghị tặng Cờ thi đua của UBND tỉnh năm 2024: Công ty TNHH MTV Thủy lợi Bắc Sông Mã"
)
COUNCIL_POLL = BodyPollSpec(
    body=PROVINCIAL_COUNCIL.key,
    owner=COMMITTEE,
    title="Bỏ phiếu kín của Hội đồng Thi đua - Khen thưởng tỉnh: đề nghị tặng Cờ thi đua năm "
    "2024 (the provincial council's secret vote on its 2024 emulation flag nominations)",
    options=(_FLAG_LAM_SON, _FLAG_BAC_SONG_MA),
    manager="staff.thanhhoa",
    # A demo date: the council's meeting on the year's nominations, late in the year.
    held_on=date(2024, 12, 20),
    votes={
        "council.thanhhoa.chair": {_FLAG_LAM_SON: "yes", _FLAG_BAC_SONG_MA: "yes"},
        "council.thanhhoa.vice1": {_FLAG_LAM_SON: "yes", _FLAG_BAC_SONG_MA: "yes"},
        "council.thanhhoa.vice2": {_FLAG_LAM_SON: "yes", _FLAG_BAC_SONG_MA: "abstain"},
        "council.thanhhoa.secretary": {_FLAG_LAM_SON: "no", _FLAG_BAC_SONG_MA: "yes"},
        "council.thanhhoa": {_FLAG_LAM_SON: "yes", _FLAG_BAC_SONG_MA: "no"},
        "council.thanhhoa.member2": {_FLAG_LAM_SON: "yes", _FLAG_BAC_SONG_MA: "yes"},
    },
)
