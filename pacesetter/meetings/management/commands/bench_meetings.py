"""``manage.py bench_meetings``: the meeting page of a large meeting, beside its floor.

On a throw-away database (as the other benches: the command starts itself again in a
child process whose ``DATABASE_URL`` points at a temporary SQLite file or at a
PostgreSQL server started for the run), the child builds a committee of ``--units``
units, each with one unit officer, a committee staff account, and one meeting of the
committee with ``--invitations`` invitations through ``services.invitation_add``: half
people with an account, a third delegations of units, the rest invitees without an
account, a third of them checked in. The agenda has 8 items. Units and accounts are
bulk-inserted (only the reads are measured); the meeting, its agenda and its
invitations go through the services.

It then requests the meeting page (``meetings:meeting_detail``) with Django's test
client, signed in as the committee staff who run it: the first page of invitations, a
later page, and a search. After two warm-up requests, ``--runs`` requests each: median,
p95, and the number of queries. In turns with those requests it times the **floor**: the
hand-written SQL the page needs (the meeting, the attendance aggregate, the count and the page of
invitations with their person, unit and checker, the agenda), and prints the ratio.
Goal: under 50 ms with the invitations paged.
"""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pacesetter.testing import bench

PAGE_GOAL = 0.050
BATCH = 2000
WARM_UP = 2
AGENDA_ITEMS = 8
_HIDDEN = "(internal) started by bench_meetings itself."


class Command(BaseCommand):
    help = (
        "Build a meeting with N invitations on a throw-away SQLite and/or PostgreSQL "
        "database and time its page beside the page's hand-written SQL."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, default=1000)
        parser.add_argument("--invitations", type=int, default=300)
        parser.add_argument("--runs", type=int, default=20, help="Requests per variant.")
        parser.add_argument(
            "--database",
            action="append",
            choices=bench.DATABASES,
            help="Repeat for both; default: sqlite and postgres.",
        )
        parser.add_argument("--worker", action="store_true", help=_HIDDEN)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["units"] < 10 or options["invitations"] < 10 or options["runs"] < 1:
            raise CommandError("Use at least 10 units, 10 invitations and 1 run.")
        if options["worker"]:
            bench.require_worker("bench_meetings")
            result = _Worker(options["units"], options["invitations"], options["runs"]).run()
            self.stdout.write(bench.worker_result(result))
            return
        results = []
        for database in options["database"] or list(bench.DATABASES):
            self.stderr.write(
                f"{database}: building a meeting of {options['invitations']} invitations "
                "and timing its page..."
            )
            child_args = [
                f"--units={options['units']}",
                f"--invitations={options['invitations']}",
                f"--runs={options['runs']}",
            ]
            with bench.throwaway_database(database) as url:
                results.append(bench.run_worker("bench_meetings", database, url, child_args))
        self.stdout.write(self._table(results, options))

    def _table(self, results: list[dict[str, Any]], options: dict[str, Any]) -> str:
        out = [
            f"{options['units']:,} units with an officer each; one meeting of "
            f"{options['invitations']} invitations; the meeting page through the test "
            f"client, median and p95 of {options['runs']} requests after {WARM_UP} warm-up "
            "requests.",
            "",
            f"  {'database':<10}{'variant':<26}{'rows':>6}{'median':>10}{'p95':>10}"
            f"{'floor':>10}{'ratio':>7}{'queries':>9}  goal",
        ]
        for r in results:
            out.append(f"  {r['database']:<10}(built in {r['build']:.0f} s)")
            for v in r["variants"]:
                ok = "ok" if v["median"] < PAGE_GOAL else "SLOW"
                out.append(
                    f"  {'':<10}{v['name']:<26}{v['rows']:>6}{v['median'] * 1000:>7.1f} ms"
                    f"{v['p95'] * 1000:>7.1f} ms{bench.ms(v['floor']):>10}"
                    f"{v['median'] / v['floor']:>6.1f}x{v['queries']:>9}  {ok}"
                )
        out += ["", f"Goal: the meeting page under {PAGE_GOAL * 1000:.0f} ms (median), paged."]
        return "\n".join(out)


