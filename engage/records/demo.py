"""Demo police.uk months: invented counts per ward and crime type, marked is_demo, for
the pages to show before anyone has imported a real month. A month holding a real
import is never touched; the demo is shown only as demo (engage/demo/source.py)."""

from __future__ import annotations

import random

import sqlalchemy as sa

from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward
from engage.platform.dates import add_months, office_day
from engage.records.models import RecordedMonth
from engage.records.policeuk import MonthTally, store_months

DEMO_MONTHS = 12

# Rough monthly rows per ward (police.uk's Cleveland files hold some 10,000 rows a month
# over 79 wards), so the demo looks like a month and not like noise.
DEMO_RATES = {
    "Anti-social behaviour": 22,
    "Violence and sexual offences": 28,
    "Criminal damage and arson": 8,
    "Shoplifting": 9,
    "Public order": 8,
    "Burglary": 3,
    "Vehicle crime": 3,
    "Other theft": 4,
    "Drugs": 2,
}


def load_demo_months(today=None) -> list[str]:
    """The twelve months before this one, each as a demo month unless one is stored
    already (real, or demo from an earlier load: loading again changes nothing); the
    same counts each time (seeded by month and ward). The caller commits."""
    boundary_set = current_boundary_set()
    if boundary_set is None:
        return ["No wards imported: no demo months added."]
    wards = db.session.scalars(sa.select(Ward.code).where(Ward.boundary_set_id == boundary_set.id)).all()
    first_of_this_month = (today or office_day()).replace(day=1)
    months = [add_months(first_of_this_month, -n) for n in range(DEMO_MONTHS, 0, -1)]
    stored = dict(
        db.session.execute(
            sa.select(RecordedMonth.month, RecordedMonth.is_demo).where(RecordedMonth.month.in_(months))
        ).all()
    )
    real = [m for m, is_demo in stored.items() if not is_demo]
    tallies = []
    for month in months:
        if month in stored:
            continue
        tally = MonthTally(month, files=["demo"])
        for code in wards:
            rng = random.Random(f"{month.isoformat()}-{code}")
            busy = random.Random(code).uniform(0.3, 2.2)  # some wards are busier every month
            for crime_type, rate in DEMO_RATES.items():
                n = int(rng.gauss(rate * busy, rate * busy / 3) + 0.5)
                if n > 0:
                    tally.counts[(code, crime_type)] = n
        tally.unplaced = random.Random(month.isoformat()).randint(20, 80)
        tallies.append(tally)
    store_months(tallies, imported_by="demo", is_demo=True)
    kept = f"; {len(real)} month{'' if len(real) == 1 else 's'} with a real import kept" if real else ""
    already = len(stored) - len(real)
    there = f"; {already} already there" if already else ""
    return [f"Demo police.uk months: {len(tallies)} added{there}{kept}."]


def clear_demo_months() -> list[str]:
    months = db.session.scalars(sa.select(RecordedMonth).where(RecordedMonth.is_demo)).all()
    for month in months:
        db.session.delete(month)
    return [f"Demo police.uk months: {len(months)} removed."]
