"""``manage.py bench_coverage``: the coverage register at scale, each read beside its
raw-SQL floor.

On a throw-away database (as ``bench_scoring``: the command starts itself again in a
child process whose ``DATABASE_URL`` points at a temporary SQLite file or at a
PostgreSQL server started for the run), the child migrates (which seeds the three kinds
and the shipped rules) and builds ``--organizations`` organizations spread over
``--towns`` towns under one district, each with its status periods and, for each of the
party organization, the trade union and the youth league, its building periods: about 10
periods per organization in all (2 million at 200,000). The units and the district's
staff go through the services; the register is bulk-inserted (``bulk_create`` for the
organizations, ``executemany`` in batches for the periods), because only the reads are
measured.

It then times, as the median of ``--runs`` runs after one warm-up run, at a date a year
ago, as the district's staff:

- **rates**: ``selectors.coverage_rates`` grouped by town;
- **rates floor**: one hand-written aggregate over the same periods at that date (the
  operating organizations joined to their party and union periods, grouped by town);
- **blind spots**: ``blind_spots.blind_spots`` for one page, as the page reads it (the
  count and the first ``PAGE_SIZE`` rows);
- **blind-spot floor**: one hand-written count and one page over the same periods, with
  the shipped rules' test reduced to its party-form part;
- **blind-spot page**: ``GET /coverage/blind-spots/?at=`` through Django's test client;
- **today's list**: the open blind spots rebuilt as the daily scan does (timed once),
  then ``blind_spots`` today (the stored rows: count and one page) beside a hand-written
  count and page over the stored table, and ``GET /coverage/blind-spots/`` (today, the
  default view); the run checks that the stored and the computed list count the same.

With ``--explain`` it prints the query plans of the two selectors' statements.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pacesetter.testing import bench

RATES_GOAL = 0.500
BLIND_SPOTS_GOAL = 0.150
BATCH = 5000
_HIDDEN = "(internal) started by bench_coverage itself."
KINDS = ("private", "foreign", "mixed", "individual", "social_group", "chamber")
ORGANIZED = ("standalone", "joint_region", "joint_industry", "joint_unit")


class Command(BaseCommand):
    help = (
        "Build a coverage register of N organizations in T towns on a throw-away SQLite "
        "and/or PostgreSQL database and time the rates and the blind-spot page beside "
        "their raw-SQL floors."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organizations", type=int, default=200_000)
        parser.add_argument("--towns", type=int, default=20)
        parser.add_argument("--runs", type=int, default=5, help="Timed runs per read.")
        parser.add_argument("--explain", action="store_true", help="Print the query plans.")
        parser.add_argument(
            "--database",
            action="append",
            choices=bench.DATABASES,
            help="Repeat for both; default: sqlite and postgres.",
        )
        parser.add_argument("--worker", action="store_true", help=_HIDDEN)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["organizations"] < 10 or options["towns"] < 1 or options["runs"] < 1:
            raise CommandError("Use at least 10 organizations, 1 town and 1 run.")
        if options["worker"]:
            bench.require_worker("bench_coverage")
            result = _Worker(
                options["organizations"], options["towns"], options["runs"], options["explain"]
            ).run()
            self.stdout.write(bench.worker_result(result))
            return
        results = []
        for database in options["database"] or list(bench.DATABASES):
            self.stderr.write(
                f"{database}: building {options['organizations']:,} organizations and "
                "timing the rates and the blind spots..."
            )
            child_args = [
                f"--organizations={options['organizations']}",
                f"--towns={options['towns']}",
                f"--runs={options['runs']}",
            ] + (["--explain"] if options["explain"] else [])
            with bench.throwaway_database(database) as url:
                results.append(bench.run_worker("bench_coverage", database, url, child_args))
        self.stdout.write(self._table(results, options))

    def _table(self, results: list[dict[str, Any]], options: dict[str, Any]) -> str:
        out = [
            f"{options['organizations']:,} organizations in {options['towns']} towns; "
            f"median of {options['runs']} runs after one warm-up run, at a date a year ago.",
            "",
            f"  {'database':<11}{'periods':>11}{'build':>8}  {'read':<22}{'time':>11}"
            f"{'floor':>11}{'ratio':>7}  goal",
        ]
        for r in results:
            first = True
            for name, key, floor_key, goal in (
                ("rates by town", "rates", "rates_floor", RATES_GOAL),
                ("blind spots, 1 page", "blind_spots", "blind_spots_floor", BLIND_SPOTS_GOAL),
                ("blind-spot page (HTTP)", "page", "blind_spots_floor", BLIND_SPOTS_GOAL),
                ("today, stored, 1 page", "stored", "stored_floor", BLIND_SPOTS_GOAL),
                ("today, page (HTTP)", "page_today", "stored_floor", BLIND_SPOTS_GOAL),
            ):
                floor = r[floor_key]
                lead = (
                    f"  {r['database']:<11}{r['periods']:>11,}{r['build']:>6.0f} s"
                    if first
                    else " " * 27
                )
                first = False
                ok = "ok" if r[key] < goal else "SLOW"
                out.append(
                    f"{lead}  {name:<22}{bench.ms(r[key]):>11}{bench.ms(floor):>11}"
                    f"{r[key] / floor:>6.1f}x  {ok}"
                )
            out.append(
                f"  {'':<11}{r['operating']:,} operating, {r['blind_spot_count']:,} blind "
                f"spots at {r['at']}; queries: rates {r['rates_queries']}, page "
                f"{r['page_queries']}, today's page {r['page_today_queries']}"
            )
            out.append(
                f"  {'':<11}today: {r['stored_count']:,} stored blind spots, rebuilt in "
                f"{bench.ms(r['rebuild'])} (the daily scan's step)"
            )
        for r in results:
            for name, plan in r.get("plans", {}).items():
                out += ["", f"{r['database']}: plan of {name}", plan]
        out += [
            "",
            f"Goals: rates under {RATES_GOAL * 1000:.0f} ms, the blind-spot page under "
            f"{BLIND_SPOTS_GOAL * 1000:.0f} ms.",
        ]
        return "\n".join(out)


class _Worker:
    """Runs in the child process, on the throw-away database."""

    def __init__(self, organizations: int, towns: int, runs: int, explain: bool) -> None:
        self.n_organizations = organizations
        self.n_towns = towns
        self.runs = runs
        self.explain = explain
        self.random = random.Random(2024)  # noqa: S311 - reproducible bench values
        self.today = dt.date.today()
        self.at = self.today - dt.timedelta(days=365)

    def run(self) -> dict[str, Any]:
        from django.db import connection

        bench.migrate()
        (staff, periods), build = bench.timed(self.build)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return {"build": build, "periods": periods, "at": self.at.isoformat()} | self.measure(staff)

    # --- building ---------------------------------------------------------------------

    def build(self) -> tuple[Any, int]:
        from django.db import transaction

        from pacesetter.accounts.models import Role
        from pacesetter.accounts.services import user_create
        from pacesetter.units.services import unit_create, unit_type_create

        with transaction.atomic():
            district_type = unit_type_create(actor=None, code="district", name="District")
            town_type = unit_type_create(actor=None, code="town", name="Town or street")
            district = unit_create(
                actor=None,
                parent=None,
                code="BENCH",
                name="Bench district",
                unit_type=district_type,
            )
            towns = [
                unit_create(
                    actor=None,
                    parent=district,
                    code=f"T{i:03d}",
                    name=f"Town {i:03d}",
                    unit_type=town_type,
                )
                for i in range(self.n_towns)
            ]
            staff = user_create(
                actor=None,
                username="staff.bench",
                password="bench-Passw0rd-2024",  # noqa: S106 - a throw-away database
                role=Role.COMMITTEE_STAFF,
                unit=district,
            )
            periods = self.register(towns)
        return staff, periods

    def _dates(self, start: dt.date, count: int) -> list[dt.date]:
        """``count`` distinct sorted dates after ``start`` and before today."""
        span = (self.today - start).days
        if span < 2:
            return []
        days = sorted(self.random.sample(range(1, span), min(count, span - 1)))
        return [start + dt.timedelta(days=d) for d in days]

    def register(self, towns: list[Any]) -> int:
        """The organizations (bulk_create) and their periods (executemany): returns how
        many periods."""
        from django.db import connection
        from django.utils import timezone

        from pacesetter.core.translations import refresh_search_key
        from pacesetter.coverage.models import CoverageKind, Organization

        rnd = self.random
        kinds = dict(CoverageKind.objects.values_list("code", "pk"))
        now = timezone.now()
        status_sql = (
            "INSERT INTO coverage_statusperiod (organization_id, status, event, valid_from, "
            "valid_to, note, recorded_at) VALUES (%s, %s, %s, %s, %s, '', %s)"
        )
        building_sql = (
            "INSERT INTO coverage_building (organization_id, kind_id, form, event, valid_from, "
            "valid_to, founded_on, member_count, reason_not_built, note, reports_to, "
            "leader_name, instructor_name, reason_text, recorded_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, '', '', '', '', '', %s)"
        )
        total = 0
        for first in range(0, self.n_organizations, BATCH):
            rows = []
            for i in range(first, min(first + BATCH, self.n_organizations)):
                staff_count = int(rnd.paretovariate(1.2) * 3)
                organization = Organization(
                    source_language="en",
                    name_en=f"Enterprise {i:06d}",
                    kind=KINDS[i % len(KINDS)],
                    town=towns[rnd.randrange(len(towns))],
                    registered_on=self.today - dt.timedelta(days=rnd.randint(30, 15 * 365)),
                    staff_count=min(staff_count, 5000),
                    party_members_full=rnd.choice((0, 0, 0, 1, 2, 3, 4, 6, 10)),
                    union_members=min(staff_count, 5000) // 2,
                    above_designated_size=staff_count >= 100,
                )
                refresh_search_key(organization)
                rows.append(organization)
            made = Organization.objects.bulk_create(rows)
            if any(o.pk is None for o in made):  # a backend that returns no ids
                made = list(Organization.objects.order_by("pk")[first : first + len(rows)])
            statuses: list[tuple[Any, ...]] = []
            buildings: list[tuple[Any, ...]] = []
            for o in made:
                statuses += self._status_rows(o, now)
                for code, kind_id in kinds.items():
                    buildings += self._building_rows(o, kind_id, code, now)
            with connection.cursor() as cursor:
                cursor.executemany(status_sql, statuses)
                cursor.executemany(building_sql, buildings)
            total += len(statuses) + len(buildings)
        return total

    def _status_rows(self, o: Any, now: Any) -> list[tuple[Any, ...]]:
        """Operating from registration; some suspended (and resumed), some deregistered:
        2 periods on average."""
        rnd = self.random
        roll = rnd.random()
        changes = 0 if roll < 0.45 else 1 if roll < 0.7 else 2 if roll < 0.9 else 3
        dates = [o.registered_on, *self._dates(o.registered_on, changes)]
        states = ["operating"]
        for index in range(1, len(dates)):
            last = index == len(dates) - 1
            if states[-1] == "operating":
                states.append("deregistered" if last and rnd.random() < 0.3 else "suspended")
            else:
                states.append("operating")
        events = {"operating": "resumed", "suspended": "suspended", "deregistered": "deregistered"}
        return [
            (
                o.pk,
                state,
                "registered" if index == 0 else events[state],
                start,
                dates[index + 1] if index + 1 < len(dates) else None,
                now,
            )
            for index, (state, start) in enumerate(zip(states, dates, strict=True))
        ]

    def _building_rows(self, o: Any, kind_id: int, code: str, now: Any) -> list[tuple[Any, ...]]:
        """Not built at registration, then built, changed or given an instructor: 8 periods
        over the three kinds on average (2.7 each)."""
        rnd = self.random
        changes = rnd.choice((0, 1, 1, 2, 2, 3, 3, 4))
        dates = [o.registered_on, *self._dates(o.registered_on, changes)]
        forms = ["not_built"]
        for _ in dates[1:]:
            forms.append(
                rnd.choice(
                    ("standalone", "joint_region", "joint_industry", "joint_unit", "work_only")
                    if code != "youth"
                    else ("joint_region", "work_only", "not_built")
                )
            )
        rows = []
        for index, (form, start) in enumerate(zip(forms, dates, strict=True)):
            event = (
                "registered"
                if index == 0
                else "built"
                if form in ORGANIZED and forms[index - 1] not in ORGANIZED
                else "instructor_sent"
                if form == "work_only"
                else "dissolved"
                if form == "not_built"
                else "form_changed"
            )
            rows.append(
                (
                    o.pk,
                    kind_id,
                    form,
                    event,
                    start,
                    dates[index + 1] if index + 1 < len(dates) else None,
                    start if form in ORGANIZED else None,
                    rnd.randint(3, 30) if form in ORGANIZED else 0,
                    "no_members" if form == "not_built" else "",
                    now,
                )
            )
        return rows

    # --- measuring --------------------------------------------------------------------

    def measure(self, staff: Any) -> dict[str, Any]:
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from pacesetter.coverage import rules as rule_engine
        from pacesetter.coverage.blind_spots import blind_spots
        from pacesetter.coverage.models import CoverageKind
        from pacesetter.coverage.selectors import CoverageFilters, coverage_rates

        at = self.at
        filters = CoverageFilters(at=at, group_by="town")
        kinds = dict(CoverageKind.objects.values_list("code", "pk"))
        rules = list(rule_engine.rules_at(at))
        page_size = settings.PAGE_SIZE

        def rates() -> Any:
            return coverage_rates(staff, filters)

        def rates_floor() -> list[Any]:
            with connection.cursor() as cursor:
                cursor.execute(RATES_FLOOR_SQL, _floor_params(at, kinds))
                return cursor.fetchall()

        def spots() -> tuple[int, list[Any]]:
            qs = blind_spots(staff, filters, rules)
            return qs.count(), list(qs[:page_size])

        def spots_floor() -> tuple[int, list[Any]]:
            params = _floor_params(at, kinds, party_only=True)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM ({BLIND_SPOTS_FLOOR_SQL}) AS spots", params)  # noqa: S608
                count = cursor.fetchone()[0]
                cursor.execute(
                    BLIND_SPOTS_FLOOR_SQL + " ORDER BY o.staff_count DESC, o.id LIMIT %s",
                    [*params, page_size],
                )
                return count, cursor.fetchall()

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(staff)
        url = reverse("coverage:blind_spots") + f"?at={at.isoformat()}"

        def page() -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")

        def queries(fn: Any) -> int:
            count = 0

            def counter(execute: Any, *args: Any) -> Any:
                nonlocal count
                count += 1
                return execute(*args)

            with connection.execute_wrapper(counter):
                fn()
            return count

        from django.utils import timezone

        from pacesetter.coverage.blind_spots import open_blind_spots_rebuild

        today = timezone.localdate()
        stored_count, rebuild = bench.timed(lambda: open_blind_spots_rebuild(today))
        today_filters = CoverageFilters(at=today, group_by="town")
        today_rules = list(rule_engine.rules_at(today))

        def stored() -> tuple[int, list[Any]]:
            qs = blind_spots(staff, today_filters, today_rules)
            return qs.count(), list(qs[:page_size])

        def stored_floor() -> tuple[int, list[Any]]:
            with connection.cursor() as cursor:
                cursor.execute(STORED_FLOOR_COUNT_SQL, [today])
                count = cursor.fetchone()[0]
                cursor.execute(STORED_FLOOR_PAGE_SQL, [today, page_size])
                return count, cursor.fetchall()

        def page_today() -> None:
            response = client.get(reverse("coverage:blind_spots"))
            if response.status_code != 200:
                raise CommandError(f"the blind-spot page answered {response.status_code}")

        if stored()[0] != blind_spots(staff, today_filters, today_rules, stored=False).count():
            raise CommandError("The stored and the computed blind spots differ today.")
        table = rates()
        page()
        page_today()
        result: dict[str, Any] = {
            "rates": bench.median_time(rates, self.runs),
            "rates_floor": bench.median_time(rates_floor, self.runs),
            "blind_spots": bench.median_time(spots, self.runs),
            "blind_spots_floor": bench.median_time(spots_floor, self.runs),
            "page": bench.median_time(page, self.runs),
            "stored": bench.median_time(stored, self.runs),
            "stored_floor": bench.median_time(stored_floor, self.runs),
            "page_today": bench.median_time(page_today, self.runs),
            "rebuild": rebuild,
            "stored_count": stored_count,
            "page_today_queries": queries(page_today),
            "operating": table.total.operating,
            "floor_operating": sum(row[1] for row in rates_floor()),
            "blind_spot_count": spots()[0],
            "rates_queries": queries(rates),
            "page_queries": queries(page),
        }
        if result["floor_operating"] != result["operating"]:
            raise CommandError("The rates and their floor count different organizations.")
        if self.explain and rules:
            qs = blind_spots(staff, filters, rules)[:page_size]
            sql, params = qs.query.sql_with_params()
            rates_sql, rates_params = _rates_statement(staff, filters)
            today_page = blind_spots(staff, today_filters, today_rules)[:page_size]
            today_sql = today_page.query.sql_with_params()
            result["plans"] = {
                "coverage_rates": bench.query_plan(rates_sql, rates_params),
                "blind_spots (one page)": bench.query_plan(sql, params),
                "blind_spots today (stored, one page)": bench.query_plan(*today_sql),
            }
        return result


def _rates_statement(user: Any, filters: Any) -> tuple[str, Any]:
    """The SQL and parameters of ``coverage_rates``' grouped count, for its plan."""
    from pacesetter.coverage.selectors import rates_sql

    return rates_sql(user, filters)


