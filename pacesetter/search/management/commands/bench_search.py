"""``manage.py bench_search``: the one search box over every kind at the bench's scale,
p95 per query mix beside a raw-SQL floor measured in the same run.

On a throw-away database (``testing.bench``: the command starts itself again in a child
process whose ``DATABASE_URL`` points at a temporary SQLite file or at a PostgreSQL
server started for the run), the child migrates, makes a root federation, its regions
and the staff of the first region through the services, then bulk-inserts (with their
search keys; only the reads are measured) ``--units`` units, ``--campaigns`` campaigns,
``--criteria`` criteria (tables of 60), ``--tasks`` key tasks (a plan per region),
``--meetings`` meetings, awards, ``--proposals`` proposals, ``--grants`` granted awards,
``--practices`` practices and ``--people`` accounts with a unit role each, their names
and titles in Vietnamese, Chinese or English phrases.

It times ``selectors.search_all`` (what the page and the API read: every kind's first
rows, each inside its policy) as the first region's committee staff, for each query mix
(Chinese terms inside longer phrases, Vietnamese with tone marks, the same without,
English), the p95 over ``--runs`` runs of each query after a warm-up; beside it the
**floor**: per kind one hand-written ``SELECT … WHERE key LIKE … LIMIT 6`` (the
practices' substring index on SQLite; no permission filter, no joins): a floor, not an
equivalent. And the page itself (``GET /search/?q=``, the test client), its median and
query count.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pacesetter.testing import bench

GOAL = 0.100
BATCH = 5000
REGION_SIZE = 250
_HIDDEN = "(internal) started by bench_search itself."

#: The query mixes timed.
MIXES: dict[str, tuple[str, ...]] = {
    "Chinese": ("先进", "技能", "师带徒", "创新工作室"),
    "Vietnamese": ("thi đua", "an toàn", "tiết kiệm năng lượng"),
    "Vietnamese, no marks": ("thi dua", "an toan", "tiet kiem nang luong"),
    "English": ("water", "safety", "skills passport"),
}

VI = (
    "an toàn lao động",
    "tiết kiệm năng lượng",
    "sáng kiến cải tiến kỹ thuật",
    "thi đua lao động giỏi",
    "chuyển đổi số",
    "phòng chống thiên tai",
    "kèm cặp công nhân trẻ",
    "văn hóa doanh nghiệp",
    "cụm thi đua số",
    "giảm thất thoát nước sạch",
)
ZH = (
    "先进集体",
    "职工技能提升",
    "师带徒结对",
    "劳模创新工作室",
    "安全生产标准化",
    "节能降耗",
    "班组建设",
    "技能竞赛",
    "先进工作者",
    "工匠精神传承",
)
EN = (
    "water network zoning",
    "shift safety briefings",
    "skills passport",
    "energy saving drive",
    "apprentice mentoring",
    "lean production team",
)
#: The floor's tables: each kind's table and the column searched.
FLOORS = (
    ("units_unit", "search_key"),
    ("campaigns_campaign", "search_key"),
    ("scoring_criterion", "title_vi"),
    ("workplans_task", "search_key"),
    ("meetings_meeting", "search_key"),
    ("awards_award", "search_key"),
    ("awards_award", "search_key"),  # proposals and grants go through their award
    ("awards_award", "search_key"),
    ("practices_practice", "search_key"),
    ("accounts_user", "username"),
)


class Command(BaseCommand):
    help = (
        "Fill a throw-away SQLite and/or PostgreSQL database with every kind of record "
        "the search box finds and time the search (p95 per query mix) beside a raw-SQL "
        "floor."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, default=5000)
        parser.add_argument("--campaigns", type=int, default=200)
        parser.add_argument("--criteria", type=int, default=3000)
        parser.add_argument("--tasks", type=int, default=20_000)
        parser.add_argument("--meetings", type=int, default=2000)
        parser.add_argument("--proposals", type=int, default=2000)
        parser.add_argument("--grants", type=int, default=20_000)
        parser.add_argument("--practices", type=int, default=20_000)
        parser.add_argument("--people", type=int, default=3000)
        parser.add_argument("--runs", type=int, default=5, help="Timed runs per query.")
        parser.add_argument(
            "--database",
            action="append",
            choices=bench.DATABASES,
            help="Repeat for both; default: sqlite and postgres.",
        )
        parser.add_argument("--worker", action="store_true", help=_HIDDEN)

    SIZES = (
        "units",
        "campaigns",
        "criteria",
        "tasks",
        "meetings",
        "proposals",
        "grants",
        "practices",
        "people",
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["units"] < 2 * (REGION_SIZE + 1) or options["runs"] < 1:
            raise CommandError(f"Use at least {2 * (REGION_SIZE + 1)} units and 1 run.")
        if any(options[name] < 10 for name in self.SIZES):
            raise CommandError("Use at least 10 of each kind.")
        sizes = {name: options[name] for name in self.SIZES}
        if options["worker"]:
            bench.require_worker("bench_search")
            self.stdout.write(bench.worker_result(_Worker(sizes, options["runs"]).run()))
            return
        results = []
        for database in options["database"] or list(bench.DATABASES):
            self.stderr.write(f"{database}: building the records and timing the search...")
            child_args = [f"--{name}={value}" for name, value in sizes.items()]
            child_args.append(f"--runs={options['runs']}")
            with bench.throwaway_database(database) as url:
                results.append(bench.run_worker("bench_search", database, url, child_args))
        self.stdout.write(self._table(results, sizes, options["runs"]))

    def _table(self, results: list[dict[str, Any]], sizes: dict[str, int], runs: int) -> str:
        out = [
            ", ".join(f"{value:,} {name}" for name, value in sizes.items())
            + f"; p95 over each mix's queries x {runs} runs, after a warm-up run.",
            "",
            f"  {'database':<11}{'build':>8}  {'query mix':<24}{'p95':>10}{'floor p95':>11}"
            f"{'ratio':>7}  goal",
        ]
        for r in results:
            for index, (mix, figures) in enumerate(r["mixes"].items()):
                lead = f"  {r['database']:<11}{r['build']:>6.0f} s" if index == 0 else " " * 19
                ok = "ok" if figures["p95"] < GOAL else "SLOW"
                out.append(
                    f"{lead}  {mix:<24}{bench.ms(figures['p95']):>10}"
                    f"{bench.ms(figures['floor_p95']):>11}"
                    f"{figures['p95'] / figures['floor_p95']:>6.1f}x  {ok}"
                )
            out.append(
                f"{'':<21}{'all queries':<24}{bench.ms(r['p95']):>10}"
                f"{bench.ms(r['floor_p95']):>11}{r['p95'] / r['floor_p95']:>6.1f}x  "
                f"{'ok' if r['p95'] < GOAL else 'SLOW'}"
            )
            out.append(
                f"{'':<21}page GET /search/ (median) {bench.ms(r['page'])}, "
                f"{r['page_queries']} queries; search_all {r['queries']} queries"
            )
            kinds = ", ".join(f"{k} {bench.ms(t)}" for k, t in r["per_kind"].items())
            out.append(f"{'':<21}by kind (thi dua, median): {kinds}")
            found = ", ".join(f"{q} {n}" for q, n in r["found"].items())
            out.append(f"{'':<21}groups found: {found}")
        out += ["", f"Goal: search p95 under {GOAL * 1000:.0f} ms."]
        return "\n".join(out)


class _Worker:
    """Runs in the child process, on the throw-away database."""

    def __init__(self, sizes: dict[str, int], runs: int) -> None:
        self.sizes = sizes
        self.runs = runs
        self.random = random.Random(2024)  # noqa: S311 - reproducible bench values
        self.today = dt.date.today()

    def run(self) -> dict[str, Any]:
        from django.db import connection

        bench.migrate()
        built, build = bench.timed(self.build)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return {"build": build} | self.measure(built)

    # --- building ---------------------------------------------------------------------

    def phrase(self, n: int) -> tuple[str, str]:
        """A name in one language (its column suffix and text), ``n`` keeping it apart."""
        language = self.random.choices(("vi", "zh_hans", "en"), (4, 4, 2))[0]
        pool = {"vi": VI, "zh_hans": ZH, "en": EN}[language]
        picked = self.random.sample(pool, 2)
        joiner = "" if language == "zh_hans" else " "
        return language, f"{joiner.join(picked)} {n:05d}"

    def named(
        self, model: Any, field: str, n: int, also: tuple[str, ...] = (), **values: Any
    ) -> Any:
        """An unsaved ``model`` named in one language (``also``: other fields required in
        it, given the same text), its search key set."""
        from pacesetter.core.translations import refresh_search_key

        language, text = self.phrase(n)
        texts = {f"{name}_{language}": text for name in (field, *also)}
        made = model(source_language=language.replace("_", "-"), **texts)
        for name, value in values.items():
            setattr(made, name, value)
        refresh_search_key(made)
        return made

    def bulk(self, model: Any, rows: list[Any]) -> list[Any]:
        made = list(model.objects.bulk_create(rows, batch_size=BATCH))
        if any(row.pk is None for row in made):  # a backend that returns no ids
            made = list(model.objects.order_by("-pk")[: len(rows)])[::-1]
        return made

    def build(self) -> dict[str, Any]:
        from django.contrib.auth.hashers import make_password
        from django.db import transaction

        from pacesetter.accounts.models import Role, RoleAssignment, User
        from pacesetter.accounts.services import user_create
        from pacesetter.awards.models import Award, AwardGrant, Proposal
        from pacesetter.bodies.services import body_create
        from pacesetter.campaigns.models import Campaign
        from pacesetter.decisions.services import decision_create
        from pacesetter.meetings.models import Meeting
        from pacesetter.practices.models import Practice
        from pacesetter.scoring.models import Criterion, ScoringTable
        from pacesetter.units.models import Unit, UnitType
        from pacesetter.units.services import unit_create, unit_type_create
        from pacesetter.workplans.models import Task
        from pacesetter.workplans.services import plan_create

        rnd, sizes, year = self.random, self.sizes, self.today.year
        with transaction.atomic():
            committee = unit_type_create(actor=None, code="committee", name="Committee")
            root = unit_create(
                actor=None,
                parent=None,
                code="BENCH",
                name="Benchmark federation",
                unit_type=committee,
            )
            enterprise = UnitType.objects.create(code="enterprise", name_en="Enterprise")
            n_regions = max(2, (sizes["units"] - 1) // (REGION_SIZE + 1))
            regions = [
                unit_create(
                    actor=None,
                    parent=root,
                    code=f"R{i:03d}",
                    name=f"Region {i:03d}",
                    unit_type=committee,
                )
                for i in range(n_regions)
            ]
            units: list[Any] = []
            rest = sizes["units"] - 1 - n_regions
            for r, region in enumerate(regions):
                count = rest // n_regions + (1 if r < rest % n_regions else 0)
                made = self.bulk(
                    Unit,
                    [
                        self.named(
                            Unit,
                            "name",
                            len(units) + i,
                            parent=region,
                            path="-",
                            depth=2,
                            code=f"U{r:03d}-{i:04d}",
                            unit_type=enterprise,
                        )
                        for i in range(count)
                    ],
                )
                for unit in made:
                    unit.path = f"{region.path}{bench.base36(unit.pk)}/"
                Unit.objects.bulk_update(made, ["path"], batch_size=BATCH)
                units += made
            password = "bench-Passw0rd-2024"  # noqa: S105 - a throw-away database
            staff = user_create(
                actor=None,
                username="staff.region",
                password=password,
                role=Role.COMMITTEE_STAFF,
                unit=regions[0],
            )
            self.bulk(
                Campaign,
                [
                    self.named(
                        Campaign,
                        "name",
                        i,
                        code=f"C{i:05d}",
                        organizer=rnd.choice(regions),
                        start=dt.date(year, 1, 1),
                        end=dt.date(year, 12, 31),
                        year=year,
                    )
                    for i in range(sizes["campaigns"])
                ],
            )
            tables = self.bulk(
                ScoringTable,
                [
                    self.named(ScoringTable, "name", i, owner_unit=rnd.choice(regions), year=year)
                    for i in range(max(1, sizes["criteria"] // 60))
                ],
            )
            self.bulk(
                Criterion,
                [
                    self.named(
                        Criterion,
                        "title",
                        i,
                        table=tables[i % len(tables)],
                        code=f"K{i}",
                        kind="quantitative",
                        position=i,
                    )
                    for i in range(sizes["criteria"])
                ],
            )
            plans = []
            for region in regions:
                body = body_create(
                    actor=None, owner_unit=region, kind="committee", name=f"Board {region.code}"
                )
                plans.append(
                    plan_create(
                        actor=None,
                        body=body,
                        kind="year",
                        period_start=dt.date(year, 1, 1),
                        period_end=dt.date(year, 12, 31),
                        name=f"Plan {region.code}",
                    )
                )
            region_units = {r.pk: [u for u in units if u.parent_id == r.pk] for r in regions}
            tasks = []
            for i in range(sizes["tasks"]):
                r = i % len(regions)
                tasks.append(
                    self.named(
                        Task,
                        "title",
                        i,
                        plan=plans[r],
                        code=f"T{i}",
                        lead_unit=rnd.choice(region_units[regions[r].pk]),
                        position=i,
                    )
                )
            self.bulk(Task, tasks)
            starts = dt.datetime(year, 1, 1, 8, tzinfo=dt.UTC)
            self.bulk(
                Meeting,
                [
                    self.named(
                        Meeting,
                        "title",
                        i,
                        kind="review",
                        organizer_unit=rnd.choice(regions),
                        starts_at=starts + dt.timedelta(days=i % 365),
                    )
                    for i in range(sizes["meetings"])
                ],
            )
            awards = self.bulk(
                Award,
                [
                    self.named(
                        Award,
                        "name",
                        i,
                        code=f"award-{i}",
                        level="provincial",
                        recipient_kind="unit",
                        also=("issuer",),
                    )
                    for i in range(100)
                ],
            )
            self.bulk(
                Proposal,
                [
                    Proposal(
                        award=rnd.choice(awards),
                        year=year,
                        proposer_unit=rnd.choice(units),
                        committee_unit=root,
                        decision_date=self.today,
                    )
                    for _ in range(sizes["proposals"])
                ],
            )
            decision = decision_create(
                actor=None,
                owner_unit=root,
                number="1/2024",
                date=self.today,
                issuer="Benchmark federation",
                title="Awards",
            )
            self.bulk(
                AwardGrant,
                [
                    AwardGrant(
                        award=rnd.choice(awards),
                        decision=decision,
                        unit=rnd.choice(units),
                        year=year - rnd.randint(0, 9),
                    )
                    for _ in range(sizes["grants"])
                ],
            )
            self.bulk(
                Practice,
                [
                    self.named(
                        Practice,
                        "title",
                        i,
                        kind="experience",
                        year=year - rnd.randint(0, 9),
                        state="published" if i % 3 else "proposed",
                        owner_unit=rnd.choice(units),
                    )
                    for i in range(sizes["practices"])
                ],
            )
            hashed = make_password(password)
            people = self.bulk(
                User,
                [
                    User(
                        username=f"person.{i:05d}",
                        password=hashed,
                        first_name=self.phrase(i)[1].split(" ")[0],
                    )
                    for i in range(sizes["people"])
                ],
            )
            self.bulk(
                RoleAssignment,
                [
                    RoleAssignment(user=person, role=Role.UNIT_OFFICER, unit=rnd.choice(units))
                    for person in people
                ],
            )
        return {"staff": staff}

    # --- measuring --------------------------------------------------------------------

    def measure(self, built: dict[str, Any]) -> dict[str, Any]:
        from django.db import connection
        from django.test import Client

        from pacesetter.core.translations import fold
        from pacesetter.search.selectors import GROUP_SIZE, search_all

        staff = built["staff"]

        def search(query: str) -> int:
            return len(search_all(staff, query))

        def floor(query: str) -> int:
            folded = fold(query)
            found = 0
            with connection.cursor() as cursor:
                for table, key in FLOORS:
                    if table == "practices_practice" and connection.vendor == "sqlite":
                        if len(folded) >= 3:
                            where = (
                                "id IN (SELECT rowid FROM practices_practice_search "
                                "WHERE practices_practice_search MATCH %s)"
                            )
                            param = '"' + folded.replace('"', '""') + '"'
                        else:
                            where, param = "search_key LIKE %s", f"%{folded}%"
                    else:
                        value = query if key != "search_key" else folded
                        where, param = f"{key} LIKE %s", f"%{value}%"
                    cursor.execute(
                        f"SELECT id FROM {table} WHERE {where} LIMIT %s",  # noqa: S608
                        [param, GROUP_SIZE + 1],
                    )
                    found += bool(cursor.fetchall())
            return found

        def times_of(fn: Any) -> list[float]:
            fn()  # warm-up
            out = []
            for _ in range(self.runs):
                start = time.perf_counter()
                fn()
                out.append(time.perf_counter() - start)
            return out

        def queries(fn: Any) -> int:
            count = 0

            def counter(execute: Any, *args: Any) -> Any:
                nonlocal count
                count += 1
                return execute(*args)

            with connection.execute_wrapper(counter):
                fn()
            return count

        mixes: dict[str, dict[str, float]] = {}
        found: dict[str, int] = {}
        every: list[float] = []
        every_floor: list[float] = []
        for mix, terms in MIXES.items():
            times: list[float] = []
            floors: list[float] = []
            for term in terms:
                found[term] = search(term)
                times += times_of(lambda t=term: search(t))
                floors += times_of(lambda t=term: floor(t))
            mixes[mix] = {"p95": bench.p95(times), "floor_p95": bench.p95(floors)}
            every += times
            every_floor += floors

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(staff)

        def page() -> None:
            response = client.get("/search/", {"q": "thi dua"})
            if response.status_code != 200:
                raise CommandError(f"/search/ answered {response.status_code}")

        from pacesetter.search.selectors import KINDS

        def one_kind(kind: Any) -> Any:
            return lambda: search_all(staff, "thi dua", [kind])

        per_kind = {kind.key: bench.median_time(one_kind(kind), self.runs) for kind in KINDS}
        return {
            "per_kind": per_kind,
            "mixes": mixes,
            "found": found,
            "p95": bench.p95(every),
            "floor_p95": bench.p95(every_floor),
            "median": statistics.median(every),
            "page": bench.median_time(page, self.runs),
            "page_queries": queries(page),
            "queries": queries(lambda: search("thi dua")),
        }
