"""The five real cases of the product brief, as demo data.

Names are English renderings of the published reports; organizations that the reports
do not name are given generic descriptive names, never invented company or personal
names. Demo accounts are role accounts.
"""

from __future__ import annotations

from pacesetter.demo.specs import (
    AwardSpec,
    CampaignSpec,
    CaseSpec,
    ChainSpec,
    DecisionSpec,
    GrantHistorySpec,
    LocalRuleSpec,
    MeetingSpec,
    PlanSpec,
    ProposalSpec,
    TableSpec,
    UnitTypeSpec,
)

from . import awards, huadu, light_industry, machinery, optical, thanh_hoa, thanh_hoa_campaigns

#: Unit types shared by every case (a province and a district are both "roots" of
#: their trees but keep their own type, so lists can be filtered by type).
UNIT_TYPES: tuple[UnitTypeSpec, ...] = (
    UnitTypeSpec("province", "Province"),
    UnitTypeSpec("district", "District"),
    UnitTypeSpec("town", "Town"),
    UnitTypeSpec("street", "Street (sub-district)"),
    UnitTypeSpec(
        "committee",
        "Committee",
        "A lead body's working committee: emulation and reward committee, work committee.",
    ),
    UnitTypeSpec("government-department", "Government department"),
    UnitTypeSpec("department", "Department of an enterprise"),
    UnitTypeSpec("llc-single-member", "Single-member LLC"),
    UnitTypeSpec("jsc-state-majority", "Joint-stock company (50–100% state capital)"),
    UnitTypeSpec("enterprise", "Enterprise"),
    UnitTypeSpec("association", "Association"),
    UnitTypeSpec("chamber", "Chamber of commerce"),
    UnitTypeSpec(
        "trade-union", "Trade union", "A national industrial union or a municipal federation."
    ),
    UnitTypeSpec("grassroots-union", "Grassroots trade union", "The union of one enterprise."),
    UnitTypeSpec("team", "Work team", "A team or shift group of an enterprise's workers."),
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
PLANS: tuple[PlanSpec, ...] = (optical.PLAN, huadu.PLAN, machinery.PLAN, light_industry.PLAN)
MEETINGS: tuple[MeetingSpec, ...] = (
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
