"""Capture throughput: the concern POST endpoint against a bare Flask insert, side by
side under gunicorn with the same worker count, and the time for one phone to sync
500 queued concerns. Run: .venv/bin/python bench/capture.py [--engine sqlite|postgresql|both]

The concern bodies carry positions spread over the 79 wards, as on a meeting night
(many meetings at once, each in its own ward); a second run puts every request on one
spot, the worst case for the map rollups (every insert updates the same rollup rows).
The sync goal is judged on the first. The ratio to the bare insert is reported, not
judged: the 0.4 goal it once had is retired (docs/benchmarks.md, "Capture"); the
measured need is bench/load.py's meeting night at 100x.

A third endpoint (bench/authed_app.py) writes the bare insert's one row from inside
the app, behind its log-in, extensions and database session: the most a concern POST
could reach in this app, whatever its own work cost.

Needs wrk (Debian: apt-get install wrk). Works in its own databases (a temporary
SQLite file; a fresh PostgreSQL database engage_bench_*), never the app's.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))  # bench.dataset, from a checkout without installing anything
# As docs/deployment.md runs it: about 2 sync workers per core, so that one worker's
# wait for the database is another's turn on the CPU. --workers changes it for both.
WORKERS = 2 * (os.cpu_count() or 1)
GEODATA = Path(os.environ.get("ENGAGE_GEODATA_DIR", ROOT.parent / "shared" / "geodata"))
ONE_SPOT = [(-1.2345, 54.5742)]  # Middlesbrough Central


def spread_points(per_ward=10, seed=0):
    """Points inside each of the 79 wards: a county's meeting night, many meetings at
    once in different wards."""
    import numpy as np
    from shapely.geometry import shape

    from bench.dataset import points_in

    rng = np.random.default_rng(seed)
    features = json.loads((GEODATA / "wards-2018-12.geojson").read_text())["features"]
    return [tuple(p) for f in features for p in points_in(shape(f["geometry"]), per_ward, rng)]


def lua_points(points):
    return ", ".join(f"{{{lon:.6f}, {lat:.6f}}}" for lon, lat in points)


LUA = """
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
local function uuid4()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function (c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer TOKEN"
local points = {POINTS}
local categories = {"off_road_bikes", "youth_asb", "visible_policing", "speeding", "drugs", "fly_tipping"}
request = function()
  local p = points[math.random(#points)]
  local body = '{"id":"' .. uuid4() .. '","category":"' .. categories[math.random(#categories)] ..
    '","description":"Quad bikes on the field behind the school","lon":' .. p[1] .. ',"lat":' .. p[2] .. ',"residents":2}'
  return wrk.format(nil, nil, nil, body)
end
"""


def run(cmd, env, **kw):
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, cwd=ROOT, **kw)


# Each worker touches a file once it has loaded the app, so timing starts only when
# every worker can answer (importing the app takes seconds; the master's socket accepts
# connections long before).
GUNICORN_CONF = """
import os
def post_worker_init(worker):
    open(os.path.join(READY, str(worker.pid)), "w").close()
"""


def start_gunicorn(target, port, env, tmp, workers=WORKERS):
    ready = tmp / f"ready-{port}-{time.monotonic_ns()}"
    ready.mkdir()
    conf = tmp / "gunicorn.conf.py"
    conf.write_text(f"READY = {str(ready)!r}\n" + GUNICORN_CONF)
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            str(conf),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            target,
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while len(list(ready.iterdir())) < workers:
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            raise RuntimeError(f"gunicorn {target}: {workers} workers did not start")
        time.sleep(0.1)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/")
    conn.getresponse().read()
    return proc


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


ROUNDS = 2


def combine(runs):
    """Several (rate, errors, latency) runs of equal length as one."""
    return (sum(r[0] for r in runs) / len(runs), sum(r[1] for r in runs), " / ".join(r[2] for r in runs))


def wrk(url, script, seconds, connections=8):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "-s", script, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    # Timeouts and dropped connections are failures too, not just error statuses.
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    latency = re.search(r"Latency\s+([\d.]+\w+)", out).group(1)
    failed = (int(errors.group(1)) if errors else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return rate, failed, latency


SEND_AT_ONCE = 3  # as static/js/capture/sync.js: entries a phone keeps on their way at once


def sync_500(port, token):
    """One phone's queue: the meeting, then 500 concerns, SEND_AT_ONCE at a time, each
    lane on its own connection sending its next entry when the last is answered."""
    import threading

    meeting = str(uuid.uuid4())
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    bodies = [
        {
            "id": str(uuid.uuid4()),
            "meeting_id": meeting,
            "category": "youth_asb",
            "description": f"Concern {i} raised at the meeting",
            "residents": 1,
        }
        for i in range(500)
    ]
    failures = []

    def send(conn, path, body, expected=201):
        conn.request("POST", path, json.dumps(body), headers)
        response = conn.getresponse()
        response.read()
        if response.status != expected:
            failures.append(f"sync: HTTP {response.status}")

    def lane():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while bodies and not failures:
            try:
                body = bodies.pop(0)
            except IndexError:
                break
            send(conn, "/api/v1/concerns", body)

    start = time.perf_counter()
    send(
        http.client.HTTPConnection("127.0.0.1", port, timeout=30),
        "/api/v1/meetings",
        {"id": meeting, "ward_codes": ["E05009857"], "date": datetime.date.today().isoformat()},
    )
    lanes = [threading.Thread(target=lane) for _ in range(SEND_AT_ONCE)]
    for t in lanes:
        t.start()
    for t in lanes:
        t.join()
    if failures:
        raise RuntimeError(failures[0])
    return time.perf_counter() - start


def prepare(env):
    run([str(BIN / "flask"), "--app", "engage", "db", "upgrade"], env)
    run([str(BIN / "flask"), "--app", "engage", "wards", "import-default"], env)
    run([str(BIN / "flask"), "--app", "engage", "users", "create", "bench@example.org", "--role", "officer"], env)
    run([sys.executable, "-c", "import bench.bare_app; bench.bare_app.create_table()"], env)
    return run([str(BIN / "flask"), "--app", "engage", "users", "token", "bench@example.org"], env).stdout.strip()


@contextlib.contextmanager
def bench_database(engine_name):
    """A database of the run's own, and a temporary folder: a SQLite file in it, or a
    fresh PostgreSQL database engage_bench_* beside BENCH_POSTGRES, dropped afterwards.
    Yields (env for the app, folder, admin engine or None, database name or None)."""
    tmp = Path(tempfile.mkdtemp(prefix="engage-bench-"))
    admin = name = None
    try:
        if engine_name == "sqlite":
            url = f"sqlite:///{tmp / 'bench.sqlite'}"
        else:
            base = os.environ.get("BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
            name = f"engage_bench_{uuid.uuid4().hex[:8]}"
            admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.exec_driver_sql(f'CREATE DATABASE "{name}"')
            url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "ENGAGE_ENV": "bench", "FLASK_DEBUG": "0"}
        yield env, tmp, admin, name
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if admin is not None:
            with admin.connect() as c:
                c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench(engine_name, seconds, workers=WORKERS):
    with bench_database(engine_name) as (env, tmp, _admin, _name):
        token = prepare(env)
        scripts = {}
        for label, points in (("spread", spread_points()), ("one spot", ONE_SPOT)):
            scripts[label] = tmp / f"post-{len(points)}.lua"
            scripts[label].write_text(LUA.replace("TOKEN", token).replace("{POINTS}", "{" + lua_points(points) + "}"))
        # All three servers up at once, and the runs alternate, so that whatever else the
        # machine is doing falls on all alike.
        servers = {
            "bare Flask insert": ("bench.bare_app:app", 8765, "/bare"),
            "concern POST": ("wsgi:app", 8766, "/api/v1/concerns"),
            "bare insert behind the app's log-in": ("bench.authed_app:app", 8767, "/authed-insert"),
        }
        # Each server is stopped even if a later one fails to start.
        with contextlib.ExitStack() as running:
            for target, port, _path in servers.values():
                running.callback(stop, start_gunicorn(target, port, env, tmp, workers))
            urls = {label: f"http://127.0.0.1:{port}{path}" for label, (_t, port, path) in servers.items()}
            app_url = urls["concern POST"]
            for url in urls.values():
                wrk(url, str(scripts["spread"]), 2)  # warm up
            runs = {label: [] for label in urls}
            for _ in range(ROUNDS):
                for label, url in urls.items():
                    runs[label].append(wrk(url, str(scripts["spread"]), seconds / ROUNDS))
            results = {label: combine(found) for label, found in runs.items()}
            # The sync before the one-spot run: thousands of updates to the same rollup
            # rows leave dead row versions behind that would slow the sync until vacuumed.
            results["sync"] = sync_500(servers["concern POST"][1], token)
            results["concern POST, one spot"] = wrk(app_url, str(scripts["one spot"]), seconds / ROUNDS)
        return results


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers, the same for both apps")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    print(f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"- Machine: {platform.platform()}, nproc {os.cpu_count()}, Python {platform.python_version()}")
    # Other work on the machine moves both endpoints' figures; say how busy it was.
    print("- Load average at start: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(
        f"- gunicorn, {args.workers} sync workers each; wrk 2 threads, 8 connections, {args.seconds} s per endpoint "
        f"in {ROUNDS} alternating runs, all three servers up throughout, after a 2 s warm-up (timed once every worker has loaded the app); bodies with fresh UUIDs each request; "
        "errors are non-2xx responses plus wrk socket errors and timeouts\n"
    )
    print("| Database | Endpoint | Requests/s | Mean latency | Errors | Ratio to bare |")
    print("|---|---|---:|---:|---:|---:|")
    ok = True
    for engine_name in engines:
        r = bench(engine_name, args.seconds, args.workers)
        bare, concern, spot = r["bare Flask insert"], r["concern POST"], r["concern POST, one spot"]
        authed = r["bare insert behind the app's log-in"]
        ratio = concern[0] / bare[0]
        ok &= r["sync"] < 5 and concern[1] == 0 and bare[1] == 0 and spot[1] == 0
        print(f"| {engine_name} | bare Flask insert | {bare[0]:,.0f} | {bare[2]} | {bare[1]} | 1.00 |")
        print(
            f"| {engine_name} | the same one-row insert inside the app, behind its log-in, extensions and database "
            f"session (bench/authed_app.py: the most a concern POST could reach) | {authed[0]:,.0f} | {authed[2]} | "
            f"{authed[1]} | {authed[0] / bare[0]:.2f} |"
        )
        print(
            f"| {engine_name} | concern POST (auth, validate, locate, route, audit), positions across the 79 wards | "
            f"{concern[0]:,.0f} | {concern[2]} | {concern[1]} | {ratio:.2f} |"
        )
        print(
            f"| {engine_name} | concern POST, every request at one spot (worst case: same rollup rows) | "
            f"{spot[0]:,.0f} | {spot[2]} | {spot[1]} | {spot[0] / bare[0]:.2f} |"
        )
        print(
            f"| {engine_name} | one phone syncing 500 queued concerns, {SEND_AT_ONCE} at a time | {500 / r['sync']:,.0f} | "
            f"{r['sync']:.2f} s in all | 0 | |"
        )
    print("\n- Load average at end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"\nGoals (500 synced in < 5 s, no errors; the ratio is reported, not judged): {'met' if ok else 'NOT met'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
