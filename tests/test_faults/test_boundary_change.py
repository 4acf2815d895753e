"""The current boundary set changed while concerns are being captured: each concern
keeps the vintage it was located in, and the servers pick up the new set at once.

Concerns answered before `make_boundary_set_current(2013 set)` began are in 2018-12;
concerns sent after it committed are in 2013-12, located in the 2013 wards by
gunicorn workers that had the 2018 locator warm (no restart); those in flight during
the switch may be in either, but always in a ward of their own vintage."""

import datetime
import json
import os
import threading
import time

import pytest
import sqlalchemy as sa

from engage.concerns.models import Concern
from engage.extensions import db
from engage.geography.boundaries import (
    boundary_set_for,
    import_boundary_file,
    make_boundary_set_current,
)
from engage.geography.locating import locator_for
from engage.geography.models import BoundarySet, Ward
from tests.conftest import GEODATA_DIR
from tests.test_faults.phone import Phone
from tests.test_faults.servers import Gunicorn, get

pytestmark = pytest.mark.faults

CONCERNS = 120
SWITCH_AFTER = 40  # acknowledged before the switch


def _places(app):
    """The 2018 wards' label points, with the ward each is in under either vintage
    (20 of the 79 are in a ward with another code in 2013)."""
    with app.app_context():
        s2018, s2013 = boundary_set_for("2018-12"), boundary_set_for("2013-12")
        points = db.session.execute(
            sa.select(Ward.label_lon, Ward.label_lat).where(Ward.boundary_set_id == s2018.id).order_by(Ward.code)
        ).all()
        located = {vintage: locator_for(s) for vintage, s in (("2018-12", s2018), ("2013-12", s2013))}
        return [(lon, lat, {v: loc.ward_at(lon, lat).ward_code for v, loc in located.items()}) for lon, lat in points]


def test_concerns_keep_the_vintage_they_were_located_in(fault_database, tmp_path):
    app = fault_database.app
    with app.app_context():
        import_boundary_file(os.path.join(GEODATA_DIR, "wards-2013-12.geojson"))  # imported, not current
        db.session.commit()
    places = _places(app)
    assert sum(p[2]["2018-12"] != p[2]["2013-12"] for p in places) >= 10

    server = Gunicorn(fault_database.url, tmp_path)
    server.start()
    switch_now = threading.Event()
    phone = Phone(
        server.url, fault_database.token, on_ack=lambda p: len(p.acknowledged) == SWITCH_AFTER and switch_now.set()
    )
    ids = [
        phone.add_concern(
            category="fly_tipping",
            description=f"Concern {i}",
            lon=places[i % len(places)][0],
            lat=places[i % len(places)][1],
            raised_at=datetime.datetime.now().isoformat(),
        )
        for i in range(CONCERNS)
    ]
    syncing = threading.Thread(target=phone.sync, kwargs={"within": 90}, daemon=True)
    try:
        syncing.start()
        assert switch_now.wait(timeout=60), [(a.status, a.body) for a in phone.answers[:3]]
        switch_began = time.monotonic()
        with app.app_context():
            make_boundary_set_current(db.session.scalar(sa.select(BoundarySet).where(BoundarySet.vintage == "2013-12")))
            db.session.commit()
        switch_done = time.monotonic()
        syncing.join(timeout=90)
        assert not syncing.is_alive() and not phone.waiting, phone.error
        headers = {"Accept": "application/json", "Authorization": f"Bearer {fault_database.token}"}
        shown = {}
        for concern_id in ids:  # as the API shows each concern, after the switch
            status, _, body = get(server.url, f"/api/v1/concerns/{concern_id}", headers)
            assert status == 200
            shown[concern_id] = json.loads(body)
    finally:
        server.stop()

    answers = {a.entry_id: a for a in phone.answers if a.status == 201}
    before = [i for i in ids if answers[i].answered_at < switch_began]
    after = [i for i in ids if answers[i].sent_at > switch_done]
    assert len(before) >= SWITCH_AFTER and len(after) >= 20, (len(before), len(after))
    assert {shown[i]["vintage"] for i in before} == {"2018-12"}
    assert {shown[i]["vintage"] for i in after} == {"2013-12"}
    for n, concern_id in enumerate(ids):
        body, expected = shown[concern_id], places[n % len(places)][2]
        assert body["ward_code"] == expected[body["vintage"]], (n, body["vintage"])
    # Stored as placed: each concern's ward belongs to its own boundary set.
    mixed = fault_database.scalar(
        sa.select(sa.func.count())
        .select_from(Concern)
        .join(Ward, Concern.ward_id == Ward.id)
        .where(Ward.boundary_set_id != Concern.boundary_set_id)
    )
    assert mixed == 0 and fault_database.count(Concern) == CONCERNS


def test_a_switch_between_locating_and_placing_keeps_one_vintage(app_ctx, db, monkeypatch):
    """On PostgreSQL each statement sees what others committed, so the current set can
    change between a request's locating a point and its looking up the ward found.
    The ward must still come from the set the point was located in."""
    from engage.concerns import capture
    from engage.concerns.capture import raise_concern

    import_boundary_file(os.path.join(GEODATA_DIR, "wards-2013-12.geojson"))
    s2018, s2013 = boundary_set_for("2018-12"), boundary_set_for("2013-12")
    codes_2013 = set(db.session.scalars(sa.select(Ward.code).where(Ward.boundary_set_id == s2013.id)))
    ward = db.session.scalar(
        sa.select(Ward)
        .where(Ward.boundary_set_id == s2018.id, Ward.code.not_in(codes_2013))
        .order_by(Ward.code)
        .limit(1)
    )
    real_locator_for = capture.locator_for

    def locate_then_someone_switches(boundary_set):
        located = real_locator_for(boundary_set)
        make_boundary_set_current(s2013)
        return located

    monkeypatch.setattr(capture, "locator_for", locate_then_someone_switches)
    concern, _ = raise_concern(
        {
            "id": "0b7a0a52-1d1e-4c55-9a51-2f7f3b0e2c11",
            "category": "fly_tipping",
            "description": "Mattresses in the back lane",
            "lon": ward.label_lon,
            "lat": ward.label_lat,
        }
    )
    db.session.flush()
    assert (concern.ward.code, concern.ward.boundary_set_id, concern.boundary_set_id) == (ward.code, s2018.id, s2018.id)
