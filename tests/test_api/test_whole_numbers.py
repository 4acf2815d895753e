"""Whole numbers in an address's query string: one beyond what the database holds, a
negative one where none makes sense, or text, is 400 naming the parameter (a page for
people, JSON for the API, Open311's own format), never a 500 from an overflowed query
or date, and never quietly read as something else. Whole numbers in forms and imported
files beyond the database's integer column are refused at the field, or the row."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from engage.concerns.models import Category
from engage.platform.parameters import BadParameter, whole_number
from engage.teams.models import RoutingRule

# (address, parameter, answered as)
ROUTES = [
    ("/inbox", "page", "page"),
    ("/inbox", "older", "page"),
    ("/inbox", "team", "page"),
    ("/inbox/wards/E05009857", "page", "page"),
    ("/admin/audit", "page", "page"),
    ("/admin/outbox", "page", "page"),
    ("/api/v1/maps/heat", "zoom", "json"),
    ("/open311/v2/requests.json", "page", "open311"),
    ("/open311/v2/requests.json", "page_size", "open311"),
]
# Beyond the database (either way), thousands of digits, not digits, another script's digits.
ANYWHERE = ["2147483648", "99999999999999999999", "-99999999999999999999", "9" * 5000, "lots", "1e3", "1.5", "²", "٣"]
# Numbers that mean nothing for that parameter.
MEANINGLESS = {"page": ["0", "-1"], "older": ["-1"], "team": ["0", "-3"], "page_size": ["0", "-1"]}

CASES = [(url, name, kind, value) for url, name, kind in ROUTES for value in ANYWHERE + MEANINGLESS.get(name, [])]


@pytest.mark.parametrize("url, name, kind, value", CASES, ids=[f"{u}?{n}={v[:12]}" for u, n, _, v in CASES])
def test_a_whole_number_out_of_range_is_400_naming_it(admin_client, url, name, kind, value):
    response = admin_client.get(url, query_string={name: value})
    assert response.status_code == 400
    if kind == "page":
        assert response.mimetype == "text/html"
        assert f"{name}: " in html.unescape(response.get_data(as_text=True))
    elif kind == "json":
        assert response.get_json()["error"].startswith(f"{name}: ")
    else:
        [error] = response.get_json()
        assert error["code"] == 400 and error["description"].startswith(f"{name} must be a whole number from 1 ")


def test_the_messages_say_what_is_wanted(admin_client):
    too_big = admin_client.get("/api/v1/maps/heat?zoom=99999999999999999999").get_json()["error"]
    assert too_big == "zoom: must be from -2147483647 to 2147483647 (got 99999999999999999999)"
    assert admin_client.get("/api/v1/maps/heat?zoom=lots").get_json()["error"] == "zoom: 'lots' is not a whole number"
    page = html.unescape(admin_client.get("/admin/audit?page=0").get_data(as_text=True))
    assert "page: must be from 1 to 2147483647 (got 0)" in page
    inbox = html.unescape(admin_client.get("/inbox?older=99999").get_data(as_text=True))
    assert "older: must be from 0 to 36500 (got 99999)" in inbox
    assert "Inbox" in inbox  # the inbox itself, saying which filter it could not use


@pytest.mark.parametrize(
    "url",
    [
        "/inbox?page=2&older=30&team=1",
        "/inbox/wards/E05009857?page=1",
        "/admin/audit?page=3",
        "/admin/outbox?page=1",
        "/api/v1/maps/heat?zoom=-5",
        "/open311/v2/requests.json?page=2&page_size=10",
        "/inbox?page=&older=",
    ],
)
def test_numbers_in_range_are_used(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_a_zoom_beyond_the_map_is_drawn_at_the_nearest(admin_client):
    assert admin_client.get("/api/v1/maps/heat?zoom=2147483647").get_json()["zoom"] == 17
    assert admin_client.get("/api/v1/maps/heat?zoom=-2147483647").get_json()["zoom"] == 8


@pytest.mark.parametrize(
    "raw, expected",
    [("", 7), ("  ", 7), ("0", 0), ("42", 42), (" 42 ", 42), ("007", 7), ("2147483647", 2147483647), ("-0", 0)],
)
def test_whole_number(raw, expected):
    assert whole_number({"n": raw}, "n", 7) == expected


@pytest.mark.parametrize("raw", ["-1", "2147483648", "0" * 30 + "2147483648", "+1", "1_000", "0x10", "١"])
def test_whole_number_refuses(raw):
    with pytest.raises(BadParameter) as refused:
        whole_number({"n": raw}, "n", 7)
    assert refused.value.name == "n" and str(refused.value).startswith("n: ")


# --- forms and files -------------------------------------------------------------------

BEYOND = ["2147483648", "99999999999999999999", "-99999999999999999999"]


@pytest.mark.parametrize("value", BEYOND)
def test_a_form_number_beyond_the_database_is_refused_beside_it(admin_client, db, team, value):
    rule = admin_client.post(
        "/admin/routing/new",
        data={
            "ward": "E05009857",
            "local_authority": "",
            "category": "drugs",
            "lead_team": "INT-TEST",
            "priority": value,
        },
    )
    assert rule.status_code == 422
    assert 'id="priority-error">Give a whole number from -2147483647 to 2147483647.' in rule.get_data(as_text=True)
    category = admin_client.post(
        "/admin/categories/new", data={"code": "litter", "label": "Litter", "sort_order": value}
    )
    assert category.status_code == 422 and 'id="sort_order-error">Give a whole number' in category.get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoutingRule)) == 0
    assert db.session.scalar(sa.select(Category).where(Category.code == "litter")) is None


def test_imported_numbers_beyond_the_database_are_the_rows_problem(app_ctx, db, tmp_path, team):
    from datetime import date

    from engage.concerns.import_meetings import plan_import, read_rows
    from engage.teams.rules import RuleImportError, import_rules

    rules = tmp_path / "rules.csv"
    rules.write_text(
        "ward_code,lad_code,category,lead_team,copy_teams,priority,note\n"
        "E05009857,,drugs,INT-TEST,,99999999999999999999,\n"
    )
    with pytest.raises(RuleImportError) as refused:
        import_rules(str(rules), edited_by="test")
    assert refused.value.problems == [
        "row 2: priority: must be from -2147483647 to 2147483647 (got 99999999999999999999)"
    ]

    meetings = tmp_path / "meetings.csv"
    meetings.write_text(
        "Date,Ward,Venue,Attendance\n2019-03-04,Brotton,Hall,99999999999\n"
        f'2019-03-05,Brotton,Hall,{"9" * 5000}\n2019-03-06,Brotton,Hall,"1,000,000,000,000,000"\n'
    )
    plan = plan_import(read_rows(meetings), today=date(2026, 6, 1))
    assert [(p.row, p.reason) for p in plan.problems] == [
        (2, "attendance 99999999999 is more than 2147483647"),
        (3, f"attendance '{'9' * 40}' is not a whole number"),
        (4, "attendance '1,000,000,000,000,000' is not a whole number"),
    ]
