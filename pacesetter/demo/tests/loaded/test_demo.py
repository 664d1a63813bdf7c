"""The demo loads the five real cases through the services, once, with working accounts."""

from __future__ import annotations

import re
from datetime import date
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from pacesetter.accounts.models import RoleAssignment, User
from pacesetter.audit.models import AuditEntry
from pacesetter.audit.services import audit_seal
from pacesetter.bodies.models import Body, BodyMember, BodyTerm
from pacesetter.clusters.models import Cluster, ClusterLeadership, ClusterMembership
from pacesetter.clusters.policies import cluster_policy
from pacesetter.clusters.selectors import cluster_current_leader, cluster_members
from pacesetter.decisions.models import Decision
from pacesetter.demo.pdf import one_page_pdf
from pacesetter.units.models import Unit, UnitType
from pacesetter.units.policies import unit_policy

ROOTS = {"TH", "COA", "HUADU", "LIGHT-TU", "MMB-TU"}


def cluster_18() -> Cluster:
    return Cluster.objects.get(code="TH-C18")


def test_cluster_18_has_its_seven_members_of_two_types(demo: str) -> None:
    members = cluster_members(cluster_18(), on=date(2024, 7, 24))
    assert members.count() == 7
    assert {m.unit.unit_type.name for m in members} == {
        "Single-member LLC",
        "Joint-stock company (50–100% state capital)",
    }
    assert "MEDLATEC Thanh Hoa Company Limited" in {m.unit.name for m in members}


def test_lam_son_leads_and_bac_song_ma_deputizes_in_2024(demo: str) -> None:
    leader = cluster_current_leader(cluster_18(), 2024, "leader")
    deputy = cluster_current_leader(cluster_18(), 2024, "deputy")
    assert leader is not None and leader.unit.name == "Lam Son Company Limited"
    assert deputy is not None and deputy.unit.name == "Bac Song Ma Irrigation Company Limited"
    assert leader.assigned_on == date(2024, 3, 27)


def test_cluster_18_is_founded_by_decision_1197_with_a_pdf(demo: str) -> None:
    decision = cluster_18().decision
    assert decision is not None
    assert decision.number == "1197/QĐ-UBND"
    assert decision.date == date(2024, 3, 27)
    assert decision.issuer == "Chairman of the Thanh Hoa Provincial People's Committee"
    assert decision.owner_unit.code == "TH-ERC"
    assert decision.file.name.endswith("1197-QD-UBND.pdf")
    with decision.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF")


def test_generated_pdf_cross_references_point_at_its_objects() -> None:
    data = one_page_pdf(["Decision (No. 1197/QD-UBND)", "back\\slash"])
    xref_at = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", data).group(1))
    assert data[xref_at:].startswith(b"xref\n0 6\n")
    offsets = re.findall(rb"(\d{10}) 00000 n ", data[xref_at:])
    for number, offset in enumerate(offsets, start=1):
        assert data[int(offset) :].startswith(b"%d 0 obj\n" % number)
    assert rb"(Decision \(No. 1197/QD-UBND\)) Tj" in data


def test_all_five_roots_exist_with_shared_unit_types(demo: str) -> None:
    roots = Unit.objects.filter(parent__isnull=True)
    assert set(roots.values_list("code", flat=True)) == ROOTS
    assert Unit.objects.get(code="HUADU-SHILING").unit_type.code == "town"
    # Committees of Vietnam and China share one type, unions of cases 4 and 5 another.
    assert Unit.objects.filter(unit_type__code="committee").count() == 2
    assert {u.code for u in Unit.objects.filter(unit_type__code="trade-union", depth=0)} == {
        "LIGHT-TU",
        "MMB-TU",
    }


def test_the_optical_standing_council_has_its_ninth_term_and_seats(demo: str) -> None:
    council = Body.objects.get(owner_unit__code="COA", kind="standing_board")
    term = BodyTerm.objects.get(body=council)
    assert term.name == "9th"
    assert council.members.filter(unit__isnull=False, term=term).count() >= 3
    assert council.members.filter(user__username="council.optical").exists()
    assert Body.objects.filter(owner_unit__code="COA", kind="supervisory_board").exists()


