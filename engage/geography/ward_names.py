"""Finding a ward from what people write: its code, or its name as typed in a
spreadsheet or an address ("Brotton ward", "st germains", "Stainton and Thornton"),
in the boundary set that was in force on a given day.

Used by the historical meetings import, by Open311 `address_string` and by the
ward-picker (templates/_ward_picker.html) on every page where a ward is chosen or
filtered: `resolve_ward` reads its box, `ward_options` fills its list. A resident who
does not know their ward's name types a place (`search_wards`: the public
consultation page lists what it finds, with no JavaScript needed).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

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


# The ward-picker: one ward chosen or filtered on a page, typed as people say it.

MAX_SUGGESTIONS = 5

_IN_AUTHORITY = re.compile(r"^(.*\S)\s*\(([^()]*)\)$")  # "Central (Middlesbrough)", a picker's label


@dataclass(frozen=True)
class WardOption:
    """One entry of a picker's list: `value` is what goes in the box (the name, with its
    authority only when another authority has a ward of that name), `label` says where."""

    value: str
    label: str
    code: str


@dataclass(frozen=True)
class WardChoice:
    """What a picker's box held: the ward it names, or why none (`problem`), with the
    closest wards' names to offer instead."""

    text: str = ""
    ward: Ward | None = None
    suggestions: tuple[str, ...] = ()
    ambiguous: bool = False
    value: str = ""  # the box's value for `ward`, as the picker's list writes it

    @property
    def problem(self) -> str:
        if self.ward is not None or not self.text:
            return ""
        if self.ambiguous:
            return f"More than one ward is called '{self.text}': choose one of {', '.join(self.suggestions)}."
        if self.suggestions:
            return f"No ward called '{self.text}'. Did you mean: {', '.join(self.suggestions)}?"
        return f"No ward called '{self.text}'. Type the start of a ward's name and pick it from the list, or its code."

    @property
    def shown(self) -> str:
        """What the box shows again: the ward as the list names it, else what was typed."""
        return self.value or self.text


class _Register:
    """The wards of one set with the values and labels the picker gives them."""

    def __init__(self, boundary_set: BoundarySet | None):
        self.wards = (
            db.session.scalars(
                sa.select(Ward)
                .where(Ward.boundary_set_id == boundary_set.id)
                .options(so.joinedload(Ward.local_authority))
                .order_by(Ward.name, Ward.code)
            ).all()
            if boundary_set is not None
            else []
        )
        self.by_name: dict[str, list[Ward]] = {}
        for w in self.wards:
            self.by_name.setdefault(normalise_ward_name(w.name), []).append(w)

    def value(self, ward: Ward) -> str:
        shared = len(self.by_name.get(normalise_ward_name(ward.name), ())) > 1
        return f"{ward.name} ({ward.local_authority.name})" if shared else ward.name

    def options(self) -> list[WardOption]:
        return [WardOption(self.value(w), f"{w.name} ({w.local_authority.name})", w.code) for w in self.wards]

    def suggest(self, text: str) -> tuple[str, ...]:
        """Names that start with or hold what was typed ("germain"), then those spelt
        closest to it ("linthorp", "brotten"), at most MAX_SUGGESTIONS."""
        wanted = normalise_ward_name(text)
        names = list(self.by_name)
        holding = sorted((n for n in names if wanted and wanted in n), key=lambda n: (not n.startswith(wanted), n))
        close = difflib.get_close_matches(wanted, names, n=MAX_SUGGESTIONS, cutoff=0.6)
        chosen = list(dict.fromkeys(holding + close))[:MAX_SUGGESTIONS]
        return tuple(self.value(w) for name in chosen for w in self.by_name[name])[:MAX_SUGGESTIONS]


def _ward_with_code(code: str, boundary_set: BoundarySet | None) -> Ward | None:
    """The set's ward with this code; else the newest other set's, so that a link made
    before the boundaries changed still filters the concerns recorded in the old ward."""
    stmt = sa.select(Ward).join(Ward.boundary_set).where(Ward.code == code)
    if boundary_set is not None:
        stmt = stmt.order_by((Ward.boundary_set_id == boundary_set.id).desc())
    return db.session.scalars(stmt.order_by(BoundarySet.vintage.desc()).limit(1)).first()