_ORGANIZED_LIST = ", ".join(f"'{form}'" for form in ORGANIZED)
_AT = "{t}.valid_from <= %s AND ({t}.valid_to IS NULL OR {t}.valid_to > %s)"

#: The floor of the rates: one aggregate over the periods at the date.
RATES_FLOOR_SQL = f"""
SELECT o.town_id,
       COUNT(*),
       SUM(CASE WHEN p.form IN ({_ORGANIZED_LIST}) THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.form IN ({_ORGANIZED_LIST}, 'work_only') THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.form = 'standalone' THEN 1 ELSE 0 END),
       SUM(CASE WHEN u.form IN ({_ORGANIZED_LIST}) THEN 1 ELSE 0 END),
       SUM(o.union_members),
       SUM(o.staff_count)
FROM coverage_organization o
JOIN coverage_statusperiod s
  ON s.organization_id = o.id AND s.status = 'operating' AND {_AT.format(t="s")}
LEFT JOIN coverage_building p
  ON p.organization_id = o.id AND p.kind_id = %s AND {_AT.format(t="p")}
LEFT JOIN coverage_building u
  ON u.organization_id = o.id AND u.kind_id = %s AND {_AT.format(t="u")}
WHERE o.registered_on <= %s
GROUP BY o.town_id
"""  # noqa: S608 - constants only; the values are parameters

