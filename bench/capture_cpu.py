"""Where a concern POST's time goes under gunicorn: CPU per request, read from /proc,
of one gunicorn worker answering requests sent one after another, for

* the bare insert (bench/bare_app.py, the baseline bench/capture.py divides by),
* the smallest request the app answers with a log-in (`GET /api/v1/session`: bearer
  token, CSRF token, security headers; nothing written),
* the concern POST (positions across the 79 wards, as bench/capture.py).

On PostgreSQL it also reads the CPU of the server processes serving the bench database
(the worker's pooled connections) over the same requests.
Run: .venv/bin/python bench/capture_cpu.py [--engine sqlite|postgresql|both] [--requests 1000]

Sequential requests on one worker leave no queue and no lock waits: the figures are
the work itself, so other load on the machine moves them little (unlike requests/s).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.capture import bench_database, prepare, spread_points, start_gunicorn, stop  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(pids) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue  # a process that ended meanwhile
        total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def backends_of(admin, database) -> list[int]:
    """The server processes serving the bench database (the app's pooled connections)."""
    with admin.connect() as c:
        return list(c.exec_driver_sql("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)).scalars())


def worker_of(proc) -> int:
    return int(
        subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True, check=True).stdout.split()[0]
    )


def warmed_up(port, method, path, token, points):
    """A function sending one request, after 50 sent to warm up."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def one():
        body = None
        if method == "POST":
            lon, lat = random.choice(points)
            body = json.dumps(
                {
                    "id": str(uuid.uuid4()),
                    "category": "youth_asb",
                    "description": "Bikes on the field",
                    "lon": lon,
                    "lat": lat,
                }
            )
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        response.read()
        if response.status not in (200, 201):
            raise RuntimeError(f"{method} {path}: HTTP {response.status}")

    for _ in range(50):
        one()
    return one


def run_engine(engine_name, n):
    points = spread_points()
    rows = []
    with bench_database(engine_name) as (env, tmp, admin, name):
        token = prepare(env)
        servers = {
            "bare": start_gunicorn("bench.bare_app:app", 8791, env, tmp, workers=1),
            "app": start_gunicorn("wsgi:app", 8792, env, tmp, workers=1),
        }
        try:
            cases = [
                ("bare Flask insert", "bare", 8791, "POST", "/bare"),
                ("GET /api/v1/session (log-in, nothing written)", "app", 8792, "GET", "/api/v1/session"),
                ("concern POST", "app", 8792, "POST", "/api/v1/concerns"),
            ]
            for label, server, port, method, path in cases:
                one = warmed_up(port, method, path, token, points)
                worker = worker_of(servers[server])
                pg = backends_of(admin, name) if admin is not None else []
                w0, p0, t0 = cpu_of([worker]), cpu_of(pg), time.perf_counter()
                for _ in range(n):
                    one()
                wall = time.perf_counter() - t0
                rows.append(
                    (
                        label,
                        (cpu_of([worker]) - w0) / n * 1000,
                        (cpu_of(pg) - p0) / n * 1000 if pg else None,
                        wall / n * 1000,
                    )
                )
        finally:
            for proc in servers.values():
                stop(proc)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    print(f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"- Machine: {platform.platform()}, nproc {os.cpu_count()}, Python {platform.python_version()}")
    print("- Load average at start: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(
        f"- one gunicorn sync worker per app; {args.requests} requests one after another on one "
        "connection, after 50 to warm up; CPU time (user + system) from /proc\n"
    )
    print("| Database | Request | Worker CPU ms | Database server CPU ms | Wall ms | Worker CPU / bare |")
    print("|---|---|---:|---:|---:|---:|")
    for engine_name in engines:
        rows = run_engine(engine_name, args.requests)
        bare = rows[0][1]
        for label, worker, server, wall in rows:
            server_text = f"{server:.2f}" if server is not None else "(in the worker)"
            print(f"| {engine_name} | {label} | {worker:.2f} | {server_text} | {wall:.2f} | {worker / bare:.2f} |")
    print("\n- Load average at end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
