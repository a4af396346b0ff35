"""Benchmark of the annual report and the dashboard API on a simulated county-year.

    .venv/bin/python bench/report.py [--residents 40000] [--year 2025] [--db /tmp/fanzha-bench-report.db]

Builds (or reuses) a SQLite database holding one county-year: ≈180,000 warning instructions with
their SLA clocks, ≈500 cases, ≈5,000 outreach records, freezes and stopped transfers
(bench/report_history.py). Then times, in the same run:
- baseline: loading the year's warning and case rows into Python and counting them per town
  (what a spreadsheet-style script does) against the engine's grouped SQL for the same figures;
- storing the rollup of the closed months (what the warm-up job does after a deploy);
- the annual report for the county (gather → compose → docx + PDF + HTML) against the < 10 s target;
- the dashboard API routes, first request (empty payload cache, rollup rows not yet decoded in
  this process) and cached, for several areas × periods, against the < 300 ms target; and the
  first request with no rollup stored at all (a fresh database before the job's first run).
"""

from __future__ import annotations

import os
import sys

# Running `python bench/report.py` puts bench/ first on sys.path, where bench/warnings.py would
# shadow the standard library's `warnings`; take it off and load the sibling module by path.
_BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _BENCH]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402
from types import ModuleType  # noqa: E402


