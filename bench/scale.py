"""Every page at scale: each GET page and API read a user opens, timed on a database of
1,000 concerns and 100 meetings and on one of 1,000,000 concerns and 100,000 meetings,
side by side, on PostgreSQL.

    .venv/bin/python bench/scale.py [--sizes 1000 1000000] [--meetings-per-concern 0.1]
                                    [--repeat 9] [--seed 0] [--keep] [--reuse SMALL_DB LARGE_DB]
                                    [--only TEXT] [--skip TEXT]

For each size it creates a database engage_bench_scale_* beside the one BENCH_POSTGRES
names (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres), never touching
that one, and loads it with bench/dataset.py (the loader bench/maps.py uses) as real
data, not demo, with `history`: besides the concerns and meetings, their routing, copies,
status changes, outbox e-mails, audit trail and a "You said, we did" per ward and
quarter (see bench/dataset.py for the mix). The databases are dropped at the end unless
--keep; --reuse names two kept databases to measure again without loading (their
schema is first brought up to the latest migration).

Each page is requested through the Flask test client, logged in as the role that opens
it (the busiest of the 200 officers, an inspector in the Middlesbrough INT, a member of
the fire brigade (a partner team), staff, an admin, or nobody), the two databases taken
in turn on every round so that a busy machine slows both alike: one warm-up, then
--repeat timed runs (3 for a page whose warm-up took more than 2 s). The whole body is
read, so a streamed export is timed to its last byte. Reports the best and the median
run and the SQL statements of one request; the goal (the large database within 2x of
the small, on the best run: a busy machine adds the same delay to both) is judged for
every page but those whose answer must grow with the data (each says why). Prints
Markdown for docs/benchmarks.md; exits 1 if a judged page misses the goal or a page
does not answer 200.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # runnable from a checkout

from bench import dataset  # noqa: E402
from bench.dataset import BASE_URL, database_url, libpq  # noqa: E402
from engage.extensions import db  # noqa: E402

MIDDLESBROUGH = "E06000002"
SLOW_S = 2.0
SLOW_REPEAT = 3
EMAILS = {
    "staff": "staff@example.org",
    "admin": "admin@example.org",
    "inspector": "inspector@example.org",
    "partner": "partner@example.org",
}


class ScaleSite(dataset.Site):
    def __init__(self, size: int, meetings: int, seed: int, url: str | None = None):
        super().__init__(size, seed, prefix="engage_bench_scale", meetings=meetings, history=True, demo=False, url=url)
        self.values = self._values()
        emails = dict(EMAILS, officer=self.officer)
        self.clients = {role: self.client(email) for role, email in emails.items()}
        self.clients["anon"] = self.app.test_client()
        self.statements = 0
        sa.event.listen(self._engine(), "before_cursor_execute", self._count)

    def _engine(self):
        with self.app.app_context():
            return db.engine

    def _count(self, *args):
        self.statements += 1

    def _values(self) -> dict:
        """What the page addresses name (a ward, a concern, a meeting...), looked up in
        the database so that kept databases can be measured again."""
        q = lambda sql, **kw: db.session.execute(sa.text(sql), kw).scalar()  # noqa: E731
        today = dt.date.today()
        with self.app.app_context():
            ward = q(
                "SELECT w.code FROM concern c JOIN ward w ON w.id = c.ward_id "
                "JOIN local_authority la ON la.id = w.local_authority_id WHERE la.code = :lad "
                "GROUP BY w.code ORDER BY count(*) DESC, w.code LIMIT 1",
                lad=MIDDLESBROUGH,
            )
            officer_id = self.user_ids[self.officer]
            meeting = q(
                "SELECT meeting_id FROM concern WHERE created_by_id = :o AND meeting_id IS NOT NULL "
                "ORDER BY raised_at DESC LIMIT 1",
                o=officer_id,
            )
            return {
                "ward": ward,
                "concern": q(
                    "SELECT c.id FROM concern c JOIN ward w ON w.id = c.ward_id WHERE w.code = :w "
                    "AND c.status = 'closed' ORDER BY c.raised_at DESC LIMIT 1",
                    w=ward,
                ),
                "own_concern": q(
                    "SELECT id FROM concern WHERE created_by_id = :o ORDER BY raised_at DESC LIMIT 1", o=officer_id
                ),
                "meeting": meeting,
                "meeting_date": q("SELECT date FROM meeting WHERE id = :m", m=meeting).isoformat(),
                "update": q(
                    "SELECT u.id FROM ward_update u JOIN ward w ON w.id = u.ward_id WHERE w.code = :w "
                    "AND u.state = 'published' ORDER BY u.period_end DESC LIMIT 1",
                    w=ward,
                ),
                "user": officer_id,
                "team": q("SELECT id FROM team WHERE code = :c", c=f"INT-{MIDDLESBROUGH}"),
                "partner_team": q("SELECT id FROM team WHERE code = :c", c=dataset.PARTNER),
                "category": q("SELECT id FROM category WHERE code = 'youth_asb'"),
                "rule": q("SELECT min(id) FROM routing_rule"),
                "request": q("SELECT id FROM concern WHERE ward_id IS NOT NULL ORDER BY raised_at DESC LIMIT 1"),
                "year_from": (today - dt.timedelta(days=365)).isoformat(),
                "year_to": (today - dt.timedelta(days=1)).isoformat(),
                "month_from": (today - dt.timedelta(days=60)).isoformat(),
                "month_to": (today - dt.timedelta(days=31)).isoformat(),
                "day": (today - dt.timedelta(days=31)).isoformat(),
                "week_from": (today - dt.timedelta(days=14)).isoformat(),
                "week_to": (today - dt.timedelta(days=8)).isoformat(),
                "today": today.isoformat(),
                "lon": -1.2345,
                "lat": 54.5742,
            }

    def run(self, role: str, path: str, status: int = 200):
        response = self.clients[role].get(path.format(**self.values))
        body = response.get_data()  # a streamed export: to its last byte
        if response.status_code != status:
            raise AssertionError(
                f"{path.format(**self.values)} as {role}: {response.status_code}, not {status}: {body[:300]!r}"
            )
        return len(body)


@dataclass
class Case:
    label: str
    role: str
    path: str
    why_not_judged: str = ""  # the answer grows with the data: said why, not judged
    status: int = 200


GROWS = "its answer grows with the data"
CASES = [
    # The ward register and a ward's page (with its drill-down for those signed in)
    Case("ward register `/`", "anon", "/"),
    Case("ward register `/`", "staff", "/"),
    Case("ward page `/wards/<code>` (public facts only)", "anon", "/wards/{ward}"),
    Case("ward page with drill-down", "staff", "/wards/{ward}"),
    Case("ward page with drill-down", "inspector", "/wards/{ward}"),
    Case("ward page with drill-down (own entries)", "officer", "/wards/{ward}"),
    # Capture, and the API reads the capture page makes
    Case("capture page `/capture`", "officer", "/capture"),
    Case("`/api/v1/session`", "officer", "/api/v1/session"),
    Case("`/api/v1/categories`", "officer", "/api/v1/categories"),
    Case("`/api/wards` (ward shapes)", "officer", "/api/wards"),
    Case("`/api/v1/wards`", "officer", "/api/v1/wards"),
    Case("`/api/v1/wards/<code>`", "officer", "/api/v1/wards/{ward}"),
    Case("`/api/v1/me`", "officer", "/api/v1/me"),
    Case("`/api/authorities`", "officer", "/api/authorities"),
    Case("`/api/locate?lon=&lat=`", "officer", "/api/locate?lon={lon}&lat={lat}"),
    Case("`/api/v1/meetings?date=` (a day's meetings)", "officer", "/api/v1/meetings?date={meeting_date}"),
    Case(
        "`/api/v1/meetings/same` (is this meeting recorded already?)",
        "officer",
        "/api/v1/meetings/same?ward_code={ward}&date={meeting_date}&venue=Community+Centre",
    ),
    Case("`/api/v1/meetings/<id>`", "officer", "/api/v1/meetings/{meeting}"),
    Case("`/api/v1/concerns?meeting=` (a meeting's concerns)", "officer", "/api/v1/concerns?meeting={meeting}"),
    Case("`/api/v1/concerns/<id>`", "officer", "/api/v1/concerns/{own_concern}"),
    Case(
        "`/api/v1/concerns` (own latest 500)",
        "officer",
        "/api/v1/concerns",
        why_not_judged="its answer grows with the data: the officer's latest 500 concerns (a handful at 1,000)",
    ),
    # Inbox
    Case("inbox `/inbox` (open)", "staff", "/inbox"),
    Case("inbox, page 2", "staff", "/inbox?page=2"),
    Case(
        "inbox, page 20",
        "staff",
        "/inbox?page=20",
        why_not_judged="there is no page 20 at 1,000 (under 950 open concerns); page N reads N pages of rows",
    ),
    Case("inbox, status new", "staff", "/inbox?status=new"),
    Case("inbox, status closed", "staff", "/inbox?status=closed"),
    Case("inbox, status all", "staff", "/inbox?status=all"),
    Case("inbox, category", "staff", "/inbox?category=drugs"),
    Case("inbox, category + closed", "staff", "/inbox?category=drugs&status=closed"),
    Case("inbox, ward", "staff", "/inbox?ward={ward}"),
    Case("inbox, older than 90 days", "staff", "/inbox?older=90"),
    Case("inbox, team", "staff", "/inbox?team={team}"),
    Case("inbox, triage queue", "staff", "/inbox?queue=triage"),
    # Staff's inbox filtered by two things at once (the form's ward, category and age,
    # a status tab, the team and triage links), as staff would combine them
    Case("inbox, category + ward", "staff", "/inbox?category=drugs&ward={ward}"),
    Case("inbox, team + category", "staff", "/inbox?team={team}&category=drugs"),
    Case("inbox, team + ward", "staff", "/inbox?team={team}&ward={ward}"),
    Case("inbox, ward + older than 90 days", "staff", "/inbox?ward={ward}&older=90"),
    Case("inbox, category + older than 90 days", "staff", "/inbox?category=drugs&older=90"),
    Case("inbox, ward + closed", "staff", "/inbox?ward={ward}&status=closed"),
    Case("inbox, older than 90 days + closed", "staff", "/inbox?older=90&status=closed"),
    Case("inbox, category + ward + older than 90 days", "staff", "/inbox?category=drugs&ward={ward}&older=90"),
    Case("inbox, triage queue + category", "staff", "/inbox?queue=triage&category=drugs"),
    Case("inbox, triage queue + ward", "staff", "/inbox?queue=triage&ward={ward}"),
    Case("inbox", "inspector", "/inbox"),
    Case("inbox, page 2", "inspector", "/inbox?page=2"),
    Case("inbox, status closed", "inspector", "/inbox?status=closed"),
    Case("inbox, category", "inspector", "/inbox?category=drugs"),
    Case("inbox, ward", "inspector", "/inbox?ward={ward}"),
    Case("inbox, older than 90 days", "inspector", "/inbox?older=90"),
    Case("inbox, category + ward", "inspector", "/inbox?category=drugs&ward={ward}"),
    Case("inbox (a partner: copies)", "partner", "/inbox"),
    Case("inbox concern page", "staff", "/inbox/concerns/{concern}"),
    Case("inbox concern page", "inspector", "/inbox/concerns/{concern}"),
    Case("inspector's ward page `/inbox/wards/<code>`", "inspector", "/inbox/wards/{ward}"),
    # Maps (bench/maps.py times the map data in detail)
    Case("maps page `/maps`", "staff", "/maps"),
    Case("`/api/v1/maps/wards` (a year)", "staff", "/api/v1/maps/wards?from={year_from}&to={year_to}"),
    Case("`/api/v1/maps/heat` (a year, zoom 11)", "staff", "/api/v1/maps/heat?from={year_from}&to={year_to}&zoom=11"),
    # You said, we did
    Case("`/updates`", "staff", "/updates"),
    Case("`/updates/<id>`", "staff", "/updates/{update}"),
    Case("public ward page `/public/wards/<code>`", "anon", "/public/wards/{ward}"),
    Case("public past updates `/public/wards/<code>/updates`", "anon", "/public/wards/{ward}/updates"),
    Case("`/updates/<id>/withdraw` (asks to confirm)", "staff", "/updates/{update}/withdraw"),
    # Reports and exports
    Case("`/reports`", "staff", "/reports"),
    Case(
        "panel report HTML preview, a year",
        "staff",
        "/reports/panel?from={year_from}&to={year_to}",
        why_not_judged="its answer grows with the data: it lists every meeting held in the year",
    ),
    Case(
        "panel report HTML preview, a month",
        "staff",
        "/reports/panel?from={month_from}&to={month_to}",
        why_not_judged="its answer grows with the data: it lists every meeting held in the month",
    ),
    Case("coverage `/reports/coverage`", "staff", "/reports/coverage"),
    Case("coverage CSV", "staff", "/reports/coverage?format=csv"),
    Case("coverage: due in 60 days, nothing planned", "staff", "/reports/coverage?show=due"),
    Case("`/exports`", "staff", "/exports"),
    Case(
        "export concerns CSV, a month, one ward",
        "staff",
        "/exports/concerns.csv?from={month_from}&to={month_to}&ward={ward}",
        why_not_judged=GROWS,
    ),
    Case(
        "export concerns XLSX, a month, one ward",
        "staff",
        "/exports/concerns.xlsx?from={month_from}&to={month_to}&ward={ward}",
        why_not_judged=GROWS,
    ),
    Case(
        "export concerns GeoJSON, a month, one ward",
        "staff",
        "/exports/concerns.geojson?from={month_from}&to={month_to}&ward={ward}",
        why_not_judged=GROWS,
    ),
    Case(
        "export meetings CSV, a month, one ward",
        "staff",
        "/exports/meetings.csv?from={month_from}&to={month_to}&ward={ward}",
        why_not_judged=GROWS,
    ),
    Case(
        "export wards XLSX (per ward, a month)",
        "staff",
        "/exports/wards.xlsx?from={month_from}&to={month_to}",
        why_not_judged="it counts every concern and meeting of the month: its cost grows with them",
    ),
    Case(
        "export wards CSV (per ward, a month)",
        "inspector",
        "/exports/wards.csv?from={month_from}&to={month_to}",
        why_not_judged="it counts every concern and meeting of the month in the area: its cost grows with them",
    ),
    Case(
        "export concerns CSV, a month, one ward",
        "inspector",
        "/exports/concerns.csv?from={month_from}&to={month_to}&ward={ward}",
        why_not_judged=GROWS,
    ),
    Case(
        "export concerns CSV, one day, every ward",
        "staff",
        "/exports/concerns.csv?from={day}&to={day}",
        why_not_judged=GROWS,
    ),
    # Admin
    Case("`/admin/` (redirects to users)", "admin", "/admin/", status=302),
    Case("`/admin/users`", "admin", "/admin/users"),
    Case("`/admin/users/<id>`", "admin", "/admin/users/{user}"),
    Case("`/admin/users/new`", "admin", "/admin/users/new"),
    Case("`/admin/teams`", "admin", "/admin/teams"),
    Case("`/admin/teams/<id>`", "admin", "/admin/teams/{team}"),
    Case("`/admin/teams/new`", "admin", "/admin/teams/new"),
    Case("`/admin/routing`", "admin", "/admin/routing"),
    Case("`/admin/routing/<id>`", "admin", "/admin/routing/{rule}"),
    Case("`/admin/routing/new`", "admin", "/admin/routing/new"),
    Case("`/admin/categories`", "admin", "/admin/categories"),
    Case("`/admin/coverage-targets`", "admin", "/admin/coverage-targets"),
    Case("`/admin/office`", "admin", "/admin/office"),
    Case("`/admin/categories/<id>`", "admin", "/admin/categories/{category}"),
    Case("`/admin/categories/new`", "admin", "/admin/categories/new"),
    Case("audit trail `/admin/audit`", "admin", "/admin/audit"),
    Case("audit trail, page 2", "admin", "/admin/audit?page=2"),
    Case(
        "audit trail, concern updates in a week",
        "admin",
        "/admin/audit?entity=concern&action=update&from={week_from}&to={week_to}",
    ),
    Case("audit trail, one team's changes", "admin", "/admin/audit?entity=team"),
    Case("audit trail, who contains", "admin", "/admin/audit?actor=inspector0"),
    Case("outbox `/admin/outbox`", "admin", "/admin/outbox"),
    Case("outbox, page 2", "admin", "/admin/outbox?page=2"),
    Case(
        "outbox, failed",
        "admin",
        "/admin/outbox?state=failed",
        why_not_judged="2 messages failed at 1,000, so that page shows 2 rows against a full page of 50 "
        "(a full page at 1,000 is the outbox row above)",
    ),
    # Open311
    Case(
        "Open311 `requests.json` (default: 90 days, up to 1000)",
        "anon",
        "/open311/v2/requests.json",
        why_not_judged="its answer grows with the data: 1,000 requests (the most a call returns) "
        "against about 120 at 1,000",
    ),
    Case("Open311 `requests.json?page_size=50`", "anon", "/open311/v2/requests.json?page_size=50"),
    Case(
        "Open311 `requests.xml?page_size=50&status=closed`",
        "anon",
        "/open311/v2/requests.xml?page_size=50&status=closed",
    ),
    Case("Open311 `requests/<id>.json`", "anon", "/open311/v2/requests/{request}.json"),
    Case("Open311 `services.json`", "anon", "/open311/v2/services.json"),
    Case("Open311 `services/<code>.json`", "anon", "/open311/v2/services/drugs.json"),
    Case("Open311 `discovery.json`", "anon", "/open311/v2/discovery.json"),
    Case("Open311 `/open311/v2/` (redirects to discovery)", "anon", "/open311/v2/", status=302),
    # Log-in, account and static shells (no data read)
    Case("`/login`", "anon", "/login"),
    Case("`/account/password`", "staff", "/account/password"),
    Case("`/capture/manifest.webmanifest`", "anon", "/capture/manifest.webmanifest"),
    Case("`/sw.js`", "anon", "/sw.js"),
    Case("`/api/openapi.json`", "anon", "/api/openapi.json"),
    Case("`/vendor/leaflet/leaflet.js`", "anon", "/vendor/leaflet/leaflet.js"),
]
# GET routes deliberately not in CASES, and why (checked against the app's url_map).
NOT_TIMED = {
    "static": "files from disk (as `/vendor/...`, timed)",
    "open311.unknown": "answers 404 to any other Open311 path",
    "reports.sent_file": "a Panel report's files as sent, read by id (the loaded data holds no sent report)",
    "maps.tile": "base map tiles, read from the operator's archive file, not the database (404 when none is installed)",
}


def check_routes(app) -> list[str]:
    """GET endpoints with no case and no reason: the list must name every page."""
    timed = set()
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        for case in CASES:
            path = re.sub(r"\{\w+\}", "1", case.path.split("?")[0])
            try:
                timed.add(adapter.match(path, method="GET")[0])
            except Exception:  # noqa: BLE001 - placeholders the router cannot match
                pass
    missing = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint not in timed and rule.endpoint not in NOT_TIMED:
            missing.append(f"{rule.endpoint} {rule.rule}")
    return missing


def measure(sites, case: Case, repeat: int):
    """(best, median) ms per site, statements and bytes of one request, runs."""
    for site in sites:  # warm-up, and how slow it is
        start = time.perf_counter()
        site.statements = 0
        size = site.run(case.role, case.path, case.status)
        site.last = (site.statements, size, time.perf_counter() - start)
    runs = SLOW_REPEAT if max(site.last[2] for site in sites) > SLOW_S else repeat
    times = [[] for _ in sites]
    for _ in range(runs):
        for i, site in enumerate(sites):
            start = time.perf_counter()
            site.run(case.role, case.path, case.status)
            times[i].append((time.perf_counter() - start) * 1000)
    return [(min(t), statistics.median(t), site.last[0], site.last[1]) for t, site in zip(times, sites)], runs


SCALE_INDEXES_ON_CONCERN = (
    "ix_concern_status_raised",
    "ix_concern_ward_status_raised",
    "ix_concern_category_status_raised",
    "ix_concern_lead_team_status_raised",
    "ix_concern_lead_team_ward_status_raised",
    "ix_concern_lead_team_category_status_raised",
)


def write_cost(site: ScaleSite, n: int = 200, rounds: int = 3) -> dict:
    """Milliseconds per single-row concern INSERT and per status UPDATE, with migration
    0008's indexes on concern and its copy trigger, and without them (dropped inside a
    transaction that is rolled back): best of `rounds`, with and without in turn. Rows
    are written in one transaction per round and rolled back, so the database is
    unchanged (commits, the same in both, are left out). 0007's rollup triggers are off
    in both: within one transaction each insert would update the same rollup rows again,
    and it is 0008's cost that is measured (bench/maps.py measures the rollup's)."""
    with site.app.app_context():
        row = db.session.execute(
            sa.text(
                "SELECT c.ward_id, c.boundary_set_id, c.lead_team_id, c.category_id, c.lon, c.lat FROM concern c "
                "WHERE c.ward_id IS NOT NULL AND c.lon IS NOT NULL LIMIT 1"
            )
        ).one()
    out = {"with": [], "without": []}
    with psycopg.connect(libpq(site.url)) as conn:
        for _ in range(rounds):
            for label in ("with", "without"):
                conn.execute("ALTER TABLE concern DISABLE TRIGGER USER")
                if label == "with":
                    conn.execute("ALTER TABLE concern ENABLE TRIGGER concern_copy_follow")
                else:
                    for name in SCALE_INDEXES_ON_CONCERN:
                        conn.execute(f"DROP INDEX {name}")
                _, inserted, updated = dataset.time_writes(
                    conn,
                    n,
                    row.category_id,
                    row.lon,
                    row.lat,
                    row.ward_id,
                    row.boundary_set_id,
                    row.lead_team_id,
                    False,
                )
                conn.rollback()
                out[label].append((inserted, updated))
    return {label: (min(r[0] for r in runs), min(r[1] for r in runs)) for label, runs in out.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[1_000, 1_000_000], metavar=("SMALL", "LARGE"))
    parser.add_argument("--meetings-per-concern", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=9, help="timed runs per page and size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the databases (their names are printed)")
    parser.add_argument(
        "--reuse",
        nargs=2,
        metavar=("SMALL_DB", "LARGE_DB"),
        help="measure two databases kept by --keep instead of loading new ones",
    )
    parser.add_argument("--only", help="only the pages whose label or path contains this text")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        help="leave out the pages whose label contains this text (may be repeated)",
    )
    args = parser.parse_args()

    load_before = os.getloadavg()
    started = dt.datetime.now(dt.UTC)
    sites = []
    failures, rows = [], []
    keep = args.keep or bool(args.reuse)
    try:
        for k, size in enumerate(args.sizes):
            url = database_url(args.reuse[k]) if args.reuse else None
            sites.append(ScaleSite(size, max(int(size * args.meetings_per_concern), 1), args.seed, url=url))
            print(f"loaded {size:,}: {sites[-1].url.rsplit('/', 1)[-1]}", file=sys.stderr, flush=True)
        missing = check_routes(sites[0].app)
        for case in CASES:
            if args.only and args.only not in case.label and args.only not in case.path:
                continue
            if any(text in case.label for text in args.skip):
                continue
            try:
                result, runs = measure(sites, case, args.repeat)
            except AssertionError as exc:
                failures.append(str(exc))
                print(f"FAILED {case.label}: {exc}", file=sys.stderr, flush=True)
                continue
            rows.append((case, result, runs))
            (sb, sm, _, _), (lb, lm, lq, _) = result
            print(
                f"{case.role:9} {case.label[:60]:60} {sb:8.1f} {lb:8.1f} {lb / sb:5.2f}x  q={lq}",
                file=sys.stderr,
                flush=True,
            )
        writes = [write_cost(site) for site in sites] if not args.only else []
        load_after = os.getloadavg()
        stats = [site.stats for site in sites]
        names = [site.url.rsplit("/", 1)[-1] for site in sites]
    finally:
        for site in sites:
            if keep:
                with site.app.app_context():
                    db.engine.dispose()
            else:
                site.drop()

    with psycopg.connect(libpq(BASE_URL)) as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    s, l = args.sizes  # noqa: E741  (small, large: as the tables print them)
    print(f"- Date: {started:%Y-%m-%d %H:%M} UTC")
    print(
        f"- Machine: {platform.platform()} ({platform.machine()}), nproc {cpus}, Python {platform.python_version()}, "
        f"PostgreSQL {server}, SQLAlchemy {sa.__version__}, psycopg {psycopg.__version__}"
    )
    print(
        f"- Load average (1, 5, 15 min) at the start {load_before[0]:.2f}, {load_before[1]:.2f}, "
        f"{load_before[2]:.2f}; at the end {load_after[0]:.2f}, {load_after[1]:.2f}, {load_after[2]:.2f}"
    )
    print(
        f"- Best and median of {args.repeat} runs after one warm-up ({SLOW_REPEAT} for a page whose warm-up "
        f"took over {SLOW_S:.0f} s), the two databases taken in turn; statements: SQL statements of one "
        "request on the large database"
    )
    if keep:
        print(f"- Databases kept: {names[0]} {names[1]}")
    print()
    if all(stats):
        tables = list(stats[0]["rows"])
        print("| Data | concern | meeting | " + " | ".join(tables) + " | load (s) | database (MB) |")
        print("|---|" + "---:|" * (len(tables) + 4))
        for size, st in zip(args.sizes, stats):
            print(
                f"| {size:,} | {st['concern_rows']:,} | {st['meeting_rows']:,} | "
                + " | ".join(f"{st['rows'][t]:,}" for t in tables)
                + f" | {st['generate_s'] + st['load_s']:.0f} | {st['database_mb']:,.0f} |"
            )
        print()
    print(
        f"| Page | Role | {s:,}: best / median (ms) | {l:,}: best / median (ms) | statements | "
        f"{l:,} / {s:,}: best (median) | within 2x |"
    )
    print("|---|---|---:|---:|---:|---:|---|")
    missed = []
    for case, ((sb, sm, _, _), (lb, lm, lq, _)), runs in rows:
        ratio = lb / sb
        if case.why_not_judged:
            verdict = f"not judged: {case.why_not_judged}"
        elif ratio <= 2:
            verdict = "yes"
        else:
            verdict = "**NO**"
            missed.append(f"{case.label} ({case.role}): {ratio:.2f}x")
        runs_note = f" ({runs} runs)" if runs != args.repeat else ""
        print(
            f"| {case.label}{runs_note} | {case.role} | {sb:.1f} / {sm:.1f} | {lb:.1f} / {lm:.1f} | {lq} | "
            f"{ratio:.2f} ({lm / sm:.2f}) | {verdict} |"
        )
    print()
    if writes:
        print(
            "| Writes to concern (ms per row, one transaction of 200, best of 3, rollup triggers off) | "
            + " | ".join(f"{size:,}: with / without 0008's indexes and trigger" for size in args.sizes)
            + " |"
        )
        print("|---|" + "---:|" * len(sites))
        print(
            "| single-row INSERT | " + " | ".join(f"{w['with'][0]:.2f} / {w['without'][0]:.2f}" for w in writes) + " |"
        )
        print("| status UPDATE | " + " | ".join(f"{w['with'][1]:.2f} / {w['without'][1]:.2f}" for w in writes) + " |")
        print()
    if missing:
        print("GET routes neither timed nor explained: " + "; ".join(missing))
    for failure in failures:
        print(f"**FAILED:** {failure}")
    if missed:
        print("Missed 2x: " + "; ".join(missed))
    met = not missed and not failures and not missing
    print(f"\nGoal (every judged page at {l:,} within 2x of {s:,}, best runs): {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
