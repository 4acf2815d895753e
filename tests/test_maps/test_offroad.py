"""The off-road vehicles view: its monthly figures per ward checked against direct SQL,
what each kind of user sees of concerns and of the Section 59 register, the page's
answers to wrong input, and the demo data's Eston hotspot."""

from __future__ import annotations

import random
import string
import uuid
from collections import Counter
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa

from engage.accounts.models import User
from engage.accounts.policy import scope_for
from engage.concerns.capture import raise_concern
from engage.demo.services import clear_demo, load_demo
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward
from engage.maps.offroad import Area, offroad_view
from engage.platform.db import UTCDateTime
from engage.records.models import Section59Warning
from engage.records.section59 import add_warning
from tests.conftest import TODAY, logged_in_client, make_team, make_user

CENTRAL, NEWPORT, ESTON = "E05009857", "E05009866", "E05001508"
FROM, TO = date(2026, 1, 1), TODAY  # pinned: 17 June 2026


def tag() -> str:
    return "".join(random.choices(string.ascii_lowercase, k=8))


def ward(code) -> Ward:
    return db.session.scalar(
        sa.select(Ward).where(Ward.boundary_set_id == current_boundary_set().id, Ward.code == code)
    )


def concern(code, day, category="off_road_bikes", placed=True, is_demo=False, user=None):
    w = ward(code)
    where = {"lon": w.label_lon, "lat": w.label_lat} if placed else {"ward_code": code}
    raised = datetime.combine(day, time(19, 30), tzinfo=UTC)
    c, _ = raise_concern(
        {
            "id": str(uuid.uuid4()),
            "category": category,
            "description": f"bikes {tag()}",
            "raised_at": raised.isoformat(),
            **where,
        },
        user,
        is_demo=is_demo,
    )
    return c


def warning(code, day, outcome="warning"):
    w = ward(code)
    return add_warning(
        {
            "reference": f"S59-{tag()}",
            "date": day.isoformat(),
            "latitude": str(w.label_lat),
            "longitude": str(w.label_lon),
            "vehicle": "motorbike",
            "outcome": outcome,
        },
        today=TODAY,
        actor="test",
    )


@pytest.fixture
def offroad(app, users):
    """Off-road concerns, warnings and seizures in three wards over several months, and
    what must not count: another category, a demo concern, a day outside the period."""
    officer = users["officer"]
    with app.app_context():
        return _offroad_data(officer)


def _offroad_data(officer):
    for code, day, extra in [
        (CENTRAL, date(2026, 1, 5), {}),
        (CENTRAL, date(2026, 1, 31), {}),
        (CENTRAL, date(2026, 3, 1), {"placed": False}),
        (NEWPORT, date(2026, 6, 17), {}),
        (ESTON, date(2026, 2, 14), {}),
        (ESTON, date(2026, 2, 15), {}),
        # Not counted: another category, demo, before the period.
        (CENTRAL, date(2026, 1, 6), {"category": "drugs"}),
        (CENTRAL, date(2026, 1, 7), {"is_demo": True}),
        (CENTRAL, date(2025, 12, 31), {}),
    ]:
        concern(code, day, user=None if extra.get("is_demo") else officer, **extra)
    warnings = [
        warning(CENTRAL, date(2026, 1, 9)),
        warning(CENTRAL, date(2026, 1, 20), "seizure"),
        warning(ESTON, date(2026, 2, 20)),
        warning(ESTON, date(2026, 4, 1)),
        warning(ESTON, date(2026, 4, 30), "seizure"),
        warning(ESTON, date(2025, 11, 30)),  # before the period
    ]
    db.session.commit()
    return [(w.reference, w.ward.code, w.occurred_on) for w in warnings]


def scope_of(user):
    """The user's scope, read again: the fixtures' objects outlive their app context."""
    return scope_for(db.session.get(User, sa.inspect(user).identity[0]))


