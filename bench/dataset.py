"""Benchmark databases on PostgreSQL, loaded with COPY: shared by bench/maps.py and
bench/scale.py.

`Site(size, seed, ...)` creates its own database beside the one BENCH_POSTGRES names
(default postgresql+psycopg://postgres@127.0.0.1:5432/postgres), never touching that
one, builds the schema from the migrations, imports the 79 wards, creates teams (an INT
per authority covering it) and users (staff, 200 officers, an inspector in the
Middlesbrough INT) and loads generated concerns and meetings by COPY with the rollup
triggers on:

- concerns spread over the wards (a few wards raise most), at positions inside each
  ward (10% without a position, 1% outside every ward), over two years, with the demo
  data's urban/rural category mix, statuses by age, routed to the authority's INT and
  logged by the 200 officers;
- meetings (by default one per ten concerns) over the same two years and the next 30
  days: future ones planned, past ones 88% held, 7% cancelled, 5% left planned; each
  linked to its ward and 5% to a second one.

With `history=True` (bench/scale.py) it also writes what the app itself would have
written around those rows, so the pages that read it see a realistic volume:
concerns raised at meetings linked to the ward's latest held meeting; a partner team
(the fire brigade, covering everything) copied on fire setting in Redcar and Cleveland;
each concern's routing record and its status changes (new -> acknowledged -> in
progress -> action taken -> closed, or no action) by an inspector of its INT; an e-mail
in the outbox per team told (sent, a few failed, the last hour's pending); the audit
trail's entries for every concern and meeting created and every status change; and a
"You said, we did" per ward and quarter (published, the latest quarter a draft).

`demo` marks every generated row as demo data (as bench/maps.py has it) or as real
(bench/scale.py: pages such as the public ward page and Open311 read real data only).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import psycopg
import shapely
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # runnable from a checkout without installing anything

from engage import create_app  # noqa: E402
from engage.extensions import db  # noqa: E402

BASE_URL = os.environ.get("BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
GEODATA = os.environ.get("ENGAGE_GEODATA_DIR", str(ROOT.parent / "shared" / "geodata"))
DAYS = 730
OFFICERS = 200
CHUNK = 100_000
CONCERN_COLUMNS = (
    "id",
    "channel",
    "category_id",
    "description",
    "lon",
    "lat",
    "location_source",
    "ward_id",
    "boundary_set_id",
    "needs_review",
    "raised_at",
    "residents",
    "priority",
    "contact_consent",
    "status",
    "created_by_id",
    "created_at",
    "updated_at",
    "version",
    "is_demo",
    "lead_team_id",
    "routed_by",
    "we_did",
    "status_changed_at",
)
HISTORY_CONCERN_COLUMNS = CONCERN_COLUMNS + ("meeting_ref", "meeting_id", "first_action_at")
MEETING_COLUMNS = (
    "id",
    "kind",
    "date",
    "start_time",
    "venue",
    "status",
    "attendance",
    "police_partners",
    "pcc_attended",
    "notes",
    "created_at",
    "updated_at",
    "version",
    "is_demo",
)
HISTORY_MEETING_COLUMNS = MEETING_COLUMNS + ("created_by_id",)
# Statuses by age of the concern (days): older ones have moved on, as in the demo data.
STATUS_BY_AGE = [
    (7, {"new": 0.6, "acknowledged": 0.4}),
    (30, {"acknowledged": 0.4, "in_progress": 0.35, "action_taken": 0.2, "no_action": 0.05}),
    (90, {"in_progress": 0.25, "action_taken": 0.45, "closed": 0.2, "no_action": 0.1}),
    (10**6, {"in_progress": 0.05, "action_taken": 0.25, "closed": 0.6, "no_action": 0.1}),
]
CHANNELS = {"meeting": 0.7, "phone": 0.1, "letter": 0.05, "street_surgery": 0.1, "open311": 0.05}
# The status changes that lead to each status, as the workflow allows them.
PATHS = {
    "new": (),
    "acknowledged": (("new", "acknowledged"),),
    "in_progress": (("new", "acknowledged"), ("acknowledged", "in_progress")),
    "action_taken": (("new", "acknowledged"), ("acknowledged", "in_progress"), ("in_progress", "action_taken")),
    "closed": (
        ("new", "acknowledged"),
        ("acknowledged", "in_progress"),
        ("in_progress", "action_taken"),
        ("action_taken", "closed"),
    ),
    "no_action": (("new", "acknowledged"), ("acknowledged", "no_action")),
}
PARTNER = "CFB"
REDCAR = "E06000003"
INSPECTORS_PER_TEAM = 4


# --- databases ------------------------------------------------------------------------


def create_database(label: str, prefix: str = "engage_bench_maps") -> str:
    name = f"{prefix}_{label}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(BASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return database_url(name)


def database_url(name: str) -> str:
    return sa.engine.make_url(BASE_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(BASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def libpq(url: str) -> str:
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# --- data -------------------------------------------------------------------------------


def points_in(geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """n points uniform inside a polygon, by vectorised rejection from its bounding box."""
    minx, miny, maxx, maxy = geometry.bounds
    shapely.prepare(geometry)
    found = np.empty((0, 2))
    while len(found) < n:
        k = int((n - len(found)) * (maxx - minx) * (maxy - miny) / geometry.area * 1.3) + 16
        xs, ys = rng.uniform(minx, maxx, k), rng.uniform(miny, maxy, k)
        inside = shapely.contains_xy(geometry, xs, ys)
        found = np.vstack([found, np.column_stack([xs[inside], ys[inside]])])
    return np.round(found[:n], 6)


def pick(rng: np.random.Generator, weights: dict, n: int) -> np.ndarray:
    keys = list(weights)
    p = np.asarray([weights[k] for k in keys], dtype=float)
    return np.asarray(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def iso(ts: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(ts.astype("datetime64[s]"), timezone="UTC")


def setup_reference(app, history: bool = False):
    """Users, teams (an INT per authority, covering it) and what the generator needs.
    With `history`, also an admin, a partner team (the fire brigade, covering all
    wards) with one member, and INSPECTORS_PER_TEAM inspectors per INT who change
    statuses."""
    from engage.accounts.services import create_user
    from engage.concerns.models import Category
    from engage.geography.boundaries import current_boundary_set
    from engage.geography.models import LocalAuthority, Ward
    from engage.teams.models import Team

    with app.app_context():
        boundary_set = current_boundary_set()
        authorities = db.session.scalars(sa.select(LocalAuthority).order_by(LocalAuthority.code)).all()
        teams = {}
        for la in authorities:
            team = Team(
                code=f"INT-{la.code}",
                name=f"{la.name} INT",
                kind="int",
                coverage="authority",
                local_authority=la,
                contact_email=f"int-{la.code.lower()}@example.org",
                is_demo=True,
            )
            db.session.add(team)
            teams[la.id] = team
        partner = None
        if history:
            partner = Team(
                code=PARTNER,
                name="Cleveland Fire Brigade",
                kind="partner",
                coverage="all",
                contact_email="community-safety@example.org",
                is_demo=True,
            )
            db.session.add(partner)
        db.session.flush()
        create_user("staff@example.org", ["staff"])
        create_user("inspector@example.org", ["inspector"], team_codes=["INT-E06000002"])  # Middlesbrough
        officers = [create_user(f"officer{i}@example.org", ["officer"]) for i in range(OFFICERS)]
        inspectors = {}
        if history:
            from engage.teams.models import RoutingRule

            # Fire setting anywhere in Redcar and Cleveland: the ward's INT, the fire brigade copied.
            db.session.add(
                RoutingRule(
                    local_authority=next(la for la in authorities if la.code == REDCAR),
                    category_id=db.session.scalar(sa.select(Category.id).where(Category.code == "fire_setting")),
                    copy_teams=[partner],
                    is_demo=True,
                    note="Fire setting: the ward's INT leads, the fire brigade copied",
                )
            )
            create_user("admin@example.org", ["admin"])
            create_user("partner@example.org", ["inspector"], team_codes=[PARTNER])
            for la in authorities:
                inspectors[la.id] = [
                    create_user(
                        f"inspector{k}-{la.code.lower()}@example.org", ["inspector"], team_codes=[f"INT-{la.code}"]
                    )
                    for k in range(INSPECTORS_PER_TEAM)
                ]
        db.session.flush()
        wards = [
            (w.id, w.code, w.local_authority_id, shapely.from_geojson(w.geometry))
            for w in db.session.scalars(
                sa.select(Ward).where(Ward.boundary_set_id == boundary_set.id).order_by(Ward.code)
            )
        ]
        categories = dict(db.session.execute(sa.select(Category.code, Category.id)).all())
        out = {
            "boundary_set_id": boundary_set.id,
            "wards": wards,
            "categories": categories,
            "teams": {la: t.id for la, t in teams.items()},
            "officers": [u.id for u in officers],
            "officer_emails": [u.email for u in officers],
            "team_emails": {t.id: t.contact_email for t in teams.values()},
            "ward_names": dict(
                db.session.execute(sa.select(Ward.id, Ward.name).where(Ward.boundary_set_id == boundary_set.id)).all()
            ),
            "category_labels": dict(db.session.execute(sa.select(Category.id, Category.label)).all()),
            "lad_codes": {la.id: la.code for la in authorities},
        }
        if history:
            out["partner"] = (partner.id, partner.code, partner.contact_email)
            out["inspectors"] = {la: [(u.id, u.email) for u in users] for la, users in inspectors.items()}
        db.session.commit()
        return out


def concern_arrays(size: int, ref: dict, rng: np.random.Generator, now: np.datetime64) -> dict:
    """Every generated column as an array (the draws in the order bench/maps.py always
    made them, so a seed gives the same concerns)."""
    wards = ref["wards"]
    weights = rng.lognormal(0.0, 0.7, len(wards))  # a few wards raise most
    ward_of = rng.choice(len(wards), size=size, p=weights / weights.sum())
    unplaced = rng.random(size) < 0.01
    age_s = rng.integers(0, DAYS * 86400, size)
    raised = now - age_s.astype("timedelta64[s]")
    age_days = age_s // 86400
    rural = np.asarray([shapely.area(w[3]) > 0.0014 for w in wards])[ward_of]
    from engage.demo.activity import RURAL_WEIGHTS, URBAN_WEIGHTS

    category = np.where(rural, pick(rng, RURAL_WEIGHTS, size), pick(rng, URBAN_WEIGHTS, size))
    status = np.empty(size, dtype=object)
    lower = 0
    for upper, mix in STATUS_BY_AGE:
        band = (age_days >= lower) & (age_days < upper)
        status[band] = pick(rng, mix, int(band.sum()))
        lower = upper
    lon, lat = np.full(size, np.nan), np.full(size, np.nan)
    positioned = rng.random(size) > 0.1
    for i, (_, _, _, geometry) in enumerate(wards):
        mask = (ward_of == i) & positioned & ~unplaced
        if mask.any():
            pts = points_in(geometry, int(mask.sum()), rng)
            lon[mask], lat[mask] = pts[:, 0], pts[:, 1]
    sea = unplaced & positioned  # off Redcar: outside every ward, kept for review
    lon[sea] = np.round(rng.uniform(-1.0, -0.9, int(sea.sum())), 6)
    lat[sea] = np.round(rng.uniform(54.66, 54.70, int(sea.sum())), 6)
    officers = np.asarray(ref["officers"])[rng.integers(0, len(ref["officers"]), size)]
    by_officer = rng.random(size) < 0.85
    channel = pick(rng, CHANNELS, size)
    residents = 1 + rng.poisson(0.5, size)
    high = rng.random(size) < 0.15
    changed = raised + (np.minimum(age_days, 20) * 86400).astype("timedelta64[s]")
    ids = rng.integers(0, 2**63, size=(size, 2), dtype=np.int64)
    return {
        "size": size,
        "ward_of": ward_of,
        "unplaced": unplaced,
        "raised": raised,
        "age_days": age_days,
        "category": category,
        "status": status,
        "lon": lon,
        "lat": lat,
        "officers": officers,
        "by_officer": by_officer,
        "channel": channel,
        "residents": residents,
        "high": high,
        "changed": changed,
        "ids": [str(uuid.UUID(int=(int(a) << 64) | int(b))) for a, b in ids],
        "meeting": [None] * size,
    }


def concern_rows(c: dict, ref: dict, history: bool = False):
    from engage.demo.activity import SAYINGS, WE_DID

    wards = ref["wards"]
    demo = ref["demo"]
    raised_text, changed_text = iso(c["raised"]), iso(c["changed"])
    first_text = iso(c["raised"] + np.timedelta64(86400, "s")) if history else None
    for i in range(c["size"]):
        w = wards[c["ward_of"][i]]
        cat = c["category"][i]
        placed = not c["unplaced"][i]
        has_pos = not math.isnan(c["lon"][i])
        st = c["status"][i]
        row = (
            c["ids"][i],
            c["channel"][i],
            ref["categories"][cat],
            SAYINGS[cat][i % len(SAYINGS[cat])],
            float(c["lon"][i]) if has_pos else None,
            float(c["lat"][i]) if has_pos else None,
            "map" if has_pos else "ward",
            w[0] if placed else None,
            ref["boundary_set_id"] if placed else None,
            not placed,
            raised_text[i],
            int(c["residents"][i]),
            "high" if c["high"][i] else "normal",
            False,
            st,
            int(c["officers"][i]) if c["by_officer"][i] else None,
            raised_text[i],
            changed_text[i],
            1 + len(PATHS[st]) if history and placed else 1,
            demo,
            ref["teams"][w[2]] if placed else None,
            "coverage" if placed else "triage",
            WE_DID.get(cat, "Passed to the team.") if st in ("action_taken", "closed") else "",
            changed_text[i] if st != "new" else None,
        )
        if history:
            meeting = c["meeting"][i]
            # Placed concerns are routed (the triage queue's are not acted on yet).
            acted = st != "new" and placed
            row += (meeting, meeting, (first_text[i] if PATHS[st][1:] else changed_text[i]) if acted else None)
        yield row


def meeting_rows(count: int, ref: dict, rng: np.random.Generator, today: dt.date, history: bool = False):
    """Meeting and meeting_ward rows; with `history`, each meeting also names the
    officer who recorded it (HISTORY_MEETING_COLUMNS)."""
    wards = ref["wards"]
    ward_of = rng.choice(len(wards), size=count)
    second = rng.choice(len(wards), size=count)
    offset = rng.integers(-30, DAYS, count)
    meetings, links = [], []
    for i in range(count):
        day = today - dt.timedelta(days=int(offset[i]))
        roll = rng.random()
        status = "planned" if day > today else ("held" if roll < 0.88 else "cancelled" if roll < 0.95 else "planned")
        meeting_id = str(uuid.UUID(int=int(rng.integers(0, 2**62)) << 64 | i))
        stamp = f"{day.isoformat()}T20:00:00Z"
        meetings.append(
            (
                meeting_id,
                "your_force_your_voice" if roll < 0.8 else "pact",
                day.isoformat(),
                "18:30",
                f"{wards[ward_of[i]][1]} Community Centre",
                status,
                int(rng.integers(6, 45)) if status == "held" else None,
                "",
                bool(roll < 0.4),
                "",
                stamp,
                stamp,
                1,
                ref["demo"],
            )
            + ((ref["officers"][i % len(ref["officers"])],) if history else ())
        )
        links.append((meeting_id, wards[ward_of[i]][0]))
        if roll > 0.95 and second[i] != ward_of[i]:  # a few meetings cover two wards
            links.append((meeting_id, wards[second[i]][0]))
    return meetings, links


def link_to_meetings(c: dict, meetings: list, links: list, ref: dict) -> int:
    """Concerns raised at a meeting name the latest meeting held in their ward on or
    before the day they were raised (when there is one), and were logged by the officer
    who recorded that meeting. Returns how many."""
    ward_index = {w[0]: i for i, w in enumerate(ref["wards"])}
    held = {m[0]: m for m in meetings if m[5] == "held"}
    officer_of = {m[0]: m[-1] for m in meetings}
    by_ward: dict[int, list] = {}
    seen = set()
    for meeting_id, ward_id in links:
        if meeting_id in held and meeting_id not in seen:  # the meeting's first ward
            seen.add(meeting_id)
            by_ward.setdefault(ward_index[ward_id], []).append((held[meeting_id][2], meeting_id))
    days = np.datetime_as_string(c["raised"].astype("datetime64[D]"))
    linked = 0
    for w, found in by_ward.items():
        found.sort()
        dates = np.asarray([d for d, _ in found])
        mask = np.flatnonzero((c["ward_of"] == w) & ~c["unplaced"] & (c["channel"] == "meeting"))
        at = np.searchsorted(dates, days[mask], side="right") - 1
        for i, k in zip(mask, at):
            if k >= 0:
                c["meeting"][i] = found[k][1]
                c["officers"][i] = officer_of[found[k][1]]
                c["by_officer"][i] = True
                linked += 1
    return linked


def copy_rows(conn: psycopg.Connection, table: str, columns, rows) -> int:
    n = 0
    with conn.cursor() as cur:
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == CHUNK:
                n += _copy(cur, table, columns, batch)
                batch = []
        if batch:
            n += _copy(cur, table, columns, batch)
    return n


def _copy(cur, table, columns, batch) -> int:
    # One COPY per chunk: each is one statement, so the rollup trigger aggregates it at once.
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in batch:
            copy.write_row(row)
    return len(batch)


# --- what the app writes around each concern (history=True) ----------------------------


def _step_times(raised: np.datetime64, changed: np.datetime64, steps: int) -> list[str]:
    """`steps` moments from a day after raising to the last change, evenly spaced."""
    first = raised + np.timedelta64(86400, "s")
    if steps == 1:
        return [iso(np.asarray([changed]))[0]]
    span = (changed - first).astype(int)
    return list(iso(np.asarray([first + np.timedelta64(int(span * k / (steps - 1)), "s") for k in range(steps)])))


def history_rows(c: dict, ref: dict, now: np.datetime64, rng: np.random.Generator):
    """(routing, copies, status changes, outbox, audit) row generators' inputs, built in
    one pass: lists of tuples for COPY."""
    from engage.demo.activity import WE_DID

    wards = ref["wards"]
    partner_id, partner_code, partner_email = ref["partner"]
    redcar = next(la for la, code in ref["lad_codes"].items() if code == REDCAR)
    raised_text = iso(c["raised"])
    recent = now - np.timedelta64(3600, "s")
    failed = rng.random(c["size"]) < 0.002
    officer_email = dict(zip(ref["officers"], ref["officer_emails"]))
    routing, copies, changes, outbox, audit = [], [], [], [], []
    for i in range(c["size"]):
        concern_id = c["ids"][i]
        w = wards[c["ward_of"][i]]
        placed = not c["unplaced"][i]
        lead = ref["teams"][w[2]] if placed else None
        cat = c["category"][i]
        copied = placed and cat == "fire_setting" and w[2] == redcar
        raised = raised_text[i]
        routing.append(
            (
                concern_id,
                raised,
                "coverage" if placed else "triage",
                lead,
                json.dumps([partner_code] if copied else []),
                "",
                "system",
            )
        )
        if copied:
            copies.append((concern_id, partner_id))
        officer = int(c["officers"][i]) if c["by_officer"][i] else None
        actor = officer_email[officer] if officer is not None else "system"
        audit.append(
            (
                raised,
                officer,
                actor,
                "create",
                "concern",
                concern_id,
                f"#{concern_id}",
                json.dumps(
                    {
                        "id": [None, concern_id],
                        "channel": [None, c["channel"][i]],
                        "category_id": [None, ref["categories"][cat]],
                        "ward_id": [None, w[0] if placed else None],
                        "status": [None, "new"],
                        "raised_at": [None, raised],
                        "residents": [None, int(c["residents"][i])],
                        "priority": [None, "high" if c["high"][i] else "normal"],
                        "lead_team_id": [None, lead],
                        "meeting_id": [None, c["meeting"][i]],
                        "is_demo": [None, ref["demo"]],
                    }
                ),
            )
        )
        for team_id, email in ((lead, ref["team_emails"].get(lead)), (partner_id if copied else None, partner_email)):
            if team_id is None:
                continue
            state = "failed" if failed[i] else "pending" if c["raised"][i] > recent else "sent"
            outbox.append(
                (
                    raised,
                    team_id,
                    concern_id,
                    email,
                    f"New concern: {ref['category_labels'][ref['categories'][cat]]} in "
                    f"{ref['ward_names'].get(w[0], 'Cleveland')}",
                    f"A concern was raised on {raised[:10]}.\n\nOpen it in engage: /inbox/concerns/{concern_id}\n",
                    f"<{concern_id}.{team_id}@engage.example.org>",
                    state,
                    0 if state == "pending" else 1,
                    raised,
                    raised if state == "sent" else None,
                    "550 mailbox unavailable" if state == "failed" else "",
                )
            )
        path = PATHS[c["status"][i]] if placed else ()
        if not path:
            continue
        inspectors = ref["inspectors"][w[2]]
        who_id, who = inspectors[i % len(inspectors)]
        steps = _step_times(c["raised"][i], c["changed"][i], len(path))
        version = 1
        for (before, after), at in zip(path, steps):
            note = (
                WE_DID.get(cat, "Passed to the team.")
                if after == "action_taken"
                else ("Not a police matter." if after == "no_action" else "")
            )
            changes.append((concern_id, at, before, after, note, who_id, who))
            diff = {
                "status": [before, after],
                "status_changed_at": [None, at],
                "updated_at": [None, at],
                "version": [version, version + 1],
            }
            if after == "action_taken":
                diff["we_did"] = ["", note]
            if version == 1:
                diff["first_action_at"] = [None, at]
            audit.append((at, who_id, who, "update", "concern", concern_id, f"#{concern_id}", json.dumps(diff)))
            version += 1
    return routing, copies, changes, outbox, audit


def meeting_audit_rows(meetings, links, ref):
    email = dict(zip(ref["officers"], ref["officer_emails"]))
    wards_of: dict[str, list[int]] = {}
    for meeting_id, ward_id in links:
        wards_of.setdefault(meeting_id, []).append(ward_id)
    for m in meetings:
        yield (
            m[10],
            m[-1],
            email[m[-1]],
            "create",
            "meeting",
            m[0],
            f"#{m[0]}",
            json.dumps(
                {
                    "id": [None, m[0]],
                    "kind": [None, m[1]],
                    "date": [None, m[2]],
                    "status": [None, m[5]],
                    "venue": [None, m[4]],
                    "attendance": [None, m[6]],
                    "wards": {"added": wards_of.get(m[0], []), "removed": []},
                }
            ),
        )


def ward_update_rows(ref: dict, today: dt.date):
    """A "You said, we did" per ward of the current set and quarter, over two years:
    published, but for the latest quarter's, still a draft."""
    quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    starts = []
    for _ in range(8):
        year, month = (quarter.year, quarter.month - 3) if quarter.month > 3 else (quarter.year - 1, quarter.month + 9)
        quarter = dt.date(year, month, 1)
        starts.append(quarter)
    for ward_id, code, _, _ in ref["wards"]:
        for n, start in enumerate(starts):
            end_month = start.month + 3
            end = dt.date(start.year + (end_month > 12), (end_month - 1) % 12 + 1, 1) - dt.timedelta(days=1)
            published = n > 0
            stamp = f"{end.isoformat()}T12:00:00Z"
            items = [
                {
                    "category": "youth_asb",
                    "label": "Youth anti-social behaviour",
                    "you_said": "12 residents raised concerns about youth anti-social behaviour (9 concerns).",
                    "we_did": "Youth outreach workers engaged the group; dispersal patrols on Friday evenings.",
                },
                {
                    "category": "drugs",
                    "label": "Drugs",
                    "you_said": "5 residents raised concerns about drugs.",
                    "we_did": "Intelligence passed to the drugs team; a warrant was executed.",
                },
            ]
            yield (
                ward_id,
                start.isoformat(),
                end.isoformat(),
                "published" if published else "draft",
                json.dumps(items),
                f"What residents of {code} told us, and what was done.",
                stamp if published else None,
                "staff@example.org" if published else "",
                stamp,
                ref["demo"],
            )


