"""A concern or meeting the user may not see answers exactly as one that does not exist,
in the inbox and the API alike (scope.concern_or_404 / meeting_or_404): nothing says
which of the two it is."""

import uuid
from datetime import timedelta

from tests.conftest import TODAY


def test_a_concern_outside_the_area_is_the_same_404_as_none(officer_client, inspector_client):
    elsewhere = officer_client.post(
        "/api/v1/concerns",
        json={"id": str(uuid.uuid4()), "category": "speeding", "description": "x", "ward_code": "E05001552"},
    ).get_json()["id"]
    missing = str(uuid.uuid4())
    for path in ("/inbox/concerns/{}", "/api/v1/concerns/{}"):
        hidden, absent = (inspector_client.get(path.format(i)) for i in (elsewhere, missing))
        assert hidden.status_code == absent.status_code == 404
        assert hidden.get_data(as_text=True).replace(elsewhere, missing) == absent.get_data(as_text=True)


def test_a_meeting_outside_the_area_is_the_same_404_as_none(officer_client, inspector_client):
    elsewhere = str(uuid.uuid4())
    made = officer_client.post(
        "/api/v1/meetings",
        json={
            "id": elsewhere,
            "ward_codes": ["E05001552"],
            "venue": "Hall",
            "date": (TODAY - timedelta(days=1)).isoformat(),
        },
    )
    assert made.status_code == 201
    missing = str(uuid.uuid4())
    hidden, absent = (inspector_client.get(f"/api/v1/meetings/{i}") for i in (elsewhere, missing))
    assert hidden.status_code == absent.status_code == 404
    assert hidden.get_json()["error"].replace(elsewhere, missing) == absent.get_json()["error"]
