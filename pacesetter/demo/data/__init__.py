"""The five real cases of the product brief, as demo data.

Names are English renderings of the published reports; organizations that the reports
do not name are given generic descriptive names, never invented company or personal
names. Demo accounts are role accounts.
"""

from __future__ import annotations

from pacesetter.demo.specs import (
    AwardSpec,
    BodyPollSpec,
    CampaignSpec,
    CaseSpec,
    ChainSpec,
    DecisionSpec,
    GrantHistorySpec,
    LocalRuleSpec,
    MeetingSpec,
    PlanSpec,
    ProposalSpec,
    T,
    TableSpec,
    UnitTypeSpec,
)

from . import (
    awards,
    huadu,
    light_industry,
    machinery,
    optical,
    thanh_hoa,
    thanh_hoa_campaigns,
    thanh_hoa_conference,
)

#: Unit types shared by every case (a province and a district are both "roots" of
#: their trees but keep their own type, so lists can be filtered by type).
UNIT_TYPES: tuple[UnitTypeSpec, ...] = (
    UnitTypeSpec("province", T(en="Province", vi="Tỉnh", zh_hans="省")),
    UnitTypeSpec("district", T(en="District", vi="Quận, huyện", zh_hans="区")),
    UnitTypeSpec("town", T(en="Town", vi="Thị trấn", zh_hans="镇")),
    UnitTypeSpec("street", T(en="Street (sub-district)", vi="Phường", zh_hans="街道")),
    UnitTypeSpec(
        "committee",
        T(en="Committee", vi="Ban", zh_hans="委员会"),
        T(
            en="A lead body's working committee: emulation and reward committee, work committee.",
            vi="Cơ quan giúp việc của cấp lãnh đạo: Ban Thi đua - Khen thưởng, ban công tác.",
            zh_hans="领导机构的工作机构：评比表彰委员会、工作委员会。",
        ),
    ),
    UnitTypeSpec(
        "government-department",
        T(en="Government department", vi="Sở, ban, ngành", zh_hans="政府部门"),
    ),
    UnitTypeSpec(
        "department",
        T(en="Department of an enterprise", vi="Phòng, ban của doanh nghiệp", zh_hans="企业部门"),
    ),
    UnitTypeSpec(
        "llc-single-member",
        T(en="Single-member LLC", vi="Công ty TNHH một thành viên", zh_hans="一人有限责任公司"),
    ),
    UnitTypeSpec(
        "jsc-state-majority",
        T(
            en="Joint-stock company (50–100% state capital)",
            vi="Công ty cổ phần (vốn nhà nước từ 50% đến 100%)",
            zh_hans="股份公司（国有资本50%–100%）",
        ),
    ),
    UnitTypeSpec("enterprise", T(en="Enterprise", vi="Doanh nghiệp", zh_hans="企业")),
    UnitTypeSpec("association", T(en="Association", vi="Hiệp hội", zh_hans="协会")),
    UnitTypeSpec("chamber", T(en="Chamber of commerce", vi="Phòng thương mại", zh_hans="商会")),
    UnitTypeSpec(
        "trade-union",
        T(en="Trade union", vi="Công đoàn", zh_hans="工会"),
        T(
            en="A national industrial union or a municipal federation.",
            vi="Công đoàn ngành toàn quốc hoặc liên đoàn lao động thành phố.",
            zh_hans="全国产业工会或市总工会。",
        ),
    ),
    UnitTypeSpec(
        "grassroots-union",
        T(en="Grassroots trade union", vi="Công đoàn cơ sở", zh_hans="基层工会"),
        T(
            en="The union of one enterprise.",
            vi="Công đoàn của một doanh nghiệp.",
            zh_hans="一个企业的工会。",
        ),
    ),
    UnitTypeSpec(
        "team",
        T(en="Work team", vi="Tổ sản xuất", zh_hans="班组"),
        T(
            en="A team or shift group of an enterprise's workers.",
            vi="Tổ, ca làm việc của người lao động trong doanh nghiệp.",
            zh_hans="企业职工的班组或班次。",
        ),
    ),
)

CASES: tuple[CaseSpec, ...] = (
    thanh_hoa.CASE,
    optical.CASE,
    huadu.CASE,
    light_industry.CASE,
    machinery.CASE,
)

#: Scoring tables and campaigns, loaded after every case (a campaign may need any
#: case's units, clusters and accounts), in order: a predecessor before its successor.
#: Secret polls of the cases' bodies (run after the awards).
BODY_POLLS: tuple[BodyPollSpec, ...] = (thanh_hoa.COUNCIL_POLL,)
TABLES: tuple[TableSpec, ...] = (*thanh_hoa_campaigns.TABLES, light_industry.TABLE)
CAMPAIGNS: tuple[CampaignSpec, ...] = (
    *thanh_hoa_campaigns.CAMPAIGNS,
    light_industry.SPECIAL_ACTION,
)

#: Awards, loaded after the campaigns (proposals are drafted from their rankings): the
#: fallback catalog, the demo's local rule versions, award decisions (with who records
#: each), past awards, proposals.
AWARD_CATALOG: tuple[AwardSpec, ...] = awards.CATALOG
AWARD_LOCAL_RULES: tuple[LocalRuleSpec, ...] = awards.LOCAL_RULES
AWARD_DECISIONS: tuple[DecisionSpec, ...] = awards.DECISIONS
DECISION_RECORDED_BY: dict[str, str] = awards.DECISION_RECORDED_BY
AWARD_HISTORY: tuple[GrantHistorySpec, ...] = awards.HISTORY
AWARD_PROPOSALS: tuple[ProposalSpec, ...] = awards.PROPOSALS

#: Key work and meetings, loaded last: chains, then plans (with their projects and the
#: tasks not born in a meeting), then meetings (whose resolutions and findings create the
#: rest of the tasks).
CHAINS: tuple[ChainSpec, ...] = (huadu.CHAIN,)
PLANS: tuple[PlanSpec, ...] = (
    thanh_hoa_conference.PLAN,
    optical.PLAN,
    huadu.PLAN,
    machinery.PLAN,
    light_industry.PLAN,
)
MEETINGS: tuple[MeetingSpec, ...] = (
    thanh_hoa_conference.CONFERENCE_MEETING,
    optical.COUNCIL_MEETING,
    huadu.MEETING,
    light_industry.EXCHANGE,
    machinery.VISIT,
)

#: The unit whose presence means the demo is loaded.
MARKER_UNIT_CODE = thanh_hoa.CASE.root.code

DEMO_PASSWORD = "pacesetter-demo"

#: A superuser for Django's admin site. It holds no role (it sees everything) and is the
#: actor of every change the loader makes, so the audit log says who set the demo up.
ADMIN_USERNAME = "admin.demo"
