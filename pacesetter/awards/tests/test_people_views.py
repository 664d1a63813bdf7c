"""The screens of the register of people: who reads and edits it (a test per role, a
refusal being the translated 403 page), the list (search, pages, a fixed query count,
the .xlsx export and the print view), a person's page with their award history, the
forms, and adding a person of the register to a proposal."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pacesetter.awards import services
from pacesetter.awards.models import Candidate, Person, RecipientKind
from pacesetter.awards.people_services import person_create
from pacesetter.awards.tests.factories import AwardFactory, EligibilityRuleFactory
from pacesetter.decisions.tests.factories import DecisionFactory

D = dt.date


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def people(world):
    return {
        "huong": person_create(
            actor=None,
            unit=world.own,
            full_name="Nguyễn Thị Hương",
            source_language="vi",
            title="Tổ trưởng",
            start=D(2019, 3, 1),
        ),
        "binh": person_create(actor=None, unit=world.own, full_name="Trần Văn Bình"),
        "child": person_create(actor=None, unit=world.child, full_name="Lê Thị Con"),
        "other": person_create(actor=None, unit=world.other, full_name="Phạm Văn Khác"),
    }


#: role → (register of the own unit, edit a person of it): 200, 403 (the page), 404.
REGISTER = {
    "superuser": (200, 200),
    "committee_staff": (200, 200),  # staff over the province, above the unit
    "unit_officer": (200, 200),  # the unit's officer
    "viewer": (200, 403),  # reads, does not edit
    "cluster_leader": (403, 404),  # sees the unit (its cluster's member), not its people
    "council_member": (403, 404),  # sees the unit (it sits on the council), not its people
    "nobody": (404, 404),
}


@pytest.mark.parametrize("role", sorted(REGISTER))
def test_who_reads_and_edits_the_register(client, world, people, role):
    login(client, world.users[role])
    register, edit = REGISTER[role]
    response = client.get(reverse("awards:unit_people", args=[world.own.pk]))
    assert response.status_code == register
    if register == 403:
        assert response.templates[0].name == "403.html"
        assert "403 Forbidden" not in response.content.decode()
        assert "Back to the home page" in response.content.decode()  # the site's own page
    if register == 200:
        page = response.content.decode()
        assert "Nguyễn Thị Hương" in page
        assert ("Add a person" in page) == (edit == 200)
    response = client.get(reverse("awards:person_edit", args=[people["huong"].pk]))
    assert response.status_code == edit
    if edit == 403:
        assert response.templates[0].name == "403.html"


def test_anonymous_is_sent_to_the_login(client, world):
    response = client.get(reverse("awards:unit_people", args=[world.own.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_menus_register_lists_the_people_of_the_users_units(client, world, people):
    login(client, world.users["unit_officer"])
    page = client.get(reverse("awards:people")).content.decode()
    assert "Nguyễn Thị Hương" in page and "Lê Thị Con" in page
    assert "Phạm Văn Khác" not in page  # another organization's
    menu = [item["label"] for item in client.get("/").context["menu"]]
    assert "People register" in menu


def test_the_unit_page_links_the_register_for_those_who_read_it(client, world, people):
    url = reverse("units:detail", args=[world.own.pk])
    register = reverse("awards:unit_people", args=[world.own.pk])
    assert register in login(client, world.users["viewer"]).get(url).content.decode()
    assert register not in login(client, world.users["cluster_leader"]).get(url).content.decode()


def test_search_by_name_ignores_accents_and_case(client, world, people):
    login(client, world.users["unit_officer"])
    url = reverse("awards:unit_people", args=[world.own.pk])
    page = client.get(url, {"q": "nguyen thi"}).content.decode()
    assert "Nguyễn Thị Hương" in page and "Trần Văn Bình" not in page
    assert "Nobody in the register matches" in client.get(url, {"q": "zzz"}).content.decode()


@pytest.mark.parametrize("size", [3, 12])
def test_the_register_has_a_fixed_query_count(
    client, world, size, django_assert_num_queries, settings
):
    settings.PAGE_SIZE = 10
    for n in range(size):
        person_create(actor=None, unit=world.own, full_name=f"Người {n:02d}", title=f"Chức {n}")
    login(client, world.users["unit_officer"])
    url = reverse("awards:unit_people", args=[world.own.pk])
    # session, user, scope, the unit, its register check, may add, count, rows, positions,
    # the bell
    with django_assert_num_queries(10):
        page = client.get(url).content.decode()
    assert page.count('<th scope="row"><a href="/awards/people/') == min(size, 10)
    if size > 10:
        assert "Page 1 of 2" in page


def test_the_export_has_every_row_and_no_formula(client, world, people):
    person_create(actor=None, unit=world.own, full_name='=HYPERLINK("http://x","y")')
    login(client, world.users["viewer"])
    response = client.get(reverse("awards:unit_people_xlsx", args=[world.own.pk]))
    assert response.status_code == 200
    assert "people-own.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Full name", "Unit code", "Unit", "Position")
    names = [r[0] for r in rows[1:]]
    assert names == sorted(names) and len(names) == 3  # the own unit's, not its child's
    formula = next(c for c in sheet["A"] if str(c.value).startswith("="))
    assert formula.data_type == "s" and formula.quotePrefix
    huong = next(r for r in rows if r[0] == "Nguyễn Thị Hương")
    assert huong[3] == "Tổ trưởng" and huong[4].date() == D(2019, 3, 1)


def test_the_print_view_lists_everyone_on_one_page(client, world, people, settings):
    settings.PAGE_SIZE = 1
    login(client, world.users["viewer"])
    response = client.get(reverse("awards:unit_people_print", args=[world.own.pk]))
    page = response.content.decode()
    assert "data-print" in page
    assert "Nguyễn Thị Hương" in page and "Trần Văn Bình" in page
    assert "Page 1 of" not in page


def test_a_person_page_shows_positions_and_award_history_with_links(client, world, people):
    award = AwardFactory(recipient_kind=RecipientKind.PERSON, name="Chiến sĩ thi đua cơ sở")
    decision = DecisionFactory(owner_unit=world.committee)
    huong = people["huong"]
    grant = services.grant_record(
        actor=None, award=award, decision=decision, year=2023, person=huong
    )
    proposal = services.proposal_nominate(
        actor=None,
        award=award,
        year=2024,
        decision_date=D(2024, 12, 1),
        committee_unit=world.committee,
        proposer_unit=world.own,
        people=[huong],
    )
    login(client, world.users["unit_officer"])
    page = client.get(reverse("awards:person", args=[huong.pk])).content.decode()
    assert "Tổ trưởng" in page and "Own unit" in page
    assert reverse("awards:grant", args=[grant.pk]) in page
    assert reverse("awards:proposal", args=[proposal.pk]) in page
    assert reverse("awards:position_add", args=[huong.pk]) in page
    viewer = login(client, world.users["viewer"]).get(reverse("awards:person", args=[huong.pk]))
    assert reverse("awards:position_add", args=[huong.pk]) not in viewer.content.decode()


def test_adding_and_editing_a_person_on_the_screens(client, world):
    login(client, world.users["unit_officer"])
    url = reverse("awards:person_create", args=[world.own.pk])
    form = client.get(url).content.decode()
    assert form.index('name="full_name"') < form.index('name="source_language"')
    response = client.post(
        url,
        {
            "full_name": "Hoàng Văn Dũng",
            "service_start": "2010-01-01",
            "source_language": "vi",
            "title_vi": "Kỹ sư",
            "title_en": "Engineer",
            "start": "2020-01-01",
        },
    )
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "awards:person", args=[person.pk]
    )
    position = person.positions.get()
    assert (position.title_vi, position.title_en, position.start) == (
        "Kỹ sư",
        "Engineer",
        D(2020, 1, 1),
    )
    response = client.post(
        reverse("awards:person_edit", args=[person.pk]),
        {"full_name": "Hoàng Văn Dũng", "service_start": "2099-01-01"},
    )
    assert response.status_code == 200
    assert "not after today" in str(response.context["form"].errors["service_start"])


def test_moving_a_person_on_the_screen_ends_the_position_the_day_before(client, world, people):
    login(client, world.users["committee_staff"])
    huong = people["huong"]
    response = client.post(
        reverse("awards:position_add", args=[huong.pk]),
        {
            "unit": world.sibling.pk,
            "source_language": "vi",
            "title_vi": "Phó phòng",
            "start": "2024-07-01",
        },
    )
    assert response.status_code == 302
    huong.refresh_from_db()
    assert huong.unit == world.sibling
    assert huong.positions.get(unit=world.own).end == D(2024, 6, 30)
    # The officer of the own unit no longer sees her (she is the sibling unit's now).
    login(client, world.users["unit_officer"])
    assert client.get(reverse("awards:person", args=[huong.pk])).status_code == 404


def test_a_position_starting_too_early_is_an_error_beside_the_field(client, world, people):
    login(client, world.users["unit_officer"])
    response = client.post(
        reverse("awards:position_add", args=[people["huong"].pk]),
        {"unit": world.own.pk, "source_language": "vi", "start": "2019-01-01"},
    )
    assert response.status_code == 200
    assert "started on" in str(response.context["form"].errors["start"])


# --- Candidates from the register ----------------------------------------------------------


@pytest.fixture
def draft(world, people):
    award = AwardFactory(recipient_kind=RecipientKind.PERSON, name="Lao động tiên tiến")
    EligibilityRuleFactory(
        award=award, valid_from=D(2020, 1, 1), rule={"years_of_service_at_least": {"years": 6}}
    )
    return services.proposal_nominate(
        actor=None,
        award=award,
        year=2024,
        decision_date=D(2024, 12, 1),
        committee_unit=world.committee,
        proposer_unit=world.own,
        people=[people["binh"]],
    )


def test_an_officer_adds_a_person_of_the_register_as_a_candidate(client, world, people, draft):
    login(client, world.users["unit_officer"])
    url = reverse("awards:proposal", args=[draft.pk])
    page = client.get(url).content.decode()
    assert 'id="add-person"' in page
    offered = client.get(url).context["candidate_form"].fields["person"].queryset
    assert set(offered) == {people["huong"], people["child"]}  # not Bình again, not others
    response = client.post(
        reverse("awards:proposal_candidate_add", args=[draft.pk]),
        {"person": people["huong"].pk, "achievement": "Hoàn thành xuất sắc"},
        follow=True,
    )
    assert "was added as a candidate" in response.content.decode(), [
        str(m) for m in response.context["messages"]
    ]
    candidate = Candidate.objects.get(proposal=draft, person=people["huong"])
    # The rule ran: in a position since 2019-03-01 is 5 years by 2024-12-01, not 6.
    assert candidate.eligible is False
    assert candidate.eligibility["tree"]["facts"] == {"years": 5}


def test_a_person_of_another_register_is_not_added(client, world, people, draft):
    login(client, world.users["committee_staff"])
    client.post(
        reverse("awards:proposal_candidate_add", args=[draft.pk]),
        {"person": people["other"].pk},
    )
    assert not Candidate.objects.filter(person=people["other"]).exists()


def test_the_viewer_is_not_offered_to_add_and_is_refused(client, world, people, draft):
    login(client, world.users["viewer"])
    page = client.get(reverse("awards:proposal", args=[draft.pk])).content.decode()
    assert 'id="add-person"' not in page
    response = client.post(
        reverse("awards:proposal_candidate_add", args=[draft.pk]), {"person": people["huong"].pk}
    )
    assert response.status_code == 403 and response.templates[0].name == "403.html"


def test_the_service_refuses_a_person_outside_the_register(world, people, draft):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.proposal_candidate_add(actor=None, proposal=draft, person=people["other"])
    assert {e.code for e in exc.value.error_dict["person"]} == {"not_in_register"}
    with pytest.raises(ValidationError) as exc:
        services.proposal_candidate_add(actor=None, proposal=draft, person=people["binh"])
    assert {e.code for e in exc.value.error_dict["person"]} == {"already_candidate"}