# --- loading ----------------------------------------------------------------------------


def load(url: str, size: int, ref: dict, seed: int, meetings: int | None = None, history: bool = False) -> dict:
    """Generate and COPY the data; `meetings` defaults to one per ten concerns."""
    rng = np.random.default_rng(seed)
    now = np.datetime64(dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0), "s")
    today = dt.date.today()
    start = time.perf_counter()
    arrays = concern_arrays(size, ref, rng, now)
    meeting_list, links = meeting_rows(
        meetings if meetings is not None else max(size // 10, 1), ref, rng, today, history
    )
    tables = {}
    if history:
        extra = np.random.default_rng(seed + 1)
        link_to_meetings(arrays, meeting_list, links, ref)
        routing, copies, changes, outbox, audit = history_rows(arrays, ref, now, extra)
        audit += list(meeting_audit_rows(meeting_list, links, ref))
        audit.sort(key=lambda row: row[0])  # the trail is written in time order
        tables = {
            "concern_copy": (("concern_id", "team_id"), copies),
            "concern_routing": (
                ("concern_id", "routed_at", "routed_by", "lead_team_id", "copied_team_codes", "reason", "actor"),
                routing,
            ),
            "status_change": (("concern_id", "at", "from_status", "to_status", "note", "actor_id", "actor"), changes),
            "outbox_message": (
                (
                    "created_at",
                    "team_id",
                    "concern_id",
                    "recipient",
                    "subject",
                    "body",
                    "message_id",
                    "state",
                    "attempts",
                    "next_attempt_at",
                    "sent_at",
                    "last_error",
                ),
                outbox,
            ),
            "audit_event": (("at", "actor_id", "actor", "action", "entity", "entity_id", "label", "changes"), audit),
            "ward_update": (
                (
                    "ward_id",
                    "period_start",
                    "period_end",
                    "state",
                    "items",
                    "intro",
                    "published_at",
                    "published_by",
                    "updated_at",
                    "is_demo",
                ),
                list(ward_update_rows(ref, today)),
            ),
        }
    concerns = list(concern_rows(arrays, ref, history))
    generated = time.perf_counter() - start
    start = time.perf_counter()
    with psycopg.connect(libpq(url), autocommit=False) as conn:
        conn.execute("SET work_mem = '256MB'")
        copy_rows(conn, "meeting", HISTORY_MEETING_COLUMNS if history else MEETING_COLUMNS, meeting_list)
        copy_rows(conn, "meeting_ward", ("meeting_id", "ward_id"), links)
        n = copy_rows(conn, "concern", HISTORY_CONCERN_COLUMNS if history else CONCERN_COLUMNS, concerns)
        del concerns
        for table, (columns, rows) in tables.items():
            copy_rows(conn, table, columns, rows)
        conn.commit()
    loaded = time.perf_counter() - start
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        sizes = conn.execute(
            "SELECT (SELECT count(*) FROM concern), (SELECT count(*) FROM concern_rollup), "
            "(SELECT count(*) FROM meeting), (SELECT count(*) FROM meeting_rollup), "
            "pg_total_relation_size('concern'), pg_total_relation_size('concern_rollup'), "
            "pg_total_relation_size('meeting_rollup'), pg_database_size(current_database())"
        ).fetchone()
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "meeting_ward",
                "concern_copy",
                "concern_routing",
                "status_change",
                "outbox_message",
                "audit_event",
                "ward_update",
            )
        }
    return {
        "concerns": n,
        "load_s": loaded,
        "generate_s": generated,
        "meetings": len(meeting_list),
        "links": len(links),
        "concern_rows": sizes[0],
        "rollup_rows": sizes[1],
        "meeting_rows": sizes[2],
        "meeting_rollup_rows": sizes[3],
        "concern_mb": sizes[4] / 2**20,
        "rollup_mb": sizes[5] / 2**20,
        "meeting_rollup_mb": sizes[6] / 2**20,
        "database_mb": sizes[7] / 2**20,
        "rows": counts,
    }


