"""Server time of every page on the simulated county-year, as the Server-Timing header reports it.

    .venv/bin/python -m bench.pages [--residents 20000] [--days 365] [--repeat 3]

(run as a module: bench/warnings.py would shadow the standard library if run as a script)

Seeds the county once into --data-dir (default var/bench-pages; reused on later runs), then, in
process, logs in as each demo role and requests every page without path parameters that the role
may open. Prints median and worst server milliseconds per page, the median CPU milliseconds of the
process for the request (the app runs in process, so this is the server's CPU; on a loaded machine
it stays put while wall time grows), and each page's ratio to the login page measured in the same
run (the baseline: a template render with no data). The first request of each page is not timed
(caches fill); --cold prints its server time too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BUDGET_MS = 300.0
ROLES = ["analyst", "officer", "grid", "teller", "leader", "admin", "auditor"]
PASSWORD = "Fanzha@2026"


def _server_ms(response: object) -> float:
    header = response.headers["server-timing"]  # type: ignore[attr-defined]
    return float(header.split("dur=")[1].split(";")[0])


def _page_paths() -> list[str]:
    from fanzha.web.routers import PAGE_ROUTERS, load

    paths: list[str] = []
    for spec in PAGE_ROUTERS:
        for route in load(spec).routes:
            path = getattr(route, "path", "")
            if "GET" in getattr(route, "methods", set()) and "{" not in path and path not in paths:
                paths.append(path)
    return [p for p in paths if p not in ("/login",)]


def main() -> None:
    parser = argparse.ArgumentParser()
    # Fraud attempts are simulated per county (500 engaged a day), not per resident: 20,000 residents
    # give the same year of warnings, cases and transfers as 400,000 and seed in a fraction of the time.
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data-dir", default="var/bench-pages")
    parser.add_argument("--cold", action="store_true", help="also print the first (untimed) request's server ms")
    args = parser.parse_args()

    os.environ["FANZHA_DATA_DIR"] = str(Path(args.data_dir).resolve())
    os.environ.setdefault("FANZHA_LOG_LEVEL", "WARNING")
    os.environ["FANZHA_PUBLIC_RATE_LIMIT_PER_MINUTE"] = "10000"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from fastapi.testclient import TestClient
    from tests.browser.server import prepare_database

    from fanzha.core import logging as flog
    from fanzha.web.app import create_app

    flog.configure("WARNING", True)
    started = time.perf_counter()
    prepare_database(residents=args.residents, days=args.days, seed=1)
    print(f"county ready ({args.residents:,} residents, {args.days} days) in {time.perf_counter() - started:.0f}s")

    app = create_app()
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    anon = TestClient(app)
    baseline = statistics.median(_server_ms(anon.get("/login")) for _ in range(args.repeat * 2))
    print(f"baseline /login: {baseline:.1f} ms server time\n")
    print(f"{'role':<9} {'page':<34} {'median ms':>9} {'max ms':>8} {'cpu ms':>7} {'× login':>8}"
          + (f" {'first ms':>9}" if args.cold else ""))
    worst: list[tuple[float, str, str]] = []
    for role in ROLES:
        client = TestClient(app)
        r = client.post("/login", data={"username": role, "password": PASSWORD}, follow_redirects=False)
        if r.status_code != 303:
            print(f"{role}: login failed ({r.status_code})")
            continue
        for path in _page_paths():
            first = client.get(path, headers={"Accept": "text/html"}, follow_redirects=False)
            if first.status_code != 200:
                continue
            times, cpu = [], []
            for _ in range(args.repeat):
                c0 = time.process_time()
                times.append(_server_ms(client.get(path, headers={"Accept": "text/html"})))
                cpu.append((time.process_time() - c0) * 1000)
            med, top = statistics.median(times), max(times)
            worst.append((med, role, path))
            flag = "  OVER BUDGET" if med > BUDGET_MS else ""
            cold = f" {_server_ms(first):>9.1f}" if args.cold else ""
            print(f"{role:<9} {path:<34} {med:>9.1f} {top:>8.1f} {statistics.median(cpu):>7.1f} "
                  f"{med / baseline:>8.1f}{cold}{flag}", flush=True)
    print(f"\nprocess CPU {time.process_time() - cpu_started:.0f} s over {time.perf_counter() - wall_started:.0f} s; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    worst.sort(reverse=True)
    over = [w for w in worst if w[0] > BUDGET_MS]
    print(f"\n{len(worst)} role×page pairs; slowest median {worst[0][0]:.1f} ms ({worst[0][1]} {worst[0][2]}); "
          f"{len(over)} over the {BUDGET_MS:.0f} ms budget")


if __name__ == "__main__":
    main()
