"""A demo priorities consultation, closed, with answers spread over the wards (some
below its threshold), so that someone trying engage sees results on the ward pages, the
brief, the map and the Panel report. Marked `is_demo`, as its responses are; derived
from a fixed seed, so loading it twice changes nothing the second time."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from engage.concerns.models import Category
from engage.consultations.models import Consultation, ConsultationChoice, ConsultationResponse
from engage.consultations.services import create_consultation, record_response
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward
from engage.platform.dates import office_day

SLUG = "demo-community-priorities"
SEED = 22
# (label, the concern category it matches, how strongly residents pick it).
PRIORITIES = [
    ("Off-road bikes and quads", "off_road_bikes", 5),
    ("Drugs and dealing", "drugs", 6),
    ("Speeding and road safety", "speeding", 4),
    ("Antisocial behaviour by young people", "youth_asb", 4),
    ("Seeing officers on patrol", "visible_policing", 5),
    ("Burglary and theft", "burglary_theft", 3),
    ("Fly-tipping and litter", "fly_tipping", 2),
]
CHANNELS = (("online", 7), ("paper", 2), ("event", 1), ("import", 3))


def _demo_consultation():
    return db.session.scalar(sa.select(Consultation).where(Consultation.slug == SLUG, Consultation.is_demo))


def load_demo_consultation() -> list[str]:
    if _demo_consultation() is not None:
        return ["Demo consultation: already there."]
    boundary_set = current_boundary_set()
    if boundary_set is None:
        return ["Demo consultation: not loaded, no boundary set imported yet."]
    today = office_day()
    closes_on = today - timedelta(days=45)
    opens_on = closes_on - timedelta(days=70)
    categories = dict(db.session.execute(sa.select(Category.code, Category.id)).all())
    consultation = create_consultation(
        title="Community priorities (demo)",
        opens_on=opens_on,
        closes_on=closes_on,
        options=[label for label, _code, _weight in PRIORITIES],
        option_categories={label: categories.get(code) for label, code, _weight in PRIORITIES},
        today=opens_on,
        actor="demo",
        is_demo=True,
    )
    # Sharing the slug's name: create_consultation makes it from the title.
    consultation.slug = SLUG
    rng = random.Random(SEED)
    wards = db.session.scalars(sa.select(Ward).where(Ward.boundary_set_id == boundary_set.id).order_by(Ward.code)).all()
    by_label = {o.label: o.id for o in consultation.options}
    weights = [w for _label, _code, w in PRIORITIES]
    count = 0
    for ward in wards:
        # Most wards answer well; about one in five gives fewer than the threshold.
        n = rng.randint(2, 9) if rng.random() < 0.2 else rng.randint(12, 60)
        # Each ward leans to a priority or two of its own.
        leaning = [w * rng.choice((1, 1, 2, 3)) for w in weights]
        for _ in range(n):
            chosen = []
            for _pick in range(rng.choice((1, 2, 3, 3))):
                label = rng.choices([p[0] for p in PRIORITIES], leaning)[0]
                if label not in chosen:
                    chosen.append(label)
            channel = rng.choices([c for c, _w in CHANNELS], [w for _c, w in CHANNELS])[0]
            day = opens_on + timedelta(days=rng.randrange((closes_on - opens_on).days + 1))
            count += 1
            record_response(
                consultation,
                ward_id=None if rng.random() < 0.03 else ward.id,
                option_ids=[by_label[label] for label in chosen],
                today=day,
                channel=channel,
                source_ref=None if channel == "online" else f"DEMO-{count:05d}",
                browser_key=f"demo-{count}" if channel == "online" else None,
                submitted_at=datetime.combine(day, time(12, 0), tzinfo=UTC) + timedelta(minutes=rng.randrange(600)),
                actor="demo",
                is_demo=True,
            )
    return [f"Demo consultation: “{consultation.title}” with {count} responses over {len(wards)} wards."]


def clear_demo_consultation() -> list[str]:
    """Choices, responses, then the consultations: a choice holds on to its priority
    (RESTRICT), so nothing is left to the order the database cascades in."""
    ids = list(db.session.scalars(sa.select(Consultation.id).where(Consultation.is_demo)))
    responses = sa.select(ConsultationResponse.id).where(ConsultationResponse.consultation_id.in_(ids))
    db.session.execute(sa.delete(ConsultationChoice).where(ConsultationChoice.response_id.in_(responses)))
    db.session.execute(sa.delete(ConsultationResponse).where(ConsultationResponse.consultation_id.in_(ids)))
    for consultation in db.session.scalars(sa.select(Consultation).where(Consultation.id.in_(ids))):
        db.session.delete(consultation)
    db.session.flush()
    return [f"Demo consultations: {len(ids)} removed."]
