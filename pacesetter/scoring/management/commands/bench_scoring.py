"""``manage.py bench_scoring``: how long the ranking and a score sheet take at scale.

Builds, on a throw-away database, a campaign of ``--units`` units in clusters of 10
scored on a table of ``--criteria`` criteria, then times the full ranking
(``scoring.selectors.ranking``) and one unit's score sheet (``score_sheet``, with the
totals ``sheet_totals`` adds up from its rows), each the median of ``--runs`` runs, and
beside each its **floor**,
hand-written SQL run through the same connection with the rows fetched and nothing
built from them: for the ranking, one aggregate of the review point's items per unit
(joined to their criterion); for the sheet, one select of the unit's items with their
criterion, its group and their evidence counts. Goals: ranking under 1 s, score sheet
with its totals under 100 ms and at most 5x its floor (issue 16).

The command never touches the configured database: for each ``--database`` it starts
itself again in a child process whose ``DATABASE_URL`` points at a temporary SQLite file
or at a PostgreSQL server started for the run (``pacesetter.testing.pgserver``), and
the child migrates, builds and measures there (the scaffolding shared by the
benchmarks is ``pacesetter.testing.bench``). The tables, the campaign and the review
point go through the services; units, clusters, participants, registrations and the
score items (with their scores) are bulk-inserted, because the services would take
hours for 300,000 items and only the reads are measured.
"""

from __future__ import annotations

import random
import statistics
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pacesetter.testing import bench
from pacesetter.testing.bench import ms

RANKING_GOAL = 1.0
SHEET_GOAL = 0.1
#: The score sheet (with its totals) beside its floor: at most this many times.
SHEET_RATIO_GOAL = 5.0
CLUSTER_SIZE = 10
GROUPS = 6
BATCH = 2000


class Command(BaseCommand):
    help = (
        "Build a campaign of N units x C criteria on a throw-away SQLite and/or PostgreSQL "
        "database and time the full ranking and one unit's score sheet."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, default=5000)
        parser.add_argument("--criteria", type=int, default=60)
        parser.add_argument("--runs", type=int, default=5, help="Runs per measure (median).")
        parser.add_argument(
            "--database",
            action="append",
            choices=("sqlite", "postgres"),
            help="Repeat for both; default: sqlite and postgres.",
        )
        parser.add_argument(
            "--explain", action="store_true", help="Print the ranking query's plan."
        )
        parser.add_argument("--worker", action="store_true", help=_HIDDEN)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["units"] < 2 or options["criteria"] < 4 or options["runs"] < 1:
            raise CommandError("Use at least 2 units, 4 criteria and 1 run.")
        if options["worker"]:
            bench.require_worker("bench_scoring")
            result = _Worker(options["units"], options["criteria"], options["runs"]).run()
            self.stdout.write(bench.worker_result(result))
            return
        results = []
        for database in options["database"] or ["sqlite", "postgres"]:
            self.stderr.write(
                f"{database}: building {options['units']} units x {options['criteria']} "
                "criteria and timing..."
            )
            with bench.throwaway_database(database) as url:
                results.append(self._child(database, url, options))
        self.stdout.write(self._table(results, options))
        if options["explain"]:
            for result in results:
                self.stdout.write(f"\nRanking query plan on {result['database']}:")
                self.stdout.write(result["plan"])

    def _child(self, database: str, url: str, options: dict[str, Any]) -> dict[str, Any]:
        args = [
            f"--units={options['units']}",
            f"--criteria={options['criteria']}",
            f"--runs={options['runs']}",
        ]
        return bench.run_worker("bench_scoring", database, url, args)

    def _table(self, results: list[dict[str, Any]], options: dict[str, Any]) -> str:
        out = [
            f"{options['units']:,} units in clusters of {CLUSTER_SIZE} x {options['criteria']} "
            f"criteria; median of {options['runs']} runs; (floor, ratio) beside each.",
            "",
            f"  {'database':<10}{'items':>10}{'build':>8}  {'read':<14}{'time':>10}"
            f"{'floor':>10}{'ratio':>7}  goal",
        ]
        for r in results:
            sheet, sheet_floor = r["sheet"], r["sheet_floor"]
            rows = [
                ("ranking", r["ranking"], r["ranking_floor"], r["ranking"] < RANKING_GOAL),
                (
                    "sheet+totals",
                    sheet,
                    sheet_floor,
                    sheet < SHEET_GOAL and sheet / sheet_floor <= SHEET_RATIO_GOAL,
                ),
            ]
            for n, (name, value, floor, ok) in enumerate(rows):
                lead = f"  {r['database']:<10}{r['items']:>10,}{r['build']:>7.0f}s" if not n else ""
                out.append(
                    f"{lead:<30}{name:<14}{ms(value):>10}{ms(floor):>10}"
                    f"{value / floor:>6.1f}x  {'' if ok is None else 'ok' if ok else 'SLOW'}"
                )
        for r in results:
            if r.get("ranking_no_jit") is not None:
                out.append(f"  {r['database']} ranking with jit = off: {ms(r['ranking_no_jit'])}")
        out.append("")
        out.append(
            f"Goals: ranking < {RANKING_GOAL * 1000:.0f} ms, score sheet with its totals "
            f"< {SHEET_GOAL * 1000:.0f} ms and at most {SHEET_RATIO_GOAL:.0f}x its floor. "
            "Queries: ranking "
            + ", ".join(f"{r['database']} {r['ranking_queries']}" for r in results)
            + "; sheet with totals "
            + ", ".join(f"{r['database']} {r['sheet_queries']}" for r in results)
            + "."
        )
        return "\n".join(out)


