import uuid
from datetime import timedelta

import pytest

from engage.accounts.policy import scope_for
from engage.concerns.capture import raise_concern, record_meeting
from engage.geography.boundaries import current_boundary_set
from engage.maps.classes import class_breaks
from engage.maps.services import MapFilters, heat_cells, ward_counts
from tests.conftest import TODAY

EVERYTHING = type("Staff", (), {"is_authenticated": True, "id": 1, "roles": {"staff"}, "teams": []})()
YEAR = MapFilters.from_args({}, today=TODAY + timedelta(days=1))


def concern(db, ward_code, category="drugs", lon=None, lat=None, demo=False, days_ago=1):
    raised = (TODAY - timedelta(days=days_ago)).isoformat() + "T18:00:00Z"
    body = {"id": str(uuid.uuid4()), "category": category, "description": "x", "raised_at": raised}
    body.update({"lon": lon, "lat": lat} if lon is not None else {"ward_code": ward_code})
    made, _ = raise_concern(body, is_demo=demo)
    return made


def meeting(db, ward_code, demo=False):
    record_meeting({"id": str(uuid.uuid4()), "ward_codes": [ward_code], "date": TODAY.isoformat()}, is_demo=demo)


def test_counts_per_ward_and_per_meeting(db):
    for _ in range(3):
        concern(db, "E05009857")
    concern(db, "E05009857", category="speeding")
    concern(db, "E05001552")
    concern(db, "E05001552", demo=True)
    meeting(db, "E05009857")
    meeting(db, "E05009857")
    db.session.commit()
    counts = ward_counts(YEAR, scope_for(EVERYTHING), current_boundary_set().id)
    assert len(counts) == 79
    assert counts["E05009857"] == {"count": 4, "meetings": 2, "per_meeting": 2.0}
    assert counts["E05001552"] == {"count": 1, "meetings": 0, "per_meeting": None}  # demo row not counted
    assert counts["E05008942"]["count"] == 0
    drugs = ward_counts(
        MapFilters.from_args({"category": "drugs"}, today=TODAY + timedelta(days=1)),
        scope_for(EVERYTHING),
        current_boundary_set().id,
    )
    assert drugs["E05009857"]["count"] == 3
    stockton = ward_counts(
        MapFilters.from_args({"lad": "E06000004"}, today=TODAY + timedelta(days=1)),
        scope_for(EVERYTHING),
        current_boundary_set().id,
    )
    assert stockton["E05009857"]["count"] == 0 and stockton["E05001552"]["count"] == 1
    demo = ward_counts(
        MapFilters.from_args({"source": "demo"}, today=TODAY + timedelta(days=1)),
        scope_for(EVERYTHING),
        current_boundary_set().id,
    )
    assert demo["E05001552"]["count"] == 1 and demo["E05009857"]["count"] == 0
    old = ward_counts(
        MapFilters.from_args({"to": (TODAY - timedelta(days=30)).isoformat()}),
        scope_for(EVERYTHING),
        current_boundary_set().id,
    )
    assert old["E05009857"]["count"] == 0


def test_inspectors_get_only_their_wards(app_ctx, db, users):
    concern(db, "E05009857")
    concern(db, "E05001552")
    db.session.commit()
    counts = ward_counts(YEAR, scope_for(users["inspector"]), current_boundary_set().id)
    assert sorted(counts) == ["E05009857", "E05009866", "E05009867"]


def test_heat_cells_are_counted_in_the_database(db):
    for _ in range(4):
        concern(db, None, lon=-1.2345, lat=54.5742)
    concern(db, None, lon=-1.30, lat=54.56)
    db.session.commit()
    cells = heat_cells(YEAR, scope_for(EVERYTHING), current_boundary_set().id, zoom=12)
    assert sorted(p[2] for p in cells["points"]) == [1, 4] and cells["max"] == 4
    busiest = max(cells["points"], key=lambda p: p[2])
    assert abs(busiest[0] - 54.5742) < cells["cell_degrees"] and abs(busiest[1] + 1.2345) < cells["cell_degrees"]


@pytest.mark.parametrize(
    "values, method, expected",
    [
        ([], "quantiles", []),
        ([3, 3, 3], "quantiles", [3.0]),
        ([0, 0, 0, 0, 1, 1, 2, 3, 5, 40], "quantiles", None),
        ([0, 1, 1, 2, 2, 3, 20, 21, 22, 60], "jenks", None),
    ],
)
def test_class_breaks_suit_skewed_counts(values, method, expected):
    breaks = class_breaks(values, method)
    if expected is not None:
        assert breaks == expected
        return
    assert breaks == sorted(breaks) and breaks[-1] == max(values) and len(breaks) <= 5
    # The outlier gets a class of its own instead of squashing every other ward into one.
    assert breaks[-2] < max(values) / 2


def test_bad_filters_say_what_is_wrong():
    f = MapFilters.from_args({"from": "yesterday", "source": "both", "designation": "maintain"})
    assert len(f.errors) == 3 and "from" in f.errors[0]