# --- one database, ready to measure ---------------------------------------------------


def make_app(url: str):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
            "ENGAGE_GEODATA_DIR": GEODATA,
        }
    )


class Site:
    """One benchmark database, built and loaded (or, with `url`, one built before and
    kept: the schema is brought up to the latest migration and nothing is loaded)."""

    def __init__(
        self,
        size: int,
        seed: int,
        prefix: str = "engage_bench_maps",
        meetings: int | None = None,
        history: bool = False,
        demo: bool = True,
        url: str | None = None,
    ):
        from flask_migrate import upgrade

        from engage.geography.boundaries import ensure_default_boundaries

        self.size = size
        self.url = url or create_database(f"{size}", prefix)
        self.app = make_app(self.url)
        with self.app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            if url is None:
                ensure_default_boundaries(GEODATA, self.app.config["ENGAGE_DEFAULT_BOUNDARIES"])
            db.session.commit()
        if url is None:
            self.ref = setup_reference(self.app, history=history)
            self.ref["demo"] = demo
            self.stats = load(self.url, size, self.ref, seed, meetings=meetings, history=history)
        else:
            self.ref, self.stats = None, None
        with self.app.app_context():
            from engage.accounts.models import User

            self.user_ids = dict(db.session.execute(sa.select(User.email, User.id)).all())
            # The officer with the most concerns, so their figure is the worst case.
            self.officer = db.session.execute(
                sa.text(
                    "SELECT u.email FROM concern c JOIN user_account u ON u.id = c.created_by_id "
                    "GROUP BY u.email ORDER BY count(*) DESC, u.email LIMIT 1"
                )
            ).scalar()

    def client(self, email):
        """A test client logged in as `email`, with a server-side log-in session as the
        log-in page makes (since migration 0010 a cookie without one is refused)."""
        from engage.accounts.access import SESSION_KEY
        from engage.accounts.models import User
        from engage.accounts.services import start_session

        with self.app.app_context():
            key = start_session(db.session.get(User, self.user_ids[email]), "bench client")
            db.session.commit()
        client = self.app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(self.user_ids[email])
            session["_fresh"] = True
            session[SESSION_KEY] = key
        return client

    def drop(self):
        with self.app.app_context():
            db.engine.dispose()
        drop_database(self.url)


