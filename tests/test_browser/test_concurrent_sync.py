"""Real HTTP against the threaded live server: the same entry posted twice at once
is stored once."""

import json
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

from engage.concerns.models import Concern
from tests.live import live_count, live_user_with_token


def post(url, token, body):
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_same_concern_posted_concurrently_is_stored_once(live_server):
    _, token = live_user_with_token(live_server, "officer")
    for _ in range(5):
        body = {
            "id": str(uuid.uuid4()),
            "category": "speeding",
            "description": "Cars racing on the Parkway",
            "ward_code": "E05009868",
        }
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(
                pool.map(lambda _, body=body: post(f"{live_server.url}/api/v1/concerns", token, body), range(4))
            )
        statuses = sorted(status for status, _ in results)
        assert statuses.count(201) == 1 and statuses.count(200) == 3, statuses
        assert all(payload["id"] == body["id"] for _, payload in results)
        assert live_count(live_server, Concern, id=body["id"]) == 1
