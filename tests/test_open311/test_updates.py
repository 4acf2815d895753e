"""mySociety's servicerequestupdates extension, as FixMyStreet uses it (issue #23):
updates read between two dates, comments posted back, long descriptions and photos."""

import io
import random
import string
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from engage.concerns.models import Concern
from engage.concerns.workflow import change_status
from engage.extensions import db as _db
from engage.open311.models import ConcernMedia, ResidentUpdate
from engage.reports.models import WardUpdate
from tests.conftest import logged_in_client, make_team, make_user
from tests.test_open311.test_open311 import (
    BASE,
    CENTRAL,
    PUBLISHED,
    TEAM_NOTE,
    W3C,
    concern,
    errors_of,
    publish_you_said_we_did,
    token_for,
    xml,
)

UPDATE_FIELDS = [
    "update_id",
    "service_request_id",
    "status",
    "external_status_code",
    "description",
    "updated_datetime",
    "media_url",
]
ELSEWHERE = "E05009866"  # a ward INT-CENTRAL does not cover
GPS_IFD = 0x8825


def tag() -> str:
    return "".join(random.choices(string.ascii_letters, k=10))


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


def move(app, concern_id, *steps):
    """Status changes at given moments: (to, note, moment)."""
    with app.app_context():
        stored = _db.session.get(Concern, concern_id)
        for to, note, moment in steps:
            change_status(stored, to, note, None, "inspector@example.org", at=moment)
        _db.session.commit()


def updates(client, fmt="json", **query):
    response = client.get(f"{BASE}/servicerequestupdates.{fmt}", query_string=query)
    assert response.status_code == 200, response.data
    if fmt == "json":
        assert response.content_type == "application/json; charset=utf-8"
        return response.get_json()
    tree = xml(response, "service_requests_updates")
    assert all(u.tag == "request_update" and [c.tag for c in u] == UPDATE_FIELDS for u in tree)
    return [{c.tag: c.text for c in u} for u in tree]


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (640, 480), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1  # Orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (54.0, 34.0, 30.0)  # latitude
    gps[3], gps[4] = "W", (1.0, 14.0, 5.0)  # longitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the test's own photo has a position
    return data


@pytest.fixture
def officer_token(app, db):
    return token_for(app, db, "officer")


@pytest.fixture
def lead(app):
    """INT-CENTRAL leads every concern in Central; its inspector, and another team's."""
    lead_inspector = make_user(f"{tag()}@example.org", "inspector", teams=[make_team("INT-CENTRAL", (CENTRAL,))])
    other_inspector = make_user(f"{tag()}@example.org", "inspector", teams=[make_team("INT-ELSE", (ELSEWHERE,))])
    return {"lead": logged_in_client(app, lead_inspector), "other": logged_in_client(app, other_inspector)}


# --- GET servicerequestupdates --------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_updates_between_two_dates_in_fixmystreets_statuses(app, client, db, fmt):
    first = concern(app, db, raised_at=at(1).isoformat())
    second = concern(app, db, raised_at=at(1).isoformat(), category="speeding")
    demo = concern(app, db, raised_at=at(1).isoformat(), is_demo=True)
    move(app, first, ("acknowledged", "", at(2)), ("in_progress", "", at(5)), ("action_taken", TEAM_NOTE, at(9)))
    move(app, second, ("no_action", "Spoke to the neighbour at number 4", at(6)))
    move(app, demo, ("acknowledged", "", at(5)))

    listed = updates(client, fmt, start_date="2026-03-04T00:00:00Z", end_date="2026-03-08T00:00:00+00:00")
    # In the window only, oldest first; FixMyStreet's statuses, engage's own beside them.
    assert [(u["service_request_id"], u["status"], u["external_status_code"]) for u in listed] == [
        (first, "in_progress", "in_progress"),
        (second, "no_further_action", "no_action"),
    ]
    for update in listed:
        assert update["update_id"].startswith("status-") and W3C.match(update["updated_datetime"])
        assert update["description"] is None and update["media_url"] is None  # a team's note is never sent
    assert listed[0]["updated_datetime"] == "2026-03-05T12:00:00Z"

    everything = updates(client, fmt, start_date="2026-03-01T00:00:00Z", end_date="2026-03-31T00:00:00Z")
    assert [u["status"] for u in everything] == ["investigating", "in_progress", "no_further_action", "fixed"]
    again = updates(client, fmt, start_date="2026-03-01T00:00:00Z", end_date="2026-03-31T00:00:00Z")
    assert [u["update_id"] for u in again] == [u["update_id"] for u in everything]  # stable ids
    body = client.get(f"{BASE}/servicerequestupdates.{fmt}?start_date=2026-03-01T00:00:00Z").get_data(as_text=True)
    assert "number 4" not in body and "Edith" not in body and demo not in body

    paged = updates(client, fmt, start_date="2026-03-01T00:00:00Z", end_date="2026-03-31T00:00:00Z", page_size="2")
    second_page = updates(
        client, fmt, start_date="2026-03-01T00:00:00Z", end_date="2026-03-31T00:00:00Z", page_size="2", page="2"
    )
    assert [u["update_id"] for u in paged + second_page] == [u["update_id"] for u in everything]


