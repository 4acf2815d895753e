"""The routing rules, categories and outbox screens: admins only, and what an
administrator does with them."""

import re
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.concerns.capture import raise_concern
from engage.concerns.models import Category, Concern
from engage.notify.models import OutboxMessage
from engage.platform.audit import AuditEvent
from engage.platform.db import utcnow
from engage.teams.models import RoutingRule
from tests.conftest import make_team

CENTRAL, ESTON, YARM = "E05009857", "E05001508", "E05001552"


def ident(obj) -> int:
    return sa.inspect(obj).identity[0]


@pytest.fixture
def partners(app, team):
    return {
        "CFB": make_team("CFB", ward_codes=(), kind="partner", coverage="all"),
        "INT-RC": make_team("INT-RC", ward_codes=(), coverage="authority", lad_code="E06000003"),
    }


@pytest.fixture
def rule(db, partners):
    made = RoutingRule(
        local_authority=partners["INT-RC"].local_authority,
        category=db.session.scalar(sa.select(Category).where(Category.code == "fire_setting")),
        copy_teams=[partners["CFB"]],
        note="joint patrols",
        edited_by="someone@example.org",
    )
    db.session.add(made)
    db.session.commit()
    return made


@pytest.fixture
def failed_message(db, team):
    message = OutboxMessage(
        team_id=ident(team),
        recipient="wrong@example.org",
        subject="[engage] Lead: Drugs in Central",
        body="Lead for Team INT-TEST.",
        message_id=f"<{uuid.uuid4()}@test>",
        state="failed",
        attempts=5,
        last_error="550 mailbox unavailable",
        created_at=utcnow() - timedelta(hours=1),
    )
    db.session.add(message)
    db.session.commit()
    return message


PAGES = [
    "/admin/routing",
    "/admin/routing/new",
    "/admin/routing/{rule}",
    f"/admin/routing?ward={ESTON}&category=drugs",
    "/admin/categories",
    "/admin/categories/new",
    "/admin/categories/{category}",
    "/admin/outbox",
    "/admin/outbox?state=failed",
]
POSTS = [
    "/admin/routing/new",
    "/admin/routing/{rule}",
    "/admin/routing/{rule}/active",
    "/admin/categories/new",
    "/admin/categories/{category}",
    "/admin/categories/{category}/retired",
    "/admin/outbox/{message}/retry",
    "/admin/outbox/retry-failed",
]


def _url(url, rule, failed_message):
    return url.format(rule=ident(rule), category=1, message=ident(failed_message))


@pytest.mark.parametrize("url", PAGES)
def test_pages_open_for_admins(admin_client, rule, failed_message, url):
    response = admin_client.get(_url(url, rule, failed_message))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for link in ("/admin/routing", "/admin/categories", "/admin/outbox"):
        assert f'href="{link}"' in page


@pytest.mark.parametrize("role", ["officer", "inspector", "staff"])
@pytest.mark.parametrize("url", PAGES)
def test_pages_are_for_admins_only(request, users, rule, failed_message, role, url):
    client = request.getfixturevalue(f"{role}_client")
    assert client.get(_url(url, rule, failed_message)).status_code == 403


@pytest.mark.parametrize("role", ["officer", "inspector", "staff"])
@pytest.mark.parametrize("url", POSTS)
def test_posts_are_for_admins_only(request, db, users, rule, failed_message, role, url):
    client = request.getfixturevalue(f"{role}_client")
    assert client.post(_url(url, rule, failed_message), data={"active": "0", "retired": "1"}).status_code == 403
    assert db.session.get(OutboxMessage, ident(failed_message)).state == "failed"
    assert db.session.get(RoutingRule, ident(rule)).is_active


def test_logged_out_people_are_sent_to_log_in(client):
    response = client.get("/admin/routing")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ---- routing rules -----------------------------------------------------------------


def test_rules_listed_with_their_teams_and_who_edited_them(admin_client, rule):
    page = admin_client.get("/admin/routing").get_data(as_text=True)
    assert "any ward of Redcar and Cleveland" in page and "Fire setting and arson" in page
    assert '<span class="muted">the ward\'s INT</span>' in page
    assert "CFB" in page and "joint patrols" in page
    assert "someone@example.org" in page and "1 active" in page


