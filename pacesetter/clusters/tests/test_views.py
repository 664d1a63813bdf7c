"""The cluster screens: list, detail, create (with its decision), edit, members, leaders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pacesetter.clusters import views as cluster_views
from pacesetter.clusters.models import Cluster, ClusterLeadership, ClusterMembership
from pacesetter.clusters.services import cluster_member_add
from pacesetter.clusters.tests.factories import ClusterFactory
from pacesetter.decisions.models import Decision
from pacesetter.decisions.services import decision_create
from pacesetter.decisions.tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = dt.date.today().year


def login(client: Any, world: Any, role: str) -> Any:
    client.force_login(world.users[role])
    return client


def cluster_form(world: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "owner_unit": world.committee.pk,
        "code": "C18",
        "source_language": "en",
        "name_en": "Emulation cluster No. 18",
    }
    data.update(overrides)
    return data


def pdf(name: str = "1197-QD-UBND.pdf", content: bytes = b"%PDF-1.4 decision") -> Any:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- List ------------------------------------------------------------------------------


def test_list_shows_visible_clusters_with_member_counts(client, world):
    response = login(client, world, "committee_staff").get(reverse("clusters:list"))
    assert response.status_code == 200
    assert 'name="q"' in response.text
    row = response.text.split("Cluster A")[1].split("</tr>")[0]
    assert '<td class="num">2</td>' in row
    assert "Cluster B" not in response.text
    assert reverse("clusters:create") in response.text


def test_list_for_a_member_unit_officer(client, world):
    response = login(client, world, "unit_officer").get(reverse("clusters:list"))
    assert "Cluster A" in response.text
    assert "Cluster B" not in response.text
    assert reverse("clusters:create") not in response.text


def test_list_search(client, world):
    login(client, world, "committee_staff")
    assert "Cluster A" in client.get(reverse("clusters:list"), {"q": "ca"}).text
    response = client.get(reverse("clusters:list"), {"q": "nothing like it"})
    assert "No clusters match your search." in response.text


def test_list_is_empty_for_a_user_without_roles(client, world):
    response = login(client, world, "nobody").get(reverse("clusters:list"))
    assert response.status_code == 200
    assert "There are no clusters you may see." in response.text


@pytest.mark.parametrize("rows", [10, 30])
def test_list_query_count_is_constant(client, world, django_assert_max_num_queries, rows):
    for n in range(rows):
        cluster = ClusterFactory(owner_unit=world.committee, name=f"Counted {n:02d}")
        cluster_member_add(actor=None, cluster=cluster, unit=world.own, start=dt.date(2024, 1, 1))
    login(client, world, "committee_staff")
    with django_assert_max_num_queries(7):
        response = client.get(reverse("clusters:list"), {"q": "Counted"})
    assert response.text.count("Counted ") == min(rows, 25)


# --- Detail ----------------------------------------------------------------------------


def test_detail_shows_members_leaders_and_history(client, world):
    response = login(client, world, "cluster_leader").get(
        reverse("clusters:detail", args=[world.cluster.pk])
    )
    assert response.status_code == 200
    text = response.text
    assert "<h1>Cluster A" in text
    members = text.split('id="members"')[1].split("</table>")[0]
    assert members.split("<tbody>")[1].count("<tr>") == 2
    assert "Own unit" in members and "Sibling unit" in members
    assert "Enterprise" in members  # labelled by unit type
    leaders = text.split('id="leaders"')[1].split("</section>")[0]
    assert "Own unit" in leaders and "2024" in leaders
    assert 'id="membership-history"' in text
    assert reverse("clusters:edit", args=[world.cluster.pk]) not in text


def test_detail_shows_actions_to_staff(client, world):
    response = login(client, world, "committee_staff").get(
        reverse("clusters:detail", args=[world.cluster.pk])
    )
    assert reverse("clusters:edit", args=[world.cluster.pk]) in response.text
    assert reverse("clusters:leader_set", args=[world.cluster.pk]) in response.text


@pytest.mark.parametrize("role", ["nobody", "viewer", "unit_officer", "cluster_leader"])
def test_detail_of_an_invisible_cluster_is_not_found(client, world, role):
    response = login(client, world, role).get(
        reverse("clusters:detail", args=[world.other_cluster.pk])
    )
    assert response.status_code == 404


def test_detail_shows_the_decision_with_a_download_link(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    decision = decision_create(
        actor=world.users["committee_staff"],
        owner_unit=world.committee,
        number="1197/QD-UBND",
        date=dt.date(2024, 3, 27),
        issuer="Chairman of the provincial People's Committee",
        file=pdf(),
    )
    Cluster.objects.filter(pk=world.cluster.pk).update(decision=decision)
    response = login(client, world, "unit_officer").get(
        reverse("clusters:detail", args=[world.cluster.pk])
    )
    assert "1197/QD-UBND" in response.text
    assert "Chairman of the provincial People" in response.text
    assert reverse("decisions:download", args=[decision.pk]) in response.text


# --- Create ----------------------------------------------------------------------------


def test_create_with_a_new_decision_and_its_file(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, world, "committee_staff")
    assert client.get(reverse("clusters:create")).status_code == 200
    data = cluster_form(
        world,
        decision_number="1197/QD-UBND",
        decision_date="2024-03-27",
        decision_issuer="Chairman of the provincial People's Committee",
        decision_file=pdf(),
    )
    response = client.post(reverse("clusters:create"), data)
    cluster = Cluster.objects.get(code="C18")
    assert response.status_code == 302
    assert response["Location"] == reverse("clusters:detail", args=[cluster.pk])
    assert cluster.owner_unit == world.committee
    assert cluster.decision.number == "1197/QD-UBND"
    assert cluster.decision.owner_unit == world.committee
    assert Path(cluster.decision.file.path).read_bytes() == b"%PDF-1.4 decision"
    assert "created" in client.get(response["Location"]).text


def test_create_with_an_existing_decision(client, world):
    decision = DecisionFactory(owner_unit=world.committee)
    login(client, world, "committee_staff")
    response = client.post(reverse("clusters:create"), cluster_form(world, decision=decision.pk))
    assert response.status_code == 302
    assert Cluster.objects.get(code="C18").decision == decision


def test_create_form_is_multipart(client, world):
    response = login(client, world, "committee_staff").get(reverse("clusters:create"))
    assert 'enctype="multipart/form-data"' in response.text


@pytest.mark.parametrize(
    ("upload", "max_bytes", "message"),
    [
        (lambda: SimpleUploadedFile("setup.exe", b"MZ..."), None, "are not accepted"),
        (lambda: pdf(content=b"x" * 100), 10, "the limit is"),
    ],
)
def test_create_refuses_a_bad_upload(client, world, settings, tmp_path, upload, max_bytes, message):
    settings.MEDIA_ROOT = tmp_path
    if max_bytes:
        settings.UPLOAD_MAX_BYTES = max_bytes
    data = cluster_form(
        world,
        decision_number="1",
        decision_date="2024-03-27",
        decision_issuer="X",
        decision_file=upload(),
    )
    response = login(client, world, "committee_staff").post(reverse("clusters:create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "decision_file" in errors
    assert message in str(errors["decision_file"])
    assert not Cluster.objects.filter(code="C18").exists()
    assert not Decision.objects.exists()
    assert list(tmp_path.rglob("*.*")) == []


def test_create_with_a_duplicate_code(client, world):
    login(client, world, "committee_staff")
    response = client.post(reverse("clusters:create"), cluster_form(world, code="CA"))
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert Cluster.objects.count() == 2


def test_create_needs_the_new_decisions_number_date_and_issuer(client, world):
    login(client, world, "committee_staff")
    response = client.post(reverse("clusters:create"), cluster_form(world, decision_number="1"))
    errors = response.context["form"].errors
    assert "decision_date" in errors and "decision_issuer" in errors
    assert not Cluster.objects.filter(code="C18").exists()


def test_a_failed_cluster_leaves_no_decision_behind(client, world, settings, tmp_path, monkeypatch):
    """The decision is created first; if the cluster then fails, both roll back."""
    settings.MEDIA_ROOT = tmp_path

    def refuse(**kwargs: Any) -> None:
        raise ValidationError({"name_en": "Refused."})

    monkeypatch.setattr(cluster_views.services, "cluster_create", refuse)
    data = cluster_form(
        world,
        decision_number="1",
        decision_date="2024-03-27",
        decision_issuer="X",
        decision_file=pdf(),
    )
    response = login(client, world, "committee_staff").post(reverse("clusters:create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["name_en"] == ["Refused."]
    assert not Decision.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_duplicate_decision_shows_its_error(client, world):
    decision_create(
        actor=world.users["committee_staff"],
        owner_unit=world.committee,
        number="1",
        date=dt.date(2024, 3, 27),
        issuer="X",
    )
    data = cluster_form(world, decision_number="1", decision_date="2024-03-27", decision_issuer="X")
    response = login(client, world, "committee_staff").post(reverse("clusters:create"), data)
    assert response.status_code == 200
    # The clash is on the issuer in the decision's language, so it shows on that input.
    assert "already has a decision" in str(response.context["form"].errors["decision_issuer"])
    assert not Cluster.objects.filter(code="C18").exists()
    assert Decision.objects.count() == 1


def test_create_for_a_unit_the_user_does_not_manage(client, world):
    response = login(client, world, "committee_staff").post(
        reverse("clusters:create"), cluster_form(world, owner_unit=world.other_root.pk)
    )
    assert response.status_code == 200
    assert "owner_unit" in response.context["form"].errors
    assert not Cluster.objects.filter(code="C18").exists()


@pytest.mark.parametrize("role", ["unit_officer", "cluster_leader", "nobody"])
def test_create_is_refused_without_a_managed_unit(client, world, role):
    login(client, world, role)
    assert client.get(reverse("clusters:create")).status_code == 403
    assert client.post(reverse("clusters:create"), cluster_form(world)).status_code == 403


# --- Edit ------------------------------------------------------------------------------


def test_staff_edits_a_cluster(client, world):
    login(client, world, "committee_staff")
    url = reverse("clusters:edit", args=[world.cluster.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"code": "CA", "source_language": "en", "name_en": "Cluster A renamed", "is_active": "on"},
    )
    assert response.status_code == 302
    world.cluster.refresh_from_db()
    assert world.cluster.name == "Cluster A renamed"


@pytest.mark.parametrize(("role", "status"), [("cluster_leader", 403), ("nobody", 404)])
def test_edit_is_refused(client, world, role, status):
    response = login(client, world, role).post(
        reverse("clusters:edit", args=[world.cluster.pk]),
        {"code": "CA", "source_language": "en", "name_en": "Hacked"},
    )
    assert response.status_code == status
    world.cluster.refresh_from_db()
    assert world.cluster.name == "Cluster A"


# --- Members ---------------------------------------------------------------------------


def test_staff_adds_a_member(client, world):
    login(client, world, "committee_staff")
    url = reverse("clusters:member_add", args=[world.cluster.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"unit": world.child.pk, "start": "2025-01-01"})
    assert response.status_code == 302
    assert world.cluster.memberships.filter(unit=world.child, end__isnull=True).exists()


def test_an_overlapping_membership_shows_the_error(client, world):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("clusters:member_add", args=[world.cluster.pk]),
        {"unit": world.own.pk, "start": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "already a member" in str(response.context["form"].errors["start"])
    assert world.cluster.memberships.filter(unit=world.own).count() == 1


def test_a_membership_ending_before_it_starts_shows_the_error(client, world):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("clusters:member_add", args=[world.cluster.pk]),
        {"unit": world.child.pk, "start": "2025-01-01", "end": "2024-01-01"},
    )
    assert response.status_code == 200
    assert "end" in response.context["form"].errors
    assert not world.cluster.memberships.filter(unit=world.child).exists()


def test_a_second_membership_from_the_same_day_is_an_error_on_its_start(client, world):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("clusters:member_add", args=[world.cluster.pk]),
        {"unit": world.own.pk, "start": "2024-01-01"},  # the day the fixture's begins
    )
    assert response.status_code == 200
    assert response.context["form"].errors["start"] == [
        "This unit already has a membership of this cluster starting on that date."
    ]
    assert "Constraint" not in response.text


def test_staff_ends_a_membership(client, world):
    membership = world.cluster.memberships.get(unit=world.sibling)
    login(client, world, "committee_staff")
    url = reverse("clusters:member_end", args=[world.cluster.pk, membership.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"end": "2025-06-30"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.end == dt.date(2025, 6, 30)


def test_ending_a_membership_before_its_start_shows_the_error(client, world):
    membership = world.cluster.memberships.get(unit=world.sibling)
    login(client, world, "committee_staff")
    response = client.post(
        reverse("clusters:member_end", args=[world.cluster.pk, membership.pk]),
        {"end": "2023-12-31"},
    )
    assert response.status_code == 200
    assert "end" in response.context["form"].errors
    membership.refresh_from_db()
    assert membership.end is None


def test_a_membership_of_another_cluster_is_not_found(client, world):
    other = ClusterMembership.objects.get(cluster=world.other_cluster)
    response = login(client, world, "committee_staff").post(
        reverse("clusters:member_end", args=[world.cluster.pk, other.pk]), {"end": "2025-01-01"}
    )
    assert response.status_code == 404


def test_leader_may_not_change_members(client, world):
    response = login(client, world, "cluster_leader").post(
        reverse("clusters:member_add", args=[world.cluster.pk]),
        {"unit": world.child.pk, "start": "2025-01-01"},
    )
    assert response.status_code == 403


# --- Leaders ---------------------------------------------------------------------------


def test_staff_sets_the_leader_for_this_year(client, world):
    login(client, world, "committee_staff")
    url = reverse("clusters:leader_set", args=[world.cluster.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "year": THIS_YEAR,
            "role": "leader",
            "unit": world.sibling.pk,
            "assigned_on": "2026-01-05",
        },
    )
    assert response.status_code == 302
    post = ClusterLeadership.objects.get(cluster=world.cluster, year=THIS_YEAR, role="leader")
    assert post.unit == world.sibling
    page = client.get(reverse("clusters:detail", args=[world.cluster.pk])).text
    leaders = page.split('id="leaders"')[1].split("</section>")[0]
    assert "Sibling unit" in leaders


def test_a_new_leader_ends_the_previous_one_who_stays_in_the_history(client, world):
    login(client, world, "committee_staff")
    url = reverse("clusters:leader_set", args=[world.cluster.pk])
    client.post(
        url, {"year": 2024, "role": "leader", "unit": world.sibling.pk, "assigned_on": "2024-07-01"}
    )
    posts = ClusterLeadership.objects.filter(cluster=world.cluster, year=2024, role="leader")
    assert posts.filter(ended_on=dt.date(2024, 7, 1), unit=world.own).exists()
    page = client.get(reverse("clusters:detail", args=[world.cluster.pk])).text
    leaders = page.split('id="leaders"')[1].split("</section>")[0]
    assert "ended" in leaders and "Own unit" in leaders and "Sibling unit" in leaders


def test_a_leader_that_is_not_a_member_that_year_is_refused(client, world):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("clusters:leader_set", args=[world.cluster.pk]),
        {"year": 2023, "role": "leader", "unit": world.own.pk, "assigned_on": "2023-01-05"},
    )
    assert response.status_code == 200
    assert "not a member of the cluster in 2023" in str(response.context["form"].errors["unit"])
    assert not ClusterLeadership.objects.filter(cluster=world.cluster, year=2023).exists()


def test_leader_may_not_set_leaders(client, world):
    response = login(client, world, "cluster_leader").post(
        reverse("clusters:leader_set", args=[world.cluster.pk]),
        {"year": THIS_YEAR, "role": "leader", "unit": world.own.pk, "assigned_on": "2026-01-05"},
    )
    assert response.status_code == 403
