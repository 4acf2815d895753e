"""Finding a ward from what people write: its code, or its name as typed in a
spreadsheet or an address ("Brotton ward", "st germains", "Stainton and Thornton"),
in the boundary set that was in force on a given day.

Used by the historical meetings import and by Open311 `address_string`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from engage.extensions import db
from engage.geography.models import BoundarySet, Ward

WARD_CODE = re.compile(r"^[EWSN]\d{8}$")

_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`]")

_PUNCTUATION = re.compile(r"[^\w\s]")

_VINTAGE = re.compile(r"^(\d{4})-(\d{2})")


def normalise_ward_name(text: str) -> str:
    """Case, '&'/'and', apostrophes, punctuation, 'Saint'/'St', a trailing 'ward'
    and spacing do not matter: "St Germain's Ward" -> "st germains"."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    text = text.replace("&", " and ")
    text = _APOSTROPHES.sub("", text)
    text = _PUNCTUATION.sub(" ", text)
    words = text.split()
    words = ["st" if w == "saint" else w for w in words]
    while len(words) > 1 and words[-1] == "ward":
        words.pop()
    if len(words) > 1 and words[0] == "ward":
        words.pop(0)
    return " ".join(words)


def vintage_start(vintage: str) -> date | None:
    """'2018-12' -> 1 December 2018; None for a vintage not named by year and month."""
    found = _VINTAGE.match(vintage or "")
    if not found:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    return date(year, month, 1) if 1 <= month <= 12 else None


def boundary_set_on(day: date, sets: list[BoundarySet] | None = None) -> BoundarySet | None:
    """The latest vintage whose first day is on or before `day`, else the earliest."""
    if sets is None:
        sets = db.session.scalars(sa.select(BoundarySet)).all()
    dated = sorted(((vintage_start(s.vintage), s) for s in sets if vintage_start(s.vintage)), key=lambda pair: pair[0])
    if not dated:
        return next((s for s in sets if s.is_current), sets[0] if sets else None)
    in_force = [s for start, s in dated if start <= day]
    return in_force[-1] if in_force else dated[0][1]


@dataclass(frozen=True)
class WardMatch:
    ward: Ward | None
    problem: str = ""


class WardMatcher:
    """The wards of one boundary set, looked up by code or by name as people write it."""

    def __init__(self, boundary_set: BoundarySet):
        self.boundary_set = boundary_set
        wards = db.session.scalars(
            sa.select(Ward).where(Ward.boundary_set_id == boundary_set.id).order_by(Ward.code)
        ).all()
        self.by_code = {w.code: w for w in wards}
        self.by_name: dict[str, list[Ward]] = {}
        for w in wards:
            self.by_name.setdefault(normalise_ward_name(w.name), []).append(w)

    def match(self, text) -> WardMatch:
        raw = re.sub(r"\s+", " ", str(text or "")).strip()
        if not raw:
            return WardMatch(None, "no ward given")
        vintage = self.boundary_set.vintage
        if WARD_CODE.match(raw.upper()):
            ward = self.by_code.get(raw.upper())
            if ward is None:
                return WardMatch(None, f"ward code {raw.upper()} is not in boundary set {vintage}")
            return WardMatch(ward)
        found = self.by_name.get(normalise_ward_name(raw), [])
        if len(found) == 1:
            return WardMatch(found[0])
        if len(found) > 1:
            options = ", ".join(f"{w.code} ({w.local_authority.name})" for w in found)
            return WardMatch(
                None, f"ward '{raw}' is ambiguous in boundary set {vintage}: give the code, one of {options}"
            )
        suggestions = self.suggest(raw)
        hint = f"; closest: {', '.join(suggestions)}" if suggestions else ""
        return WardMatch(None, f"unknown ward '{raw}' in boundary set {vintage}{hint}")

    def suggest(self, text: str, n: int = 3) -> list[str]:
        names = list(self.by_name)
        close = difflib.get_close_matches(normalise_ward_name(text), names, n=n, cutoff=0.6)
        return [f"{w.name} ({w.code})" for name in close for w in self.by_name[name]][:n]
