"""Where a concern is, as its page shows it: the point or the ward's outline for the
map, how it was placed, its grid reference, and the meeting it was raised at."""

from __future__ import annotations

import json
from dataclasses import dataclass

from engage.accounts.policy import Scope
from engage.concerns.models import Concern, Meeting
from engage.geography.models import Ward
from geodata import CoordinateError, grid_reference_at

# Concern.location_source, in words.
HOW_PLACED = {
    "gps": "By the phone's GPS, where the officer stood",
    "map": "By a tap on the map",
    "grid": "From a grid reference typed in",
    "meeting": "The meeting's ward: no exact place was given",
    "ward": "A ward chosen by hand",
}


@dataclass(frozen=True)
class Whereabouts:
    how: str
    grid_ref: str | None
    grid_ref_worked_out: bool  # from the point, none having been typed
    map_data: dict  # for static/js/concern_map.js: the point and the ward's outline
    meeting: Meeting | None
    meeting_ward: Ward | None  # whose inbox page lists the meeting, if the user may open it


def whereabouts(concern: Concern, scope: Scope) -> Whereabouts:
    how = HOW_PLACED.get(concern.location_source, concern.location_source)
    if concern.location_source == "ward" and concern.lon is not None:
        how += "; the point first recorded is still shown"
    grid_ref, worked_out = concern.grid_ref, False
    if not grid_ref and concern.lon is not None and concern.lat is not None:
        try:
            grid_ref, worked_out = grid_reference_at(concern.lon, concern.lat), True
        except CoordinateError:
            grid_ref = None  # a point off the grid (outside Great Britain) has none
    point = [concern.lat, concern.lon] if concern.lon is not None and concern.lat is not None else None
    outline = None
    if concern.ward is not None:
        outline = {
            "type": "Feature",
            "properties": {"ward_name": concern.ward.name, "ward_code": concern.ward.code},
            "geometry": json.loads(concern.ward.geometry),
        }
    map_data = {"point": point, "ward": outline}
    meeting = concern.meeting
    return Whereabouts(how, grid_ref, worked_out, map_data, meeting, _meeting_ward(concern, meeting, scope))


def _meeting_ward(concern: Concern, meeting: Meeting | None, scope: Scope) -> Ward | None:
    """The meeting has no page of its own: the ward inbox page lists a ward's meetings,
    to those the policy shows them (not a partner agency)."""
    if meeting is None:
        return None
    wards = sorted(meeting.wards, key=lambda w: w.id != concern.ward_id)  # the concern's ward first
    for ward in wards:
        if scope.may_open_ward(ward.id) and scope.sees_meetings_in([ward.id]):
            return ward
    return None