def test_create_a_rule_through_the_form(db, admin_client, partners):
    response = admin_client.post(
        "/admin/routing/new",
        data={
            "ward": CENTRAL,
            "local_authority": "",
            "category": "drugs",
            "lead_team": "INT-RC",
            "copy_teams": ["CFB", "INT-TEST"],
            "priority": "3",
            "note": "  Operation X  ",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    made = db.session.scalar(sa.select(RoutingRule))
    assert (made.ward.code, made.local_authority, made.category.code, made.lead_team.code) == (
        CENTRAL,
        None,
        "drugs",
        "INT-RC",
    )
    assert [t.code for t in made.copy_teams] == ["CFB", "INT-TEST"]
    assert (made.priority, made.note, made.is_active, made.is_demo) == (3, "Operation X", True, False)
    assert made.edited_by == "admin@example.org"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.entity == "routing_rule"))
    assert event.action == "create" and event.actor == "admin@example.org"
    listing = admin_client.get("/admin/routing").get_data(as_text=True)
    assert "Saved rule" in listing and "Operation X" in listing


def test_rule_form_errors_sit_by_their_fields_and_keep_what_was_chosen(db, admin_client, partners):
    response = admin_client.post(
        "/admin/routing/new",
        data={
            "ward": CENTRAL,
            "local_authority": "E06000002",
            "category": "",
            "lead_team": "CFB",
            "copy_teams": ["CFB"],
            "priority": "soon",
            "note": "typed note",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'id="priority-error">[^<]*', page)
    # Field checks run once the form itself is valid.
    response = admin_client.post(
        "/admin/routing/new",
        data={
            "ward": CENTRAL,
            "local_authority": "E06000002",
            "category": "",
            "lead_team": "CFB",
            "copy_teams": ["CFB"],
            "priority": "0",
            "note": "typed note",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="local_authority-error">Choose a ward or an authority, not both' in page
    assert 'id="copy_teams-error">CFB leads, so it cannot also be copied.' in page
    assert f'<input id="ward" name="ward" type="text" list="ward-wards" value="{CENTRAL}"' in page  # as typed
    assert "typed note" in page and re.search(r'value="CFB" checked', page)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoutingRule)) == 0


def test_a_second_rule_for_the_same_area_and_category_is_refused(db, admin_client, rule):
    response = admin_client.post(
        "/admin/routing/new",
        data={"ward": "", "local_authority": "E06000003", "category": "fire_setting", "lead_team": "", "priority": "0"},
    )
    assert response.status_code == 422
    assert (
        f"There is already a rule #{ident(rule)} for fire setting and arson in any ward of Redcar and Cleveland"
        in response.get_data(as_text=True)
    )


def test_edit_a_rule_records_the_change_and_the_editor(db, admin_client, rule):
    form = admin_client.get(f"/admin/routing/{ident(rule)}").get_data(as_text=True)
    assert re.search(r'value="CFB" checked', form) and "joint patrols" in form
    response = admin_client.post(
        f"/admin/routing/{ident(rule)}",
        data={
            "ward": "",
            "local_authority": "E06000003",
            "category": "fire_setting",
            "lead_team": "INT-RC",
            "copy_teams": ["CFB"],
            "priority": "0",
            "note": "joint patrols",
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    edited = db.session.get(RoutingRule, ident(rule))
    assert edited.lead_team.code == "INT-RC" and edited.edited_by == "admin@example.org"
    update = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.entity == "routing_rule", AuditEvent.action == "update")
    )
    assert update.changes["lead_team_id"][0] is None and update.changes["edited_by"] == [
        "someone@example.org",
        "admin@example.org",
    ]
    trail = admin_client.get("/admin/audit?entity=routing_rule").get_data(as_text=True)
    assert f'href="/admin/routing/{ident(rule)}">#{ident(rule)}</a>' in trail
    assert re.search(r'lead team</span>:\s*<span class="old">–</span> → <span class="new">INT-RC</span>', trail)


def test_deactivate_and_reactivate(db, admin_client, rule):
    response = admin_client.post(f"/admin/routing/{ident(rule)}/active", data={"active": "0"})
    assert response.status_code == 302
    assert not db.session.get(RoutingRule, ident(rule)).is_active
    page = admin_client.get("/admin/routing").get_data(as_text=True)
    assert "deactivated" in page and "0 active" in page and "Reactivate" in page
    admin_client.post(f"/admin/routing/{ident(rule)}/active", data={"active": "1"})
    assert db.session.get(RoutingRule, ident(rule)).is_active
    changes = [
        e.changes.get("is_active")
        for e in db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.entity == "routing_rule", AuditEvent.action == "update")
            .order_by(AuditEvent.id)
        )
    ]
    assert changes == [[True, False], [False, True]]