def direct_sql() -> dict[tuple[str, date], Counter]:
    """Per ward code and first of month, the period's counts, by plain SQL over the tables."""
    figures: dict[tuple[str, date], Counter] = {}
    concerns = db.session.execute(
        sa.text(
            "SELECT w.code, c.raised_at FROM concern c JOIN category k ON k.id = c.category_id "
            "JOIN ward w ON w.id = c.ward_id WHERE k.code = 'off_road_bikes' AND c.is_demo = :no"
        )
        .bindparams(no=False)
        .columns(code=sa.String, raised_at=UTCDateTime)
    ).all()
    for code, raised in concerns:
        if FROM <= raised.date() <= TO:
            figures.setdefault((code, raised.date().replace(day=1)), Counter())["concerns"] += 1
    warnings = db.session.execute(
        sa.text(
            "SELECT w.code, s.occurred_on, s.outcome FROM section59_warning s JOIN ward w ON w.id = s.ward_id "
            "WHERE s.is_demo = :no AND s.occurred_on BETWEEN :lo AND :hi"
        )
        .bindparams(no=False, lo=FROM, hi=TO)
        .columns(code=sa.String, occurred_on=sa.Date, outcome=sa.String)
    ).all()
    for code, day, outcome in warnings:
        figures.setdefault((code, day.replace(day=1)), Counter())[outcome + "s"] += 1
    return figures


def as_figures(view) -> dict[tuple[str, date], Counter]:
    out = {}
    for s in view.series:
        for m in s.months:
            counts = Counter(concerns=m.concerns, warnings=m.warnings, seizures=m.seizures)
            counts = +counts  # drop zeros
            if counts:
                out[(s.ward.code, m.first)] = counts
    return out


def test_the_figures_per_ward_and_month_are_those_direct_sql_counts(db, users, offroad):
    view = offroad_view(scope_of(users["staff"]), Area(current_boundary_set()), FROM, TO, is_demo=False)
    assert view.months == [date(2026, m, 1) for m in range(1, 7)]
    assert as_figures(view) == direct_sql()
    central = next(s for s in view.series if s.ward.code == CENTRAL)
    assert (central.concerns, central.warnings, central.seizures) == (3, 1, 1)
    # Hotspots first, a tie by name: Central and Eston have five each, Newport one.
    assert [s.ward.code for s in view.series] == [CENTRAL, ESTON, NEWPORT]
    # The concern placed by its ward only is counted, not drawn.
    assert view.concerns_unplaced == 1 and len(view.concern_points) == 5
    assert len(view.warning_points) == 5 and not view.counts_only


def test_one_ward_shows_that_wards_figures_only(db, users, offroad):
    area = Area(current_boundary_set(), ward=ward(ESTON))
    view = offroad_view(scope_of(users["staff"]), area, FROM, TO, is_demo=False)
    assert [s.ward.code for s in view.series] == [ESTON]
    assert {k: v for k, v in direct_sql().items() if k[0] == ESTON} == as_figures(view)
    assert {p["reference"] for p in view.warning_points} == {
        r for r, code, day in offroad if code == ESTON and day >= FROM
    }


def test_an_inspector_sees_only_their_concerns_and_their_wards_warnings(db, users, offroad):
    view = offroad_view(scope_of(users["inspector"]), Area(current_boundary_set()), FROM, TO, is_demo=False)
    # INT-TEST covers Central, Newport and North Ormesby: Eston's concerns and warnings are not theirs.
    assert {s.ward.code for s in view.series} == {CENTRAL, NEWPORT}
    assert as_figures(view) == {k: v for k, v in direct_sql().items() if k[0] in (CENTRAL, NEWPORT)}
    assert {p["ward"] for p in view.concern_points} == {"Central", "Newport"}
    assert {p["ward"] for p in view.warning_points} == {"Central"}


