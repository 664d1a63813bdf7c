"""A council member reads a proposal's dossier and votes in its secret council ballot,
in Vietnamese (the account's language), in Debian's Chromium."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.awards.models import AttachmentKind, Proposal
from pacesetter.awards.services import (
    proposal_accept,
    proposal_attachment_add,
    proposal_council_vote,
    proposal_send,
)
from pacesetter.awards.tests.factories import (
    AwardFactory,
    EligibilityRuleFactory,
    ProposalFactory,
)
from pacesetter.ballots.models import Ballot, Entitlement
from pacesetter.bodies.services import body_member_add, body_term_create
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.units.tests.factories import UnitFactory, UnitTypeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pacesetter-test"


@dataclass
class CouncilVote:
    proposal: Proposal
    member: Any


def build_council_vote() -> CouncilVote:
    """A Vietnamese committee's proposal of two enterprises for a provincial flag,
    accepted and put to its council's secret vote; the council's third member reads it."""
    enterprise = UnitTypeFactory(code="enterprise", name={"en": "Enterprise", "vi": "Doanh nghiệp"})
    province = UnitFactory(
        code="TH", name={"vi": "Tỉnh Thanh Hóa", "en": "Thanh Hoa Province"}, source_language="vi"
    )
    committee = UnitFactory(
        code="TH-TDKT",
        parent=province,
        name={"vi": "Ban Thi đua - Khen thưởng tỉnh", "en": "Provincial Emulation Committee"},
        source_language="vi",
    )
    lam_son = UnitFactory(
        code="TH-LAMSON",
        parent=committee,
        unit_type=enterprise,
        name={"vi": "Công ty Cổ phần Mía đường Lam Sơn", "en": "Lam Son Sugarcane JSC"},
        source_language="vi",
    )
    song_ma = UnitFactory(
        code="TH-SONGMA",
        parent=committee,
        unit_type=enterprise,
        name={"vi": "Công ty Thủy lợi Bắc Sông Mã", "en": "Bac Song Ma Irrigation Co."},
        source_language="vi",
    )
    flag = AwardFactory(
        code="th-flag",
        name={"vi": "Cờ thi đua của UBND tỉnh", "en": "Provincial Emulation Flag"},
        issuer={"vi": "Chủ tịch UBND tỉnh", "en": "Chairman of the Provincial People's Committee"},
        source_language="vi",
    )
    EligibilityRuleFactory(
        award=flag,
        rule={"all": [{"unit_type_in": {"codes": ["enterprise"]}}, {"no_veto": {}}]},
    )
    council = BodyFactory(
        name={"vi": "Hội đồng Thi đua - Khen thưởng tỉnh", "en": "Provincial Reward Council"},
        source_language="vi",
        owner_unit=committee,
    )
    term = body_term_create(
        actor=None,
        body=council,
        name={"vi": "Nhiệm kỳ 2021-2026", "en": "Term 2021-2026"},
        start=dt.date(2021, 1, 1),
    )
    members = [
        UserFactory(username=f"hoidong{n}", language="vi", email=f"hoidong{n}@example.org")
        for n in (1, 2, 3)
    ]
    for user in members:
        body_member_add(actor=None, body=council, term=term, user=user, start=dt.date(2021, 1, 1))
        role_grant(actor=None, user=user, role=Role.COUNCIL_MEMBER, body=council)
    # The committee works in Vietnamese: the generated texts (the vote's title, the
    # ballot's lines) are written in it, as the committee's staff would see them.
    with translation.override("vi"):
        draft = ProposalFactory(
            award=flag,
            committee_unit=committee,
            proposer_unit=lam_son,
            units=[lam_son, song_ma],
            achievement="Hoàn thành xuất sắc nhiệm vụ năm 2024",
            achievement_report="Báo cáo thành tích của hai doanh nghiệp dẫn đầu Cụm thi đua.",
        )
        proposal_attachment_add(
            actor=None,
            proposal=draft,
            kind=AttachmentKind.REPORT,
            file=SimpleUploadedFile(
                "bao-cao-thanh-tich.pdf", b"%PDF-1.4\n% bao cao\n", "application/pdf"
            ),
        )
        proposal = proposal_send(actor=None, proposal=draft)
        proposal = proposal_accept(actor=None, proposal=proposal)
        proposal = proposal_council_vote(actor=None, proposal=proposal, body=council)
    return CouncilVote(proposal=proposal, member=members[2])


def log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


def test_council_member_reads_the_dossier_and_votes_once_in_vietnamese(
    live_server, page, settings, tmp_path
):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path
    data = build_council_vote()
    poll = data.proposal.council_poll
    base = live_server.url

    # The account's language is Vietnamese: signing in switches the screens to it.
    log_in(page, base, data.member.username)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    nav = page.get_by_role("navigation", name="Điều hướng chính")

    # "Votes" in the menu lists the council's open vote; its page leads to what is voted
    # on: the proposal, with the Vietnamese values.
    nav.get_by_role("link", name="Biểu quyết", exact=True).click()
    row = page.locator(f"#polls tr[data-poll='{poll.pk}']")
    expect(row.get_by_role("link", name="Bỏ phiếu ngay")).to_be_visible()
    row.get_by_role(
        "link", name="Cờ thi đua của UBND tỉnh 2024 — hội đồng bỏ phiếu", exact=True
    ).click()
    page.locator("#poll-subject a").click()
    expect(page.locator("h1")).to_contain_text("Cờ thi đua của UBND tỉnh 2024")
    expect(page.locator("#state")).to_have_text("Hội đồng bỏ phiếu")  # the council's vote

    # The dossier: both candidates, their eligibility checks, the report and its file.
    candidates = page.locator("#candidates tbody tr")
    expect(candidates).to_have_count(2)
    expect(candidates.nth(0)).to_contain_text("Công ty Cổ phần Mía đường Lam Sơn")
    expect(candidates.nth(1)).to_contain_text("Công ty Thủy lợi Bắc Sông Mã")
    for n in range(2):
        checks = candidates.nth(n).locator(".eligibility")
        expect(checks).to_contain_text("Đủ điều kiện")
        expect(checks).to_contain_text("Không vi phạm tiêu chí loại trừ")
        expect(checks).to_contain_text("Loại đơn vị thuộc enterprise")
    expect(candidates.nth(0)).to_contain_text("Hoàn thành xuất sắc nhiệm vụ năm 2024")
    dossier = page.locator("#dossier")
    expect(dossier).to_contain_text("Báo cáo thành tích của hai doanh nghiệp")
    attachment = dossier.get_by_role("link", name="bao-cao-thanh-tich.pdf")
    response = page.request.get(base + attachment.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")

    # Back to the vote (open), then to the ballot, which links to the dossier too.
    page.locator("#main dl").get_by_role("link", name="Mở").click()
    expect(page.locator("h1")).to_contain_text("hội đồng bỏ phiếu")
    page.get_by_role("link", name="Bỏ phiếu ngay").click()
    expect(page.locator("#poll-subject a")).to_have_attribute(
        "href", f"/awards/proposals/{data.proposal.pk}/"
    )
    ballot_url = page.url
    # The same ballot opened in a second tab, as a voter might before casting.
    second = page.context.new_page()
    second.goto(ballot_url)

    fieldsets = page.locator("#ballot-form fieldset")
    expect(fieldsets).to_have_count(2)
    expect(fieldsets.nth(0).locator("legend")).to_contain_text("Lam Sơn")
    fieldsets.nth(0).get_by_label("Có").check()
    fieldsets.nth(1).get_by_label("Không biểu quyết").check()
    page.get_by_role("button", name="Bỏ phiếu").click()
    expect(page.locator("#receipt-box")).to_contain_text("Phiếu của bạn đã được ghi nhận")
    assert len(page.locator("#receipt").inner_text().strip()) >= 12

    # A second ballot, from the other tab, is refused; so is the ballot page itself.
    for fieldset in second.locator("#ballot-form fieldset").all():
        fieldset.get_by_label("Không", exact=True).check()
    second.get_by_role("button", name="Bỏ phiếu").click()
    expect(second.locator("#already-voted")).to_contain_text(
        "Bạn đã bỏ phiếu trong cuộc bỏ phiếu này."
    )
    second.close()
    page.goto(ballot_url)
    expect(page.locator("#already-voted")).to_be_visible()
    expect(page.locator("#ballot-form")).to_have_count(0)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Biểu quyết"
    ).click()
    expect(page.locator(f"#polls tr[data-poll='{poll.pk}']")).to_contain_text("Bạn đã bỏ phiếu")

    assert Ballot.objects.filter(poll=poll).count() == 1
    assert Entitlement.objects.get(poll=poll, voter=data.member).voted