def test_test_a_concern_shows_the_winning_rule_and_why(admin_client, rule, partners):
    response = admin_client.get(f"/admin/routing?ward={ESTON}&category=fire_setting")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="route-result"' in page
    assert (
        f"Rule #{ident(rule)} (fire setting and arson, any ward of Redcar and Cleveland) is the most specific" in page
    )
    assert "It names the ward&#39;s INT, which is INT-RC." in page
    assert f"rule, “rule {ident(rule)}”" in page
    lead = re.search(r"<dt>Leads</dt>\s*<dd>(.*?)</dd>", page, re.S).group(1)
    copied = re.search(r"<dt>Copied</dt>\s*<dd>(.*?)</dd>", page, re.S).group(1)
    assert "INT-RC" in lead and "CFB" in copied


def test_test_a_concern_without_a_covering_int_says_triage(admin_client, users):
    page = admin_client.get(f"/admin/routing?ward={YARM}&category=drugs").get_data(as_text=True)
    assert "OPCC triage queue" in page and "no rule matches and no INT covers the ward" in page


def test_test_a_concern_needs_a_ward_and_a_category(admin_client, users):
    response = admin_client.get("/admin/routing?ward=E05000000&category=")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "No ward called &#39;E05000000&#39;." in page and "Choose a category." in page


def test_sample_rules_carry_the_badge(db, admin_client, rule):
    db.session.get(RoutingRule, ident(rule)).is_demo = True
    db.session.commit()
    page = admin_client.get("/admin/routing").get_data(as_text=True)
    assert re.search(rf'#{ident(rule)}</a> <span class="sample"', page)


# ---- categories ----------------------------------------------------------------


def _category(db, code):
    return db.session.scalar(sa.select(Category).where(Category.code == code))


def test_add_a_category_then_it_is_offered(db, app, admin_client, officer_client):
    response = admin_client.post(
        "/admin/categories/new", data={"code": "street_drinking", "label": " Street drinking "}
    )
    assert response.status_code == 302
    made = _category(db, "street_drinking")
    assert made.label == "Street drinking" and made.is_active
    assert made.sort_order == max(c.sort_order for c in db.session.scalars(sa.select(Category)))
    codes = [c["code"] for c in officer_client.get("/api/v1/categories").get_json()["categories"]]
    assert codes[-1] == "street_drinking"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.entity == "category"))
    assert event.action == "create" and event.actor == "admin@example.org"


@pytest.mark.parametrize(
    "code, message",
    [
        ("Street Drinking", "Use 1 to 40 lowercase letters, digits or _"),
        ("street-drinking", "Use 1 to 40 lowercase letters, digits or _"),
        ("parking", "There is already a category with the code parking."),
    ],
)
def test_category_codes_are_checked(admin_client, users, code, message):
    response = admin_client.post("/admin/categories/new", data={"code": code, "label": "Something"})
    assert response.status_code == 422
    assert f'id="code-error">{message}' in response.get_data(as_text=True)


def test_rename_and_reorder_a_category(db, admin_client, officer_client, users):
    parking = _category(db, "parking")
    response = admin_client.post(
        f"/admin/categories/{ident(parking)}", data={"label": "Parking and obstruction", "sort_order": "1"}
    )
    assert response.status_code == 302
    first = officer_client.get("/api/v1/categories").get_json()["categories"][0]
    assert first == {"code": "parking", "label": "Parking and obstruction"}
    listing = admin_client.get("/admin/categories").get_data(as_text=True)
    assert listing.index("Parking and obstruction") < listing.index("Off-road motorbikes")
    missing = admin_client.post(f"/admin/categories/{ident(parking)}", data={"label": "", "sort_order": ""})
    assert missing.status_code == 422 and 'id="label-error"' in missing.get_data(as_text=True)


