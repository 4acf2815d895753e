"""Who may open what, for every route of the app, from one table.

Each row is a request (method and URL) and the status each kind of caller gets:
nobody logged in, an officer, an inspector (in team INT-TEST, three Middlesbrough
wards), staff, an admin, and a partner inspector (in CFB-TEST, a partner agency
covering all of Cleveland, who sees only the concerns routed to it and no meetings);
browsers and API clients alike (the API rows are asked
with the session, /api/v1/concerns etc. also with a bearer token elsewhere). A status
of 302 for nobody means "sent to the log-in page".

`test_the_table_covers_every_route` matches every row against the app's URL map: a new
route (or a new method on one) with no row here fails it, so whoever adds a route
decides who may use it. Rows for another team's concern, meeting and ward check that
an inspector gets 404 there (not 403: whether it exists is not theirs to know).

Every answer to someone signed in (but static and vendor files and base map tiles) must also say
`Cache-Control: no-store`: `test_who_may_open_what` checks that on every row.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.extensions import db
from tests.conftest import TODAY, logged_in_client, make_team, make_user

ROLES = ("anon", "officer", "inspector", "staff", "admin", "partner")


def who(anon, officer, inspector, staff, admin, partner):
    return dict(zip(ROLES, (anon, officer, inspector, staff, admin, partner)))


EVERYONE = who(200, 200, 200, 200, 200, 200)
LOGGED_IN = who(302, 200, 200, 200, 200, 200)
API_LOGGED_IN = who(401, 200, 200, 200, 200, 200)
CAPTURE = who(302, 200, 403, 200, 200, 403)
INBOX = who(302, 403, 200, 200, 200, 200)
STAFF = who(302, 403, 403, 200, 200, 403)
ADMIN = who(302, 403, 403, 403, 200, 403)
ADMIN_FORM = who(302, 403, 403, 403, 422, 403)  # an empty form: the admin is shown what is missing

# (method, url, expected by role). {placeholders} are filled from the `world` fixture.
TABLE = [
    # Public pages and files
    ("GET", "/", EVERYONE),
    ("GET", "/wards/{ward}", EVERYONE),
    ("GET", "/wards/E05999999", who(404, 404, 404, 404, 404, 404)),
    # The ward brief (issue #21): anyone signed in, for a ward in their area (the inbox's 404 otherwise)
    ("GET", "/wards/{ward}/brief", LOGGED_IN),
    ("GET", "/wards/{other_ward}/brief", who(302, 200, 404, 200, 200, 200)),  # partner: covers all
    ("GET", "/wards/E05999999/brief", who(302, 404, 404, 404, 404, 404)),
    ("GET", "/wards/{ward}/brief?on=2026-01-01", who(302, 400, 400, 400, 400, 400)),
    ("GET", "/wards/{ward}/brief.pdf", LOGGED_IN),
    ("GET", "/wards/{other_ward}/brief.docx", who(302, 200, 404, 200, 200, 200)),
    ("GET", "/wards/{ward}/brief.xlsx", who(302, 404, 404, 404, 404, 404)),
    ("GET", "/public/wards/{ward}", EVERYONE),
    ("GET", "/public/wards/{ward}/updates", EVERYONE),
    ("GET", "/public/wards/E05999999/updates", who(404, 404, 404, 404, 404, 404)),
    ("GET", "/static/css/engage.css", EVERYONE),
    ("GET", "/vendor/leaflet/leaflet.js", EVERYONE),
    ("GET", "/vendor/nothing/x.js", who(404, 404, 404, 404, 404, 404)),
    # Under a digest (engage/platform/assets.py); an old one still gets today's file.
    ("GET", "/static/000000000000/css/engage.css", EVERYONE),
    ("GET", "/vendor/leaflet/000000000000/leaflet.js", EVERYONE),
    ("GET", "/sw.js", EVERYONE),
    ("GET", "/capture/manifest.webmanifest", EVERYONE),
    # Logging in and out
    ("GET", "/login", who(200, 302, 302, 302, 302, 302)),
    ("POST", "/login", who(200, 302, 302, 302, 302, 302)),
    ("POST", "/logout", who(302, 302, 302, 302, 302, 302)),
    ("GET", "/account/password", LOGGED_IN),
    ("POST", "/account/password", LOGGED_IN),
    # Capture, maps
    ("GET", "/capture", CAPTURE),
    # Planned meetings (issue #21): those who run meetings; an empty form is answered with what is missing
    ("GET", "/meetings/planned", CAPTURE),
    ("POST", "/meetings/planned", who(302, 422, 403, 422, 422, 403)),
    ("POST", "/meetings/{meeting}/cancel", who(302, 302, 403, 302, 302, 403)),  # held: refused, said on the page
    ("POST", "/meetings/nothing/cancel", who(302, 404, 403, 404, 404, 403)),
    ("GET", "/maps", LOGGED_IN),
    # The Section 59 register (issue #22): staff and admin keep it; an INT's inspector reads
    # it for their wards; not a partner agency, not an officer (docs/section59.md)
    ("GET", "/section59", who(302, 403, 200, 200, 200, 403)),
    ("GET", "/section59?vehicle=bus", who(302, 403, 400, 400, 400, 403)),
    ("GET", "/section59/new", STAFF),
    ("POST", "/section59/new", who(302, 403, 403, 422, 422, 403)),  # the empty form, refused field by field
    ("GET", "/section59/import", STAFF),
    ("POST", "/section59/import", who(302, 403, 403, 400, 400, 403)),  # no file
    # The off-road vehicles view: inspectors of either kind, staff and admin
    ("GET", "/maps/off-road", INBOX),
    ("GET", "/maps/off-road?ward={ward}&from=2026-01-01", INBOX),
    ("GET", "/maps/off-road?from=later", who(302, 403, 400, 400, 400, 400)),
    # A map to take away (issue #24): as /maps; another team's ward is the inspector's 404, a bad filter a 400
    ("GET", "/maps/download", LOGGED_IN),
    ("GET", "/maps/download?ward={ward}&texts=1", LOGGED_IN),
    ("GET", "/maps/download?ward={other_ward}", who(302, 200, 404, 200, 200, 200)),
    ("GET", "/maps/download?from=someday", who(302, 400, 400, 400, 400, 400)),
    # No base map installed here (tests/test_maps/test_basemap.py serves one's tiles).
    ("GET", "/maps/tiles/12/2029/1303.mvt", who(302, 404, 404, 404, 404, 404)),
    # Inbox: inspectors see their teams' concerns and wards only
    ("GET", "/inbox", INBOX),
    ("GET", "/inbox/concerns/{concern}", who(302, 403, 200, 200, 200, 404)),
    ("POST", "/inbox/concerns/{concern}", who(302, 403, 200, 200, 200, 404)),
    ("GET", "/inbox/concerns/{other_concern}", who(302, 403, 404, 200, 200, 404)),
    ("POST", "/inbox/concerns/{other_concern}", who(302, 403, 404, 200, 200, 404)),
    # A resident's photo sent through Open311 (issue #23): the lead team, staff and admin only;
    # a copied partner sees the concern but not its photos; a photo asked for under another concern is not there.
    ("GET", "/inbox/concerns/{concern}/photos/{photo}", who(302, 403, 200, 200, 200, 404)),
    ("GET", "/inbox/concerns/{partner_concern}/photos/{partner_photo}", who(302, 403, 404, 200, 200, 404)),
    ("GET", "/inbox/concerns/{other_concern}/photos/{other_photo}", who(302, 403, 404, 200, 200, 404)),
    ("GET", "/inbox/concerns/{concern}/photos/{other_photo}", who(302, 403, 404, 404, 404, 404)),
    ("GET", "/inbox/wards/{ward}", INBOX),
    ("GET", "/inbox/wards/{other_ward}", who(302, 403, 404, 200, 200, 200)),  # partner: covers all
    # A concern in Stockton led by INT-STOCK and copied to the partner agency
    ("GET", "/inbox/concerns/{partner_concern}", who(302, 403, 404, 200, 200, 200)),
    ("POST", "/inbox/concerns/{partner_concern}", who(302, 403, 404, 200, 200, 200)),
    # Owner and due date: the lead team and staff (302: an empty form changes nothing);
    # a copied team (the partner) may not, an officer never
    ("POST", "/inbox/concerns/{concern}/assignment", who(302, 403, 302, 302, 302, 404)),
    ("POST", "/inbox/concerns/{other_concern}/assignment", who(302, 403, 404, 302, 302, 404)),
    ("POST", "/inbox/concerns/{partner_concern}/assignment", who(302, 403, 404, 302, 302, 403)),
    # Actions (issue #21): the user's and their teams' list; an action's page as its
    # concern's (another team's: 404); changing one, or agreeing one on a concern, its
    # lead team and staff (422: the empty form is refused), a copied team (the partner) 403
    ("GET", "/inbox/actions", INBOX),
    ("GET", "/inbox/actions/{action}", who(302, 403, 200, 200, 200, 404)),
    ("POST", "/inbox/actions/{action}", who(302, 403, 422, 422, 422, 404)),
    ("GET", "/inbox/actions/{other_action}", who(302, 403, 404, 200, 200, 404)),
    ("POST", "/inbox/actions/{other_action}", who(302, 403, 404, 422, 422, 404)),
    ("GET", "/inbox/actions/{partner_action}", who(302, 403, 404, 200, 200, 200)),
    ("POST", "/inbox/actions/{partner_action}", who(302, 403, 404, 422, 422, 403)),
    # A minuted action owned by a name only: the office's (staff and admin)
    ("GET", "/inbox/actions/{minuted_action}", who(302, 403, 404, 200, 200, 404)),
    ("GET", "/inbox/actions/999999", who(302, 403, 404, 404, 404, 404)),
    ("POST", "/inbox/concerns/{concern}/actions", who(302, 403, 422, 422, 422, 404)),
    ("POST", "/inbox/concerns/{other_concern}/actions", who(302, 403, 404, 422, 422, 404)),
    ("POST", "/inbox/concerns/{partner_concern}/actions", who(302, 403, 404, 422, 422, 403)),
    # Bulk actions (422: nothing ticked; each concern is then checked as on its own page)
    ("POST", "/inbox/bulk", who(302, 403, 422, 422, 422, 422)),
    # Reports, exports, "you said, we did"
    ("GET", "/reports", STAFF),
    ("GET", "/reports/coverage", STAFF),
    ("GET", "/reports/panel", who(302, 403, 403, 400, 400, 403)),  # 400: no period given
    ("POST", "/reports/panel", who(302, 403, 403, 400, 400, 403)),
    # 400: no period given, each says so
    ("POST", "/reports/panel/draft", who(302, 403, 403, 400, 400, 403)),
    ("POST", "/reports/panel/revert", who(302, 403, 403, 400, 400, 403)),
    ("POST", "/reports/panel/send", who(302, 403, 403, 400, 400, 403)),
    ("POST", "/reports/panel/meeting", who(302, 403, 403, 400, 400, 403)),
    ("GET", "/reports/panel/sent/999.docx", who(302, 403, 403, 404, 404, 403)),
    ("GET", "/exports", INBOX),
    ("GET", "/exports/concerns.csv", INBOX),
    ("GET", "/exports/meetings.xlsx", INBOX),
    ("GET", "/exports/concerns.geojson", INBOX),
    ("GET", "/exports/wards.csv", INBOX),
    ("GET", "/exports/wards.xlsx", INBOX),
    ("GET", "/exports/wards.geojson", who(302, 403, 404, 404, 404, 404)),
    ("GET", "/exports/nothing.csv", who(302, 403, 404, 404, 404, 404)),
    ("GET", "/updates", STAFF),
    ("POST", "/updates/draft", who(302, 403, 403, 400, 400, 403)),  # 400: no ward given, the form says so
    ("GET", "/updates/{update}", STAFF),
    ("POST", "/updates/{update}", who(302, 403, 403, 302, 302, 403)),
    # Publishing: without the confirm, the preview of the public page (nothing published)
    ("POST", "/updates/{update}/publish", STAFF),
    # Withdrawing a draft: nothing to withdraw, back to its editor
    ("GET", "/updates/{update}/withdraw", who(302, 403, 403, 302, 302, 403)),
    ("POST", "/updates/{update}/withdraw", who(302, 403, 403, 302, 302, 403)),
    # Partnership and scrutiny meetings (issue #21): the office's, so staff and admin only
    # (400: an empty form, refused with its reason; 404: not a partnership or scrutiny meeting)
    ("GET", "/minutes", STAFF),
    ("POST", "/minutes", who(302, 403, 403, 400, 400, 403)),
    ("GET", "/minutes/{office_meeting}", STAFF),
    ("GET", "/minutes/{meeting}", who(302, 403, 403, 404, 404, 403)),
    ("POST", "/minutes/{office_meeting}/details", who(302, 403, 403, 400, 400, 403)),  # no date
    ("POST", "/minutes/{office_meeting}/items", who(302, 403, 403, 400, 400, 403)),
    ("POST", "/minutes/{office_meeting}/items/{agenda_item}", who(302, 403, 403, 302, 302, 403)),  # nothing changed
    ("POST", "/minutes/{office_meeting}/items/{agenda_item}/move", who(302, 403, 403, 400, 400, 403)),
    (
        "POST",
        "/minutes/{office_meeting}/items/{agenda_item}/delete",
        who(302, 403, 403, 400, 400, 403),
    ),  # has an action
    ("POST", "/minutes/{office_meeting}/attendance", who(302, 403, 403, 302, 302, 403)),
    ("POST", "/minutes/{office_meeting}/items/{agenda_item}/actions", who(302, 403, 403, 400, 400, 403)),
    ("POST", "/minutes/{office_meeting}/actions/{minuted_action}", who(302, 403, 403, 400, 400, 403)),
    ("POST", "/minutes/{office_meeting}/approve-previous", who(302, 403, 403, 400, 400, 403)),  # no previous
    ("GET", "/minutes/{office_meeting}/agenda.docx", STAFF),
    ("GET", "/minutes/{office_meeting}/minutes.docx", STAFF),
    ("GET", "/minutes/{meeting}/minutes.docx", who(302, 403, 403, 404, 404, 403)),
    ("GET", "/minutes/{office_meeting}/import", STAFF),
    ("POST", "/minutes/{office_meeting}/import", who(302, 403, 403, 400, 400, 403)),  # no file
    # A consultation's survey import and results (issue #22): staff and admin, who run it
    ("GET", "/consultations/{consultation}/import", STAFF),
    ("POST", "/consultations/{consultation}/import", who(302, 403, 403, 400, 400, 403)),  # no file
    ("POST", "/consultations/{consultation}/import/columns", who(302, 403, 403, 400, 400, 403)),  # no file held
    ("GET", "/consultations/{consultation}/results", STAFF),
    ("GET", "/consultations/nothing-here/results", who(302, 403, 403, 404, 404, 403)),
    # Admin
    ("GET", "/admin/", who(302, 403, 403, 403, 302, 403)),  # to the users list
    ("GET", "/admin/audit", ADMIN),
    ("GET", "/admin/users", ADMIN),
    ("GET", "/admin/users/new", ADMIN),
    ("POST", "/admin/users/new", ADMIN_FORM),
    ("GET", "/admin/users/{user}", ADMIN),
    ("POST", "/admin/users/{user}", ADMIN_FORM),
    ("POST", "/admin/users/{user}/password", who(302, 403, 403, 403, 200, 403)),
    ("POST", "/admin/users/{user}/sessions/end", who(302, 403, 403, 403, 302, 403)),
    ("POST", "/admin/users/{user}/tokens/{token}/revoke", who(302, 403, 403, 403, 302, 403)),
    ("GET", "/admin/teams", ADMIN),
    ("GET", "/admin/teams/new", ADMIN),
    ("POST", "/admin/teams/new", ADMIN_FORM),
    ("GET", "/admin/teams/{team}", ADMIN),
    ("POST", "/admin/teams/{team}", ADMIN_FORM),
    ("GET", "/admin/categories", ADMIN),
    ("GET", "/admin/coverage-targets", ADMIN),
    ("GET", "/admin/office", ADMIN),
    ("POST", "/admin/office", ADMIN_FORM),
    ("POST", "/admin/coverage-targets", ADMIN_FORM),
    ("GET", "/admin/categories/new", ADMIN),
    ("POST", "/admin/categories/new", ADMIN_FORM),
    ("GET", "/admin/categories/{category}", ADMIN),
    ("POST", "/admin/categories/{category}", ADMIN_FORM),
    ("POST", "/admin/categories/{category}/retired", who(302, 403, 403, 403, 302, 403)),
    ("GET", "/admin/routing", ADMIN),
    ("GET", "/admin/routing/new", ADMIN),
    ("POST", "/admin/routing/new", ADMIN_FORM),
    ("GET", "/admin/routing/{rule}", ADMIN),
    ("POST", "/admin/routing/{rule}", ADMIN_FORM),
    ("POST", "/admin/routing/{rule}/active", who(302, 403, 403, 403, 302, 403)),
    ("GET", "/admin/outbox", ADMIN),
    ("POST", "/admin/outbox/{message}/retry", who(302, 403, 403, 403, 302, 403)),
    ("POST", "/admin/outbox/retry-failed", who(302, 403, 403, 403, 302, 403)),
    # The JSON API: public register and location
    ("GET", "/api/openapi.json", EVERYONE),
    ("GET", "/api/wards", EVERYONE),
    ("GET", "/api/wards?resolution=display", EVERYONE),
    ("GET", "/api/wards?resolution=tiny", who(400, 400, 400, 400, 400, 400)),
    ("GET", "/api/locate?grid=NZ49661942", EVERYONE),
    ("GET", "/api/authorities", EVERYONE),
    ("GET", "/api/v1/categories", EVERYONE),
    # The JSON API: logged in
    ("GET", "/api/v1/me", API_LOGGED_IN),
    ("GET", "/api/v1/session", API_LOGGED_IN),
    ("GET", "/api/v1/wards", API_LOGGED_IN),
    ("GET", "/api/v1/wards/{ward}", API_LOGGED_IN),
    ("GET", "/api/v1/wards/{other_ward}", who(401, 200, 404, 200, 200, 200)),
    ("GET", "/api/v1/maps/wards", API_LOGGED_IN),
    ("GET", "/api/v1/maps/priorities", API_LOGGED_IN),
    ("GET", "/api/v1/maps/priorities?consultation=nothing-here", who(401, 400, 400, 400, 400, 400)),
    ("GET", "/api/v1/maps/heat", API_LOGGED_IN),
    ("GET", "/api/v1/maps/recorded", API_LOGGED_IN),
    ("GET", "/api/v1/meetings", API_LOGGED_IN),
    ("POST", "/api/v1/meetings", who(401, 422, 403, 422, 422, 403)),
    ("GET", "/api/v1/meetings/same?ward_code={ward}&date=2026-01-01&venue=Hall", who(401, 200, 403, 200, 200, 403)),
    ("GET", "/api/v1/meetings/{meeting}", who(401, 200, 200, 200, 200, 404)),  # partners: no meetings
    ("GET", "/api/v1/meetings/{other_meeting}", who(401, 200, 404, 200, 200, 404)),
    ("PATCH", "/api/v1/meetings/{meeting}", who(401, 422, 403, 422, 422, 403)),
    # The brief of a meeting for the phone (issue #21): whoever may brief its ward (`for_briefing`)
    ("GET", "/api/v1/meetings/{meeting}/brief", who(401, 200, 200, 200, 200, 404)),  # partners: no meetings
    ("GET", "/api/v1/meetings/{other_meeting}/brief", who(401, 200, 404, 200, 200, 404)),
    ("GET", "/api/v1/meetings?status=planned&from=2026-01-01", API_LOGGED_IN),
    ("GET", "/api/v1/meetings?status=later", who(401, 400, 400, 400, 400, 400)),
    # "Reported back" marks: anyone signed in, for a concern they may brief (422: the empty mark)
    ("POST", "/api/v1/report-backs", who(401, 422, 422, 422, 422, 422)),
    # Actions through the API: seen as on the inbox's pages; changed by the owner, the lead team, staff
    ("GET", "/api/v1/actions", API_LOGGED_IN),
    ("GET", "/api/v1/actions?show=everyone", who(401, 400, 400, 400, 400, 400)),
    ("GET", "/api/v1/actions/{action}", who(401, 200, 200, 200, 200, 404)),
    ("PATCH", "/api/v1/actions/{action}", who(401, 403, 422, 422, 422, 404)),  # an officer sees, may not change
    ("GET", "/api/v1/actions/{other_action}", who(401, 200, 404, 200, 200, 404)),  # the officer logged its concern
    ("GET", "/api/v1/actions/{minuted_action}", who(401, 404, 404, 200, 200, 404)),
    ("GET", "/api/v1/actions/999999", who(401, 404, 404, 404, 404, 404)),
    ("GET", "/api/v1/concerns", API_LOGGED_IN),
    ("POST", "/api/v1/concerns", who(401, 422, 403, 422, 422, 403)),
    ("GET", "/api/v1/concerns/{concern}", who(401, 200, 200, 200, 200, 404)),
    ("GET", "/api/v1/concerns/{partner_concern}", who(401, 200, 404, 200, 200, 200)),
    ("GET", "/api/v1/concerns/{other_concern}", who(401, 200, 404, 200, 200, 404)),
    ("PATCH", "/api/v1/concerns/{concern}", who(401, 200, 403, 409, 409, 403)),
    ("DELETE", "/api/v1/concerns/{concern}", who(401, 204, 403, 404, 404, 403)),
    # Only the officer who saved it (422: the empty correction is refused)
    ("POST", "/api/v1/concerns/{partner_concern}/corrections", who(401, 422, 403, 403, 403, 403)),
    # Open311 GeoReport v2: reading is public, submitting needs an api_key
    ("GET", "/open311/v2/", who(302, 302, 302, 302, 302, 302)),  # to discovery
    ("GET", "/open311/v2/discovery.json", EVERYONE),
    ("GET", "/open311/v2/services.xml", EVERYONE),
    ("GET", "/open311/v2/services/speeding.json", EVERYONE),
    ("GET", "/open311/v2/requests.json", EVERYONE),
    ("GET", "/open311/v2/requests/{concern}.json", EVERYONE),
    ("POST", "/open311/v2/requests.json", who(403, 403, 403, 403, 403, 403)),
    ("PUT", "/open311/v2/requests.json", who(405, 405, 405, 405, 405, 405)),
    # mySociety's servicerequestupdates extension (issue #23): read by anyone, comments with an api_key
    ("GET", "/open311/v2/servicerequestupdates.xml", EVERYONE),
    ("GET", "/open311/v2/servicerequestupdates.json?start_date=never", who(400, 400, 400, 400, 400, 400)),
    ("POST", "/open311/v2/servicerequestupdates.xml", who(403, 403, 403, 403, 403, 403)),
    ("PUT", "/open311/v2/servicerequestupdates.json", who(405, 405, 405, 405, 405, 405)),
    # Priorities consultations (issue #22): staff and admin run them (422: an empty form,
    # refused with its reasons beside the fields); anyone, with no account, answers one
    ("GET", "/consultations", STAFF),
    ("GET", "/consultations/new", STAFF),
    ("POST", "/consultations/new", who(302, 403, 403, 422, 422, 403)),
    ("GET", "/consultations/{consultation}", STAFF),
    ("GET", "/consultations/nothing-here", who(302, 403, 403, 404, 404, 403)),
    ("GET", "/consultations/{consultation}/edit", STAFF),  # open: the form says why it cannot change
    ("POST", "/consultations/{consultation}/edit", who(302, 403, 403, 422, 422, 403)),
    ("POST", "/consultations/{consultation}/responses", who(302, 403, 403, 422, 422, 403)),  # nothing chosen
    (
        "POST",
        "/consultations/{consultation}/responses/{consultation_response}/void",
        who(302, 403, 403, 422, 422, 403),  # no reason given
    ),
    ("POST", "/consultations/{consultation}/responses/nothing/void", who(302, 403, 403, 404, 404, 403)),
    ("GET", "/consult/{consultation}", EVERYONE),
    ("GET", "/consult/{consultation}?place=marton", EVERYONE),
    ("GET", "/consult/{consultation}?ward={ward}", EVERYONE),
    ("GET", "/consult/{consultation}?lon=x&lat=y", EVERYONE),  # said on the page: not a position
    ("POST", "/consult/{consultation}", who(422, 422, 422, 422, 422, 422)),  # no ward: find it first
    ("GET", "/consult/{consultation}/thanks", EVERYONE),
    ("GET", "/consult/nothing-here", who(404, 404, 404, 404, 404, 404)),
    ("POST", "/consult/nothing-here", who(404, 404, 404, 404, 404, 404)),
    ("GET", "/admin/consultation-privacy", ADMIN),
    ("POST", "/admin/consultation-privacy", ADMIN_FORM),  # an emptied notice is refused
    ("GET", "/open311/v2/nothing", who(404, 404, 404, 404, 404, 404)),
    ("POST", "/open311/v2/nothing", who(404, 404, 404, 404, 404, 404)),
    ("PATCH", "/open311/v2/nothing", who(404, 404, 404, 404, 404, 404)),
    ("DELETE", "/open311/v2/nothing", who(404, 404, 404, 404, 404, 404)),
]

# Two rows must answer differently when the package is missing locally (no `make setup`).
NEEDS_NODE_MODULES = {"/vendor/leaflet/leaflet.js", "/vendor/leaflet/000000000000/leaflet.js"}


@pytest.fixture
def partner_team(app):
    """A partner agency covering all of Cleveland, as the fire brigade does."""
    return make_team("CFB-TEST", ward_codes=(), kind="partner", coverage="all")


@pytest.fixture
def callers(users, partner_team):
    return {**users, "partner": make_user("partner@example.org", "inspector", teams=[partner_team])}


@pytest.fixture
def world(app, users, team, partner_team):
    """Entries to ask about: the inspector's team covers three Middlesbrough wards; a
    second team covers a Stockton ward the inspector must not see into."""
    from engage.accounts.models import ApiToken
    from engage.accounts.services import issue_token
    from engage.actions.services import create_action
    from engage.concerns.capture import raise_concern, record_meeting
    from engage.concerns.models import Category
    from engage.consultations.services import create_consultation, record_response
    from engage.geography.boundaries import current_boundary_set
    from engage.geography.models import Ward
    from engage.minutes.services import add_item, add_item_action, create_meeting
    from engage.notify.models import OutboxMessage
    from engage.open311.models import ConcernMedia
    from engage.reports.updates import draft_update
    from engage.teams.models import RoutingRule

    with app.app_context():
        boundary_set = current_boundary_set()
        stockton = db.session.scalar(
            sa.select(Ward)
            .join(Ward.local_authority)
            .where(Ward.boundary_set_id == boundary_set.id)
            .where(Ward.local_authority.has(code="E06000004"))
            .order_by(Ward.code)
        )
        other_team = make_team("INT-STOCK", ward_codes=(stockton.code,), lad_code="E06000004")
        officer = users["officer"]
        today = TODAY.isoformat()
        meeting, _ = record_meeting({"id": str(uuid.uuid4()), "ward_codes": ["E05009857"], "date": today}, officer)
        other_meeting, _ = record_meeting(
            {"id": str(uuid.uuid4()), "ward_codes": [stockton.code], "date": today}, officer
        )
        concern, _ = raise_concern(
            {"id": str(uuid.uuid4()), "meeting_id": meeting.id, "category": "speeding", "description": "Cars too fast"},
            officer,
        )
        other_concern, _ = raise_concern(
            {
                "id": str(uuid.uuid4()),
                "meeting_id": other_meeting.id,
                "category": "speeding",
                "description": "Elsewhere",
            },
            officer,
        )
        category = db.session.scalar(sa.select(Category).where(Category.code == "drugs"))
        rule = RoutingRule(category=category, lead_team=team, note="drugs to the INT")
        fire = db.session.scalar(sa.select(Category).where(Category.code == "fire_setting"))
        db.session.add_all([rule, RoutingRule(category=fire, copy_teams=[partner_team], note="fire: CFB copied")])
        db.session.flush()
        partner_concern, _ = raise_concern(
            {
                "id": str(uuid.uuid4()),
                "meeting_id": other_meeting.id,
                "category": "fire_setting",
                "description": "Bins set alight",
            },
            officer,
        )
        issue_token(officer)
        ward = db.session.scalar(
            sa.select(Ward).where(Ward.boundary_set_id == boundary_set.id, Ward.code == "E05009857")
        )
        update = draft_update(ward, TODAY - timedelta(days=90), TODAY)
        office_meeting = create_meeting(
            kind="partnership",
            series="Working Together",
            day=TODAY,
            start_time=None,
            venue="",
            today=TODAY,
            actor_id=None,
        )
        agenda_item = add_item(office_meeting, "Off-road bikes", "Insp Smith")
        minuted_action = add_item_action(
            agenda_item, title="Report back", due_date=None, today=TODAY, actor_id=None, actor="x", owner_name="J Feaks"
        )
        actions = {
            name: create_action(
                title="Patrol",
                due_date=TODAY,
                today=TODAY,
                actor_id=None,
                actor="test",
                concern=c,
                owner_team=c.lead_team,
            )
            for name, c in (("action", concern), ("other_action", other_concern), ("partner_action", partner_concern))
        }
        photos = {}
        for name, c in (("photo", concern), ("other_photo", other_concern), ("partner_photo", partner_concern)):
            media = ConcernMedia(concern_id=c.id, kind="photo", data=b"\xff\xd8 a photo", content_type="image/jpeg")
            db.session.add(media)
            photos[name] = media
        consultation = create_consultation(
            title="Role table priorities",
            opens_on=TODAY,
            closes_on=TODAY + timedelta(days=30),
            options=["Speeding", "Drugs"],
            today=TODAY,
            actor="test",
        )
        consultation_response = record_response(
            consultation, ward_id=ward.id, option_ids=[consultation.options[0].id], today=TODAY, channel="paper"
        )
        db.session.commit()
        assert concern.lead_team_id == team.id and other_concern.lead_team_id == other_team.id
        assert partner_concern.lead_team_id == other_team.id and partner_concern.copied_teams == [partner_team]
        values = {
            "ward": "E05009857",
            "other_ward": stockton.code,
            "meeting": meeting.id,
            "other_meeting": other_meeting.id,
            "concern": concern.id,
            "other_concern": other_concern.id,
            "partner_concern": partner_concern.id,
            "user": officer.id,
            "token": db.session.scalar(sa.select(ApiToken.id)),
            "team": team.id,
            "category": category.id,
            "rule": rule.id,
            "update": update.id,
            "office_meeting": office_meeting.id,
            "agenda_item": agenda_item.id,
            "minuted_action": minuted_action.id,
            "consultation": consultation.slug,
            "consultation_response": consultation_response.id,
            "message": db.session.scalar(sa.select(OutboxMessage.id).order_by(OutboxMessage.id)),
            **{name: action.id for name, action in actions.items()},
            **{name: media.id for name, media in photos.items()},
        }
    return values


def clients(app, callers):
    yield "anon", app.test_client()
    for role in ROLES[1:]:
        yield role, logged_in_client(app, callers[role])


def ask(client, method, url):
    # Writes send an empty form (or an empty JSON object to the API): enough to pass or
    # fail the role check, and refused as incomplete where it gets further.
    if url.startswith("/api/") and method in ("POST", "PATCH"):
        return client.open(url, method=method, json={})
    return client.open(url, method=method, data={} if method != "GET" else None)


@pytest.mark.parametrize("method, url, expected", TABLE, ids=[f"{m} {u}" for m, u, _ in TABLE])
def test_who_may_open_what(app, callers, world, method, url, expected):
    if url in NEEDS_NODE_MODULES and not (
        app.config["ENGAGE_NODE_MODULES"] and __import__("os").path.isdir(app.config["ENGAGE_NODE_MODULES"])
    ):
        pytest.skip("front-end packages not installed (make setup)")
    target = url.format(**world)
    answers = {}
    for role, client in clients(app, callers):
        response = ask(client, method, target)
        answers[role] = (response.status_code, response.headers.get("Cache-Control") or "")
        response.close()  # a streamed export ends here, in its own request
    assert {role: status for role, (status, _) in answers.items()} == expected
    # Whatever the status, an answer to someone signed in is kept by no cache (the
    # files that are the same for everyone aside).
    shared_file = url.startswith(("/static/", "/vendor/", "/maps/tiles/")) or url.split("?")[0] == "/api/wards"
    stored = {
        role: cache
        for role, (_, cache) in answers.items()
        if role != "anon" and not shared_file and "no-store" not in cache
    }
    assert stored == {}, f"answers to signed-in users without Cache-Control: no-store: {stored}"


def test_the_table_covers_every_route(app):
    """Every rule and method of the URL map is asked about at least once."""
    adapter = app.url_map.bind("localhost")
    placeholder = {
        name: "1"
        for name in (
            "ward",
            "other_ward",
            "meeting",
            "other_meeting",
            "concern",
            "other_concern",
            "partner_concern",
            "user",
            "token",
            "team",
            "category",
            "rule",
            "update",
            "office_meeting",
            "agenda_item",
            "minuted_action",
            "consultation",
            "message",
            "action",
            "other_action",
            "partner_action",
            "photo",
            "other_photo",
            "partner_photo",
            "consultation_response",
        )
    }
    covered = set()
    for method, url, _ in TABLE:
        path = url.format(**placeholder).split("?")[0]
        rule, _ = adapter.match(path, method=method, return_rule=True)
        covered.add((rule.rule, method))
    routes = {(rule.rule, method) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}}
    missing = sorted(routes - covered)
    assert not missing, f"routes with no row in TABLE (tests/test_accounts/test_role_table.py): {missing}"


def test_the_table_asks_every_role(app):
    assert all(set(expected) == set(ROLES) for _, _, expected in TABLE)


def test_answers_to_an_api_token_are_not_stored_but_shared_files_may_be(app, callers, world):
    """A client with a bearer token (no session) gets no-store on what it reads; the
    files that are the same for everyone stay cacheable, whoever asks."""
    from engage.accounts.services import issue_token

    token = issue_token(callers["staff"]).token
    db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    for url in (
        "/api/v1/concerns",
        f"/api/v1/concerns/{world['concern']}",
        "/api/v1/maps/wards",
        "/exports/concerns.csv",
        "/api/v1/wards",
    ):
        answer = client.get(url, headers=headers)
        answer.close()  # a streamed export ends here, in its own request
        assert answer.status_code == 200 and answer.headers.get("Cache-Control") == "no-store", url
    shared = logged_in_client(app, callers["staff"]).get("/static/css/engage.css")
    assert shared.status_code == 200 and "no-store" not in (shared.headers.get("Cache-Control") or "")
    # Nobody signed in: a public page is left to the usual caching.
    assert "no-store" not in (client.get("/").headers.get("Cache-Control") or "")
