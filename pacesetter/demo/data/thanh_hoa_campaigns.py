"""Case 1, continued: Emulation Cluster No. 18's scoring tables and campaigns, 2023 and 2024.

The 2024 campaign follows the report: the pact signed at the end of March, the
6-month review conference on 24 July 2024 (every unit met or beat its plan for the
half-year, compared with the same period of 2023), its ranking published, and the
year-end review open for the last 6 months. The 2023 campaign is its predecessor, so
the 2024 sheets can show the change from the same review point of last year.

**Every figure here is a demo figure, not real data**: targets and results are
plausible orders of magnitude for provincial enterprises of this size (revenue, state
budget contribution and profit in billion VND, average worker income in million VND a
month), not the companies' published accounts. The tables' criteria and points are a
typical shape of a Vietnamese cluster scoring table, not the cluster's own document.

Assumptions: targets are the year's plan; at a review point a unit reports its results
since the start of the year (so half-year revenue is about half the year's target) and
its average worker income over the period. The three public-utility irrigation
companies have no profit plan assigned (their service is priced by the State). The
2023 campaign uses the same cluster, whose earlier founding decision is not in the
record.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

from pacesetter.campaigns.models import CampaignKind
from pacesetter.demo.specs import (
    CampaignSpec,
    CriterionSpec,
    ItemStepSpec,
    PactSpec,
    PhaseSpec,
    Result,
    ReviewPointSpec,
    ReviewRunSpec,
    T,
    TableSpec,
    TargetSpec,
    Txt,
)
from pacesetter.scoring.models import CriterionKind, Direction, Method, ZeroTarget

from .thanh_hoa import CLUSTER, COMMITTEE, LAM_SON

NAM_SONG_MA = "TH-NAMSONGMA"
URBAN_ENV = "TH-URBANENV"
WATER = "TH-WATER"
SONG_CHU = "TH-SONGCHU"
BAC_SONG_MA = "TH-BACSONGMA"
MEDLATEC = "TH-MEDLATEC"
UNITS = (NAM_SONG_MA, URBAN_ENV, WATER, SONG_CHU, BAC_SONG_MA, LAM_SON, MEDLATEC)
IRRIGATION = (NAM_SONG_MA, SONG_CHU, BAC_SONG_MA)

STAFF = "staff.thanhhoa"
LEADER = "leader.lamson"
#: The account that reports for each unit (Lam Son's officer is its leader's account).
OFFICERS = {
    NAM_SONG_MA: "officer.namsongma",
    URBAN_ENV: "officer.urbanenv",
    WATER: "officer.watersupply",
    SONG_CHU: "officer.songchu",
    BAC_SONG_MA: "officer.bacsongma",
    LAM_SON: LEADER,
    MEDLATEC: "officer.medlatec",
}

TABLE_NAME = T(
    vi="Bảng chấm điểm thi đua Cụm thi đua số 18", en="Emulation Cluster No. 18 scoring table"
)
H1_NAME = T(vi="Sơ kết 6 tháng", en="6-month review")
YEAR_NAME = T(vi="Tổng kết năm", en="Year-end review")
GROUP = CriterionKind.GROUP
QUANT = CriterionKind.QUANTITATIVE
PASS = CriterionKind.PASS_FAIL
COUNT = CriterionKind.COUNT
BILLION = T(vi="tỷ đồng", en="billion VND")


def _group(code: str, title: Txt, position: int, max_points: int) -> CriterionSpec:
    return CriterionSpec(code, title, GROUP, position, D(max_points))


# --- 2023: the table the cluster scored with last year ---------------------------------

CRITERIA_2023: tuple[CriterionSpec, ...] = (
    _group("I", T(vi="Sản xuất kinh doanh", en="Production and business"), 100, 40),
    CriterionSpec(
        "I.1",
        T(vi="Doanh thu", en="Revenue"),
        QUANT,
        110,
        D(15),
        parent="I",
        method=Method.TARGET_HALF_BEST_FULL,
        measure=BILLION,
    ),
    CriterionSpec(
        "I.2",
        T(vi="Nộp ngân sách nhà nước", en="State budget contribution"),
        QUANT,
        120,
        D(13),
        parent="I",
        method=Method.TARGET_HALF_BEST_FULL,
        measure=BILLION,
    ),
    CriterionSpec(
        "I.4",
        T(vi="Thu nhập bình quân của người lao động", en="Average worker income"),
        QUANT,
        140,
        D(12),
        parent="I",
        measure=T(vi="triệu đồng/tháng", en="million VND/month"),
    ),
    _group(
        "II",
        T(vi="An toàn lao động và điều kiện làm việc", en="Labour safety and working conditions"),
        200,
        25,
    ),
    CriterionSpec(
        "II.1",
        T(vi="Không để xảy ra tai nạn lao động nghiêm trọng", en="No serious labour accident"),
        PASS,
        210,
        D(15),
        parent="II",
    ),
    CriterionSpec(
        "II.2",
        T(vi="Số lớp huấn luyện an toàn lao động đã tổ chức", en="Safety trainings held"),
        COUNT,
        220,
        D(10),
        parent="II",
        points_per_item=D("2.5"),
        measure=T(vi="lớp", en="trainings"),
    ),
    _group(
        "III",
        T(vi="Công tác Đảng, công đoàn và thi đua", en="Party, union and emulation work"),
        300,
        35,
    ),
    CriterionSpec(
        "III.1",
        T(
            vi="Tổ chức Đảng, công đoàn được xếp loại hoàn thành tốt nhiệm vụ",
            en="Party and union organizations rated as completing their tasks well",
        ),
        PASS,
        310,
        D(15),
        parent="III",
    ),
    CriterionSpec(
        "III.2",
        T(vi="Sáng kiến được công nhận", en="Initiatives recognised"),
        COUNT,
        320,
        D(12),
        parent="III",
        points_per_item=D(3),
        measure=T(vi="sáng kiến", en="initiatives"),
    ),
    CriterionSpec(
        "III.3",
        T(vi="Phong trào thi đua được phát động", en="Emulation movements launched"),
        COUNT,
        330,
        D(8),
        parent="III",
        points_per_item=D(2),
        measure=T(vi="phong trào", en="movements"),
    ),
    CriterionSpec(
        "BONUS-1",
        T(vi="Hình thức khen thưởng nhận được trong năm", en="Awards received in the year"),
        CriterionKind.BONUS,
        900,
        D(5),
        points_per_item=D(1),
        measure=T(vi="hình thức khen thưởng", en="awards"),
        guidance=T(
            vi="Bằng khen, Cờ thi đua của tỉnh trở lên.",
            en="Certificates of merit and emulation flags from the province or above.",
        ),
    ),
    CriterionSpec(
        "PENALTY-1",
        T(vi="Vi phạm pháp luật, quy định", en="Violations of law or regulations"),
        CriterionKind.PENALTY,
        910,
        D(10),
        points_per_item=D(2),
        measure=T(vi="vi phạm", en="violations"),
        guidance=T(
            vi="Mỗi vi phạm được cơ quan thanh tra hoặc cơ quan có thẩm quyền kết luận trong kỳ.",
            en="Each violation concluded by an inspection or an authority in the period.",
        ),
    ),
    CriterionSpec(
        "VETO-1",
        T(
            vi="Vi phạm nghiêm trọng, không được xét khen thưởng",
            en="Serious violation disqualifying from awards",
        ),
        CriterionKind.VETO,
        920,
        guidance=T(
            vi="Có vụ án hình sự, tai nạn lao động nghiêm trọng làm chết người, hoặc cán bộ "
            "quản lý bị kỷ luật: đơn vị không được đề nghị khen thưởng trong năm.",
            en="A criminal case, a serious labour accident with deaths, or a disciplined "
            "executive: the unit is not proposed for any award this year.",
        ),
    ),
)

_BY_CODE_2023 = {c.code: c for c in CRITERIA_2023}


def _changed(code: str, max_points: D, points_per_item: D | None = None) -> CriterionSpec:
    """A 2023 criterion with its 2024 points."""
    spec = replace(_BY_CODE_2023[code], max_points=max_points)
    if points_per_item is not None:
        spec = replace(spec, points_per_item=points_per_item)
    return spec


# --- 2024: cloned from 2023; profit, occupational accidents and reporting added ---------

CRITERIA_2024: tuple[CriterionSpec, ...] = (
    _BY_CODE_2023["I"],
    _changed("I.1", max_points=D(12)),
    _changed("I.2", max_points=D(10)),
    CriterionSpec(
        "I.3",
        T(vi="Lợi nhuận trước thuế", en="Profit before tax"),
        QUANT,
        130,
        D(8),
        parent="I",
        measure=BILLION,
    ),
    _changed("I.4", max_points=D(10)),
    _BY_CODE_2023["II"],
    _changed("II.1", max_points=D(10)),
    _changed("II.2", max_points=D(8), points_per_item=D(2)),
    CriterionSpec(
        "II.3",
        T(vi="Tai nạn lao động", en="Occupational accidents"),
        QUANT,
        230,
        D(7),
        parent="II",
        direction=Direction.LOWER,
        measure=T(vi="vụ", en="cases"),
        zero_target=ZeroTarget.PASS_FAIL,
        guidance=T(
            vi="Chỉ tiêu bằng 0 chỉ đạt khi không xảy ra vụ tai nạn lao động nào.",
            en="A zero target is met only with no accident at all.",
        ),
    ),
    _BY_CODE_2023["III"],
    _changed("III.1", max_points=D(10)),
    _BY_CODE_2023["III.2"],
    _BY_CODE_2023["III.3"],
    CriterionSpec(
        "III.4",
        T(
            vi="Gửi báo cáo cho Cụm và Ban Thi đua - Khen thưởng đúng hạn",
            en="Reports to the cluster and the committee sent on time",
        ),
        PASS,
        340,
        D(5),
        parent="III",
    ),
    _BY_CODE_2023["BONUS-1"],
    _BY_CODE_2023["PENALTY-1"],
    _BY_CODE_2023["VETO-1"],
)

TABLE_2023 = TableSpec(
    key="TH-C18-2023",
    name=TABLE_NAME,
    owner=COMMITTEE,
    year=2023,
    criteria=CRITERIA_2023,
    author=STAFF,
    adopted_on=date(2023, 1, 6),  # a demo date, before the pact of March
    description=T(
        vi="Sản xuất kinh doanh 40 điểm, an toàn lao động 25 điểm, công tác Đảng, công đoàn và "
        "thi đua 35 điểm; điểm thưởng tối đa 5, điểm trừ tối đa 10 và một tiêu chí loại trừ.",
        en="Production and business 40, labour safety 25, party, union and emulation "
        "work 35; bonus up to 5, penalty up to 10, and a veto.",
    ),
)
TABLE_2024 = TableSpec(
    key="TH-C18-2024",
    name=TABLE_NAME,
    owner=COMMITTEE,
    year=2024,
    criteria=CRITERIA_2024,
    author=STAFF,
    cloned_from=TABLE_2023.key,
    adopted_on=date(2024, 1, 5),  # a demo date, before the pact of March
    description=T(
        vi="Nhân bản từ bảng năm 2023: bổ sung lợi nhuận, tai nạn lao động và báo cáo đúng "
        "hạn; các nhóm giữ điểm tối đa 40, 25 và 35.",
        en="Cloned from 2023: profit, occupational accidents and timely reporting "
        "added; the groups keep their maxima of 40, 25 and 35.",
    ),
)
TABLES = (TABLE_2023, TABLE_2024)


def _targets(
    revenue: str, budget: str, income: str, profit: str | None = None, accidents: str | None = None
) -> tuple[TargetSpec, ...]:
    lines = [
        TargetSpec("I.1", D(revenue)),
        TargetSpec("I.2", D(budget)),
        TargetSpec("I.4", D(income)),
    ]
    if accidents is not None:  # 2024 only
        lines.append(TargetSpec("II.3", D(accidents)))
        lines.append(
            TargetSpec("I.3", D(profit))
            if profit is not None
            else TargetSpec(
                "I.3",
                not_assigned=True,
                note="Public-utility irrigation service priced by the State: "
                "no profit plan is assigned.",
            )
        )
    return tuple(lines)


def _results(
    revenue: str,
    budget: str,
    income: str,
    *,
    trainings: int,
    initiatives: int,
    movements: int,
    awards: int = 0,
    violations: int = 0,
    profit: str | None = None,
    accidents: int | None = None,
    on_time: bool = True,
) -> dict[str, Result]:
    results: dict[str, Result] = {
        "I.1": D(revenue),
        "I.2": D(budget),
        "I.4": D(income),
        "II.1": True,
        "II.2": trainings,
        "III.1": True,
        "III.2": initiatives,
        "III.3": movements,
        "BONUS-1": awards,
        "PENALTY-1": violations,
        "VETO-1": False,
    }
    if accidents is not None:  # 2024 only
        results["II.3"] = D(accidents)
        results["III.4"] = on_time
        if profit is not None:
            results["I.3"] = D(profit)
    return results


# --- the 2023 campaign -----------------------------------------------------------------

TARGETS_2023 = {
    NAM_SONG_MA: _targets("118", "2.9", "9.0"),
    URBAN_ENV: _targets("360", "17.8", "8.7"),
    WATER: _targets("500", "42", "12.0"),
    SONG_CHU: _targets("135", "3.3", "9.3"),
    BAC_SONG_MA: _targets("106", "2.7", "8.8"),
    LAM_SON: _targets("90", "2.4", "8.4"),
    MEDLATEC: _targets("198", "11.5", "13.6"),
}

H1_2023 = {
    NAM_SONG_MA: _results("62.0", "1.58", "9.1", trainings=2, initiatives=1, movements=2),
    URBAN_ENV: _results(
        "190.5", "9.5", "8.8", trainings=3, initiatives=2, movements=2, violations=1
    ),
    WATER: _results("268.0", "23.1", "12.2", trainings=3, initiatives=3, movements=3, awards=1),
    SONG_CHU: _results("71.4", "1.80", "9.4", trainings=2, initiatives=1, movements=2),
    BAC_SONG_MA: _results("55.6", "1.40", "8.9", trainings=2, initiatives=2, movements=1),
    LAM_SON: _results("48.3", "1.30", "8.5", trainings=3, initiatives=2, movements=3, awards=1),
    MEDLATEC: _results("109.5", "6.5", "13.9", trainings=2, initiatives=3, movements=2),
}

Y_2023 = {
    NAM_SONG_MA: _results("121.5", "3.0", "9.2", trainings=4, initiatives=3, movements=3, awards=1),
    URBAN_ENV: _results(
        "366.0", "18.4", "8.9", trainings=4, initiatives=3, movements=4, violations=1
    ),
    WATER: _results("528.0", "44.9", "12.3", trainings=4, initiatives=4, movements=4, awards=2),
    SONG_CHU: _results("139.0", "3.45", "9.5", trainings=4, initiatives=2, movements=3, awards=1),
    BAC_SONG_MA: _results("108.4", "2.75", "9.0", trainings=3, initiatives=3, movements=3),
    LAM_SON: _results("93.2", "2.5", "8.6", trainings=4, initiatives=4, movements=4, awards=2),
    MEDLATEC: _results("214.0", "12.6", "14.1", trainings=3, initiatives=4, movements=3, awards=1),
}

CAMPAIGN_2023 = CampaignSpec(
    code="TH-C18-2023",
    name=T(vi="Phong trào thi đua Cụm thi đua số 18 năm 2023", en="Cluster No. 18 emulation 2023"),
    kind=CampaignKind.MOVEMENT,
    organizer=COMMITTEE,
    start=date(2023, 1, 1),
    end=date(2023, 12, 31),
    table=TABLE_2023.key,
    staff=STAFF,
    leader=LEADER,
    officers=OFFICERS,
    registration_due=date(2023, 3, 31),
    description=T(
        vi="Phong trào thi đua năm 2023 của Cụm: đăng ký chỉ tiêu trong tháng 3, sơ kết 6 "
        "tháng và tổng kết năm.",
        en="The cluster's 2023 emulation movement: targets registered in March, "
        "reviewed at 6 months and at the year's end.",
    ),
    review_points=(
        ReviewPointSpec("h1", H1_NAME, date(2023, 6, 30), date(2023, 7, 20)),
        ReviewPointSpec("y", YEAR_NAME, date(2023, 12, 31), date(2024, 1, 15)),
    ),
    clusters=(CLUSTER,),
    targets=TARGETS_2023,
    pact=PactSpec(CLUSTER, date(2023, 3, 30), LAM_SON, LEADER),
    reviews=(ReviewRunSpec("h1", H1_2023), ReviewRunSpec("y", Y_2023)),
    close=True,
)

# --- the 2024 campaign -----------------------------------------------------------------

TARGETS_2024 = {
    NAM_SONG_MA: _targets("128", "3.2", "9.6", accidents="0"),
    URBAN_ENV: _targets("395", "19.5", "9.2", profit="9.8", accidents="2"),
    WATER: _targets("540", "46", "12.8", profit="42", accidents="0"),
    SONG_CHU: _targets("146", "3.6", "9.9", accidents="0"),
    BAC_SONG_MA: _targets("115", "2.9", "9.3", accidents="0"),
    LAM_SON: _targets("98", "2.6", "8.9", profit="1.1", accidents="0"),
    MEDLATEC: _targets("225", "13", "14.5", profit="16.5", accidents="0"),
}

H1_2024 = {
    NAM_SONG_MA: _results(
        "68.5", "1.75", "9.7", trainings=2, initiatives=2, movements=2, accidents=0
    ),
    URBAN_ENV: _results(
        "207.0",
        "10.4",
        "9.3",
        profit="5.1",
        trainings=4,
        initiatives=2,
        movements=3,
        violations=1,
        accidents=1,
    ),
    WATER: _results(
        "292.0",
        "25.6",
        "13.1",
        profit="23.5",
        trainings=3,
        initiatives=4,
        movements=3,
        awards=2,
        accidents=0,
    ),
    SONG_CHU: _results(
        "77.8",
        "1.95",
        "10.0",
        trainings=3,
        initiatives=1,
        movements=2,
        accidents=0,
        on_time=False,
    ),
    BAC_SONG_MA: _results(
        "60.2", "1.52", "9.4", trainings=2, initiatives=2, movements=3, awards=1, accidents=0
    ),
    LAM_SON: _results(
        "52.9",
        "1.42",
        "9.1",
        profit="0.62",
        trainings=4,
        initiatives=3,
        movements=4,
        awards=1,
        accidents=0,
    ),
    MEDLATEC: _results(
        "126.0",
        "7.4",
        "14.9",
        profit="9.6",
        trainings=2,
        initiatives=3,
        movements=2,
        awards=3,
        accidents=0,
    ),
}

#: Cross-inspection at the 6-month review: each unit inspected by the next one.
RING = tuple(zip(UNITS, UNITS[1:] + UNITS[:1], strict=True))

H1_2024_STEPS = (
    ItemStepSpec(
        URBAN_ENV,
        "II.2",
        "inspect",
        score=D(6),
        note="One of the four sessions was a shift briefing, not a training: 3 counted.",
    ),
    ItemStepSpec(
        WATER,
        "III.2",
        "review",
        question="Attach the decisions recognising the four initiatives.",
        answer="The decisions of the company's science and technology council are attached.",
    ),
    ItemStepSpec(
        MEDLATEC,
        "BONUS-1",
        "finalize",
        score=D(2),
        note="One of the three certificates rewards 2023 results and counted in 2023.",
    ),
)

PACT_LINES = (
    "EMULATION CLUSTER No. 18 - THANH HOA PROVINCE",
    "Thanh Hoa, 29 March 2024",
    "",
    "EMULATION PACT 2024",
    "",
    "The 7 member units of Emulation Cluster No. 18 register the targets of",
    "the cluster's 2024 scoring table and pledge to emulate in production and",
    "business, labour safety, and party, union and emulation work.",
    "",
    "Signed for the cluster by the leading unit: Lam Son Company Limited.",
    "",
    "Pacesetter demo: a placeholder standing in for the signed scan.",
)

CAMPAIGN_2024 = CampaignSpec(
    code="TH-C18-2024",
    name=T(vi="Phong trào thi đua Cụm thi đua số 18 năm 2024", en="Cluster No. 18 emulation 2024"),
    kind=CampaignKind.MOVEMENT,
    organizer=COMMITTEE,
    start=date(2024, 1, 1),
    end=date(2024, 12, 31),
    table=TABLE_2024.key,
    staff=STAFF,
    leader=LEADER,
    officers=OFFICERS,
    predecessor=CAMPAIGN_2023.code,
    registration_due=date(2024, 3, 31),
    description=T(
        vi="Thi đua của 7 đơn vị thành viên Cụm thi đua số 18 (Quyết định số 1197/QĐ-UBND "
        "ngày 27/3/2024). Hội nghị sơ kết 6 tháng ngày 24/7/2024 đánh giá các đơn vị đều đạt "
        "và vượt kế hoạch, đề ra nhiệm vụ 6 tháng cuối năm.",
        en="Emulation of the 7 member units of Cluster No. 18 (Decision 1197/QD-UBND of "
        "27 March 2024). The 6-month review conference on 24 July 2024 found every unit at or "
        "above its plan and set the tasks of the last 6 months.",
    ),
    phases=(
        PhaseSpec(
            T(vi="Phát động và đăng ký thi đua", en="Launch and registration"),
            date(2024, 1, 1),
            date(2024, 3, 31),
        ),
        PhaseSpec(
            T(vi="6 tháng đầu năm và sơ kết 6 tháng", en="First half and 6-month review"),
            date(2024, 4, 1),
            date(2024, 7, 31),
        ),
        PhaseSpec(
            T(vi="6 tháng cuối năm và tổng kết năm", en="Last 6 months and year-end review"),
            date(2024, 8, 1),
            date(2024, 12, 31),
        ),
    ),
    review_points=(
        ReviewPointSpec("h1", H1_NAME, date(2024, 6, 30), date(2024, 7, 24)),
        ReviewPointSpec("y", YEAR_NAME, date(2024, 12, 31), date(2025, 1, 15)),
    ),
    clusters=(CLUSTER,),
    targets=TARGETS_2024,
    pact=PactSpec(
        CLUSTER,
        date(2024, 3, 29),
        LAM_SON,
        LEADER,
        file_name="pact-cluster-18-2024.pdf",
        file_lines=PACT_LINES,
    ),
    reviews=(ReviewRunSpec("h1", H1_2024, inspections=RING, steps=H1_2024_STEPS),),
    then_open="y",
)

CAMPAIGNS = (CAMPAIGN_2023, CAMPAIGN_2024)

#: Where the Vietnamese texts of each campaign (with its phases, review points, table and
#: criteria) come from.
NAME_NOTES: dict[str, str] = {
    campaign.code: "unconfirmed: rendered from the demo's English in the usual vocabulary of "
    "emulation work (phong trào thi đua, sơ kết, tổng kết, bảng chấm điểm); the table is a "
    "typical shape, not the cluster's own document"
    for campaign in CAMPAIGNS
}
