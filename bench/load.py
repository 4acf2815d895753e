"""A meeting night times 100: mixed load against gunicorn on PostgreSQL.

Open-loop (requests are sent on schedule whether or not earlier ones have answered, as
real phones and browsers do), bounded in time, all traffic to 127.0.0.1. Reports
throughput, p50/p95/p99 latency and errors per kind of request.

A county's meeting night, as the office runs it: up to 10 Your Force Your Voice meetings
at once, about 30 concerns each over two hours (0.04 concerns/s in all), while
inspectors and staff read their inboxes and maps (about 20 reads a minute, 0.33/s).
Times 100: 4.2 concern POSTs/s and 33 reads/s.

Run: .venv/bin/python bench/load.py [--seconds 30] [--scale 100] [--workers 4] [--warmup 0]
(--warmup 30: the steady state, once every worker has answered its first requests.)
Goal: no errors and p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import http.client
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PORT = 8766
BASE_RATES = {"capture POST": 0.042, "inbox read": 0.15, "map read": 0.12, "concern read": 0.06}


def flask(env, *args):
    return subprocess.run(
        [str(BIN / "flask"), "--app", "engage", *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def prepare(env):
    flask(env, "db", "upgrade")
    flask(env, "wards", "import-default")
    flask(env, "demo", "load")  # teams, designations and a year of concerns to read
    tokens = {}
    for role, extra in (("officer", []), ("staff", []), ("inspector", ["--team", "INT-MBRO"])):
        email = f"load-{role}@example.org"
        flask(env, "users", "create", email, "--role", role, *extra)
        tokens[role] = flask(env, "users", "token", email)
    return tokens


def start(env, workers):
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{PORT}", "--log-level", "warning", "wsgi:app"],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            c.request("GET", "/api/v1/categories")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


class Client(threading.local):
    def conn(self):
        if getattr(self, "c", None) is None:
            self.c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        return self.c


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--warmup",
        type=int,
        default=0,
        help="seconds of the same load first, not counted: the steady state, after each worker's first requests",
    )
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    )
    args = parser.parse_args()
    name = f"engage_load_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "load",
        "FLASK_DEBUG": "0",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    proc = None
    try:
        tokens = prepare(env)
        proc = start(env, args.workers)
        client = Client()
        results: dict[str, list] = {k: [] for k in BASE_RATES}
        errors: dict[str, list] = {k: [] for k in BASE_RATES}
        concern_ids: list[str] = []
        meeting = str(uuid.uuid4())

        def call(kind, method, path, token, body=None):
            # As a browser or a phone asks since issue #20: answers come compressed, and
            # the server's time to compress them is in the figures.
            headers = {
                "Authorization": f"Bearer {token}",
                "Accept-Encoding": os.environ.get("BENCH_ACCEPT_ENCODING", "br, gzip"),
            }
            if body is not None:
                headers["Content-Type"] = "application/json"
            started = time.perf_counter()
            try:
                conn = client.conn()
                conn.request(method, path, json.dumps(body) if body is not None else None, headers)
                response = conn.getresponse()
                data = response.read()
                status = response.status
                encoding = response.getheader("Content-Encoding")
                if encoding == "br":
                    data = brotli.decompress(data)
                elif encoding == "gzip":
                    data = gzip.decompress(data)
            except (OSError, http.client.HTTPException) as exc:
                client.c = None
                if started - start_at >= args.warmup:
                    errors[kind].append(str(exc))
                return None
            if started - start_at >= args.warmup:  # counted once the warm-up is over
                results[kind].append(time.perf_counter() - started)
                if status >= 400:
                    errors[kind].append(f"HTTP {status}")
            return data

        def capture():
            data = call(
                "capture POST",
                "POST",
                "/api/v1/concerns",
                tokens["officer"],
                {
                    "id": str(uuid.uuid4()),
                    "meeting_id": meeting,
                    "category": random.choice(["off_road_bikes", "youth_asb", "visible_policing", "speeding", "drugs"]),
                    "description": "Raised at the meeting",
                    "lon": -1.2345 + random.uniform(-0.02, 0.02),
                    "lat": 54.5742 + random.uniform(-0.01, 0.01),
                },
            )
            if data:
                concern_ids.append(json.loads(data)["id"])

        def concern_read():
            if concern_ids:
                call("concern read", "GET", f"/api/v1/concerns/{random.choice(concern_ids)}", tokens["officer"])

        actions = {
            "capture POST": capture,
            "inbox read": lambda: call("inbox read", "GET", "/inbox", tokens["inspector"]),
            "map read": lambda: call(
                "map read",
                "GET",
                random.choice(
                    [
                        "/api/v1/maps/wards?source=demo",
                        "/api/v1/maps/wards?source=demo&category=drugs",
                        "/api/v1/maps/heat?source=demo&zoom=11",
                        "/api/v1/maps/wards?source=demo&measure=per_meeting&breaks=jenks",
                    ]
                ),
                tokens["staff"],
            ),
            "concern read": concern_read,
        }
        rates = {k: v * args.scale for k, v in BASE_RATES.items()}
        total_rate = sum(rates.values())
        kinds, weights = list(rates), list(rates.values())
        rng = random.Random(1)
        schedule, t = [], 0.0
        while t < args.warmup + args.seconds:  # a Poisson arrival process at the total rate
            t += rng.expovariate(total_rate)
            schedule.append((t, rng.choices(kinds, weights)[0]))
        start_at = time.perf_counter()
        with ThreadPoolExecutor(max_workers=64) as pool:
            for at, kind in schedule:
                delay = start_at + at - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(actions[kind])
        elapsed = time.perf_counter() - start_at - args.warmup

        print(f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
        print(f"- Machine: {platform.platform()}, nproc {os.cpu_count()}, Python {platform.python_version()}")
        print(
            f"- PostgreSQL; gunicorn {args.workers} sync workers; open-loop Poisson arrivals for {args.seconds} s "
            f"{f'after {args.warmup} s of the same load, not counted, ' if args.warmup else 'from the start, '}"
            f"at {args.scale:g}x a meeting night ({total_rate:.1f} requests/s scheduled); demo data loaded "
            "(a year of concerns) for the reads\n"
        )
        print("| Request | Rate asked (/s) | Done | p50 ms | p95 ms | p99 ms | Errors |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        all_times, all_errors = [], 0
        for kind in kinds:
            times = sorted(results[kind])
            all_times += times
            all_errors += len(errors[kind])
            q = statistics.quantiles(times, n=100) if len(times) > 1 else [0] * 99
            print(
                f"| {kind} | {rates[kind]:.1f} | {len(times)} | {1000 * statistics.median(times) if times else 0:.0f} | "
                f"{1000 * q[94]:.0f} | {1000 * q[98]:.0f} | {len(errors[kind])} |"
            )
        q = statistics.quantiles(sorted(all_times), n=100)
        p95 = 1000 * q[94]
        print(
            f"| all | {total_rate:.1f} | {len(all_times)} ({len(all_times) / elapsed:.1f}/s) | "
            f"{1000 * statistics.median(all_times):.0f} | {p95:.0f} | {1000 * q[98]:.0f} | {all_errors} |"
        )
        ok = all_errors == 0 and p95 < 200
        print(f"\nGoal (no errors, p95 < 200 ms): {'met' if ok else 'NOT met'}")
        for kind in kinds:
            for e in sorted(set(errors[kind]))[:3]:
                print(f"  {kind}: {e}")
        sys.exit(0 if ok else 1)
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
