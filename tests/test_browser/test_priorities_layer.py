"""The map's "Consultation priorities" layer in a real browser: turned on from the layer
control, a ward shaded by the share choosing the priority picked in the legend, a ward
with too few responses hatched and said so, nothing fetched from off this machine, axe clean."""

from __future__ import annotations

import random
import string
from datetime import date, timedelta

import sqlalchemy as sa

from engage.consultations.services import create_consultation, record_response
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward
from tests.live import live_user_with_token
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_maps_page import log_in

CENTRAL, NEWPORT = "E05009857", "E05009866"


def consultation_with_answers(live_server) -> str:
    tag = "".join(random.choices(string.ascii_lowercase, k=8))
    closes_on = date.today() - timedelta(days=1)
    with live_server.app.app_context():
        c = create_consultation(
            title=f"Browser priorities {tag}",
            opens_on=closes_on - timedelta(days=30),
            closes_on=closes_on,
            options=["Drugs", "Speeding", "Visible policing"],
            today=closes_on - timedelta(days=31),
            actor="test",
        )
        ids = {o.label: o.id for o in c.options}
        wards = dict(
            db.session.execute(
                sa.select(Ward.code, Ward.id).where(
                    Ward.boundary_set_id == current_boundary_set().id, Ward.code.in_([CENTRAL, NEWPORT])
                )
            ).all()
        )
        answers = [(CENTRAL, ["Drugs"])] * 9 + [(CENTRAL, ["Speeding"])] * 3 + [(NEWPORT, ["Drugs"])] * 2
        for n, (code, labels) in enumerate(answers):
            record_response(
                c,
                ward_id=wards[code],
                option_ids=[ids[label] for label in labels],
                today=closes_on,
                channel="paper",
                source_ref=f"{tag}-{n}",
            )
        db.session.commit()
        return c.slug, ids


def test_the_priorities_layer_shades_wards_and_hatches_the_small_ones(page, live_server):
    slug, ids = consultation_with_answers(live_server)
    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/maps")
    page.locator("#concern-map[data-total]").wait_for(state="attached")

    page.get_by_role("checkbox", name="Consultation priorities").check()
    page.locator("#priorities-legend").wait_for()
    page.locator("#concern-map[data-priority]:not([data-priority=''])").wait_for(state="attached")
    page.get_by_label("Consultation", exact=True).select_option(slug)
    page.locator(f"#priorities-priority option[value='{ids['Drugs']}']").wait_for(state="attached")
    page.get_by_label("Priority", exact=True).select_option(str(ids["Drugs"]))
    page.locator(f"#concern-map[data-priority='{ids['Drugs']}']").wait_for(state="attached")

    legend = page.locator("#priorities-legend")
    assert "Share of each ward's responses choosing Drugs" in legend.inner_text()
    assert "Wards with fewer than 10 responses give no share." in legend.inner_text()
    assert "too few responses" in legend.inner_text()
    central = page.locator(f"path.priority-{CENTRAL}")
    newport = page.locator(f"path.priority-{NEWPORT}")
    assert central.get_attribute("fill") == "#2b8cbe"  # 9 of 12 chose drugs: 75%, the fourth fifth
    assert newport.get_attribute("fill") == "url(#hatch-few)"
    newport.hover()
    assert "Too few responses (2)" in page.locator(".leaflet-tooltip").inner_text()
    assert serious_violations(page) == []
    assert page.blocked_requests == []
