"""Whole numbers in an address's query string: one beyond what the database holds, a
negative one where none makes sense, or text, is 400 naming the parameter (a page for
people, JSON for the API, Open311's own format), never a 500 from an overflowed query
or date, and never quietly read as something else."""
from __future__ import annotations

import html

import pytest

from engage.services.parameters import BadParameter, whole_number

# (address, parameter, answered as)
ROUTES = [
    ("/inbox", "page", "page"), ("/inbox", "older", "page"), ("/inbox", "team", "page"),
    ("/inbox/wards/E05009857", "page", "page"), ("/admin/audit", "page", "page"), ("/admin/outbox", "page", "page"),
    ("/api/v1/maps/heat", "zoom", "json"),
    ("/open311/v2/requests.json", "page", "open311"), ("/open311/v2/requests.json", "page_size", "open311"),
]
# Beyond the database (either way), thousands of digits, not digits, another script's digits.
ANYWHERE = ["2147483648", "99999999999999999999", "-99999999999999999999", "9" * 5000, "lots", "1e3", "1.5",
            "²", "٣"]
# Numbers that mean nothing for that parameter.
MEANINGLESS = {"page": ["0", "-1"], "older": ["-1"], "team": ["0", "-3"], "page_size": ["0", "-1"]}

CASES = [(url, name, kind, value) for url, name, kind in ROUTES for value in ANYWHERE + MEANINGLESS.get(name, [])]


@pytest.mark.parametrize("url, name, kind, value", CASES,
                         ids=[f"{u}?{n}={v[:12]}" for u, n, _, v in CASES])
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


@pytest.mark.parametrize("url", ["/inbox?page=2&older=30&team=1", "/inbox/wards/E05009857?page=1",
                                 "/admin/audit?page=3", "/admin/outbox?page=1", "/api/v1/maps/heat?zoom=-5",
                                 "/open311/v2/requests.json?page=2&page_size=10", "/inbox?page=&older="])
def test_numbers_in_range_are_used(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_a_zoom_beyond_the_map_is_drawn_at_the_nearest(admin_client):
    assert admin_client.get("/api/v1/maps/heat?zoom=2147483647").get_json()["zoom"] == 17
    assert admin_client.get("/api/v1/maps/heat?zoom=-2147483647").get_json()["zoom"] == 8


@pytest.mark.parametrize("raw, expected", [("", 7), ("  ", 7), ("0", 0), ("42", 42), (" 42 ", 42), ("007", 7),
                                           ("2147483647", 2147483647), ("-0", 0)])
def test_whole_number(raw, expected):
    assert whole_number({"n": raw}, "n", 7) == expected


@pytest.mark.parametrize("raw", ["-1", "2147483648", "0" * 30 + "2147483648", "+1", "1_000", "0x10", "١"])
def test_whole_number_refuses(raw):
    with pytest.raises(BadParameter) as refused:
        whole_number({"n": raw}, "n", 7)
    assert refused.value.name == "n" and str(refused.value).startswith("n: ")
