"""The Section 59 pages as staff and inspectors use them: adding a warning (errors beside
the fields, what was typed kept), importing a CSV (a duplicate reference refuses it; a
re-import skips what is stored), and the list with its filters and its scope."""

from __future__ import annotations

import io
import random
import string

from tests.conftest import logged_in_client

ESTON_GRID = "NZ 5624 1877"
CENTRAL_GRID = "NZ49661942"


def tag() -> str:
    return "".join(random.choices(string.ascii_uppercase, k=8))


def add(client, **values):
    form = {"reference": f"S59-{tag()}", "date": "2026-06-01", "vehicle": "motorbike", "outcome": "warning"}
    return client.post("/section59/new", data={**form, **values})


def listed(client, url="/section59") -> str:
    """The register's table on the list page (not the messages above it)."""
    text = client.get(url).get_data(as_text=True)
    return text[text.index('id="section59-register"') :]


def upload(client, text, name="warnings.csv"):
    return client.post(
        "/section59/import",
        data={"file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_staff_add_a_warning_and_see_it_listed_in_its_ward(app, users):
    staff = logged_in_client(app, users["staff"])
    reference = f"S59/{tag()}"
    answer = add(staff, reference=reference, grid_ref=ESTON_GRID, place="Eston Hills", outcome="seizure")
    assert answer.status_code == 302
    listed = staff.get(answer.headers["Location"]).get_data(as_text=True)
    assert f"Added {reference}, 1 June 2026 (Eston)." in listed
    assert reference in listed and "Eston Hills" in listed and "Seizure" in listed


def test_a_wrong_form_says_what_is_wrong_beside_each_field_and_keeps_what_was_typed(app, users):
    staff = logged_in_client(app, users["staff"])
    answer = add(staff, reference="", date="2026-06-31", vehicle="", grid_ref="NZ 562 1877", place="Flatts Lane")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "Nothing was added: 4 things need correcting below." in text
    for field, words in (
        ("reference", "Give the reference number"),
        ("date", "is not a date: use 2018-07-03"),
        ("vehicle", "Choose one of: Motorbike"),
        ("grid_ref", "odd number of digits"),
    ):
        assert f'<p class="error" id="{field}-error">' in text and words in text, field
        assert f'aria-describedby="{field}-error' in text
    assert 'value="Flatts Lane"' in text and 'value="NZ 562 1877"' in text and 'value="2026-06-31"' in text


def test_the_import_page_refuses_a_duplicate_reference_and_skips_on_reimport(app, users):
    staff = logged_in_client(app, users["staff"])
    a, b = f"S59-{tag()}", f"S59-{tag()}"
    header = "reference,date,place,grid_ref,vehicle,outcome\n"
    twice = (
        header
        + f"{a},2026-05-01,Eston Hills,{ESTON_GRID},motorbike,warning\n{a},2026-05-02,,{CENTRAL_GRID},quad,seizure\n"
    )
    refused = upload(staff, twice)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Nothing was imported." in text
    assert f"row 3: reference: {a} is also on row 2" in text
    assert a not in listed(staff, "/section59?source=real")

    good = (
        header
        + f"{a},2026-05-01,Eston Hills,{ESTON_GRID},motorbike,warning\n{b},2026-05-02,,{CENTRAL_GRID},quad,seizure\n"
    )
    done = upload(staff, good).get_data(as_text=True)
    assert "2 warnings imported; 0 already in the register, skipped." in done and a in done and b in done
    again = upload(staff, good).get_data(as_text=True)
    assert "0 warnings imported; 2 already in the register, skipped." in again
    assert f"Already in the register: {a}, {b}" in again


def test_an_inspector_lists_their_wards_warnings_and_may_not_add(app, users):
    staff = logged_in_client(app, users["staff"])
    mine, theirs = f"S59-{tag()}", f"S59-{tag()}"
    add(staff, reference=mine, grid_ref=CENTRAL_GRID)
    add(staff, reference=theirs, grid_ref=ESTON_GRID)
    inspector = logged_in_client(app, users["inspector"])
    page = inspector.get("/section59").get_data(as_text=True)
    assert mine in page and theirs not in page and "Add a warning" not in page
    assert inspector.post("/section59/new", data={}).status_code == 403


def test_the_filters_narrow_the_list_and_a_wrong_one_is_said(app, users):
    staff = logged_in_client(app, users["staff"])
    quad, bike = f"S59-{tag()}", f"S59-{tag()}"
    add(staff, reference=quad, grid_ref=ESTON_GRID, vehicle="quad", date="2026-03-01")
    add(staff, reference=bike, grid_ref=CENTRAL_GRID, date="2026-05-01")
    by_ward = listed(staff, "/section59?ward=Eston")
    assert quad in by_ward and bike not in by_ward
    by_vehicle = listed(staff, "/section59?vehicle=quad&from=2026-01-01")
    assert quad in by_vehicle and bike not in by_vehicle
    later = listed(staff, "/section59?from=2026-04-01&lad=E06000002")
    assert bike in later and quad not in later
    wrong = staff.get("/section59?to=soon&ward=Estonn")
    text = wrong.get_data(as_text=True)
    assert (
        wrong.status_code == 400
        and "&#39;soon&#39; is not a date" in text
        and "No ward called &#39;Estonn&#39;" in text
    )
    assert 'value="Estonn"' in text