#: The floor of the blind spots: the operating organizations whose party building at the
#: date does not meet the shipped party rules (3+ full members: standalone; registered
#: since 2012: organized). The union and size rules are left out, so it reads less.
BLIND_SPOTS_FLOOR_SQL = f"""
SELECT o.id, o.name_en, o.staff_count, p.form
FROM coverage_organization o
JOIN coverage_statusperiod s
  ON s.organization_id = o.id AND s.status = 'operating' AND {_AT.format(t="s")}
LEFT JOIN coverage_building p
  ON p.organization_id = o.id AND p.kind_id = %s AND {_AT.format(t="p")}
WHERE o.registered_on <= %s
  AND ((o.party_members_full >= 3 AND COALESCE(p.form, '') <> 'standalone')
       OR (o.registered_on >= '2012-01-01'
           AND COALESCE(p.form, '') NOT IN ({_ORGANIZED_LIST})))
"""  # noqa: S608 - constants only; the values are parameters


_OPEN = "coverage_openblindspot"
#: The floor of today's stored list: the stored rows of the organizations registered by
#: today, counted, and one page in the index's order (no visibility, forms or rules).
STORED_FLOOR_COUNT_SQL = f"""
SELECT COUNT(*) FROM {_OPEN} b
JOIN coverage_organization o ON o.id = b.organization_id
WHERE o.registered_on <= %s
"""  # noqa: S608 - constants only; the values are parameters
STORED_FLOOR_PAGE_SQL = f"""
SELECT o.id, o.name_en, b.first_due, b.staff_count FROM {_OPEN} b
JOIN coverage_organization o ON o.id = b.organization_id
WHERE o.registered_on <= %s
ORDER BY b.first_due, b.staff_count DESC, b.organization_id LIMIT %s
"""  # noqa: S608 - constants only; the values are parameters


def _floor_params(at: dt.date, kinds: dict[str, int], party_only: bool = False) -> list[Any]:
    if party_only:
        return [at, at, kinds["party"], at, at, at]
    return [at, at, kinds["party"], at, at, kinds["union"], at, at, at]