def insert_concern(conn, concern_id, category_id, lon, lat, ward_id, boundary_set_id, lead_team_id, is_demo):
    """One concern row as the app stores it, by plain SQL: what the write-cost
    measurements of bench/maps.py and bench/scale.py time."""
    conn.execute(
        "INSERT INTO concern (id, channel, category_id, description, lon, lat, location_source, "
        "ward_id, boundary_set_id, needs_review, raised_at, residents, priority, contact_consent, "
        "status, created_at, updated_at, version, is_demo, lead_team_id, routed_by, we_did) VALUES "
        "(%s, 'meeting', %s, 'bench', %s, %s, 'gps', %s, %s, false, now(), 1, 'normal', false, 'new', "
        "now(), now(), 1, %s, %s, 'coverage', '')",
        (concern_id, category_id, lon, lat, ward_id, boundary_set_id, is_demo, lead_team_id),
    )


def time_writes(conn, n, *concern):
    """Inserts n concerns (insert_concern's arguments after the id), then sets each one's
    status: (new ids, ms per insert, ms per update). What the write-cost measurements of
    bench/maps.py and bench/scale.py time; the caller removes the rows."""
    ids = [str(uuid.uuid4()) for _ in range(n)]
    start = time.perf_counter()
    for concern_id in ids:
        insert_concern(conn, concern_id, *concern)
    inserted = time.perf_counter() - start
    start = time.perf_counter()
    for concern_id in ids:
        conn.execute("UPDATE concern SET status = 'acknowledged', updated_at = now() WHERE id = %s", (concern_id,))
    updated = time.perf_counter() - start
    return ids, inserted * 1000 / n, updated * 1000 / n
