"""``manage.py bench_practices``: the good-practice library at scale, the search and the
spread of a widely adopted practice, each beside its raw-SQL floor.

On a throw-away database (as the other benches: the command starts itself again in a
child process whose ``DATABASE_URL`` points at a temporary SQLite file or at a
PostgreSQL server started for the run), the child migrates (which seeds the fields of
work), creates a root committee and its staff account through the services, and
bulk-inserts ``--units`` units (regions under the root, units under the regions),
``--practices`` practices (titles, summaries and bodies in Vietnamese, Chinese or
English, each with its search key, one source unit and one or two fields of work) and
``--adoptions`` adoptions (one practice adopted by every unit, the rest spread over the
library with a long tail; most reported back), because only the reads are measured.

It then times, as a region's staff (the permission filter of the library applies):

- **search**: ``selectors.practices_for`` with a query, as the list reads it (the
  count, no further than ``SEARCH_COUNT_CAP``, and the first page), over several
  queries (Chinese terms inside longer phrases, Vietnamese typed without tone marks,
  English): the p95 over ``--runs`` runs of each, after one warm-up run;
- **search floor**: one hand-written count (capped the same) and page through the
  substring index alone (SQLite: the FTS5 trigram table; PostgreSQL: ``LIKE``, which
  its trigram index answers; no permission filter, no source-unit or field search): a
  floor, not an equivalent;
- **spread**: ``selectors.practice_spread`` of the practice every unit adopted, as the
  root's staff (the median of ``--runs`` runs);
- **spread floor**: the same counts by outcome, by year and by top unit, and the card's
  first page of rows with their units, hand-written;
- **practice page**: ``GET /practices/<id>/`` of that practice through the test client.

With ``--explain`` it prints the plans of the search's page and of the spread's rows.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pacesetter.testing import bench

SEARCH_GOAL = 0.100
SPREAD_GOAL = 0.150
BATCH = 5000
REGION_SIZE = 250
_HIDDEN = "(internal) started by bench_practices itself."

#: The queries timed: Chinese terms inside longer phrases, Vietnamese without tone marks
#: (the texts have them), English.
QUERIES = ("技能", "师带徒", "创新工作室", "an toan", "tiet kiem nang luong", "sang kien", "water")

VI = (
    "an toàn lao động",
    "tiết kiệm năng lượng",
    "sáng kiến cải tiến kỹ thuật",
    "nâng cao tay nghề",
    "chăm lo đời sống người lao động",
    "giảm thất thoát nước sạch",
    "tổ sản xuất tự quản",
    "thi đua lao động giỏi",
    "vận hành trạm bơm",
    "thu gom rác thải",
    "chuyển đổi số",
    "phòng chống thiên tai",
    "kèm cặp công nhân trẻ",
    "quản lý kênh mương",
    "nâng cao chất lượng dịch vụ",
    "văn hóa doanh nghiệp",
)
ZH = (
    "职工技能提升",
    "师带徒结对",
    "劳模创新工作室",
    "安全生产标准化",
    "节能降耗",
    "班组建设",
    "职工代表大会",
    "技能竞赛",
    "新就业形态劳动者入会",
    "首席技师制度",
    "产业工人职业发展",
    "合理化建议",
    "数字化转型",
    "职工之家建设",
    "质量管理小组",
    "工匠精神传承",
)
EN = (
    "water network zoning",
    "shift safety briefings",
    "skills passport",
    "energy saving drive",
    "apprentice mentoring",
    "lean production team",
    "customer service charter",
    "waste sorting at source",
)
KINDS = ("model", "experience", "initiative", "experience", "model")
STATES = ("published",) * 7 + ("recognized", "reviewed", "proposed")
OUTCOMES = ("adopted",) * 5 + ("partly",) * 3 + ("abandoned", "")


class Command(BaseCommand):
    help = (
        "Build a library of N practices with M adoptions on a throw-away SQLite and/or "
        "PostgreSQL database and time the search and the spread of a widely adopted "
        "practice beside their raw-SQL floors."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practices", type=int, default=100_000)
        parser.add_argument("--adoptions", type=int, default=1_000_000)
        parser.add_argument("--units", type=int, default=5000)
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
        if options["practices"] < 10 or options["units"] < 10 or options["runs"] < 1:
            raise CommandError("Use at least 10 practices, 10 units and 1 run.")
        if options["adoptions"] < options["units"]:
            raise CommandError("Use at least as many adoptions as units.")
        if options["worker"]:
            bench.require_worker("bench_practices")
            result = _Worker(
                options["practices"],
                options["adoptions"],
                options["units"],
                options["runs"],
                options["explain"],
            ).run()
            self.stdout.write(bench.worker_result(result))
            return
        results = []
        for database in options["database"] or list(bench.DATABASES):
            self.stderr.write(
                f"{database}: building {options['practices']:,} practices with "
                f"{options['adoptions']:,} adoptions and timing the search and the spread..."
            )
            child_args = [
                f"--practices={options['practices']}",
                f"--adoptions={options['adoptions']}",
                f"--units={options['units']}",
                f"--runs={options['runs']}",
            ] + (["--explain"] if options["explain"] else [])
            with bench.throwaway_database(database) as url:
                results.append(bench.run_worker("bench_practices", database, url, child_args))
        self.stdout.write(self._table(results, options))

    def _table(self, results: list[dict[str, Any]], options: dict[str, Any]) -> str:
        out = [
            f"{options['practices']:,} practices, {options['adoptions']:,} adoptions, "
            f"{options['units']:,} units; search: p95 over {len(QUERIES)} queries x "
            f"{options['runs']} runs, spread: median of {options['runs']} runs, each after "
            "a warm-up run.",
            "",
            f"  {'database':<11}{'build':>8}  {'read':<26}{'time':>11}{'floor':>11}"
            f"{'ratio':>7}  goal",
        ]
        for r in results:
            rows = (
                ("search p95", r["search_p95"], r["search_floor_p95"], SEARCH_GOAL),
                ("search median", r["search_median"], r["search_floor_median"], SEARCH_GOAL),
                (
                    f"spread ({r['spread_total']:,} adoptions)",
                    r["spread"],
                    r["spread_floor"],
                    SPREAD_GOAL,
                ),
                ("practice page (HTTP)", r["page"], r["spread_floor"], SPREAD_GOAL),
            )
            for index, (name, value, floor, goal) in enumerate(rows):
                lead = f"  {r['database']:<11}{r['build']:>6.0f} s" if index == 0 else " " * 19
                ok = "ok" if value < goal else "SLOW"
                out.append(
                    f"{lead}  {name:<26}{bench.ms(value):>11}{bench.ms(floor):>11}"
                    f"{value / floor:>6.1f}x  {ok}"
                )
            matches = ", ".join(
                f"{q} {n:,} ({r['floor_matches'][q]:,})" for q, n in r["matches"].items()
            )
            out.append(f"  {'':<11}matches (floor's, counted to the cap + 1): {matches}")
            out.append(
                f"  {'':<11}queries: search {r['search_queries']}, spread "
                f"{r['spread_queries']}, page {r['page_queries']}"
            )
        for r in results:
            for name, plan in r.get("plans", {}).items():
                out += ["", f"{r['database']}: plan of {name}", plan]
        out += [
            "",
            f"Goals: search p95 under {SEARCH_GOAL * 1000:.0f} ms, the spread under "
            f"{SPREAD_GOAL * 1000:.0f} ms.",
        ]
        return "\n".join(out)


class _Worker:
    """Runs in the child process, on the throw-away database."""

    def __init__(
        self, practices: int, adoptions: int, units: int, runs: int, explain: bool
    ) -> None:
        self.n_practices = practices
        self.n_adoptions = adoptions
        self.n_units = units
        self.runs = runs
        self.explain = explain
        self.random = random.Random(2024)  # noqa: S311 - reproducible bench values
        self.today = dt.date.today()

    def run(self) -> dict[str, Any]:
        from django.db import connection

        bench.migrate()
        built, build = bench.timed(self.build)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return {"build": build, **built["counts"]} | self.measure(built)

    # --- building ---------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        from django.db import transaction

        from pacesetter.accounts.models import Role
        from pacesetter.accounts.services import user_create
        from pacesetter.decisions.services import decision_create
        from pacesetter.practices.defaults import ensure_fields
        from pacesetter.units.services import unit_create, unit_type_create

        with transaction.atomic():
            ensure_fields()  # the migration made them; the tests' database has none
            committee_type = unit_type_create(actor=None, code="committee", name="Committee")
            root = unit_create(
                actor=None,
                parent=None,
                code="BENCH",
                name="Benchmark federation",
                unit_type=committee_type,
            )
            regions, units = self.units(root)
            password = "bench-Passw0rd-2024"  # noqa: S105 - a throw-away database
            staff = user_create(
                actor=None,
                username="staff.bench",
                password=password,
                role=Role.COMMITTEE_STAFF,
                unit=root,
            )
            regional = user_create(
                actor=None,
                username="staff.region",
                password=password,
                role=Role.COMMITTEE_STAFF,
                unit=regions[0],
            )
            decision = decision_create(
                actor=None,
                owner_unit=root,
                number="1/2024",
                date=self.today,
                issuer="Benchmark federation",
                title="Recognition",
            )
            practice_ids = self.practices(units, decision)
            adoptions = self.adoptions(practice_ids, [root, *regions, *units])
        return {
            "staff": staff,
            "regional": regional,
            "widest": practice_ids[0],
            "counts": {
                "practices": len(practice_ids),
                "adoptions": adoptions,
                "units": 1 + len(regions) + len(units),
            },
        }

    def units(self, root: Any) -> tuple[list[Any], list[Any]]:
        """Regions under the root, units under the regions: ``--units`` in all."""
        from pacesetter.core.translations import refresh_search_key
        from pacesetter.units.models import Unit, UnitType

        enterprise = UnitType.objects.create(code="enterprise", name_en="Enterprise")
        n_regions = max(1, (self.n_units - 1) // (REGION_SIZE + 1))

        def unit(parent: Any, depth: int, code: str, name: str, unit_type: Any) -> Any:
            made = Unit(
                parent=parent, path="-", depth=depth, code=code, name_en=name, unit_type=unit_type
            )
            refresh_search_key(made)
            return made

        regions = self._insert(
            [
                unit(root, 1, f"R{i:03d}", f"Region {i:03d}", root.unit_type)
                for i in range(n_regions)
            ],
            root.path,
        )
        rest = self.n_units - 1 - n_regions
        leaves: list[Any] = []
        for r, region in enumerate(regions):
            size = rest // n_regions + (1 if r < rest % n_regions else 0)
            leaves += self._insert(
                [
                    unit(region, 2, f"U{r:03d}-{i:04d}", f"Unit {r:03d}-{i:04d}", enterprise)
                    for i in range(size)
                ],
                region.path,
            )
        return regions, leaves

    def _insert(self, units: list[Any], parent_path: str) -> list[Any]:
        from pacesetter.units.models import Unit

        made = Unit.objects.bulk_create(units, batch_size=BATCH)
        if any(unit.pk is None for unit in made):  # a backend that returns no ids
            made = list(Unit.objects.filter(code__in=[u.code for u in units]).order_by("code"))
        for unit in made:
            unit.path = f"{parent_path}{bench.base36(unit.pk)}/"
        Unit.objects.bulk_update(made, ["path"], batch_size=BATCH)
        return made

    def _texts(self, language: str) -> dict[str, str]:
        rnd = self.random
        phrases = {"vi": VI, "zh_hans": ZH, "en": EN}[language]
        picked = rnd.sample(phrases, 3)
        joiner = "，" if language == "zh_hans" else ", "
        title = joiner.join(picked[:2])
        summary = joiner.join(picked)
        body = "".join(
            f"<p>{phrase}{joiner}{' '.join(rnd.sample(phrases, 2))}</p>" for phrase in picked
        )
        return {
            f"title_{language}": title,
            f"summary_{language}": summary,
            f"body_{language}": body,
        }

    def practices(self, units: list[Any], decision: Any) -> list[int]:
        """The practices (bulk_create, with their search keys) and their source units and
        fields of work; their ids, the first the one every unit adopts."""
        from pacesetter.core.translations import refresh_search_key
        from pacesetter.practices.models import Practice, WorkField

        rnd = self.random
        fields = list(WorkField.objects.values_list("pk", flat=True))
        ids: list[int] = []
        for first in range(0, self.n_practices, BATCH):
            rows = []
            for i in range(first, min(first + BATCH, self.n_practices)):
                language = rnd.choices(("vi", "zh_hans", "en"), (4, 4, 2))[0]
                kind = KINDS[i % len(KINDS)]
                state = "published" if i == 0 else STATES[rnd.randrange(len(STATES))]
                practice = Practice(
                    source_language=language.replace("_", "-"),
                    kind=kind,
                    year=self.today.year - rnd.randint(0, 9),
                    state=state,
                    owner_unit=units[rnd.randrange(len(units))],
                    subject="collective" if kind == "model" else "",
                    influence_scope="local" if kind == "initiative" else "",
                    decision=decision if state in ("recognized", "published") else None,
                    **self._texts(language),
                )
                refresh_search_key(practice)  # bulk_create bypasses the services
                rows.append(practice)
            made = Practice.objects.bulk_create(rows, batch_size=BATCH)
            if any(p.pk is None for p in made):  # a backend that returns no ids
                made = list(Practice.objects.order_by("pk")[first : first + len(rows)])
            Practice.source_units.through.objects.bulk_create(
                [
                    Practice.source_units.through(practice_id=p.pk, unit_id=p.owner_unit_id)
                    for p in made
                ],
                batch_size=BATCH,
            )
            Practice.work_fields.through.objects.bulk_create(
                [
                    Practice.work_fields.through(practice_id=p.pk, workfield_id=field)
                    for p in made
                    for field in rnd.sample(fields, rnd.randint(1, 2))
                ],
                batch_size=BATCH,
            )
            ids += [p.pk for p in made]
        return ids

    def adoptions(self, practice_ids: list[int], units: list[Any]) -> int:
        """The first practice adopted by every unit; the other adoptions over the
        published practices with a long tail (a few practices adopted widely, most by a
        handful), each unit at most once per practice. Inserted with executemany (COPY
        on PostgreSQL) in batches; returns how many."""
        from django.db import connection
        from django.utils import timezone

        from pacesetter.practices.models import Practice

        rnd = self.random
        unit_ids = [u.pk for u in units]
        published = list(
            Practice.objects.filter(state="published")
            .exclude(pk=practice_ids[0])
            .values_list("pk", flat=True)
        )
        remaining = self.n_adoptions - len(unit_ids)
        weights = [rnd.paretovariate(1.2) for _ in published]
        total = sum(weights) or 1.0
        counts = [min(len(unit_ids), int(w / total * remaining)) for w in weights]
        short = remaining - sum(counts)
        room = [index for index, count in enumerate(counts) if count < len(unit_ids)]
        while short > 0 and room:  # the rounding's and the cap's rest, one more each
            for index in list(room):
                if short == 0:
                    break
                counts[index] += 1
                short -= 1
                if counts[index] == len(unit_ids):
                    room.remove(index)
        now = timezone.now()
        columns = (
            "practice_id, unit_id, adopted_on, note, outcome, rating, report, reported_on, "
            "created_at"
        )
        made = 0

        def rows() -> Any:
            yield from ((practice_ids[0], unit) for unit in unit_ids)
            for practice, count in zip(published, counts, strict=True):
                for unit in rnd.sample(unit_ids, count):
                    yield practice, unit

        batch: list[tuple[Any, ...]] = []
        for practice, unit in rows():
            adopted = self.today - dt.timedelta(days=rnd.randint(30, 5 * 365))
            outcome = OUTCOMES[rnd.randrange(len(OUTCOMES))]
            batch.append(
                (
                    practice,
                    unit,
                    adopted,
                    "",
                    outcome,
                    rnd.randint(1, 5) if outcome else None,
                    "",
                    adopted + dt.timedelta(days=rnd.randint(30, 200)) if outcome else None,
                    now,
                )
            )
            if len(batch) >= BATCH * 4:
                made += self._write(connection, columns, batch)
                batch = []
        made += self._write(connection, columns, batch)
        return made

    def _write(self, connection: Any, columns: str, batch: list[tuple[Any, ...]]) -> int:
        if not batch:
            return 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY practices_adoption ({columns}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns.split(",")))
                cursor.executemany(
                    f"INSERT INTO practices_adoption ({columns}) VALUES ({marks})",  # noqa: S608
                    batch,
                )
        return len(batch)

    # --- measuring --------------------------------------------------------------------

    def measure(self, built: dict[str, Any]) -> dict[str, Any]:
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from pacesetter.practices.models import Practice
        from pacesetter.practices.selectors import (
            PracticeFilters,
            practice_spread,
            practices_for,
        )

        staff, regional = built["staff"], built["regional"]
        widest = Practice.objects.get(pk=built["widest"])
        page_size = settings.PAGE_SIZE
        root_sql = (
            "split_part(u.path, '/', 1)"
            if connection.vendor == "postgresql"
            else "substr(u.path, 1, instr(u.path, '/'))"
        )
        year_sql = (
            "EXTRACT(YEAR FROM adopted_on)"
            if connection.vendor == "postgresql"
            else "CAST(strftime('%%Y', adopted_on) AS INTEGER)"
        )

        cap = settings.SEARCH_COUNT_CAP

        def search(query: str) -> tuple[int, list[Any]]:
            # As the list reads it: a count no further than the cap, the first page.
            qs = practices_for(regional, PracticeFilters(query=query))
            return qs.order_by()[: cap + 1].count(), list(qs[:page_size])

        def matched(query: str) -> int:
            return practices_for(regional, PracticeFilters(query=query)).count()

        def search_floor(query: str) -> tuple[int, list[Any]]:
            from pacesetter.core.translations import fold

            folded = fold(query)
            # The index alone: on SQLite the FTS5 trigram table (a phrase of three
            # characters or more), on PostgreSQL LIKE, which the trigram index answers.
            if connection.vendor == "sqlite" and len(folded) >= 3:
                where = (
                    "id IN (SELECT rowid FROM practices_practice_search "
                    "WHERE practices_practice_search MATCH %s)"
                )
                param = '"' + folded.replace('"', '""') + '"'
            else:
                where, param = "search_key LIKE %s", f"%{folded}%"
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM practices_practice "  # noqa: S608
                    f"WHERE {where} LIMIT %s) AS capped",
                    [param, cap + 1],
                )
                count = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT id, title_en, title_vi, title_zh_hans, kind, year, state "  # noqa: S608
                    f"FROM practices_practice WHERE {where} "
                    "ORDER BY year DESC, id LIMIT %s",
                    [param, page_size],
                )
                return count, cursor.fetchall()

        def spread() -> Any:
            return practice_spread(staff, widest)

        def spread_floor() -> list[Any]:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT COUNT(*), SUM(CASE WHEN outcome = '' THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN outcome = 'adopted' THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN outcome = 'partly' THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN outcome = 'abandoned' THEN 1 ELSE 0 END) "
                    "FROM practices_adoption WHERE practice_id = %s",
                    [widest.pk],
                )
                out = [cursor.fetchone()]
                cursor.execute(
                    f"SELECT {year_sql} AS y, COUNT(*) FROM practices_adoption "  # noqa: S608
                    "WHERE practice_id = %s GROUP BY y ORDER BY y",
                    [widest.pk],
                )
                out.append(cursor.fetchall())
                cursor.execute(
                    f"SELECT {root_sql} AS r, COUNT(*) FROM practices_adoption a "  # noqa: S608
                    "JOIN units_unit u ON u.id = a.unit_id WHERE a.practice_id = %s "
                    "GROUP BY r ORDER BY r",
                    [widest.pk],
                )
                out.append(cursor.fetchall())
                # The card's first page of adopters, as the page lists them.
                cursor.execute(
                    "SELECT a.id, a.adopted_on, a.outcome, a.rating, a.reported_on, u.id, "
                    "u.path, u.code, u.name_en FROM practices_adoption a "
                    "JOIN units_unit u ON u.id = a.unit_id WHERE a.practice_id = %s "
                    "ORDER BY u.path, a.id LIMIT %s",
                    [widest.pk, page_size],
                )
                out.append(cursor.fetchall())
                return out

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(staff)
        url = reverse("practices:detail", args=[widest.pk])

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

        def times_of(fn: Any) -> list[float]:
            fn()  # warm-up
            out = []
            for _ in range(self.runs):
                start = time.perf_counter()
                fn()
                out.append(time.perf_counter() - start)
            return out

        matches: dict[str, int] = {}
        floor_matches: dict[str, int] = {}
        search_times: list[float] = []
        floor_times: list[float] = []
        for query in QUERIES:
            # The search also finds the practices of a unit or field of work named so
            # (and not the unseen ones): not the floor's count.
            matches[query] = matched(query)
            floor_matches[query] = search_floor(query)[0]
            search_times += times_of(lambda q=query: search(q))
            floor_times += times_of(lambda q=query: search_floor(q))
        result_spread = spread()
        floor_total = spread_floor()[0][0]
        if result_spread.total != floor_total:
            raise CommandError("The spread and its floor count different adoptions.")
        result: dict[str, Any] = {
            "search_p95": bench.p95(search_times),
            "search_median": statistics.median(search_times),
            "search_floor_p95": bench.p95(floor_times),
            "search_floor_median": statistics.median(floor_times),
            "matches": matches,
            "floor_matches": floor_matches,
            "spread": bench.median_time(spread, self.runs),
            "spread_floor": bench.median_time(spread_floor, self.runs),
            "spread_total": result_spread.total,
            "page": bench.median_time(page, self.runs),
            "search_queries": queries(lambda: search(QUERIES[0])),
            "spread_queries": queries(spread),
            "page_queries": queries(page),
        }
        if self.explain:
            qs = practices_for(regional, PracticeFilters(query=QUERIES[0]))[:page_size]
            sql, params = qs.query.sql_with_params()
            from pacesetter.practices.selectors import adoptions_of

            rows_sql, rows_params = adoptions_of(staff, widest).query.sql_with_params()
            result["plans"] = {
                f"the search's page ({QUERIES[0]})": bench.query_plan(sql, params),
                "the spread's rows": bench.query_plan(rows_sql, rows_params),
            }
        return result
