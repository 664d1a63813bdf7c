"""The register's screens, as each role uses them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from pacesetter.coverage.models import Building, CoverageKind, Organization
from pacesetter.coverage.services import building_record

from .factories import credit_code, organization

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def orgs(world):
    party = CoverageKind.objects.get(code="party")
    own = organization(world.own, name="Own Leather Works", registered_on=D(2023, 1, 1))
    building_record(actor=None, organization=own, kind=party, on=D(2024, 5, 1), form="standalone")
    sibling = organization(world.sibling, name="Sibling Logistics", registered_on=D(2023, 1, 1))
    return {"own": own, "sibling": sibling}


def test_an_officer_lists_its_own_town_and_reads_it_as_of_a_date(client, world, orgs):
    client.force_login(world.users["unit_officer"])
    page = client.get("/coverage/").content.decode()
    assert "Own Leather Works" in page
    assert "Sibling Logistics" not in page
    standalone = '<span class="badge ok">Standalone</span>'
    assert standalone in page
    before = client.get("/coverage/?at=2024-04-30").content.decode()
    assert standalone not in before and '<span class="badge warn">Not built</span>' in before
    assert client.get("/coverage/?at=2022-12-31").context["page_obj"].paginator.count == 0


def test_a_date_in_the_future_is_refused_on_its_field(client, world, orgs):
    client.force_login(world.users["committee_staff"])
    response = client.get("/coverage/?at=2099-01-01")
    assert "Choose today or a past date." in response.content.decode()


def test_the_list_takes_a_fixed_number_of_queries(client, world, orgs, django_assert_num_queries):
    client.force_login(world.users["committee_staff"])
    client.get("/coverage/")
    for n in range(5):
        organization(world.own, name=f"More {n}")
    with django_assert_num_queries(9):
        response = client.get("/coverage/")
    assert response.context["page_obj"].paginator.count == 7
    for n in range(5):
        organization(world.sibling, name=f"Even more {n}")
    with django_assert_num_queries(9):
        client.get("/coverage/")


def test_an_officer_registers_an_organization_of_its_town(client, world):
    client.force_login(world.users["unit_officer"])
    form = client.get("/coverage/new/").context["form"]
    assert list(form.fields["town"].queryset) == [world.own, world.child]
    code = credit_code()
    response = client.post(
        "/coverage/new/",
        {
            "source_language": "zh-hans",
            "name_zh_hans": "狮岭皮具有限公司",
            "credit_code": code[:6] + " " + code[6:],
            "kind": "private",
            "town": world.own.pk,
            "registered_on": "2024-08-15",
            "staff_count": "120",
            "party_members_full": "4",
            "party_members_probationary": "0",
            "union_members": "60",
        },
    )
    org = Organization.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/coverage/{org.pk}/"
    assert (org.credit_code, org.name_zh_hans, org.town) == (code, "狮岭皮具有限公司", world.own)
    assert Building.objects.filter(organization=org).count() == 3


def test_a_mistyped_credit_code_is_refused_on_its_field(client, world):
    client.force_login(world.users["unit_officer"])
    code = credit_code()
    wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
    response = client.post(
        "/coverage/new/",
        {
            "source_language": "en",
            "name_en": "X",
            "credit_code": wrong,
            "kind": "private",
            "town": world.own.pk,
            "registered_on": "2024-01-01",
            "staff_count": "1",
            "party_members_full": "0",
            "party_members_probationary": "0",
            "union_members": "0",
        },
    )
    assert response.status_code == 200
    assert "check character does not match" in str(response.context["form"].errors["credit_code"])
    assert not Organization.objects.exists()


def test_recording_an_instructor_asks_for_the_name_then_records_it(client, world, orgs):
    client.force_login(world.users["unit_officer"])
    url = f"/coverage/{orgs['own'].pk}/union/"
    response = client.post(url, {"on": "2024-06-01", "form": "work_only"})
    assert "Name the instructor or liaison sent." in str(
        response.context["form"].errors["instructor_name"]
    )
    response = client.post(
        url, {"on": "2024-06-01", "form": "work_only", "instructor_name": "Liaison Wu"}
    )
    assert response.status_code == 302
    page = client.get(f"/coverage/{orgs['own'].pk}/").content.decode()
    assert "Liaison Wu" in page and "Instructor or liaison sent" in page


def test_a_status_change_is_recorded_with_its_date(client, world, orgs):
    client.force_login(world.users["committee_staff"])
    response = client.post(
        f"/coverage/{orgs['sibling'].pk}/status/", {"on": "2024-03-01", "status": "suspended"}
    )
    assert response.status_code == 302
    orgs["sibling"].refresh_from_db()
    assert orgs["sibling"].status == "suspended"


@pytest.mark.parametrize(
    ("role", "page", "status"),
    [
        ("viewer", "{own}/", 200),
        ("viewer", "{own}/edit/", 403),
        ("viewer", "{own}/party/", 403),
        ("unit_officer", "{sibling}/", 404),
        ("nobody", "{own}/", 404),
        ("nobody", "new/", 403),
        ("cluster_leader", "{own}/status/", 404),
    ],
)
def test_who_may_do_what(client, world, orgs, role, page, status):
    client.force_login(world.users[role])
    url = "/coverage/" + page.format(own=orgs["own"].pk, sibling=orgs["sibling"].pk)
    response = client.get(url)
    assert response.status_code == status
    if status == 403:
        assert "You do not have permission" in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client, orgs):
    assert client.get("/coverage/").status_code == 302
    assert client.get(f"/coverage/{orgs['own'].pk}/").status_code == 302


def test_the_rates_page_links_each_figure_to_the_organizations_behind_it(client, world, orgs):
    client.force_login(world.users["committee_staff"])
    response = client.get("/coverage/rates/?at=2024-12-31&since=2024-01-01")
    page = response.content.decode()
    assert response.context["table"].total.operating == 2
    assert f"town={world.own.pk}" in page
    assert "party_form=uncovered" in page
    assert "50%" in page  # one of two is built
    linked = client.get("/coverage/?at=2024-12-31&status=operating&party_form=uncovered")
    assert [o.name for o in linked.context["page_obj"]] == ["Sibling Logistics"]


def test_the_rates_show_the_earlier_rate_in_brackets_only_with_a_start(client, world, orgs):
    client.force_login(world.users["committee_staff"])
    without = client.get("/coverage/rates/?at=2024-12-31").content.decode()
    table = without[without.index('<table id="rates"') :]
    assert "[" not in table[: table.index("</table>")]
    since = client.get("/coverage/rates/?at=2024-12-31&since=2024-01-01").content.decode()
    table = since[since.index('<table id="rates"') :]
    own = table[table.index(f'data-key="{world.own.pk}"') :]
    # Built in May: 100% at the end of the year, against 0% on 1 January.
    assert '100% <span class="muted">(1)</span><br><span class="muted">[0%]</span>' in own


def test_the_export_is_a_workbook_with_formula_safe_text(client, world):
    organization(world.own, name='=HYPERLINK("http://evil","x")')
    client.force_login(world.users["committee_staff"])
    response = client.get("/coverage/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    # The import's column keys: the export reads back unchanged (test_import).
    headers = list(rows[0])
    assert headers[:2] == ["credit_code", "name"] and "youth_form" in headers
    assert rows[1][1] == '=HYPERLINK("http://evil","x")'
    assert sheet.cell(row=2, column=2).data_type == "s"
    forms = [rows[1][headers.index(f"{k}_form")] for k in ("party", "union", "youth")]
    assert forms == ["Not built", "Not built", "Not built"]


def test_the_rates_page_draws_the_trend_and_the_bars_as_svg(client, world, orgs):
    client.force_login(world.users["committee_staff"])
    page = client.get("/coverage/rates/?at=2024-12-31").content.decode()
    trend = page[page.index('id="coverage-trend"') :]
    assert '<svg class="chart trend" role="img"' in trend
    assert "2024-12" in trend and "2023-03" in trend  # eight quarter ends up to the date
    assert "Coverage over the last two years" in trend
    # One of the two was built by then: 50% on the line's last point.
    assert "50%" in trend[: trend.index("</svg>")]
    assert 'id="coverage-by-group"' in page and "Own unit" in page


def test_quarter_ends_end_with_the_date():
    from pacesetter.coverage.charts import quarter_ends

    assert quarter_ends(D(2024, 8, 15), 4) == [
        D(2023, 12, 31),
        D(2024, 3, 31),
        D(2024, 6, 30),
        D(2024, 8, 15),
    ]
