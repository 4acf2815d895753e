"""A year of invented meetings and concerns across the wards, to try the app with.

Every row is marked is_demo, shown as demo, and left out of real figures. Ids are
derived from a fixed seed, so loading twice changes nothing the second time.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

import shapely
import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.actions.services import create_action
from engage.concerns.capture import raise_concern, record_meeting
from engage.concerns.models import Concern, Meeting, StatusChange, concern_copy
from engage.concerns.workflow import change_status
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward

NAMESPACE = uuid.UUID("6f2d0c8e-3c1b-4f7a-9d7e-2b5f1a9c0e11")

# Wards of more than 10 km² are rural here: lack of visible policing and off-road
# bikes dominate there, youth ASB and drugs in the towns (Programme of Engagement, 2018).
RURAL_WEIGHTS = {
    "visible_policing": 9,
    "off_road_bikes": 8,
    "speeding": 6,
    "fly_tipping": 4,
    "fire_setting": 3,
    "burglary_theft": 3,
    "youth_asb": 3,
    "vehicle_crime": 2,
    "drugs": 1,
    "parking": 1,
    "other": 1,
}

URBAN_WEIGHTS = {
    "youth_asb": 9,
    "drugs": 7,
    "off_road_bikes": 6,
    "visible_policing": 5,
    "fly_tipping": 4,
    "parking": 4,
    "burglary_theft": 3,
    "neighbour_noise": 3,
    "fire_setting": 2,
    "speeding": 3,
    "vehicle_crime": 2,
    "other": 1,
}

SAYINGS = {
    "off_road_bikes": [
        "Off-road bikes and quads racing across the playing fields most evenings",
        "Quad bikes riding on the footpaths by the beck, nearly hit a child",
    ],
    "youth_asb": [
        "Groups of youths gathering outside the shops and intimidating customers",
        "Young people throwing stones at buses on the estate",
    ],
    "visible_policing": [
        "We never see a police officer or PCSO on foot round here any more",
        "Rural villages feel forgotten: no patrols since the summer",
    ],
    "speeding": ["Cars speeding through the village well over 30", "Racing on the main road late at night"],
    "drugs": ["Drug dealing from a car parked by the play area", "Cannabis smell and dealing outside the flats"],
    "fire_setting": ["Wheelie bins set alight in the back lanes", "Grass fires on the hills again"],
    "fly_tipping": ["Mattresses and rubble dumped in the back alley", "Fly-tipping along the lane to the farm"],
    "parking": ["Parking on the pavement outside the school at home time"],
    "burglary_theft": ["Sheds broken into along the street", "Bikes stolen from gardens"],
    "vehicle_crime": ["Catalytic converters stolen from cars on the street"],
    "neighbour_noise": ["Loud parties every weekend at one address"],
    "other": ["Street lighting out on the footpath, people feel unsafe"],
}

WE_DID = {
    "off_road_bikes": "Operation Endurance patrols targeted the area; two bikes seized under Section 59.",
    "youth_asb": "Youth outreach workers engaged the group; dispersal patrols on Friday evenings.",
    "visible_policing": "Neighbourhood officers now hold a monthly street surgery in the village.",
    "speeding": "Speed checks held with Community Speed Watch; 40 drivers warned.",
    "drugs": "Intelligence passed to the drugs team; a warrant was executed.",
    "fire_setting": "Joint patrols with Cleveland Fire Brigade; bins moved off the back lanes.",
    "fly_tipping": "The council cleared the waste and installed a camera.",
}

VENUES = ["Community Centre", "Library", "Methodist Church Hall", "Primary School", "Village Hall", "Youth Centre"]


def _id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def _point_in(geometry, rng: random.Random):
    minx, miny, maxx, maxy = geometry.bounds
    for _ in range(200):
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geometry.contains(shapely.Point(lon, lat)):
            return round(lon, 6), round(lat, 6)
    point = geometry.representative_point()
    return point.x, point.y


def load_demo_activity(today: date | None = None, seed: int = 2018) -> list[str]:
    boundary_set = current_boundary_set()
    if boundary_set is None:
        return ["Demo meetings: no boundary set imported."]
    today = today or date.today()
    wards = db.session.scalars(
        sa.select(Ward)
        .where(Ward.boundary_set_id == boundary_set.id)
        .options(so.undefer(Ward.geometry))
        .order_by(Ward.code)
    ).all()
    meetings = concerns = 0
    for ward in wards:
        # One generator per ward (and per concern below): what exists already cannot
        # shift what comes next, so a second load finds every id and adds nothing.
        rng = random.Random(f"{seed}/{ward.code}")
        geometry = shapely.from_geojson(ward.geometry)
        rural = shapely.area(geometry) > 0.0014  # about 10 km² at this latitude
        weights = RURAL_WEIGHTS if rural else URBAN_WEIGHTS
        held_on = today - timedelta(days=rng.randint(5, 360))
        plan = [(held_on, "your_force_your_voice", "held")]
        if rng.random() < 0.35:
            plan.append(
                (today - timedelta(days=rng.randint(5, 360)), rng.choice(["residents_association", "pact"]), "held")
            )
        if rng.random() < 0.25:
            plan.append((today + timedelta(days=rng.randint(3, 60)), "your_force_your_voice", "planned"))
        for n, (day, kind, status) in enumerate(plan):
            meeting_id = _id("meeting", ward.code, n)
            venue = f"{ward.name} {rng.choice(VENUES)}"
            _, created = record_meeting(
                {
                    "id": meeting_id,
                    "kind": kind,
                    "ward_codes": [ward.code],
                    "date": day.isoformat(),
                    "start_time": rng.choice(["14:00", "18:00", "18:30", "19:00"]),
                    "venue": venue,
                    "status": status,
                    "attendance": rng.randint(6, 45) if status == "held" else None,
                    "pcc_attended": rng.random() < 0.4,
                    "notes": "Demo meeting (invented).",
                },
                is_demo=True,
            )
            meetings += created
            if status != "held":
                continue
            for k in range(rng.randint(2, 7)):
                category = rng.choices(list(weights), weights=list(weights.values()))[0]
                lon, lat = _point_in(geometry, rng)
                raised = datetime.combine(day, time(18, 0), tzinfo=UTC) + timedelta(minutes=7 * k)
                concern, created = raise_concern(
                    {
                        "id": _id("concern", ward.code, n, k),
                        "meeting_id": meeting_id,
                        "category": category,
                        "description": rng.choice(SAYINGS[category]),
                        "lon": lon,
                        "lat": lat,
                        "location_source": "map",
                        "raised_at": raised.isoformat(),
                        "residents": rng.randint(1, 6),
                        "priority": "high" if rng.random() < 0.15 else "normal",
                    },
                    is_demo=True,
                )
                concerns += created
                if created:
                    _progress(concern, category, raised, (today - day).days, random.Random(concern.id))
    return [f"Demo meetings: {meetings} created; demo concerns: {concerns} created (all marked demo)."]


def _progress(concern: Concern, category: str, raised: datetime, age: int, rng: random.Random) -> None:
    """Older concerns have moved on through the workflow, as real ones would."""
    if age < 7 or concern.lead_team_id is None:
        return
    step = raised + timedelta(days=rng.randint(1, 6))
    change_status(concern, "acknowledged", "", None, "demo", at=step)
    if age > 30 and rng.random() < 0.7:
        step += timedelta(days=rng.randint(5, 20))
        if category in WE_DID:
            change_status(concern, "action_taken", WE_DID[category], None, "demo", at=step)
            if age > 90 and rng.random() < 0.6:
                change_status(concern, "closed", "", None, "demo", at=step + timedelta(days=rng.randint(7, 30)))
        else:
            change_status(concern, "in_progress", "", None, "demo", at=step)
            _agree_action(concern, step.date(), rng)


# What a lead team agrees to do about a concern it is still working on (demo, invented).
DEMO_ACTIONS = (
    "Patrol the area on Tuesday and Friday evenings",
    "Speak to the housing provider about the site",
    "Arrange a joint visit with the council's ASB officer",
    "Report back to the residents' association",
)


def _agree_action(concern: Concern, on: date, rng: random.Random) -> None:
    """The lead team's action on a concern in progress: due three weeks to eight months
    after it was agreed, so some of the older ones are overdue in the inbox."""
    create_action(
        title=rng.choice(DEMO_ACTIONS),
        due_date=on + timedelta(days=rng.randint(21, 240)),
        today=on,
        actor_id=None,
        actor="demo",
        owner_team=concern.lead_team,
        concern=concern,
    )


def clear_demo_activity() -> list[str]:
    demo_concerns = sa.select(Concern.id).where(Concern.is_demo)
    db.session.execute(sa.delete(StatusChange).where(StatusChange.concern_id.in_(demo_concerns)))
    db.session.execute(sa.delete(concern_copy).where(concern_copy.c.concern_id.in_(demo_concerns)))
    concerns = db.session.scalars(sa.select(Concern).where(Concern.is_demo)).all()
    for concern in concerns:
        db.session.delete(concern)
    db.session.flush()
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.is_demo)).all()
    for meeting in meetings:
        db.session.delete(meeting)
    return [f"Demo concerns: {len(concerns)} removed; demo meetings: {len(meetings)} removed."]
