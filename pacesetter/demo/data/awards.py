"""Awards in the demo: Cluster No. 18's award history for 2022 and 2023, its proposals from
the 2024 6-month ranking, and a Worker Pioneer award in the light-industry case.

**Decision numbers and dates are demo values, not the real decisions**, and so are the
awards each unit received in 2022 and 2023; every title says so. The award catalog comes
from the award presets (``load_award_presets``); ``CATALOG`` is only the fallback the
demo creates when the presets are not installed, with demo rules of the same shape.

Assumptions: the Excellent Labour Collective titles of a year are decided early in the
next year; the cluster proposes from its published 6-month ranking and the province
decides on 20 August 2024, after the 6-month review conference of 24 July 2024, so the
rules look back at 2022 and 2023. The Worker Pioneer team is nominated by the Danyang
federation to the light-industry union, which records the ACFTU's decision.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pacesetter.awards.models import AwardLevel, ProposalState, RecipientKind
from pacesetter.demo.specs import (
    AwardSpec,
    DecisionSpec,
    GrantHistorySpec,
    LocalRuleSpec,
    ProposalSpec,
    T,
    Txt,
)

from .light_industry import DANYANG, TEAM
from .light_industry import ROOT as LIGHT_ROOT
from .thanh_hoa import CLUSTER, COMMITTEE, LAM_SON
from .thanh_hoa_campaigns import (
    BAC_SONG_MA,
    LEADER,
    MEDLATEC,
    NAM_SONG_MA,
    STAFF,
    URBAN_ENV,
    WATER,
)

FLAG = "vn-provincial-flag"
#: The presets' code for the Certificate of Merit. The demo once used another one for it
#: (with the presets' as an alias), which its 2024 rule then named: an award that did not
#: exist, so "not awarded within 1 year" passed for a unit that held the certificate.
MERIT = "vn-certificate-of-merit"
EXCELLENT = "vn-excellent-collective"
WORKER_PIONEER = "cn-worker-pioneer"

PROVINCIAL_CHAIRMAN = "Chairman of the Provincial People's Committee"
ACFTU = "All-China Federation of Trade Unions (中华全国总工会)"
NO_VETO: dict[str, object] = {"no_veto": {}}
UNUSED: dict[str, object] = {"achievement_unused": {}}
FALLBACK = "Demo rule of the same shape as the award presets' rule (not the legal text)."

#: The fallback catalog (see the module's docstring).
CATALOG: tuple[AwardSpec, ...] = (
    AwardSpec(
        FLAG,
        "Provincial Emulation Flag",
        "Cờ thi đua cấp tỉnh",
        "省级竞赛优胜旗",
        AwardLevel.PROVINCIAL,
        RecipientKind.UNIT,
        PROVINCIAL_CHAIRMAN,
        preset="vn",
        quota_count=1,
        rule_from=date(2024, 1, 1),
        rule={"all": [{"rank_at_most": {"rank": 1}}, NO_VETO, UNUSED]},
        rule_description=FALLBACK,
    ),
    AwardSpec(
        MERIT,
        "Certificate of Merit of the Chairman of the Provincial People's Committee",
        "Bằng khen của Chủ tịch UBND tỉnh",
        "省人民委员会主席奖状",
        AwardLevel.PROVINCIAL,
        RecipientKind.UNIT,
        PROVINCIAL_CHAIRMAN,
        preset="vn",
        quota_percent=Decimal(20),
    ),
    AwardSpec(
        EXCELLENT,
        "Excellent Labour Collective",
        "Tập thể lao động xuất sắc",
        "优秀劳动集体",
        AwardLevel.PROVINCIAL,
        RecipientKind.UNIT,
        PROVINCIAL_CHAIRMAN,
        preset="vn",
    ),
    AwardSpec(
        WORKER_PIONEER,
        "Worker Pioneer",
        "Công nhân tiên phong",
        "工人先锋号",
        AwardLevel.NATIONAL,
        RecipientKind.UNIT,
        ACFTU,
        preset="cn",
        rule_from=date(2016, 1, 1),
        rule={
            "all": [
                NO_VETO,
                {"not_awarded_within": {"award": WORKER_PIONEER, "years": 3}},
                UNUSED,
            ]
        },
        rule_description=FALLBACK,
    ),
)

#: The 6-month round of 2024 in Thanh Hoa (demo): half-year scores are about half the
#: year's, so the cluster's practice replaces the year-end score threshold by the
#: Excellent Labour Collective titles of the two previous years.
LOCAL_RULES: tuple[LocalRuleSpec, ...] = (
    LocalRuleSpec(
        MERIT,
        date(2024, 7, 1),
        date(2024, 12, 31),
        {
            "all": [
                {"percentage_at_least": {"percent": 70}},
                {"held_each_year": {"award": EXCELLENT, "years": 2}},
                {"not_awarded_within": {"award": MERIT, "years": 1}},
                NO_VETO,
                UNUSED,
            ]
        },
        "Thanh Hoa demo rule for proposals from the 2024 6-month review (demo data, not a "
        "legal text): at least 70% at the half-year, Excellent Labour Collective in each of "
        "the two previous years, no Certificate of Merit in the previous or current year, "
        "no veto, and an achievement that backs no other award.",
        author=STAFF,
    ),
)

# --- Cluster No. 18 ---------------------------------------------------------------------

TH_ISSUER = T(
    vi="Chủ tịch Ủy ban nhân dân tỉnh Thanh Hóa",
    en="Chairman of the Thanh Hoa Provincial People's Committee",
)
DEMO_NUMBER = T(
    vi="số và ngày mẫu, không phải quyết định thật",
    en="demo number and date, not the real decision",
)


def _th_decision(
    key: str, number: str, day: date, title: Txt, lines: tuple[str, ...] = ()
) -> DecisionSpec:
    assert not isinstance(title, str)
    return DecisionSpec(
        key=key,
        number=number,
        date=day,
        issuer=TH_ISSUER,
        recorded_by=COMMITTEE,
        title=T(
            vi=f"{title['vi']} ({DEMO_NUMBER['vi']})",
            en=f"{title['en']} ({DEMO_NUMBER['en']})",
        ),
        # The signer is named by position only: the demo names no real person.
        signer_title=T(vi="Chủ tịch", en="Chairman"),
        place=T(vi="Thanh Hóa", en="Thanh Hoa"),
        file_name=f"{number.replace('/', '-')}.pdf" if lines else "",
        file_lines=lines,
    )


ELC_2022 = _th_decision(
    "TH-ELC-2022",
    "245/QD-UBND",
    date(2023, 1, 30),
    T(
        vi="Về việc tặng danh hiệu Tập thể lao động xuất sắc năm 2022",
        en="On awarding the title Excellent Labour Collective for 2022",
    ),
)
ELC_2023 = _th_decision(
    "TH-ELC-2023",
    "412/QD-UBND",
    date(2024, 2, 2),
    T(
        vi="Về việc tặng danh hiệu Tập thể lao động xuất sắc năm 2023",
        en="On awarding the title Excellent Labour Collective for 2023",
    ),
)
MERIT_2023 = _th_decision(
    "TH-MERIT-2023",
    "413/QD-UBND",
    date(2024, 2, 2),
    T(
        vi="Về việc tặng Bằng khen của Chủ tịch UBND tỉnh về thành tích năm 2023",
        en="On awarding the Certificate of Merit of the Chairman for the achievements of 2023",
    ),
)
DECIDED_2024 = date(2024, 8, 20)
MERIT_2024 = _th_decision(
    "TH-MERIT-2024",
    "3012/QD-UBND",
    DECIDED_2024,
    T(
        vi="Về việc tặng Bằng khen của Chủ tịch UBND tỉnh cho các đơn vị Cụm thi đua số 18 "
        "đạt thành tích 6 tháng đầu năm 2024",
        en="On awarding the Certificate of Merit of the Chairman to units of Emulation Cluster "
        "No. 18 for their results in the first 6 months of 2024",
    ),
    lines=(
        "THANH HOA PROVINCIAL PEOPLE'S COMMITTEE",
        "No. 3012/QD-UBND                        Thanh Hoa, 20 August 2024",
        "",
        "DECISION",
        "of the Chairman of the Thanh Hoa Provincial People's Committee",
        "on awarding the Certificate of Merit of the Chairman",
        "",
        "To the units of Emulation Cluster No. 18 proposed by the cluster",
        "after its secret vote, for their results in the first 6 months of 2024.",
        "",
        "Pacesetter demo: the number, the date and the awards are demo values.",
    ),
)
TH_DECISIONS = (ELC_2022, ELC_2023, MERIT_2023, MERIT_2024)

HISTORY: tuple[GrantHistorySpec, ...] = (
    GrantHistorySpec(
        ELC_2022.key,
        EXCELLENT,
        2022,
        (WATER, LAM_SON, MEDLATEC, NAM_SONG_MA, BAC_SONG_MA),
        achievement="Completed its tasks excellently in 2022.",
        recorded_by=STAFF,
    ),
    GrantHistorySpec(
        ELC_2023.key,
        EXCELLENT,
        2023,
        (WATER, LAM_SON, MEDLATEC, NAM_SONG_MA, URBAN_ENV),
        achievement="Completed its tasks excellently in 2023.",
        recorded_by=STAFF,
    ),
    GrantHistorySpec(
        MERIT_2023.key,
        MERIT,
        2023,
        (MEDLATEC,),
        achievement="Second in Emulation Cluster No. 18 at the 2023 year-end review.",
        recorded_by=STAFF,
    ),
)

FLAG_2024 = ProposalSpec(
    key="TH-FLAG-2024",
    award=FLAG,
    campaign="TH-C18-2024",
    review_point="h1",
    cluster=CLUSTER,
    proposer=LAM_SON,
    proposed_by=LEADER,
    committee=COMMITTEE,
    committee_staff=STAFF,
    decision_date=DECIDED_2024,
    # Its only candidate's achievement already backs the Certificate of Merit, so the
    # draft cannot be sent: it stays with the proposer, with the check saying why.
    until=ProposalState.DRAFT,
    achievement_report="The unit leading Emulation Cluster No. 18 at the 6-month review of "
    "24 July 2024, proposed by the cluster's leading unit.",
)

MERIT_PROPOSAL_2024 = ProposalSpec(
    key="TH-MERIT-2024",
    award=MERIT,
    campaign="TH-C18-2024",
    review_point="h1",
    cluster=CLUSTER,
    proposer=LAM_SON,
    proposed_by=LEADER,
    committee=COMMITTEE,
    committee_staff=STAFF,
    decision_date=DECIDED_2024,
    until=ProposalState.DECIDED,
    achievement_report="Units of Emulation Cluster No. 18 that met or beat their plan for the "
    "first 6 months of 2024, with Excellent Labour Collective titles in 2022 and 2023.",
    cluster_vote=True,
    voted_on=date(2024, 8, 1),  # a demo date: after the conference, before the decision
    # Anyone not listed votes yes on every candidate (demo votes).
    votes={"officer.urbanenv": {WATER: "no"}, "officer.songchu": {WATER: "abstain"}},
    decision=MERIT_2024.key,
)

# --- light industry ---------------------------------------------------------------------

WORKER_PIONEER_2024 = DecisionSpec(
    key="LIGHT-WP-2024",
    number="ACFTU [2024] No. 9",
    date=date(2024, 4, 26),
    issuer=ACFTU,
    recorded_by=LIGHT_ROOT,
    title="On the 2024 National May 1 Labour Awards, Medals and Worker Pioneers, as far as "
    f"the light industry is concerned ({DEMO_NUMBER})",
    signer_title="Chairman",
)

WORKER_PIONEER_PROPOSAL = ProposalSpec(
    key="LIGHT-WP-2024",
    award=WORKER_PIONEER,
    year=2024,
    units=(TEAM,),
    proposer=DANYANG,
    proposed_by="officer.danyang",
    committee=LIGHT_ROOT,
    committee_staff="staff.lightindustry",
    decision_date=WORKER_PIONEER_2024.date,
    until=ProposalState.DECIDED,
    achievement="Pilot of the industrial workforce reform special action: every worker of the "
    "team trained to a higher skill grade and master-apprentice pairs signed (demo).",
    achievement_key="LIGHT-REFORM:2024",
    achievement_report="Nominated by the Danyang Municipal Federation of Trade Unions from the "
    "pilot units of the special action.",
    decision=WORKER_PIONEER_2024.key,
)

DECISIONS: tuple[DecisionSpec, ...] = (*TH_DECISIONS, WORKER_PIONEER_2024)
#: Who records each decision (decision key -> username).
DECISION_RECORDED_BY = {
    **{decision.key: STAFF for decision in TH_DECISIONS},
    WORKER_PIONEER_2024.key: "staff.lightindustry",
}
#: The Certificate of Merit first: with the presets' quotas both awards go to the
#: cluster's first unit, and its 6-month achievement can back one of them only, so the
#: flag proposal's check shows the rule failing.
PROPOSALS: tuple[ProposalSpec, ...] = (MERIT_PROPOSAL_2024, FLAG_2024, WORKER_PIONEER_PROPOSAL)