def test_retire_hides_a_category_from_new_concerns_but_keeps_old_ones(app, db, admin_client, officer_client, team):
    with app.app_context():
        old, _ = raise_concern(
            {"id": str(uuid.uuid4()), "category": "parking", "description": "before", "ward_code": CENTRAL}
        )
        db.session.commit()
        old_id = old.id
    parking = _category(db, "parking")
    response = admin_client.post(f"/admin/categories/{ident(parking)}/retired", data={"retired": "1"})
    assert response.status_code == 302
    assert not _category(db, "parking").is_active
    codes = [c["code"] for c in officer_client.get("/api/v1/categories").get_json()["categories"]]
    assert "parking" not in codes
    refused = officer_client.post(
        "/api/v1/concerns",
        json={"id": str(uuid.uuid4()), "category": "parking", "description": "after", "ward_code": CENTRAL},
    )
    assert refused.status_code in (400, 422) and "category" in refused.get_data(as_text=True)
    assert db.session.get(Concern, old_id).category.code == "parking"
    listing = admin_client.get("/admin/categories").get_data(as_text=True)
    assert "retired" in listing and "Bring back" in listing

    admin_client.post(f"/admin/categories/{ident(parking)}/retired", data={"retired": "0"})
    assert "parking" in [c["code"] for c in officer_client.get("/api/v1/categories").get_json()["categories"]]


# ---- the outbox --------------------------------------------------------------------


def test_outbox_lists_newest_first_and_filters_by_state(db, admin_client, failed_message, team):
    db.session.add(
        OutboxMessage(
            team_id=ident(team),
            recipient="int-test@example.org",
            subject="[engage] newer",
            body="x",
            message_id=f"<{uuid.uuid4()}@test>",
            state="sent",
            attempts=1,
        )
    )
    db.session.commit()
    page = admin_client.get("/admin/outbox").get_data(as_text=True)
    assert page.index("[engage] newer") < page.index("Lead: Drugs in Central")
    assert "550 mailbox unavailable" in page and "wrong@example.org" in page
    assert re.search(r'<tr class="state-failed failed">', page)
    failed_only = admin_client.get("/admin/outbox?state=failed").get_data(as_text=True)
    assert "Lead: Drugs in Central" in failed_only and "[engage] newer" not in failed_only
    unknown = admin_client.get("/admin/outbox?state=nonsense").get_data(as_text=True)
    assert "[engage] newer" in unknown


def test_failed_messages_are_counted_in_the_admin_navigation(admin_client, failed_message):
    users_page = admin_client.get("/admin/users").get_data(as_text=True)
    assert re.search(r'Outbox <span class="badge-alert"[^>]*>1 failed</span>', users_page)
    assert "1 e-mail has failed" in users_page


def test_no_failed_badge_when_nothing_failed(admin_client, users):
    assert "badge-alert" not in admin_client.get("/admin/users").get_data(as_text=True)


def test_retry_puts_a_failed_message_back_in_the_queue(db, admin_client, failed_message):
    before = utcnow()
    response = admin_client.post(f"/admin/outbox/{ident(failed_message)}/retry", data={"return_state": "failed"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/outbox?state=failed")
    message = db.session.get(OutboxMessage, ident(failed_message))
    assert (message.state, message.attempts) == ("pending", 0)
    next_attempt = (
        message.next_attempt_at
        if message.next_attempt_at.tzinfo
        else message.next_attempt_at.replace(tzinfo=before.tzinfo)
    )
    assert next_attempt >= before - timedelta(seconds=1)
    again = admin_client.post(f"/admin/outbox/{ident(failed_message)}/retry", follow_redirects=True)
    assert "is pending, not failed: nothing to retry" in again.get_data(as_text=True)
    assert "badge-alert" not in admin_client.get("/admin/users").get_data(as_text=True)


def test_retry_all_failed(db, admin_client, failed_message, team):
    db.session.add(
        OutboxMessage(
            team_id=ident(team),
            recipient="x@example.org",
            subject="s",
            body="b",
            message_id=f"<{uuid.uuid4()}@test>",
            state="failed",
            attempts=5,
        )
    )
    db.session.add(
        OutboxMessage(
            team_id=ident(team),
            recipient="y@example.org",
            subject="s",
            body="b",
            message_id=f"<{uuid.uuid4()}@test>",
            state="sent",
            attempts=1,
        )
    )
    db.session.commit()
    response = admin_client.post("/admin/outbox/retry-failed", follow_redirects=True)
    assert "2 failed messages back in the queue." in response.get_data(as_text=True)
    assert sorted(db.session.scalars(sa.select(OutboxMessage.state))) == ["pending", "pending", "sent"]


def test_retry_of_an_unknown_message_is_404(admin_client, users):
    assert admin_client.post("/admin/outbox/999999/retry").status_code == 404
