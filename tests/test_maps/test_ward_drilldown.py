import uuid
from datetime import date, timedelta

from engage.maps.drilldown import month_starts
from tests.conftest import TODAY


def test_month_starts_cover_24_months_ending_this_month():
    starts = month_starts(date(2026, 2, 15), 24)
    assert len(starts) == 24 and starts[0] == date(2024, 3, 1) and starts[-1] == date(2026, 2, 1)


def test_drilldown_for_signed_in_users_in_scope(staff_client, officer_client, inspector_client, client):
    for category in ("drugs", "drugs", "speeding"):
        officer_client.post(
            "/api/v1/concerns",
            json={"id": str(uuid.uuid4()), "category": category, "description": "x", "ward_code": "E05009857"},
        )
    soon = (TODAY + timedelta(days=10)).isoformat()
    officer_client.post(
        "/api/v1/meetings",
        json={
            "id": str(uuid.uuid4()),
            "ward_codes": ["E05009857"],
            "date": soon,
            "venue": "St Hilda's Hall",
            "status": "planned",
        },
    )
    page = staff_client.get("/wards/E05009857").get_data(as_text=True)
    assert "Concerns by month, last 24 months" in page
    assert "Drugs and drug dealing: 2" in page and "New: 3" in page and "St Hilda" in page
    this_month = TODAY.strftime("%B %Y")
    assert f"{this_month}: 3" in page
    assert "Concerns by month" in inspector_client.get("/wards/E05009857").get_data(as_text=True)
    # Outside the inspector's area, and for the public: the public facts only.
    assert "Concerns by month" not in inspector_client.get("/wards/E05001552").get_data(as_text=True)
    assert "Concerns by month" not in client.get("/wards/E05009857").get_data(as_text=True)
