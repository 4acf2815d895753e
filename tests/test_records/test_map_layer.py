"""The maps' "Recorded ASB (police.uk)" layer: each ward's ASB over the months imported
in the map's period, real and demo never mixed, bad dates refused."""

from __future__ import annotations

import pytest

from engage.extensions import db as _db
from engage.records.policeuk import import_policeuk_files
from engage.records.ward_recorded import CAVEAT
from tests.test_records.policeuk_files import ASB, Row, label_points, write_street_file

CENTRAL, NEWPORT = "E05009857", "E05009866"


@pytest.fixture
def imported(app, tmp_path):
    with app.app_context():
        points = label_points([CENTRAL, NEWPORT])
        march = [Row("2026-03", ASB, points[CENTRAL])] * 2 + [Row("2026-03", "Drugs", points[NEWPORT])]
        may = [Row("2026-05", ASB, points[CENTRAL]), Row("2026-05", ASB, points[NEWPORT])]
        import_policeuk_files(
            [write_street_file(tmp_path / "march.csv", march), write_street_file(tmp_path / "may.csv", may)]
        )
        _db.session.commit()


def test_the_layer_counts_asb_per_ward_over_the_months_in_the_period(imported, inspector_client):
    answer = inspector_client.get("/api/v1/maps/recorded?from=2026-03-15&to=2026-06-17&source=real").get_json()

    assert answer["months"] == ["2026-03-01", "2026-05-01"]
    assert answer["crime_type"] == "Anti-social behaviour" and answer["caveat"] == CAVEAT
    assert len(answer["wards"]) == 79 and answer["total"] == 4
    assert (answer["wards"][CENTRAL], answer["wards"][NEWPORT]) == (3, 1)
    assert answer["zero"] == 77 and not answer["demo"]

    may_only = inspector_client.get("/api/v1/maps/recorded?from=2026-04-01&to=2026-06-17").get_json()
    assert may_only["months"] == ["2026-05-01"] and may_only["total"] == 2


def test_demo_months_only_on_the_demo_layer_and_bad_dates_refused(imported, runner, staff_client, today):
    runner.invoke(args=["records", "demo"])

    real = staff_client.get("/api/v1/maps/recorded?from=2026-05-01&to=2026-05-31&source=real").get_json()
    demo = staff_client.get("/api/v1/maps/recorded?from=2026-04-01&to=2026-04-30&source=demo").get_json()
    assert real["total"] == 2 and not real["demo"]
    assert demo["demo"] and demo["months"] == ["2026-04-01"] and demo["total"] > 1000
    # May holds a real import, so there is no demo May to show.
    assert (
        staff_client.get("/api/v1/maps/recorded?from=2026-05-01&to=2026-05-31&source=demo").get_json()["months"] == []
    )

    wrong = staff_client.get("/api/v1/maps/recorded?from=yesterday")
    assert wrong.status_code == 400 and "from: 'yesterday' is not a date" in wrong.get_json()["error"]