_HIDDEN = "(internal) build and measure in this process; the parent sets the database."


class _Worker:
    """Runs in the child process, on the throw-away database."""

    def __init__(self, units: int, criteria: int, runs: int) -> None:
        self.n_units = units
        self.n_criteria = criteria
        self.runs = runs
        self.random = random.Random(2024)  # noqa: S311 - reproducible demo values

    def run(self) -> dict[str, Any]:
        bench.migrate()
        (review_point, unit_id), build = bench.timed(self.build)
        return {"build": build, **self.measure(review_point, unit_id)}

    # --- building ---------------------------------------------------------------------

    def build(self) -> tuple[Any, int]:
        from django.db import transaction

        from pacesetter.campaigns.models import Campaign, ReviewPoint
        from pacesetter.campaigns.services import campaign_create, review_point_add
        from pacesetter.units.models import UnitType
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
            types = [
                unit_type_create(actor=None, code="llc", name="Single-member LLC"),
                unit_type_create(actor=None, code="jsc", name="Joint-stock company"),
            ]
            units = self.units(committee, types)
            clusters = self.clusters(committee, units)
            table, criteria = self.table(committee)
            campaign = campaign_create(
                actor=None,
                organizer=committee,
                code="BENCH-2024",
                name="Benchmark 2024",
                start=date(2024, 1, 1),
                end=date(2024, 12, 31),
                scoring_table=table,
            )
            review_point = review_point_add(
                actor=None,
                campaign=campaign,
                code="h1",
                name="6-month review",
                period_end=date(2024, 6, 30),
                due=date(2024, 7, 24),
            )
            self.participants(campaign, units, clusters)
            self.items(campaign, review_point, units, criteria)
            # The states a published 6-month review has (no flow ran: it is not timed).
            Campaign.objects.filter(pk=campaign.pk).update(state="published")
            ReviewPoint.objects.filter(pk=review_point.pk).update(state="published")
        assert UnitType.objects.count() == 3
        review_point.refresh_from_db()
        return review_point, units[len(units) // 2].pk

    def units(self, committee: Any, types: list[Any]) -> list[Any]:
        from pacesetter.units.models import Unit

        units = Unit.objects.bulk_create(
            [
                Unit(
                    parent=committee,
                    path="-",
                    depth=1,
                    code=f"U{i:05d}",
                    name_en=f"Benchmark unit {i:05d}",
                    unit_type=types[i % 2],
                )
                for i in range(self.n_units)
            ],
            batch_size=BATCH,
        )
        if any(unit.pk is None for unit in units):  # a backend that returns no ids
            units = list(Unit.objects.filter(parent=committee).order_by("code"))
        for unit in units:
            unit.path = f"{committee.path}{bench.base36(unit.pk)}/"
        Unit.objects.bulk_update(units, ["path"], batch_size=BATCH)
        return units

    def clusters(self, committee: Any, units: list[Any]) -> list[Any]:
        from pacesetter.clusters.models import Cluster, ClusterMembership

        count = (len(units) + CLUSTER_SIZE - 1) // CLUSTER_SIZE
        clusters = Cluster.objects.bulk_create(
            [
                Cluster(code=f"C{i:04d}", name_en=f"Cluster {i:04d}", owner_unit=committee)
                for i in range(count)
            ],
            batch_size=BATCH,
        )
        if any(cluster.pk is None for cluster in clusters):
            clusters = list(Cluster.objects.order_by("code"))
        ClusterMembership.objects.bulk_create(
            [
                ClusterMembership(
                    cluster=clusters[i // CLUSTER_SIZE], unit=unit, start=date(2024, 1, 1)
                )
                for i, unit in enumerate(units)
            ],
            batch_size=BATCH,
        )
        return clusters

    def table(self, committee: Any) -> tuple[Any, list[Any]]:
        """GROUPS groups of base criteria (a third each quantitative, pass/fail and count,
        10 points each), then a bonus, a penalty and a veto."""
        from pacesetter.scoring.services import criterion_add, table_adopt, table_create

        table = table_create(actor=None, owner_unit=committee, name="Benchmark table", year=2024)
        n_base = self.n_criteria - 3
        per_group = [n_base // GROUPS + (1 if g < n_base % GROUPS else 0) for g in range(GROUPS)]
        criteria = []
        number = 0
        for g, size in enumerate(per_group):
            if not size:
                continue
            group = criterion_add(
                actor=None,
                table=table,
                code=f"G{g + 1}",
                title=f"Group {g + 1}",
                kind="group",
                max_points=Decimal(10 * size),
            )
            for _ in range(size):
                number += 1
                kind = ("quantitative", "pass_fail", "count")[number % 3]
                criteria.append(
                    criterion_add(
                        actor=None,
                        table=table,
                        code=f"K{number:03d}",
                        title=f"Criterion {number}",
                        kind=kind,
                        parent=group,
                        max_points=Decimal(10),
                        method=("proportional", "target_half_best_full")[number % 2],
                        points_per_item=Decimal(2) if kind == "count" else Decimal(0),
                    )
                )
        for code, kind, maximum in (("B1", "bonus", 5), ("P1", "penalty", 10), ("V1", "veto", 0)):
            criteria.append(
                criterion_add(
                    actor=None,
                    table=table,
                    code=code,
                    title=code,
                    kind=kind,
                    max_points=Decimal(maximum),
                    points_per_item=Decimal(1) if kind != "veto" else Decimal(0),
                )
            )
        return table_adopt(actor=None, table=table), criteria

    def participants(self, campaign: Any, units: list[Any], clusters: list[Any]) -> None:
        from pacesetter.campaigns.models import Participant

        Participant.objects.bulk_create(
            [
                Participant(campaign=campaign, unit=unit, cluster=clusters[i // CLUSTER_SIZE])
                for i, unit in enumerate(units)
            ],
            batch_size=BATCH,
        )

    def items(
        self, campaign: Any, review_point: Any, units: list[Any], criteria: list[Any]
    ) -> None:
        """Registrations of the quantitative criteria and one published item per unit and
        criterion, with plausible values and scores; about 2% not assigned."""
        from pacesetter.scoring.models import Registration, ScoreItem

        rnd = self.random
        quantitative = [c for c in criteria if c.kind == "quantitative"]
        for start in range(0, len(units), 500):
            chunk = units[start : start + 500]
            Registration.objects.bulk_create(
                [
                    Registration(
                        campaign=campaign,
                        unit=unit,
                        criterion=criterion,
                        target=Decimal(rnd.randint(50, 500)),
                    )
                    for unit in chunk
                    for criterion in quantitative
                ],
                batch_size=BATCH,
            )
            items = []
            for unit in chunk:
                vetoed = rnd.random() < 0.01
                for criterion in criteria:
                    item = ScoreItem(
                        review_point=review_point,
                        unit=unit,
                        criterion=criterion,
                        state="published",
                        version=5,
                    )
                    kind = criterion.kind
                    if kind == "veto":
                        item.passed = vetoed
                    elif kind in ("quantitative", "pass_fail", "count") and rnd.random() < 0.02:
                        item.not_assigned = True
                    else:
                        if kind == "quantitative":
                            item.actual = Decimal(rnd.randint(30, 600))
                        elif kind == "pass_fail":
                            item.passed = rnd.random() < 0.9
                        else:
                            item.count = rnd.randint(0, 6)
                        score = Decimal(rnd.randint(0, int(criterion.max_points) * 100)) / 100
                        item.computed = item.self_score = item.final_score = item.score = score
                    items.append(item)
            ScoreItem.objects.bulk_create(items, batch_size=BATCH)

    # --- measuring --------------------------------------------------------------------

    def measure(self, review_point: Any, unit_id: int) -> dict[str, Any]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from pacesetter.scoring.models import ScoreItem
        from pacesetter.scoring.selectors import ranking, ranking_sql, score_sheet, sheet_totals

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        def full_ranking() -> list[Any]:
            return list(ranking(review_point))

        def sheet() -> list[Any]:
            # What the page reads: the rows, and the totals added up from them.
            rows = list(score_sheet(review_point, unit_id))
            sheet_totals(rows)
            return rows

        rows = full_ranking()
        assert len(rows) == self.n_units, (len(rows), self.n_units)
        assert len(sheet()) == self.n_criteria
        with CaptureQueriesContext(connection) as ranking_queries:
            full_ranking()
        with CaptureQueriesContext(connection) as sheet_queries:
            sheet()
        no_jit = None
        sql, params = ranking_sql(review_point)
        plan = bench.query_plan(sql, params)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")
            no_jit = bench.median_time(full_ranking, self.runs)
            with connection.cursor() as cursor:
                cursor.execute("RESET jit")
        floors = _floors(review_point.pk, unit_id)
        # Each read in turns with its floor: both meet the same load of a shared machine.
        timed = {
            name: [
                statistics.median(times)
                for times in bench.side_by_side(
                    read, floors[name], self.runs * (1 if name == "ranking" else 4)
                )
            ]
            for name, read in (("ranking", full_ranking), ("sheet", sheet))
        }
        return {
            "ranking_floor": timed["ranking"][1],
            "sheet_floor": timed["sheet"][1],
            "ranking_no_jit": no_jit,
            "items": ScoreItem.objects.filter(review_point=review_point).count(),
            "ranking": timed["ranking"][0],
            "sheet": timed["sheet"][0],
            "ranking_queries": len(ranking_queries),
            "sheet_queries": len(sheet_queries),
            "plan": plan,
        }


def _floors(review_point_id: int, unit_id: int) -> dict[str, Any]:
    """The hand-written SQL beside each read (rows fetched, nothing built from them)."""
    from django.db import connection

    from pacesetter.scoring.models import BASE_KINDS

    base = "i.not_assigned = FALSE AND c.kind IN ({})".format(
        ", ".join(f"'{kind}'" for kind in BASE_KINDS)
    )
    statements = {
        # the ranking's own first step, alone: the items summed per unit
        "ranking": (
            f"SELECT i.unit_id, SUM(CASE WHEN {base} THEN i.score ELSE 0 END), "  # noqa: S608 - constants; values are parameters
            f"SUM(CASE WHEN {base} THEN c.max_points ELSE 0 END) "
            "FROM scoring_scoreitem i JOIN scoring_criterion c ON c.id = i.criterion_id "
            "WHERE i.review_point_id = %s GROUP BY i.unit_id",
            [review_point_id],
        ),
        # what the sheet shows of each item, its criterion and group, and evidence counts
        "sheet": (
            "SELECT i.*, c.*, g.*, (SELECT COUNT(*) FROM scoring_evidence e "
            "WHERE e.item_id = i.id) FROM scoring_scoreitem i "
            "JOIN scoring_criterion c ON c.id = i.criterion_id "
            "LEFT JOIN scoring_criterion g ON g.id = c.parent_id "
            "WHERE i.review_point_id = %s AND i.unit_id = %s ORDER BY c.position, c.id",
            [review_point_id, unit_id],
        ),
    }

    def reader(sql: str, params: list[Any]) -> Any:
        def read() -> int:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return len(cursor.fetchall())

        return read

    return {name: reader(sql, params) for name, (sql, params) in statements.items()}