def _report_history() -> ModuleType:
    spec = importlib.util.spec_from_file_location("report_history", os.path.join(_BENCH, "report_history.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _build(db_path: Path, residents: int, year: int) -> dict[str, int]:
    from sqlalchemy import func, select

    from fanzha.core.db import Base, Database
    from fanzha.sim.county import build_county
    from fanzha.sim.runner import SimContext
    from fanzha.sim.seed import seed_county
    from fanzha.warning.models import WarningInstruction

    database = Database(f"sqlite:///{db_path}")
    Base.metadata.create_all(database.engine)
    with database.session() as session:
        if (session.scalar(select(func.count()).select_from(WarningInstruction)) or 0) > 0:
            database.dispose()
            return {}
    county = build_county(1, residents=residents)
    with database.session() as session:
        seed_county(session, county)
    ctx = SimContext(seed=1, county=county, start=date(year, 1, 1), days=365)
    with database.session() as session:
        counts = _report_history().load(session, county, ctx.attempts)
    database.dispose()
    return counts


def _timed(fn, repeat: int = 1):  # type: ignore[no-untyped-def]
    """Median wall time, and CPU time of this process: on a shared, loaded machine the CPU time is
    what the same work takes on an idle core (SQLite runs in-process)."""
    samples, cpu, result = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    _timed.cpu = statistics.median(cpu)  # type: ignore[attr-defined]
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=40_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "fanzha-bench-report.db")
    args = parser.parse_args()
    os.environ.setdefault("FANZHA_DATA_DIR", str(args.db.parent / "fanzha-bench-data"))

    import fanzha.models  # noqa: F401
    from fanzha.core import logging as flog
    from fanzha.core import pii

    flog.configure("WARNING", False)

    pii.set_keyring(pii.Keyring(b"b" * 32))
    start = time.perf_counter()
    counts = _build(args.db, args.residents, args.year)
    if counts:
        print(f"built county-year in {time.perf_counter() - start:.1f}s: {counts}")

    from sqlalchemy import delete, select

    from fanzha.areas.models import Area
    from fanzha.cases.models import Case
    from fanzha.core.db import Database, set_database
    from fanzha.core.rbac import Principal
    from fanzha.reports.data import ReportKind
    from fanzha.reports.service import generate
    from fanzha.stats.engine import Engine
    from fanzha.stats.periods import Period
    from fanzha.warning.models import WarningInstruction

    database = Database(f"sqlite:///{args.db}")
    set_database(database)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    year = Period.parse(str(args.year))
    lo, hi = year.utc_bounds()
    with database.session() as session:
        county = session.scalars(select(Area).where(Area.level == "county")).one()
        warnings_total = session.query(WarningInstruction).filter(WarningInstruction.received_at >= lo,
                                                                  WarningInstruction.received_at < hi).count()
        cases_total = session.query(Case).filter(Case.reported_at >= lo, Case.reported_at < hi).count()
        print(f"county-year {args.year}: {warnings_total:,} warnings, {cases_total:,} cases, "
              f"{args.residents:,} residents")

        def python_loop() -> dict[str, int]:
            towns = Counter()  # type: ignore[var-annotated]
            for w in session.scalars(select(WarningInstruction).where(WarningInstruction.received_at >= lo,
                                                                      WarningInstruction.received_at < hi)):
                towns[w.area_path.split("/")[2]] += 1
            for c in session.scalars(select(Case).where(Case.reported_at >= lo, Case.reported_at < hi)):
                towns["cases:" + c.area_path.split("/")[2]] += 1
            return dict(towns)

        def engine_sql() -> object:
            return Engine(session, rollup=False).children(county, year, ["warnings", "cases"])

        base_s, _ = _timed(python_loop)
        base_cpu = _timed.cpu  # type: ignore[attr-defined]
        session.expunge_all()
        sql_s, _ = _timed(engine_sql, repeat=3)
        sql_cpu = _timed.cpu  # type: ignore[attr-defined]
        print(f"per-town warnings+cases for the year: python loop over rows {base_s * 1000:.0f} ms "
              f"(cpu {base_cpu * 1000:.0f}), engine SQL {sql_s * 1000:.0f} ms (cpu {sql_cpu * 1000:.0f})  "
              f"ratio {base_s / sql_s:.1f}x wall, {base_cpu / sql_cpu:.1f}x cpu")

    from fanzha.stats import rollup
    from fanzha.stats.models import StatsRollup
    from fanzha.stats.warmup import ROLLUP_MONTHS

    with database.session() as session:
        session.execute(delete(StatsRollup))
    rollup.clear_decoded()
    with database.session() as session:
        now_month = Period.parse(f"{args.year + 1}-01")  # the bench year and the one before are closed
        months = [now_month.shift(-i) for i in range(ROLLUP_MONTHS, 0, -1)]
        store_s, stored = _timed(lambda: Engine(session).materialise(months))
        print(f"rollup of {ROLLUP_MONTHS} closed months stored ({stored} source×part×month): {store_s:.2f} s wall, "
              f"{_timed.cpu:.2f} s cpu (warm-up job, once; then only changed or expired months)")  # type: ignore[attr-defined]
    from fanzha.stats.warmup import warm_once

    warm_once()  # what the web process runs every four minutes: also refreshes coverage and residents
    rollup.clear_decoded()

    with database.session() as session:
        out = Path(tempfile.mkdtemp(prefix="fanzha-bench-report-"))
        report_s, result = _timed(lambda: generate(session, actor=Principal.system("bench"), area_code=county.code,
                                                   kind=ReportKind.ANNUAL, period=str(args.year), out_dir=out))
        print(f"annual report (docx+pdf+html) for {county.name} {args.year}: {report_s:.2f} s wall, "
              f"{_timed.cpu:.2f} s cpu (target < 10 s) -> {result.pdf}")  # type: ignore[attr-defined]
        report_s, result = _timed(lambda: generate(session, actor=Principal.system("bench"), area_code=county.code,
                                                   kind=ReportKind.ANNUAL, period=str(args.year), out_dir=out))
        print(f"annual report again (fonts loaded): {report_s:.2f} s wall, "
              f"{_timed.cpu:.2f} s cpu")  # type: ignore[attr-defined]
        month = f"{args.year}-11"
        monthly_s, _ = _timed(lambda: generate(session, actor=Principal.system("bench"), area_code=county.code,
                                               kind=ReportKind.MONTHLY, period=month, out_dir=out))
        print(f"monthly report {month}: {monthly_s:.2f} s wall, {_timed.cpu:.2f} s cpu")  # type: ignore[attr-defined]
        town = session.scalars(select(Area).where(Area.level == "town").order_by(Area.code)).first()
        assert town is not None

    areas = [(county.code, month), (county.code, str(args.year)), (town.code, f"{args.year}-Q3"),
             (town.code, f"{args.year}-W40")]
    _bench_api(database, areas, with_rollup=True)
    with database.session() as session:
        session.execute(delete(StatsRollup))
    rollup.clear_decoded()
    _bench_api(database, [(county.code, month)], with_rollup=False)
    database.dispose()


def _bench_api(database: object, targets: list[tuple[str, str]], *, with_rollup: bool) -> None:
    from fastapi.testclient import TestClient

    from fanzha.core.rbac import Principal, Role
    from fanzha.stats import rollup
    from fanzha.stats.cache import clear
    from fanzha.users import service as users
    from fanzha.users.schemas import UserCreate
    from fanzha.web.app import create_app

    with database.session() as session:  # type: ignore[attr-defined]
        user = users.get_by_username(session, username="benchleader")
        if user is None:
            user = users.create(session, actor=Principal.system("bench"), data=UserCreate(
                username="benchleader", display_name="bench", role=Role.LEADER, area_code=targets[0][0],
                password="Bench@2026pass"))
        secret, _ = users.issue_token(session, user=user, kind="api")
    client = TestClient(create_app())
    client.headers["Authorization"] = f"Bearer {secret}"
    start, start_cpu = time.perf_counter(), time.process_time()
    assert client.get("/api/v1/stats/definitions").status_code == 200
    print(f"first request of the process (app start-up, auth; no statistics): "
          f"{(time.perf_counter() - start) * 1000:.0f} ms (cpu {(time.process_time() - start_cpu) * 1000:.0f})")
    state = "rollup stored, not yet decoded in this process" if with_rollup else "NO rollup stored (first run)"
    print(f"dashboard API, {state} (target < 300 ms; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores):")
    for area, period in targets:
        clear()
        rollup.clear_decoded()
        for route in ("indicators", "trend", "ranking", "ratings/history", "breakdowns/cases_by_type", "dashboard"):
            url = f"/api/v1/stats/{route}?area={area}&period={period}"
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            cold, cold_cpu = time.perf_counter() - start, time.process_time() - start_cpu
            assert response.status_code == 200, response.text
            warm = []
            for _ in range(10):
                start = time.perf_counter()
                client.get(url)
                warm.append(time.perf_counter() - start)
            print(f"  {area} {period:<8} {route:<26} first {cold * 1000:7.1f} ms (cpu {cold_cpu * 1000:6.1f})   "
                  f"cached p50 {statistics.median(warm) * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