def test_closed_after_action_taken_and_a_reopen(app, client, db):
    concern_id = concern(app, db, raised_at=at(1).isoformat())
    move(
        app,
        concern_id,
        ("action_taken", "Patrols", at(2)),
        ("closed", "", at(3)),
        ("in_progress", "Dealing again", at(4)),
    )
    listed = updates(client, start_date="2026-03-01T00:00:00Z", end_date="2026-03-31T00:00:00Z")
    assert [u["status"] for u in listed] == ["fixed", "closed", "in_progress"]


@pytest.mark.parametrize(
    "query, says",
    [
        ("start_date=yesterday&end_date=2026-03-01T00:00:00Z", "start_date 'yesterday' is not a W3C date"),
        ("start_date=2026-03-01T00:00:00Z&end_date=2026-13-01", "end_date '2026-13-01' is not a W3C date"),
        ("start_date=2026-03-01T00:00:00Z&end_date=2026-02-01T00:00:00Z", "start_date is after end_date"),
        ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "more than 90 days"),
        ("page_size=0", "page_size must be a whole number"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_dates_are_400_naming_the_parameter(client, query, says, fmt):
    response = client.get(f"{BASE}/servicerequestupdates.{fmt}?{query}")
    assert response.status_code == 400
    [error] = errors_of(response, fmt)
    assert error["code"] == 400 and says in error["description"]


def test_a_published_we_did_is_an_update_and_an_unpublished_one_is_not(app, client, staff_client, db, today):
    raised = (datetime.now(UTC) - timedelta(days=10)).isoformat()
    covered = concern(app, db, raised_at=raised)
    emptied = concern(app, db, category="parking", raised_at=raised)
    move(app, covered, ("action_taken", TEAM_NOTE, datetime.now(UTC) - timedelta(days=2)))
    move(app, emptied, ("action_taken", TEAM_NOTE, datetime.now(UTC) - timedelta(days=2)))
    window = {
        "start_date": (datetime.now(UTC) - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end_date": (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    before = updates(client, **window)
    assert {u["service_request_id"] for u in before} == {covered, emptied}
    assert all(u["description"] is None for u in before)

    publication = publish_you_said_we_did(
        staff_client, db, CENTRAL, today - timedelta(days=30), today, {"drugs": PUBLISHED}
    )
    publication_id = publication.id
    for fmt in ("json", "xml"):
        after = updates(client, fmt, **window)
        published = [u for u in after if u["update_id"] == f"published-{publication_id}"]
        # The text staff published, when they published it, with the concern's state then.
        assert [(u["service_request_id"], u["description"], u["status"]) for u in published] == [
            (covered, PUBLISHED, "fixed")
        ]
        assert after[-1]["update_id"] == f"published-{publication_id}"  # the newest
        text = client.get(f"{BASE}/servicerequestupdates.{fmt}", query_string=window).get_data(as_text=True)
        for private in ("Edith", "Parr", "Grange Road", "TS1 2AB", "Kyle"):
            assert private not in text

    # Withdrawn: no longer published, so no longer sent.
    db.session.get(WardUpdate, publication_id).state = "withdrawn"
    db.session.commit()
    assert all(u["description"] is None for u in updates(client, **window))


# --- POST requests: long descriptions and photos ----------------------------------------


def test_a_6000_character_description_is_stored_whole(client, db, officer_token):
    words = f"title: Dealing by the {tag()} shops\n\ndetail: " + "They meet by the bins every night. " * 200
    description = (words[:5950] + "\n\nurl: https://www.fixmystreet.com/report/123\n")[:6000]
    assert len(description.strip()) > 5990
    response = client.post(
        f"{BASE}/requests.xml",
        data={
            "api_key": officer_token,
            "service_code": "drugs",
            "address_string": "Central",
            "description": description,
        },
    )
    assert response.status_code == 201, response.data
    request_id = xml(response, "service_requests")[0].findtext("service_request_id")
    assert db.session.get(Concern, request_id).description == description.strip()
    # Longer than the phone's own limit too: FixMyStreet does not shorten what it sends.
    longer = "x " * 7000
    response = client.post(
        f"{BASE}/requests.json",
        data={"api_key": officer_token, "service_code": "drugs", "address_string": "Central", "description": longer},
    )
    assert response.status_code == 201
    assert db.session.get(Concern, response.get_json()[0]["service_request_id"]).description == longer.strip()
    # Still never published.
    assert client.get(f"{BASE}/requests/{request_id}.json").get_json()[0]["description"] == "Drugs and drug dealing"


def test_a_photo_is_stored_reencoded_without_its_position_and_shown_to_the_lead_team(
    app, client, db, officer_token, lead
):
    original = jpeg_with_gps()
    response = client.post(
        f"{BASE}/requests.xml",
        data={
            "api_key": officer_token,
            "service_code": "fly_tipping",
            "address_string": "Central",
            "description": "Mattresses dumped",
            "media_url": "https://www.fixmystreet.com/photo/123.full.jpeg",
            "media": (io.BytesIO(original), "IMG_2041.jpg", "image/jpeg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.data
    request_id = xml(response, "service_requests")[0].findtext("service_request_id")
    [photo] = db.session.scalars(sa.select(ConcernMedia).where(ConcernMedia.kind == "photo")).all()
    [link] = db.session.scalars(sa.select(ConcernMedia).where(ConcernMedia.kind == "link")).all()
    assert photo.concern_id == link.concern_id == request_id and photo.resident_update_id is None
    assert link.url == "https://www.fixmystreet.com/photo/123.full.jpeg"
    stored = Image.open(io.BytesIO(photo.data))
    assert photo.data != original and stored.format == "JPEG" and stored.size == (640, 480)
    assert not stored.getexif().get_ifd(GPS_IFD) and b"PhoneMaker" not in photo.data

    page = lead["lead"].get(f"/inbox/concerns/{request_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    photo_url = f"/inbox/concerns/{request_id}/photos/{photo.id}"
    assert photo_url in html and "https://www.fixmystreet.com/photo/123.full.jpeg" in html
    assert "Not fetched by engage: opening it contacts an outside site." in html
    image = lead["lead"].get(photo_url)
    assert image.status_code == 200 and image.content_type == "image/jpeg" and image.data == photo.data
    assert "no-store" in image.headers["Cache-Control"]
    # Another team neither sees the concern nor its photo; Open311 never publishes it.
    assert lead["other"].get(f"/inbox/concerns/{request_id}").status_code == 404
    assert lead["other"].get(photo_url).status_code == 404
    assert client.get(photo_url).status_code == 302  # to the log-in page
    assert client.get(f"{BASE}/requests/{request_id}.json").get_json()[0]["media_url"] is None


@pytest.mark.parametrize(
    "upload, says",
    [
        ((b"%PDF-1.4 not a photo", "photo.jpg", "image/jpeg"), "'photo.jpg' is not an image engage can read"),
        ((b"", "empty.png", "image/png"), "'empty.png' is empty"),
        ((b"\xff\xd8" + b"\0" * (10 * 1024 * 1024), "huge.jpg", "image/jpeg"), "at most 10 MB"),
    ],
)
def test_a_bad_photo_is_refused_and_nothing_is_stored(client, db, officer_token, upload, says):
    data, name, kind = upload
    response = client.post(
        f"{BASE}/requests.xml",
        data={
            "api_key": officer_token,
            "service_code": "drugs",
            "address_string": "Central",
            "description": "With a photo",
            "photo1": (io.BytesIO(data), name, kind),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    [error] = errors_of(response, "xml")
    assert error["description"].startswith("media: ") and says in error["description"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Concern)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConcernMedia)) == 0


def test_a_photo_address_that_is_not_http_is_refused(client, db, officer_token):
    response = client.post(
        f"{BASE}/requests.json",
        data={
            "api_key": officer_token,
            "service_code": "drugs",
            "address_string": "Central",
            "media_url": "file:///etc/passwd",
        },
    )
    assert response.status_code == 400 and "media_url: must be an http or https address" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Concern)) == 0


# --- POST servicerequestupdates -------------------------------------------------------


def post_comment(client, token, request_id, update_id, **extra):
    return client.post(
        f"{BASE}/servicerequestupdates.xml",
        data={
            "api_key": token,
            "service_request_id": request_id,
            "update_id": update_id,
            "description": "Still happening every night, worse at weekends.",
            "status": "OPEN",
            "updated_datetime": "2026-03-12T18:30:00+00:00",
            "first_name": "Edith",
            "last_name": "Parr",
            "email": "edith.parr@example.org",
            **extra,
        },
        content_type="multipart/form-data" if any(isinstance(v, tuple) for v in extra.values()) else None,
    )


def test_a_comment_is_kept_for_those_who_see_the_concern_and_never_published(app, client, db, officer_token, lead):
    request_id = concern(app, db, raised_at=at(10).isoformat())
    response = post_comment(client, officer_token, request_id, "8841", media=(io.BytesIO(jpeg_with_gps()), "a.jpg"))
    assert response.status_code == 201, response.data
    tree = xml(response, "service_request_updates")
    [answer] = tree
    assert answer.tag == "request_update" and [c.tag for c in answer] == ["update_id"]
    update_id = answer.findtext("update_id")
    # FixMyStreet sends again when it did not hear back: the same answer, nothing new stored.
    again = post_comment(client, officer_token, request_id, "8841", media=(io.BytesIO(jpeg_with_gps()), "a.jpg"))
    assert again.status_code == 200 and xml(again, "service_request_updates")[0].findtext("update_id") == update_id
    [stored] = db.session.scalars(sa.select(ResidentUpdate)).all()
    assert stored.concern_id == request_id and stored.external_id == "8841" and stored.status_given == "OPEN"
    assert stored.written_at == datetime(2026, 3, 12, 18, 30, tzinfo=UTC)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConcernMedia)) == 1
    stored_text = " ".join(str(v) for v in vars(stored).values())
    assert "Edith" not in stored_text and "edith.parr" not in stored_text  # no consent: not kept

    page = lead["lead"].get(f"/inbox/concerns/{request_id}")
    html = page.get_data(as_text=True)
    assert "Still happening every night, worse at weekends." in html
    assert "12 March 2026 at 18:30" in html and "Edith" not in html
    assert f"/inbox/concerns/{request_id}/photos/" in html
    assert lead["other"].get(f"/inbox/concerns/{request_id}").status_code == 404
    for path in (
        f"{BASE}/requests.json?start_date=2026-03-01T00:00:00Z&end_date=2026-03-31T00:00:00Z",
        f"{BASE}/requests/{request_id}.xml",
        f"{BASE}/servicerequestupdates.json?start_date=2026-03-01T00:00:00Z&end_date=2026-03-31T00:00:00Z",
        f"{BASE}/servicerequestupdates.xml",
    ):
        assert "every night" not in client.get(path).get_data(as_text=True), path


def test_a_copied_team_reads_the_comment_but_not_its_photos(app, client, db, officer_token):
    from engage.teams.models import Team

    lead_team_id = make_team("INT-CENTRAL", ward_codes=(CENTRAL,)).id
    copied = make_team("CFB-COPY", ward_codes=(), kind="partner", coverage="all")
    partner = logged_in_client(app, make_user(f"{tag()}@example.org", "inspector", teams=[copied]))
    request_id = concern(app, db)
    with app.app_context():
        stored = _db.session.get(Concern, request_id)
        stored.copied_teams = [_db.session.scalar(sa.select(Team).where(Team.code == "CFB-COPY"))]
        _db.session.commit()
    assert db.session.get(Concern, request_id).lead_team_id == lead_team_id
    post_comment(client, officer_token, request_id, "1", media=(io.BytesIO(jpeg_with_gps()), "a.jpg"))
    photo_id = db.session.scalar(sa.select(ConcernMedia.id))
    html = partner.get(f"/inbox/concerns/{request_id}").get_data(as_text=True)
    assert "Still happening every night" in html and "/photos/" not in html
    assert "only the lead team and OPCC staff can see them" in html
    assert partner.get(f"/inbox/concerns/{request_id}/photos/{photo_id}").status_code == 404


@pytest.mark.parametrize(
    "change, status, says",
    [
        ({"api_key": ""}, 403, "api_key was not provided"),
        ({"service_request_id": ""}, 400, "service_request_id was not provided"),
        ({"service_request_id": "not-a-request"}, 404, "service_request_id 'not-a-request' was not found"),
        ({"update_id": ""}, 400, "update_id was not provided"),
        ({"updated_datetime": "12/03/2026"}, 400, "updated_datetime '12/03/2026' is not a W3C date"),
        ({"description": "", "media_url": ""}, 400, "description was not provided"),
        ({"description": "Broken\x0bline"}, 400, "description: must not contain"),
        ({"status": "<open>"}, 400, "status must be a word"),
    ],
)
def test_comment_errors_in_the_spec_format(app, client, db, officer_token, change, status, says):
    request_id = concern(app, db)
    form = {"api_key": officer_token, "service_request_id": request_id, "update_id": "77", **change}
    response = client.post(
        f"{BASE}/servicerequestupdates.xml",
        data={
            "description": "Hello",
            "status": "OPEN",
            **form,
        },
    )
    assert response.status_code == status
    [error] = errors_of(response, "xml")
    assert error["code"] == status and says in error["description"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ResidentUpdate)) == 0


def test_no_comment_on_demo_data(app, client, db, officer_token):
    demo = concern(app, db, is_demo=True)
    assert post_comment(client, officer_token, demo, "5").status_code == 404


def test_a_different_update_id_is_a_new_comment(app, client, db, officer_token):
    request_id = concern(app, db)
    first = post_comment(client, officer_token, request_id, str(uuid.uuid4())[:8])
    second = post_comment(client, officer_token, request_id, "another", description="A photo only", status="FIXED")
    ids = {xml(r, "service_request_updates")[0].findtext("update_id") for r in (first, second)}
    assert len(ids) == 2 and db.session.scalar(sa.select(sa.func.count()).select_from(ResidentUpdate)) == 2


def test_what_engage_publishes_stays_within_the_specifications_4000_characters():
    from engage.open311.services import within_limit

    long = "Patrols every Friday night around the play area. " * 100
    cut = within_limit(long)
    assert len(cut) <= 4000 and cut.endswith("…")
    kept = cut[:-1]
    assert long.startswith(kept) and long[len(kept)] == " "  # cut between words
    assert within_limit("Short.") == "Short."


def test_the_lead_team_is_told_of_a_comment_once(app, client, db, officer_token, lead):
    from engage.notify.models import OutboxMessage

    request_id = concern(app, db)
    queued = sa.select(OutboxMessage).where(OutboxMessage.concern_id == request_id)
    before = len(db.session.scalars(queued).all())  # the routing notice
    post_comment(client, officer_token, request_id, "9001", media=(io.BytesIO(jpeg_with_gps()), "a.jpg"))
    post_comment(client, officer_token, request_id, "9001", media=(io.BytesIO(jpeg_with_gps()), "a.jpg"))
    told = db.session.scalars(queued.order_by(OutboxMessage.id)).all()[before:]
    assert len(told) == 1 and told[0].subject.startswith("[engage] A resident commented: ")
    assert "Still happening every night" in told[0].body and "With 1 photo" in told[0].body
    assert "Edith" not in told[0].body and "edith.parr" not in told[0].body
    assert told[0].recipient == told[0].team.contact_email and told[0].team.code == "INT-CENTRAL"