def test_a_partner_agency_sees_counts_of_warnings_but_never_where_or_which(db, users, offroad):
    partner_team = make_team("CFB-TEST", ward_codes=(), kind="partner", coverage="all")
    partner = make_user("partner@example.org", "inspector", teams=[partner_team])
    view = offroad_view(scope_of(partner), Area(current_boundary_set()), FROM, TO, is_demo=False)
    assert view.counts_only and view.warning_points == []
    eston = next(s for s in view.series if s.ward.code == ESTON)
    # No off-road concern is routed to the fire brigade: none of them is theirs to see.
    assert (eston.concerns, eston.warnings, eston.seizures) == (0, 2, 1) and view.concern_points == []


def test_the_page_draws_a_chart_and_table_per_ward_and_hides_the_register_from_a_partner(app, users, offroad):
    staff = logged_in_client(app, users["staff"])
    page = staff.get("/maps/off-road?ward=Eston&from=2026-01-01&to=2026-06-17&source=real")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Off-road vehicles: Eston" in text
    assert "2 concerns, 2 warnings, 1 seizure" in text
    assert '<th scope="row">April 2026</th><td>0</td><td>1</td><td>1</td>' in text
    # A bar per figure above nought: February's concerns (2) and warning, April's warning and seizure.
    assert text.count('class="bar bar-') == 4 and 'class="bar bar-concerns" data-value="2"' in text
    assert offroad[2][0] in text and "The Section 59 register" in text

    partner_team = make_team("CFB-TEST", ward_codes=(), kind="partner", coverage="all")
    partner = logged_in_client(app, make_user("partner@example.org", "inspector", teams=[partner_team]))
    seen = partner.get("/maps/off-road?ward=Eston&from=2026-01-01&to=2026-06-17&source=real").get_data(as_text=True)
    assert "2 warnings, 1 seizure" in seen and offroad[2][0] not in seen
    assert "monthly counts per ward only" in seen and "The Section 59 register" not in seen
    assert logged_in_client(app, users["officer"]).get("/maps/off-road").status_code == 403


def test_wrong_input_is_said_and_what_was_typed_stays(app, users):
    staff = logged_in_client(app, users["staff"])
    page = staff.get("/maps/off-road?ward=Estonia&from=2026-02-30&lad=E0600")
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "No ward called &#39;Estonia&#39;" in text and 'value="Estonia"' in text
    assert "&#39;2026-02-30&#39; is not a date" in text and "&#39;E0600&#39; is not one of" in text
    too_long = staff.get("/maps/off-road?from=2010-01-01&to=2026-06-01").get_data(as_text=True)
    assert "Choose at most 5 years" in too_long


def test_the_ward_page_links_the_view_for_those_who_may_open_it(app, users):
    url = f"/wards/{ESTON}"
    assert "Off-road vehicles in Eston" in logged_in_client(app, users["inspector"]).get(url).get_data(as_text=True)
    assert "Off-road vehicles in Eston" not in logged_in_client(app, users["officer"]).get(url).get_data(as_text=True)
    assert "Off-road vehicles in Eston" not in app.test_client().get(url).get_data(as_text=True)


def test_demo_warnings_gather_where_the_demo_off_road_concerns_are_and_never_count_as_real(app_ctx, db, users):
    load_demo()
    db.session.commit()
    staff = scope_of(users["staff"])
    eston = Area(current_boundary_set(), ward=ward(ESTON))
    start = date.fromordinal(TODAY.toordinal() - 364)
    demo = offroad_view(staff, eston, start, TODAY, is_demo=True)
    (series,) = demo.series
    assert series.concerns >= 1 and series.warnings + series.seizures >= 5
    assert demo.concern_points and demo.warning_points
    assert all(p["reference"].startswith("DEMO-S59-") for p in demo.warning_points)
    real = offroad_view(staff, eston, start, TODAY, is_demo=False)
    assert real.warning_points == [] and all(s.warnings + s.seizures == 0 for s in real.series)
    stored = db.session.scalar(sa.select(sa.func.count()).select_from(Section59Warning))
    load_demo()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Section59Warning)) == stored
    clear_demo()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Section59Warning)) == 0