def test_committee_staff_signs_in_and_sees_cluster_18(demo: str, client: Client) -> None:
    response = client.post(
        reverse("login"), {"username": "staff.thanhhoa", "password": "pacesetter-demo"}
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session
    staff = User.objects.get(username="staff.thanhhoa")
    assert cluster_policy.visible(staff).filter(code="TH-C18").exists()
    assert not cluster_policy.visible(staff).filter(code="LIGHT-PILOTS").exists()


def test_a_unit_officer_cannot_see_another_unit_of_the_cluster(demo: str) -> None:
    officer = User.objects.get(username="officer.songchu")
    visible = unit_policy.visible(officer)
    assert visible.filter(code="TH-SONGCHU").exists()
    assert not visible.filter(code="TH-WATER").exists()
    assert not visible.filter(code="TH-LAMSON").exists()


def test_the_cluster_leader_sees_the_members_it_leads(demo: str) -> None:
    leader = User.objects.get(username="leader.lamson")
    assert unit_policy.visible(leader).filter(code="TH-WATER").exists()
    assert unit_policy.allows(leader, "update", Unit.objects.get(code="TH-LAMSON"))
    assert not unit_policy.allows(leader, "update", Unit.objects.get(code="TH-WATER"))


def test_every_listed_account_exists_with_the_demo_password(demo: str) -> None:
    listed = re.findall(r"^  ([a-z][a-z.-]+\.[a-z-]+)\s{2,}", demo, flags=re.MULTILINE)
    assert "staff.thanhhoa" in listed and "officer.xiangdian" in listed
    for username in listed:
        user = User.objects.get(username=username)
        assert user.check_password("pacesetter-demo"), username
        assert user.role_assignments.exists() or user.is_superuser, username
    assert "http://127.0.0.1:8123/" in demo
    assert "POST http://127.0.0.1:8123/api/v1/auth/token" in demo


def test_loading_twice_changes_nothing(demo: str) -> None:
    models = (
        Unit,
        UnitType,
        User,
        RoleAssignment,
        Decision,
        Cluster,
        ClusterMembership,
        ClusterLeadership,
        Body,
        BodyTerm,
        BodyMember,
        AuditEntry,
    )
    before = {model: model.objects.count() for model in models}
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert {model: model.objects.count() for model in models} == before
    assert "already loaded" in out.getvalue()
    assert "staff.thanhhoa" in out.getvalue()


def test_every_change_is_audited_and_the_chain_verifies(demo: str) -> None:
    assert AuditEntry.objects.filter(action="unit.create").count() == Unit.objects.count()
    assert AuditEntry.objects.filter(action="cluster.member_add").count() == (
        ClusterMembership.objects.count()
    )
    assert AuditEntry.objects.filter(action="decision.create").exists()
    assert audit_seal().refused == []  # what the load's commit would have done
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue() and "wait to be chained" not in out.getvalue()


def test_each_case_works_in_its_own_time_zone(demo: str) -> None:
    from pacesetter.units.selectors import unit_time_zone

    membership = cluster_members(cluster_18(), on=date(2024, 7, 24)).first()
    assert membership is not None
    member = membership.unit
    assert member.time_zone == ""
    assert unit_time_zone(member) == "Asia/Ho_Chi_Minh"  # Thanh Hoa's, above it
    for root in ROOTS - {"TH"}:
        assert Unit.objects.get(code=root).time_zone == "Asia/Shanghai"


def test_each_case_proposes_from_its_own_countrys_catalog(demo: str) -> None:
    from pacesetter.awards.models import Award
    from pacesetter.awards.selectors import awards_for_units
    from pacesetter.units.selectors import unit_country

    membership = cluster_members(cluster_18(), on=date(2024, 7, 24)).first()
    assert membership is not None
    assert membership.unit.country == ""
    assert unit_country(membership.unit) == "VN"  # Thanh Hoa's, above it
    for root in ROOTS - {"TH"}:
        assert Unit.objects.get(code=root).country == "CN"
    vietnamese = awards_for_units(Award.objects.all(), Unit.objects.filter(code="TH"))
    assert set(vietnamese.values_list("preset", flat=True)) == {"vn", "generic"}
    chinese = awards_for_units(Award.objects.all(), Unit.objects.filter(code="HUADU"))
    assert set(chinese.values_list("preset", flat=True)) == {"cn", "generic"}