class _Worker:
    """Runs in the child process, on the throw-away database."""

    def __init__(self, units: int, invitations: int, runs: int) -> None:
        self.n_units = units
        self.n_invitations = invitations
        self.runs = runs

    def run(self) -> dict[str, Any]:
        from django.db import connection

        bench.migrate()
        (meeting, staff), build = bench.timed(self.build)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return {"build": build, "variants": self.measure(meeting, staff)}

    # --- building ---------------------------------------------------------------------

    def build(self) -> tuple[Any, Any]:
        from django.db import transaction
        from django.utils import timezone

        from pacesetter.accounts.models import Role
        from pacesetter.accounts.services import user_create
        from pacesetter.meetings import services
        from pacesetter.units.services import unit_create, unit_type_create

        with transaction.atomic():
            committee_type = unit_type_create(actor=None, code="committee", name="Committee")
            committee = unit_create(
                actor=None,
                parent=None,
                code="BENCH",
                name="Benchmark committee",
                unit_type=committee_type,
            )
            staff = user_create(
                actor=None,
                username="staff.bench",
                password="bench-Passw0rd-2024",  # noqa: S106 - a throw-away database
                role=Role.COMMITTEE_STAFF,
                unit=committee,
            )
            units, officers = self.units(committee)
            # In its check-in window: the page shows the live attendance and check-ins.
            now = timezone.now()
            meeting = services.meeting_create(
                actor=staff,
                kind="review",
                organizer_unit=committee,
                starts_at=now - dt.timedelta(minutes=30),
                ends_at=now + dt.timedelta(hours=3),
                title="Annual emulation conference",
                place="Great hall",
            )
            for i in range(AGENDA_ITEMS):
                services.agenda_item_add(
                    actor=staff,
                    meeting=meeting,
                    title=f"Agenda item {i + 1}",
                    duration_minutes=15,
                    speaker_unit=units[i],
                )
            invitations = self.invite(meeting, staff, units, officers)
            for invitation in invitations[::3]:
                services.check_in(actor=staff, meeting=meeting, code=invitation.code)
        return meeting, staff

    def units(self, committee: Any) -> tuple[list[Any], list[Any]]:
        """``--units`` units under the committee, each with a unit officer."""
        from pacesetter.accounts.models import Role, RoleAssignment, User
        from pacesetter.units.models import Unit

        made = Unit.objects.bulk_create(
            [
                Unit(
                    parent=committee,
                    path="-",
                    depth=1,
                    code=f"U{i:05d}",
                    name_en=f"Enterprise {i:05d}",
                    unit_type=committee.unit_type,
                )
                for i in range(self.n_units)
            ],
            batch_size=BATCH,
        )
        if any(unit.pk is None for unit in made):  # a backend that returns no ids
            made = list(Unit.objects.filter(parent=committee).order_by("code"))
        for unit in made:
            unit.path = f"{committee.path}{bench.base36(unit.pk)}/"
        Unit.objects.bulk_update(made, ["path"], batch_size=BATCH)
        users = User.objects.bulk_create(
            [
                User(username=f"officer.{i:05d}", first_name="Officer", last_name=f"{i:05d}")
                for i in range(self.n_units)
            ],
            batch_size=BATCH,
        )
        if any(user.pk is None for user in users):
            users = list(User.objects.filter(username__startswith="officer.").order_by("username"))
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=user, role=Role.UNIT_OFFICER, unit=unit)
                for user, unit in zip(users, made, strict=True)
            ],
            batch_size=BATCH,
        )
        return made, users

    def invite(self, meeting: Any, staff: Any, units: list[Any], officers: list[Any]) -> list[Any]:
        """Half people with an account, a third delegations of units, the rest invitees
        without an account, through the service."""
        from pacesetter.meetings import services
        from pacesetter.meetings.models import InviteeRole

        made = []
        # each person and unit is invited once: fewer units, more invitees by name
        people = min(self.n_invitations // 2, len(officers))
        delegations = min(self.n_invitations // 3, len(units))
        for i in range(self.n_invitations):
            if i < people:
                kwargs: dict[str, Any] = {"user": officers[i]}
            elif i < people + delegations:
                unit = units[-1 - (i - people)]
                kwargs = {"unit": unit, "delegation_size": 3, "head": f"Director of {unit.code}"}
            else:
                kwargs = {"label": f"Guest {i:04d}", "email": f"guest{i}@example.org"}
            role = InviteeRole.MEMBER if i % 2 else InviteeRole.GUEST
            made.append(services.invitation_add(actor=staff, meeting=meeting, role=role, **kwargs))
        return made

    # --- measuring --------------------------------------------------------------------

    def measure(self, meeting: Any, staff: Any) -> list[dict[str, Any]]:
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from pacesetter.meetings.views import INVITATIONS_PER_PAGE

        url = reverse("meetings:meeting_detail", args=[meeting.pk])
        floor = _Floor(meeting, INVITATIONS_PER_PAGE)
        last = (self.n_invitations + INVITATIONS_PER_PAGE - 1) // INVITATIONS_PER_PAGE
        code = f"U{self.n_units - 1:05d}"  # the last unit: invited as a delegation
        variants = [
            ("first page", "", floor.reads(1)),
            (f"page {last} of {last}", f"?page={last}", floor.reads(last)),
            ("search (a unit's code)", f"?who={code}", floor.reads(1, who=code)),
        ]
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(staff)
        results = []
        for name, query, floor_reads in variants:

            def page(query: str = query) -> None:
                response = client.get(url + query)
                if response.status_code != 200:
                    raise CommandError(f"{url}{query} answered {response.status_code}")

            for _ in range(WARM_UP):
                page()
            with CaptureQueriesContext(connection) as queries:
                page()
            count = len(queries)
            rows = floor_reads()
            times, floor_times = bench.side_by_side(page, floor_reads, self.runs)
            results.append(
                {
                    "name": name,
                    "rows": rows,
                    "median": statistics.median(times),
                    "p95": bench.p95(times),
                    "floor": statistics.median(floor_times),
                    "queries": count,
                }
            )
        return results


class _Floor:
    """The meeting page's floor: the SQL it needs, by hand, through the same connection
    (rows fetched, nothing built from them): the meeting with its organizer, the
    attendance aggregate, the count and one page of invitations (with the person, unit
    and who checked them in, in the page's order), and the agenda."""

    def __init__(self, meeting: Any, per_page: int) -> None:
        self.meeting = meeting
        self.per_page = per_page

    def reads(self, page: int, who: str = "") -> Any:
        from django.db import connection

        from pacesetter.core.translations import column, content_language

        name = column("name", content_language())
        title = column("title", content_language())
        pk = self.meeting.pk
        where, params = "i.meeting_id = %s", [pk]
        if who:
            where += " AND (i.label LIKE %s OR u.code = %s OR a.username LIKE %s)"
            params += [f"%{who}%", who, f"%{who}%"]
        tables = (
            "FROM meetings_invitation i LEFT JOIN accounts_user a ON a.id = i.user_id "
            "LEFT JOIN units_unit u ON u.id = i.unit_id "
            "LEFT JOIN accounts_user c ON c.id = i.checked_in_by_id "
        )
        statements = [
            (
                f"SELECT m.*, o.{name} FROM meetings_meeting m "  # noqa: S608 - constants
                "JOIN units_unit o ON o.id = m.organizer_unit_id WHERE m.id = %s",
                [pk],
            ),
            (
                "SELECT SUM(COALESCE(delegation_size, 1)), "
                "SUM(CASE WHEN registered_at IS NOT NULL THEN COALESCE(delegation_size, 1) END), "
                "SUM(CASE WHEN checked_in_at IS NOT NULL THEN COALESCE(present_count, 1) END), "
                "COUNT(CASE WHEN role = 'member' THEN 1 END), "
                "COUNT(CASE WHEN role = 'member' AND checked_in_at IS NOT NULL THEN 1 END) "
                "FROM meetings_invitation WHERE meeting_id = %s",
                [pk],
            ),
            (f"SELECT COUNT(*) {tables}WHERE {where}", params),
            (
                "SELECT i.id, i.label, i.role, i.code, i.email, i.delegation_size, i.head, "
                "i.present_count, i.registered_at, i.checked_in_at, a.username, "
                f"a.first_name, a.last_name, u.code, u.{name}, c.username {tables}"
                f"WHERE {where} ORDER BY i.role, i.label, u.{name}, a.username, i.id "
                f"LIMIT {self.per_page} OFFSET {(page - 1) * self.per_page}",
                params,
            ),
            (
                f"SELECT g.id, g.parent_id, g.{title}, g.duration_minutes, g.speaker, "  # noqa: S608 - constants; values are parameters
                f"s.{name} FROM meetings_agendaitem g "
                "LEFT JOIN units_unit s ON s.id = g.speaker_unit_id "
                "WHERE g.meeting_id = %s ORDER BY g.position, g.id",
                [pk],
            ),
        ]

        def run() -> int:
            rows = 0
            with connection.cursor() as cursor:
                for sql, values in statements:
                    cursor.execute(sql, values)
                    fetched = cursor.fetchall()
                    if "LIMIT" in sql:
                        rows = len(fetched)
            return rows

        return run
