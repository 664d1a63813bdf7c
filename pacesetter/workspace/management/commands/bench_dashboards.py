"""``manage.py bench_dashboards``: the home page of each role, at the bench's scale.

On a throw-away database (as the other ``bench_*`` commands: the command starts itself
again in a child process whose ``DATABASE_URL`` points at a temporary SQLite file or at
a PostgreSQL server started for the run), the child builds ``--units`` units (districts
of 49 under one committee), clusters of ``--cluster-size`` member units, one running
campaign with all units taking part in their clusters, a scoring table of
``--criteria`` criteria, an open review point with every unit's items at every step and
a published one, ``--tasks`` key tasks (about a third late), ``--organizations``
organizations in the coverage register, 200 proposals, 50 open polls and 300 meetings.
Campaign, table, review points, clusters, plan and accounts go through the services;
the rows read in bulk (units, participants, items, tasks, organizations, their periods)
are bulk-inserted, because only the reads are measured.

It then requests the home page (``core:home``) with Django's test client as each role
(committee staff over the committee, the leader of one cluster, the officer of one unit,
a council member) and times the whole request: after two warm-up requests, ``--runs``
requests, median and p95, and the number of queries. Beside each it times the
dashboard's **floor**, measured in the same run and through the same connection: the
hand-written grouped SQL the figures cannot do without (for staff the items by state,
the late tasks by unit, the proposals by state and the open polls; for the leader its
cluster's items by state and the ranking's sums; for the officer its unit's items by
state and its tasks; for the council its open polls). Goal: each home page under 150 ms
(median) with a query count that does not grow with the data.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pacesetter.testing import bench

GOAL = 0.150
DISTRICT_SIZE = 49
BATCH = 2000
WARM_UP = 2
ROLES = ("committee staff", "cluster leader", "unit officer", "council member")
_HIDDEN = "(internal) started by bench_dashboards itself."


class Command(BaseCommand):
    help = (
        "Build a campaign, plans, proposals, polls, meetings and a coverage register "
        "over N units on a throw-away SQLite and/or PostgreSQL database and time the "
        "home page's dashboards of each role."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, default=5000)
        parser.add_argument("--criteria", type=int, default=20)
        parser.add_argument("--cluster-size", type=int, default=25)
        parser.add_argument("--tasks", type=int, default=10000)
        parser.add_argument("--organizations", type=int, default=5000)
        parser.add_argument("--runs", type=int, default=20, help="Requests per role.")
        parser.add_argument(
            "--database",
            action="append",
            choices=("sqlite", "postgres"),
            help="Repeat for both; default: sqlite and postgres.",
        )
        parser.add_argument("--worker", action="store_true", help=_HIDDEN)

    def handle(self, *args: Any, **options: Any) -> None:
        if (
            options["units"] < DISTRICT_SIZE + 1
            or options["criteria"] < 1
            or options["cluster_size"] < 2
            or options["tasks"] < 10
            or options["runs"] < 1
        ):
            raise CommandError(
                f"Use at least {DISTRICT_SIZE + 1} units, 1 criterion, clusters of 2, "
                "10 tasks and 1 run."
            )
        if options["worker"]:
            bench.require_worker("bench_dashboards")
            self.stdout.write(bench.worker_result(_Worker(options).run()))
            return
        results = []
        for database in options["database"] or ["sqlite", "postgres"]:
            self.stderr.write(
                f"{database}: building {options['units']} units and timing the dashboards..."
            )
            with bench.throwaway_database(database) as url:
                worker_args = [
                    f"--units={options['units']}",
                    f"--criteria={options['criteria']}",
                    f"--cluster-size={options['cluster_size']}",
                    f"--tasks={options['tasks']}",
                    f"--organizations={options['organizations']}",
                    f"--runs={options['runs']}",
                ]
                results.append(bench.run_worker("bench_dashboards", database, url, worker_args))
        self.stdout.write(self._table(results, options))

    def _table(self, results: list[dict[str, Any]], options: dict[str, Any]) -> str:
        out = [
            f"{options['units']:,} units in clusters of {options['cluster_size']}, "
            f"{options['criteria']} criteria (score items: units x criteria x 2 review "
            f"points), {options['tasks']:,} tasks, {options['organizations']:,} "
            f"organizations; the home page through the test client, median and p95 of "
            f"{options['runs']} requests after {WARM_UP} warm-up requests.",
            "",
            f"  {'database':<10}{'dashboard':<18}{'median':>10}{'p95':>10}{'floor':>10}"
            f"{'ratio':>7}{'queries':>9}  goal",
        ]
        for r in results:
            out.append(f"  {r['database']:<10}(built in {r['build']:.0f} s, {r['items']:,} items)")
            for v in r["variants"]:
                ok = "ok" if v["median"] < GOAL else "SLOW"
                out.append(
                    f"  {'':<10}{v['name']:<18}{v['median'] * 1000:>7.0f} ms"
                    f"{v['p95'] * 1000:>7.0f} ms{bench.ms(v['floor']):>10}"
                    f"{v['median'] / v['floor']:>6.1f}x{v['queries']:>9}  {ok}"
                )
        out.append("")
        out.append(
            f"Goal: each dashboard under {GOAL * 1000:.0f} ms (median), with a fixed "
            "number of queries."
        )
        return "\n".join(out)


class _Worker:
    """Runs in the child process, on the throw-away database."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.n_units = options["units"]
        self.n_criteria = options["criteria"]
        self.cluster_size = options["cluster_size"]
        self.n_tasks = options["tasks"]
        self.n_organizations = options["organizations"]
        self.runs = options["runs"]
        self.random = random.Random(2024)  # noqa: S311 - reproducible demo values
        self.today = dt.date.today()

    def run(self) -> dict[str, Any]:
        bench.migrate()
        built, build = bench.timed(self.build)
        from pacesetter.scoring.models import ScoreItem

        return {"build": build, "items": ScoreItem.objects.count(), "variants": self.measure(built)}

    # --- building ---------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        from django.db import transaction

        from pacesetter.accounts.models import Role
        from pacesetter.accounts.services import user_create
        from pacesetter.bodies.services import body_create
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
            units = self.units(committee)
            body = body_create(
                actor=None, owner_unit=committee, name="Benchmark council", kind="council"
            )
            password = "bench-Passw0rd-2024"  # noqa: S105 - a throw-away database
            staff = user_create(
                actor=None,
                username="staff.bench",
                password=password,
                role=Role.COMMITTEE_STAFF,
                unit=committee,
            )
            clusters = self.clusters(committee, units)
            leader = user_create(
                actor=None,
                username="leader.bench",
                password=password,
                role=Role.CLUSTER_LEADER,
                cluster=clusters[0],
            )
            officer_unit = units[0]
            officer = user_create(
                actor=None,
                username="officer.bench",
                password=password,
                role=Role.UNIT_OFFICER,
                unit=officer_unit,
            )
            councillor = user_create(
                actor=None,
                username="council.bench",
                password=password,
                role=Role.COUNCIL_MEMBER,
                body=body,
            )
            self.campaign(committee, units, clusters)
            self.tasks(committee, body, units)
            self.register(committee, units)
            self.flows(committee, units, body, clusters)
        return {
            "staff": staff,
            "leader": leader,
            "officer": officer,
            "councillor": councillor,
            "cluster": clusters[0],
            "officer_unit": officer_unit,
            "body": body,
        }

    def units(self, committee: Any) -> list[Any]:
        from pacesetter.units.models import Unit, UnitType

        enterprise = UnitType.objects.create(code="enterprise", name_en="Enterprise")
        n_districts = max(1, self.n_units // (DISTRICT_SIZE + 1))
        districts = self._insert(
            [
                Unit(
                    parent=committee,
                    path="-",
                    depth=1,
                    code=f"D{i:03d}",
                    name_en=f"District {i:03d}",
                    unit_type=committee.unit_type,
                )
                for i in range(n_districts)
            ],
            committee.path,
        )
        rest = self.n_units - n_districts
        leaves: list[Any] = []
        for d, district in enumerate(districts):
            size = rest // n_districts + (1 if d < rest % n_districts else 0)
            leaves += self._insert(
                [
                    Unit(
                        parent=district,
                        path="-",
                        depth=2,
                        code=f"U{d:03d}-{i:03d}",
                        name_en=f"Enterprise {d:03d}-{i:03d}",
                        unit_type=enterprise,
                    )
                    for i in range(size)
                ],
                district.path,
            )
        return leaves

    def _insert(self, units: list[Any], parent_path: str) -> list[Any]:
        from pacesetter.units.models import Unit

        made = Unit.objects.bulk_create(units, batch_size=BATCH)
        if any(unit.pk is None for unit in made):  # a backend that returns no ids
            made = list(Unit.objects.filter(code__in=[u.code for u in units]).order_by("code"))
        for unit in made:
            unit.path = f"{parent_path}{bench.base36(unit.pk)}/"
        Unit.objects.bulk_update(made, ["path"], batch_size=BATCH)
        return made

    def clusters(self, committee: Any, units: list[Any]) -> list[Any]:
        from pacesetter.clusters.services import cluster_create

        return [
            cluster_create(
                actor=None, owner_unit=committee, code=f"C{i:04d}", name=f"Cluster {i:04d}"
            )
            for i in range(-(-len(units) // self.cluster_size))
        ]

    def campaign(self, committee: Any, units: list[Any], clusters: list[Any]) -> None:
        from pacesetter.campaigns.models import CampaignState, Participant, ReviewPoint
        from pacesetter.campaigns.services import campaign_create, review_point_add
        from pacesetter.scoring.models import ItemState, ScoreItem
        from pacesetter.scoring.services import criterion_add, table_adopt, table_create

        table = table_create(
            actor=None, owner_unit=committee, year=self.today.year, name="Benchmark table"
        )
        criteria = [
            criterion_add(
                actor=None,
                table=table,
                code=f"K{i:02d}",
                kind="pass_fail",
                title=f"Criterion {i}",
                max_points=Decimal(5),
            )
            for i in range(self.n_criteria)
        ]
        table = table_adopt(actor=None, table=table)
        campaign = campaign_create(
            actor=None,
            organizer=committee,
            code="BENCH",
            name="Benchmark campaign",
            start=dt.date(self.today.year, 1, 1),
            end=dt.date(self.today.year, 12, 31),
            scoring_table=table,
        )
        first = review_point_add(
            actor=None,
            campaign=campaign,
            code="h1",
            name="6-month review",
            period_end=self.today - dt.timedelta(days=60),
            due=self.today - dt.timedelta(days=40),
        )
        second = review_point_add(
            actor=None,
            campaign=campaign,
            code="y",
            name="Year-end review",
            period_end=self.today,
            due=self.today + dt.timedelta(days=20),
        )
        # The states the services would have reached; only the reads are measured.
        type(campaign).objects.filter(pk=campaign.pk).update(state=CampaignState.RUNNING)
        ReviewPoint.objects.filter(pk=first.pk).update(state="published", published_at=bench_now())
        ReviewPoint.objects.filter(pk=second.pk).update(state="open")
        Participant.objects.bulk_create(
            [
                Participant(campaign=campaign, unit=unit, cluster=clusters[i // self.cluster_size])
                for i, unit in enumerate(units)
            ],
            batch_size=BATCH,
        )
        steps = (
            ItemState.DRAFT,
            ItemState.SUBMITTED,
            ItemState.INSPECTED,
            ItemState.REVIEWED,
            ItemState.RETURNED,
        )
        rnd = self.random
        for point, states in ((first, (ItemState.PUBLISHED,)), (second, steps)):
            rows = []
            for unit in units:
                for criterion in criteria:
                    passed = rnd.random() < 0.8
                    rows.append(
                        ScoreItem(
                            review_point_id=point.pk,
                            unit=unit,
                            criterion=criterion,
                            passed=passed,
                            score=Decimal(5) if passed else Decimal(0),
                            state=rnd.choice(states),
                        )
                    )
                if len(rows) >= BATCH:
                    ScoreItem.objects.bulk_create(rows, batch_size=BATCH)
                    rows = []
            ScoreItem.objects.bulk_create(rows, batch_size=BATCH)

    def tasks(self, committee: Any, body: Any, units: list[Any]) -> None:
        from pacesetter.core.translations import refresh_search_key
        from pacesetter.workplans import services
        from pacesetter.workplans.models import Task

        plan = services.plan_create(
            actor=None,
            body=body,
            name="Key work",
            kind="year",
            period_start=self.today - dt.timedelta(days=270),
            period_end=self.today + dt.timedelta(days=95),
        )
        rnd = self.random
        rows = []
        for i in range(self.n_tasks):
            due = self.today + dt.timedelta(days=rnd.randint(-120, 90))
            task = Task(
                plan=plan,
                code=f"T{i + 1:05d}",
                title_en=f"Key task {i + 1}",
                lead_unit=units[rnd.randrange(len(units))],
                start=plan.period_start,
                due=due,
                progress=Decimal(rnd.randint(0, 19) * 5),
                position=i + 1,
            )
            refresh_search_key(task)  # bulk_create bypasses the services
            rows.append(task)
        Task.objects.bulk_create(rows, batch_size=BATCH)

    def register(self, committee: Any, units: list[Any]) -> None:
        """Organizations under the districts, operating, a third with a standalone party
        organization: one status period and one party building period each."""
        from django.db import connection
        from django.utils import timezone

        from pacesetter.core.translations import refresh_search_key
        from pacesetter.coverage.models import CoverageKind, Organization

        party = CoverageKind.objects.filter(code="party").values_list("pk", flat=True).first()
        towns = sorted({u.parent_id for u in units})
        now = timezone.now()
        for first in range(0, self.n_organizations, BATCH):
            rows = []
            for i in range(first, min(first + BATCH, self.n_organizations)):
                o = Organization(
                    source_language="en",
                    name_en=f"Enterprise {i:06d}",
                    kind="private",
                    town_id=towns[i % len(towns)],
                    registered_on=self.today - dt.timedelta(days=400 + i % 700),
                    staff_count=10 + i % 200,
                )
                refresh_search_key(o)
                rows.append(o)
            made = Organization.objects.bulk_create(rows)
            if any(o.pk is None for o in made):
                made = list(Organization.objects.order_by("pk")[first : first + len(rows)])
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO coverage_statusperiod (organization_id, status, event, "
                    "valid_from, valid_to, note, recorded_at) "
                    "VALUES (%s, 'operating', 'registered', %s, NULL, '', %s)",
                    [(o.pk, o.registered_on, now) for o in made],
                )
                if party is not None:
                    cursor.executemany(
                        "INSERT INTO coverage_building (organization_id, kind_id, form, "
                        "event, valid_from, valid_to, founded_on, member_count, "
                        "reason_not_built, note, reports_to, leader_name, instructor_name, "
                        "reason_text, recorded_at) VALUES (%s, %s, %s, 'registered', %s, "
                        "NULL, NULL, 0, '', '', '', '', '', '', %s)",
                        [
                            (
                                o.pk,
                                party,
                                "standalone" if o.pk % 3 == 0 else "not_built",
                                o.registered_on,
                                now,
                            )
                            for o in made
                        ],
                    )

    def flows(self, committee: Any, units: list[Any], body: Any, clusters: list[Any]) -> None:
        """Proposals at every step, open polls of the council and the clusters, meetings."""
        from django.utils import timezone

        from pacesetter.awards.models import Proposal, ProposalState
        from pacesetter.awards.services import award_create
        from pacesetter.ballots.models import Poll
        from pacesetter.meetings.models import Invitation, Meeting

        award = award_create(
            actor=None,
            code="bench",
            level="provincial",
            recipient_kind="unit",
            name="Emulation flag",
            issuer="Provincial People's Committee",
        )
        states = list(ProposalState)
        Proposal.objects.bulk_create(
            [
                Proposal(
                    award=award,
                    year=self.today.year,
                    proposer_unit=units[i % len(units)],
                    committee_unit=committee,
                    decision_date=self.today + dt.timedelta(days=30),
                    state=states[i % len(states)],
                )
                for i in range(200)
            ]
        )
        Poll.objects.bulk_create(
            [
                Poll(
                    title=f"Poll {i}",
                    kind="yes_no",
                    owner_unit=committee,
                    body=body if i % 2 else None,
                    cluster=None if i % 2 else clusters[i % len(clusters)],
                    state="open",
                )
                for i in range(50)
            ]
        )
        now = timezone.now()
        meetings = Meeting.objects.bulk_create(
            [
                Meeting(
                    kind="council",
                    title_en=f"Meeting {i}",
                    organizer_unit=committee,
                    starts_at=now + dt.timedelta(days=i % 90 - 30, hours=i % 7),
                )
                for i in range(300)
            ]
        )
        if any(m.pk is None for m in meetings):
            meetings = list(Meeting.objects.order_by("pk"))
        Invitation.objects.bulk_create(
            [
                Invitation(meeting=m, unit=units[i % 10], code=f"BENCH{i:06d}")
                for i, m in enumerate(meetings)
            ]
        )

    # --- measuring --------------------------------------------------------------------

    def measure(self, built: dict[str, Any]) -> list[dict[str, Any]]:
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        url = reverse("core:home")
        floors = _Floors(self.today, built)
        variants = []
        for name, user, floor in (
            ("committee staff", built["staff"], floors.staff),
            ("cluster leader", built["leader"], floors.leader),
            ("unit officer", built["officer"], floors.officer),
            ("council member", built["councillor"], floors.council),
        ):
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)

            def get(client: Any = client) -> None:
                response = client.get(url)
                if response.status_code != 200:
                    raise CommandError(f"The home page answered {response.status_code}.")

            for _ in range(WARM_UP):
                get()
            with CaptureQueriesContext(connection) as queries:
                get()
            count = len(queries)  # now: the log is reset by the next request
            if os.environ.get("BENCH_SHOW_QUERIES"):
                for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:6]:
                    with open(os.environ["BENCH_SHOW_QUERIES"], "a") as log:
                        log.write(f"{name} {q['time']} {q['sql'][:400]}\n")
            times, floor_times = bench.side_by_side(get, floor, self.runs)
            variants.append(
                {
                    "name": name,
                    "median": statistics.median(times),
                    "p95": bench.p95(times),
                    "floor": statistics.median(floor_times),
                    "queries": count,
                }
            )
        return variants


def bench_now() -> Any:
    from django.utils import timezone

    return timezone.now()


class _Floors:
    """The hand-written SQL each dashboard cannot do without, run as raw statements."""

    def __init__(self, today: dt.date, built: dict[str, Any]) -> None:
        self.today = today
        self.cluster = built["cluster"].pk
        self.unit = built["officer_unit"].pk
        self.body = built["body"].pk

    def _run(self, statements: list[tuple[str, list[Any]]]) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    def staff(self) -> None:
        self._run(
            [
                (
                    "SELECT i.state, COUNT(*) FROM scoring_scoreitem i JOIN "
                    "campaigns_reviewpoint rp ON rp.id = i.review_point_id "
                    "WHERE rp.state = 'open' GROUP BY i.state",
                    [],
                ),
                (
                    "SELECT t.lead_unit_id, COUNT(*) AS n FROM workplans_task t "
                    "WHERE t.due < %s AND t.done_on IS NULL AND t.progress < 100 "
                    "GROUP BY t.lead_unit_id ORDER BY n DESC LIMIT 5",
                    [self.today],
                ),
                ("SELECT state, COUNT(*) FROM awards_proposal GROUP BY state", []),
                ("SELECT COUNT(*) FROM ballots_poll WHERE state = 'open'", []),
            ]
        )

    def leader(self) -> None:
        self._run(
            [
                (
                    "SELECT i.state, COUNT(*) FROM scoring_scoreitem i JOIN "
                    "campaigns_reviewpoint rp ON rp.id = i.review_point_id JOIN "
                    "campaigns_participant p ON p.campaign_id = rp.campaign_id "
                    "AND p.unit_id = i.unit_id WHERE rp.state = 'open' AND p.cluster_id = %s "
                    "GROUP BY i.state",
                    [self.cluster],
                ),
                (
                    "SELECT i.unit_id, SUM(i.score) AS total FROM scoring_scoreitem i JOIN "
                    "campaigns_reviewpoint rp ON rp.id = i.review_point_id JOIN "
                    "campaigns_participant p ON p.campaign_id = rp.campaign_id "
                    "AND p.unit_id = i.unit_id WHERE rp.state = 'open' AND p.cluster_id = %s "
                    "GROUP BY i.unit_id ORDER BY total DESC",
                    [self.cluster],
                ),
            ]
        )

    def officer(self) -> None:
        self._run(
            [
                (
                    "SELECT i.review_point_id, i.state, COUNT(*) FROM scoring_scoreitem i "
                    "WHERE i.unit_id = %s GROUP BY i.review_point_id, i.state",
                    [self.unit],
                ),
                (
                    "SELECT COUNT(*) FROM workplans_task t WHERE t.lead_unit_id = %s "
                    "AND t.due <= %s AND t.done_on IS NULL AND t.progress < 100",
                    [self.unit, self.today + dt.timedelta(days=30)],
                ),
            ]
        )

    def council(self) -> None:
        self._run(
            [
                (
                    "SELECT id, title FROM ballots_poll WHERE state = 'open' AND body_id = %s "
                    "ORDER BY id DESC LIMIT 5",
                    [self.body],
                ),
            ]
        )
