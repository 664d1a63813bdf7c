"""Case 1, continued: Emulation Cluster No. 18's 6-month review conference of 24 July 2024
and the cluster's plan for the last 6 months of 2024.

From the report: on 24 July 2024 the cluster reviewed its first 6 months (every unit met
or beat its plan, compared with the same period of 2023), the deputy head of the
provincial Emulation & Reward Committee spoke, and the tasks of the last 6 months were
set; advanced models are found, built up and replicated.

**Demo assumptions** (see ``thanh_hoa.NAME_NOTES``): the place and hours, the agenda, who
speaks (by position: no named person), who came, the resolution's wording, the 6 tasks
with their leads, and their progress as reported at the end of 2024. Vietnamese is the
source of every text, with English translations.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

from pacesetter.demo.specs import (
    AgendaSpec,
    KeyTaskSpec,
    MeetingSpec,
    PlanSpec,
    ResolutionSpec,
    T,
    Txt,
)

from .thanh_hoa import (
    BAC_SONG_MA,
    CLUSTER_BODY,
    COMMITTEE,
    CONFERENCE,
    ENTERPRISES,
    H2_PLAN,
    LAM_SON,
)
from .thanh_hoa_campaigns import MEDLATEC, NAM_SONG_MA, SONG_CHU, STAFF, URBAN_ENV, WATER

H2_START, H2_END = date(2024, 7, 25), date(2024, 12, 31)
MEMBERS = tuple(unit.code for unit, _ in ENTERPRISES)

#: Speakers by position, as the minutes write them beside their unit (no named person).
LEADING_UNIT = "Lãnh đạo đơn vị Trưởng cụm"
DEPUTY_UNIT = "Lãnh đạo đơn vị Phó Trưởng cụm"
COMMITTEE_DEPUTY_HEAD = "Phó Trưởng Ban Thi đua - Khen thưởng tỉnh"
CHAIR = "Lãnh đạo Công ty TNHH Lam Sơn (đơn vị Trưởng cụm)"

PLAN = PlanSpec(
    key=H2_PLAN,
    body=CLUSTER_BODY,
    name=T(
        vi="Nhiệm vụ 6 tháng cuối năm 2024 của Cụm thi đua số 18",
        en="Emulation Cluster No. 18: tasks for the last 6 months of 2024",
    ),
    kind="half_year",
    start=date(2024, 7, 1),
    end=H2_END,
    manager=STAFF,
    # The leads' reports are as of the year's end (the year-end review then opens).
    reported_on=H2_END,
)


def _task(code: str, title: Txt, lead: str, due: date, **kwargs: Any) -> KeyTaskSpec:
    return KeyTaskSpec(code, title, lead, start=H2_START, due=due, **kwargs)


TASKS = (
    _task(
        "H2-1",
        T(
            vi="Hoàn thành và vượt các chỉ tiêu sản xuất kinh doanh năm 2024",
            en="Meet and beat the 2024 production and business targets",
        ),
        LAM_SON,
        H2_END,
        supporting=tuple(code for code in MEMBERS if code != LAM_SON),
        scope=T(
            vi="Doanh thu, nộp ngân sách, lợi nhuận và thu nhập bình quân của người lao động "
            "theo chỉ tiêu các đơn vị đã đăng ký.",
            en="Revenue, state budget contribution, profit and average worker income against "
            "the targets the units registered.",
        ),
        measures=T(
            vi="Mỗi đơn vị rà soát kế hoạch 6 tháng cuối năm và báo cáo kết quả hằng quý cho "
            "đơn vị Trưởng cụm.",
            en="Each unit reviews its plan for the last 6 months and reports its results to "
            "the leading unit every quarter.",
        ),
        progress=D(95),
        note="Ước thực hiện cả năm: các đơn vị đạt và vượt kế hoạch doanh thu (số liệu demo).",
    ),
    _task(
        "H2-2",
        T(
            vi="Bảo đảm an toàn lao động, không để xảy ra tai nạn lao động nghiêm trọng",
            en="Keep work safe: no serious labour accident",
        ),
        BAC_SONG_MA,
        H2_END,
        supporting=tuple(code for code in MEMBERS if code != BAC_SONG_MA),
        scope=T(
            vi="Huấn luyện an toàn lao động, kiểm tra điều kiện làm việc tại các đơn vị.",
            en="Safety training and checks of working conditions in every unit.",
        ),
        measures=T(
            vi="Mỗi đơn vị tổ chức ít nhất một lớp huấn luyện trong 6 tháng cuối năm.",
            en="Each unit holds at least one safety training in the last 6 months.",
        ),
        progress=D(100),
        done_on=H2_END,
        note="Không xảy ra tai nạn lao động nghiêm trọng trong năm 2024.",
        outcome=("good", "Every unit held its training; no serious accident in the year."),
    ),
    _task(
        "H2-3",
        T(
            vi="Phục vụ tưới, tiêu vụ Mùa và phòng, chống thiên tai mùa mưa bão năm 2024",
            en="Irrigate and drain for the 2024 main-season crop and guard against the "
            "storm season",
        ),
        NAM_SONG_MA,
        date(2024, 11, 30),
        supporting=(SONG_CHU, BAC_SONG_MA),
        scope=T(
            vi="Các công trình thủy lợi do ba công ty thủy lợi của Cụm quản lý.",
            en="The irrigation works the cluster's three irrigation companies manage.",
        ),
        measures=T(
            vi="Vận hành tưới, tiêu theo lịch thời vụ; kiểm tra, gia cố công trình trước mùa "
            "mưa bão; trực phòng, chống thiên tai.",
            en="Run irrigation and drainage to the crop calendar; check and reinforce the "
            "works before the storm season; keep disaster watch.",
        ),
        done_on=date(2024, 11, 30),
        note="Phục vụ đủ nước cho vụ Mùa; công trình được kiểm tra trước mùa mưa bão.",
        outcome=("good", "The main-season crop was served; the works held through the storms."),
    ),
    _task(
        "H2-4",
        T(
            vi="Đẩy mạnh phong trào phát huy sáng kiến, cải tiến kỹ thuật",
            en="Step up the movement for initiatives and technical improvements",
        ),
        WATER,
        date(2024, 12, 15),
        supporting=(MEDLATEC, URBAN_ENV),
        scope=T(
            vi="Sáng kiến, cải tiến kỹ thuật của người lao động các đơn vị thành viên.",
            en="Initiatives and technical improvements of the member units' workers.",
        ),
        measures=T(
            vi="Đăng ký sáng kiến theo đơn vị; hội đồng khoa học của đơn vị xét công nhận.",
            en="Initiatives registered by unit; each unit's science council recognises them.",
        ),
        progress=D(80),
        note="Các đơn vị đã đăng ký sáng kiến; hội đồng đang xét công nhận (số liệu demo).",
    ),
    _task(
        "H2-5",
        T(
            vi="Phát hiện, bồi dưỡng và nhân rộng các điển hình tiên tiến",
            en="Find, build up and replicate advanced models",
        ),
        LAM_SON,
        date(2024, 12, 20),
        supporting=(BAC_SONG_MA,),
        scope=T(
            vi="Tập thể, cá nhân điển hình trong phong trào thi đua của các đơn vị thành viên.",
            en="Exemplary collectives and people of the member units' emulation movements.",
        ),
        measures=T(
            vi="Mỗi đơn vị giới thiệu ít nhất một điển hình; Cụm tổng hợp, tuyên truyền và "
            "đề nghị khen thưởng.",
            en="Each unit puts forward at least one model; the cluster compiles them, makes "
            "them known and proposes awards.",
        ),
        progress=D(70),
        note="Đã tổng hợp điển hình của 5 trên 7 đơn vị (số liệu demo).",
    ),
    _task(
        "H2-6",
        T(
            vi="Gửi báo cáo đúng hạn và chuẩn bị tổng kết công tác thi đua năm 2024 của Cụm",
            en="Send reports on time and prepare the cluster's 2024 year-end review",
        ),
        LAM_SON,
        H2_END,
        supporting=(BAC_SONG_MA,),
        scope=T(
            vi="Báo cáo của các đơn vị cho Cụm và Ban Thi đua - Khen thưởng tỉnh; hồ sơ tự "
            "chấm điểm năm 2024.",
            en="The units' reports to the cluster and the provincial committee; the 2024 "
            "self-scoring files.",
        ),
        measures=T(
            vi="Đơn vị Trưởng cụm hướng dẫn, đôn đốc; đơn vị Phó Trưởng cụm tổng hợp.",
            en="The leading unit guides and follows up; the deputy leader compiles.",
        ),
        progress=D(60),
        note="Đã gửi hướng dẫn tự chấm điểm năm 2024; đang tổng hợp báo cáo các đơn vị.",
    ),
)

CONFERENCE_MEETING = MeetingSpec(
    key=CONFERENCE,
    kind="review",
    title=T(
        vi="Hội nghị sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2024 Cụm thi đua số 18",
        en="Emulation Cluster No. 18: review conference of the first 6 months of 2024",
    ),
    organizer=LAM_SON,
    organized_by=STAFF,
    starts_at="2024-07-24T08:00",
    ends_at="2024-07-24T11:30",
    place=T(
        vi="Hội trường Công ty TNHH Lam Sơn, tỉnh Thanh Hóa",
        en="Meeting hall of Lam Son Company Limited, Thanh Hoa province",
    ),
    chair=CHAIR,
    description=T(
        vi="Sơ kết 6 tháng đầu năm 2024: các đơn vị thành viên đều đạt và vượt kế hoạch, so "
        "với cùng kỳ năm 2023; đề ra nhiệm vụ 6 tháng cuối năm. Phó Trưởng Ban Thi đua - "
        "Khen thưởng tỉnh phát biểu chỉ đạo.",
        en="Review of the first 6 months of 2024: every member unit met or beat its plan, "
        "compared with the same period of 2023; the tasks of the last 6 months set. The "
        "deputy head of the provincial Emulation & Reward Committee spoke.",
    ),
    topics=(
        "Kết quả thi đua 6 tháng đầu năm 2024 so với cùng kỳ năm 2023",
        "Phát hiện, bồi dưỡng và nhân rộng điển hình tiên tiến",
        "Nhiệm vụ 6 tháng cuối năm 2024",
    ),
    body=CLUSTER_BODY,
    unit_guests=(COMMITTEE,),
    agenda=(
        AgendaSpec(
            T(vi="Khai mạc, giới thiệu đại biểu", en="Opening; introduction of the delegates"),
            10,
            LEADING_UNIT,
            speaker_unit=LAM_SON,
        ),
        AgendaSpec(
            T(
                vi="Báo cáo sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm; phương "
                "hướng, nhiệm vụ 6 tháng cuối năm 2024",
                en="Report on emulation and reward work in the first 6 months; directions "
                "and tasks for the last 6 months of 2024",
            ),
            30,
            LEADING_UNIT,
            speaker_unit=LAM_SON,
        ),
        AgendaSpec(
            T(
                vi="Kết quả chấm điểm thi đua 6 tháng và kiểm tra chéo giữa các đơn vị",
                en="The 6-month scores and the units' cross-inspection",
            ),
            15,
            DEPUTY_UNIT,
            speaker_unit=BAC_SONG_MA,
        ),
        AgendaSpec(
            T(vi="Tham luận, thảo luận của các đơn vị", en="Contributions and discussion"),
            40,
            "Đại diện các đơn vị thành viên",
        ),
        AgendaSpec(
            T(
                vi="Phát biểu chỉ đạo của Phó Trưởng Ban Thi đua - Khen thưởng tỉnh",
                en="Address of the deputy head of the provincial Emulation & Reward Committee",
            ),
            20,
            COMMITTEE_DEPUTY_HEAD,
            speaker_unit=COMMITTEE,
        ),
        AgendaSpec(
            T(
                vi="Thông qua nghị quyết hội nghị và nhiệm vụ 6 tháng cuối năm 2024",
                en="Adoption of the resolution and the tasks of the last 6 months of 2024",
            ),
            10,
            LEADING_UNIT,
            speaker_unit=LAM_SON,
        ),
        AgendaSpec(T(vi="Bế mạc", en="Closing"), 5, LEADING_UNIT, speaker_unit=LAM_SON),
    ),
    resolutions=(
        ResolutionSpec(
            T(
                vi="Hội nghị thống nhất: 6 tháng đầu năm 2024, các đơn vị thành viên Cụm thi "
                "đua số 18 đều hoàn thành và vượt kế hoạch, tăng so với cùng kỳ năm 2023. Hội "
                "nghị thông qua 6 nhiệm vụ trọng tâm 6 tháng cuối năm 2024; đơn vị Trưởng cụm "
                "và Phó Trưởng cụm theo dõi, đôn đốc thực hiện.",
                en="The conference agrees that in the first 6 months of 2024 every member unit "
                "of Emulation Cluster No. 18 met or beat its plan, up on the same period of "
                "2023. It adopts 6 key tasks for the last 6 months of 2024; the leading and "
                "deputy leading units follow them up.",
            ),
            plan=H2_PLAN,
            tasks=TASKS,
        ),
    ),
    minutes="final",
    timezone="Asia/Ho_Chi_Minh",
)