def _current_or(boundary_set: BoundarySet | None) -> BoundarySet | None:
    if boundary_set is not None:
        return boundary_set
    return db.session.scalar(sa.select(BoundarySet).where(BoundarySet.is_current))


def resolve_ward(text, boundary_set: BoundarySet | None = None) -> WardChoice:
    """The ward a picker's box names, in `boundary_set` (the current set when None): its
    ONS code in any case, or its name as people write it ("linthorpe", "Brotton ward",
    "st germains", "Central (Middlesbrough)"). Nothing typed is no choice and no problem."""
    boundary_set = _current_or(boundary_set)
    return _resolve(text, _Register(boundary_set), boundary_set)


def _resolve(text, register: _Register, boundary_set: BoundarySet | None) -> WardChoice:
    raw = re.sub(r"\s+", " ", str(text or "")).strip()
    if not raw:
        return WardChoice()
    if WARD_CODE.match(raw.upper()):
        ward = _ward_with_code(raw.upper(), boundary_set)
        if ward is not None:
            in_set = boundary_set is not None and ward.boundary_set_id == boundary_set.id
            return WardChoice(raw, ward, value=register.value(ward) if in_set else ward.code)
    name, authority = raw, None
    qualified = _IN_AUTHORITY.match(raw)
    if qualified:
        name, authority = qualified.group(1), normalise_ward_name(qualified.group(2))
    found = register.by_name.get(normalise_ward_name(name), [])
    if authority is not None:
        found = [w for w in found if normalise_ward_name(w.local_authority.name) == authority] or found
    if len(found) == 1:
        return WardChoice(raw, found[0], value=register.value(found[0]))
    if len(found) > 1:
        return WardChoice(raw, suggestions=tuple(register.value(w) for w in found), ambiguous=True)
    return WardChoice(raw, suggestions=register.suggest(name))


def resolve_wards(text, boundary_set: BoundarySet | None = None) -> tuple[list[Ward], list[WardChoice]]:
    """Several wards in one box, separated by commas, semicolons or new lines: those
    found, and the choices that found none (each with its problem)."""
    boundary_set = _current_or(boundary_set)
    register = _Register(boundary_set)
    found, unknown = [], []
    for part in re.split(r"[,;\n]", str(text or "")):
        choice = _resolve(part, register, boundary_set)
        if choice.ward is not None:
            found.append(choice.ward)
        elif choice.text:
            unknown.append(choice)
    return found, unknown


def ward_options(boundary_set: BoundarySet | None = None) -> list[WardOption]:
    """The picker's list: the wards of the set (the current one when None), by name."""
    return _Register(_current_or(boundary_set)).options()


# A resident looking for their ward types a place: a town whose name the ward carries
# ("Marton" for Marton East and Marton West), or the authority ("Redcar").
MAX_FOUND = 30


def search_wards(text, boundary_set: BoundarySet | None = None) -> list[Ward]:
    """The wards a place or ward name may mean, best first: the wards whose names hold
    it ("germain", "marton"), else those spelt closest ("linthorp"), then every ward of an
    authority it names ("stockton"); a ward's code finds that ward. At most MAX_FOUND;
    none for nothing typed."""
    wanted = normalise_ward_name(text or "")
    if not wanted:
        return []
    register = _Register(_current_or(boundary_set))
    if WARD_CODE.match(wanted.upper()):
        return [w for w in register.wards if w.code == wanted.upper()]
    names = list(register.by_name)
    holding = sorted((n for n in names if wanted in n), key=lambda n: (not n.startswith(wanted), n))
    # Spelt closest only when no name holds it: "marton" is not also Seaton and Hart.
    close = [] if holding else difflib.get_close_matches(wanted, names, n=MAX_SUGGESTIONS, cutoff=0.6)
    found = [w for name in holding + close for w in register.by_name[name]]
    found += [w for w in register.wards if wanted in normalise_ward_name(w.local_authority.name)]
    return list({w.id: w for w in found}.values())[:MAX_FOUND]
