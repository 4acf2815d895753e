"""Teams (INTs and partner agencies) and the wards they cover.

The admin screen, `flask teams import` and `flask demo load` all go through
`check_team` and `apply_team`, so a team cannot be valid in one and not in another.
As everywhere, the caller commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from engage.accounts.models import User, team_member
from engage.accounts.services import AccountError, normalise_email
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import LocalAuthority, Ward
from engage.platform.csv_rows import (
    FileRefused,
    ImportTally,
    all_or_nothing,
    numbered_rows,
    read_csv_file,
    row_problem,
)
from engage.teams.models import COVERAGE, TEAM_KINDS, Team

CSV_COLUMNS = ("code", "name", "kind", "lad_code", "contact_email", "coverage", "wards")

# Optional in a file: without the column, new teams get immediate e-mails and existing
# teams keep what an admin chose.
OPTIONAL_COLUMNS = ("notify_mode",)

# 'immediate': one e-mail per concern as it is routed; 'digest': one a day listing them.
NOTIFY_MODES = ("immediate", "digest")

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")


class TeamImportError(FileRefused):
    pass


@dataclass
class TeamSpec:
    """What a team should be, in plain values (from a form, a CSV row or the demo)."""

    code: str
    name: str
    kind: str
    lad_code: str = ""
    contact_email: str = ""
    coverage: str = "wards"
    ward_codes: tuple[str, ...] = ()
    is_demo: bool = False
    notify_mode: str | None = None  # None: leave as it is ('immediate' for a new team)


@dataclass
class Geography:
    """The current set's authorities and wards by code, looked up once per import."""

    authorities: dict[str, LocalAuthority]
    wards: dict[str, Ward]

    @classmethod
    def current(cls) -> Geography:
        boundary_set = current_boundary_set()
        wards = (
            db.session.scalars(sa.select(Ward).where(Ward.boundary_set_id == boundary_set.id).order_by(Ward.code)).all()
            if boundary_set
            else []
        )
        authorities = db.session.scalars(sa.select(LocalAuthority).order_by(LocalAuthority.code)).all()
        return cls({a.code: a for a in authorities}, {w.code: w for w in wards})


def check_team(spec: TeamSpec, geography: Geography) -> dict[str, str]:
    """Problems with a spec, by field name ({} when it is fine). Also normalises the
    contact email in place, so what is stored compares equal on re-import."""
    problems = {}
    if not CODE_PATTERN.match(spec.code):
        problems["code"] = "Use 1 to 40 letters, digits, - or _ (e.g. INT-MBRO)."
    if not spec.name.strip():
        problems["name"] = "Give the team a name."
    elif len(spec.name) > 160:
        problems["name"] = "Use at most 160 characters."
    if spec.kind not in TEAM_KINDS:
        problems["kind"] = f"Unknown kind '{spec.kind}' (expected {' or '.join(TEAM_KINDS)})."
    if spec.lad_code and spec.lad_code not in geography.authorities:
        problems["local_authority"] = f"Unknown local authority code '{spec.lad_code}'."
    if spec.contact_email:
        try:
            spec.contact_email = normalise_email(spec.contact_email)
        except AccountError:
            problems["contact_email"] = f"'{spec.contact_email}' is not an email address."
    if spec.notify_mode is not None and spec.notify_mode not in NOTIFY_MODES:
        problems["notify_mode"] = f"Unknown notify mode '{spec.notify_mode}' (expected {' or '.join(NOTIFY_MODES)})."
    if spec.coverage not in COVERAGE:
        problems["coverage"] = f"Unknown coverage '{spec.coverage}' (expected {', '.join(COVERAGE)})."
    elif spec.coverage == "authority" and not spec.lad_code:
        problems["local_authority"] = "A team covering a whole authority needs that authority."
    elif spec.coverage == "wards":
        unknown = [c for c in spec.ward_codes if c not in geography.wards]
        if unknown:
            problems["wards"] = f"Unknown ward code {', '.join(repr(c) for c in unknown)} in the current boundary set."
        elif not spec.ward_codes:
            problems["wards"] = "Choose the wards the team covers, or cover a whole authority or all of Cleveland."
    return problems


def code_taken(code: str, except_team: Team | None = None) -> bool:
    stmt = sa.select(Team.id).where(sa.func.lower(Team.code) == code.lower())
    if except_team is not None and except_team.id is not None:
        stmt = stmt.where(Team.id != except_team.id)
    return db.session.scalar(stmt) is not None


def _target_wards(team: Team, spec: TeamSpec, geography: Geography) -> list[Ward]:
    # Wards of older boundary sets are not on the form or in the file, so they are
    # kept: the team still answers for what was recorded in them.
    older = [w for w in team.wards if geography.wards.get(w.code) is not w]
    chosen = [geography.wards[c] for c in sorted(set(spec.ward_codes))] if spec.coverage == "wards" else []
    return sorted(older + chosen, key=lambda w: (w.boundary_set_id, w.code))


def team_differs(team: Team, spec: TeamSpec, geography: Geography) -> bool:
    authority = geography.authorities.get(spec.lad_code) if spec.lad_code else None
    return (
        (team.code, team.name, team.kind, team.contact_email, team.coverage, team.is_demo)
        != (spec.code, spec.name.strip(), spec.kind, spec.contact_email, spec.coverage, spec.is_demo)
        or team.local_authority is not authority
        or (spec.notify_mode is not None and team.notify_mode != spec.notify_mode)
        or {w.id for w in team.wards} != {w.id for w in _target_wards(team, spec, geography)}
    )


def apply_team(team: Team, spec: TeamSpec, geography: Geography) -> Team:
    """Make `team` match a checked spec (a new Team() is added to the session)."""
    team.code = spec.code
    team.name = spec.name.strip()
    team.kind = spec.kind
    team.local_authority = geography.authorities.get(spec.lad_code) if spec.lad_code else None
    team.contact_email = spec.contact_email
    team.coverage = spec.coverage
    team.is_demo = spec.is_demo
    if spec.notify_mode is not None:
        team.notify_mode = spec.notify_mode
    elif team.id is None:
        team.notify_mode = "immediate"
    target = _target_wards(team, spec, geography)
    if [w.id for w in team.wards] != [w.id for w in target]:
        team.wards = target
    if team.id is None:
        db.session.add(team)
    return team


def set_members(team: Team, users) -> None:
    """Change membership from the users' side, where the audit trail records it."""
    wanted = {u.id: u for u in users}
    for user in list(team.members):
        if user.id not in wanted:
            user.teams.remove(team)
    for user in wanted.values():
        if team not in user.teams:
            user.teams.append(team)


def remove_team(team: Team) -> None:
    set_members(team, [])
    db.session.delete(team)


def coverage_summary(team: Team) -> str:
    if team.coverage == "all":
        return "all of Cleveland"
    if team.coverage == "authority":
        return f"all of {team.local_authority.name}" if team.local_authority else "a whole authority"
    count = len(team.wards)
    return f"{count} ward{'' if count == 1 else 's'}"


def list_teams() -> list[Team]:
    return db.session.scalars(sa.select(Team).order_by(Team.kind, Team.code)).all()


def member_counts() -> dict[int, int]:
    rows = db.session.execute(sa.select(team_member.c.team_id, sa.func.count()).group_by(team_member.c.team_id))
    return dict(rows.all())


def find_team(code: str) -> Team | None:
    return db.session.scalar(sa.select(Team).where(Team.code == code))


def users_for_ids(ids) -> list[User]:
    return db.session.scalars(sa.select(User).where(User.id.in_(list(ids)))).all() if ids else []


# ---- CSV import ---------------------------------------------------------------


@dataclass
class TeamImportResult(ImportTally):
    things = "teams"


def parse_team_rows(lines, geography: Geography, filename: str = "the file") -> list[TeamSpec]:
    """Every row checked before anything is stored; problems carry spreadsheet row
    numbers (the header is row 1)."""
    fields, rows = numbered_rows(lines, CSV_COLUMNS, TeamImportError, filename)
    has_mode = "notify_mode" in fields
    specs, problems, seen = [], [], {}
    for number, raw, faults in rows:
        value = {c: (raw.get(c) or "").strip() for c in CSV_COLUMNS}
        spec = TeamSpec(
            code=value["code"],
            name=value["name"],
            kind=value["kind"].lower(),
            lad_code=value["lad_code"].upper(),
            contact_email=value["contact_email"],
            coverage=value["coverage"].lower(),
            ward_codes=tuple(c.strip().upper() for c in value["wards"].split(";") if c.strip()),
            # A blank cell is the default; no column at all leaves existing teams alone.
            notify_mode=((raw.get("notify_mode") or "").strip().lower() or "immediate") if has_mode else None,
        )
        found = check_team(spec, geography) | faults  # e.g. a NUL, which PostgreSQL cannot store
        if spec.code.lower() in seen:
            found["code"] = f"code '{spec.code}' is also on row {seen[spec.code.lower()]}"
        seen.setdefault(spec.code.lower(), number)
        if found:
            problems.append(row_problem(number, found, {"local_authority": "lad_code"}))
        else:
            specs.append(spec)
    return all_or_nothing(specs, problems, TeamImportError, filename)


def import_teams(path: str, dry_run: bool = False) -> TeamImportResult:
    """Create or update teams by code from CSV; all or nothing. Teams the file does
    not name are left alone."""
    geography = Geography.current()
    specs = read_csv_file(path, lambda fh: parse_team_rows(fh, geography, filename=path), TeamImportError)

    result = TeamImportResult(dry_run=dry_run)
    for spec in specs:
        team = db.session.scalar(sa.select(Team).where(sa.func.lower(Team.code) == spec.code.lower()))
        if team is None:
            result.created.append(spec.code)
            team = Team()
        elif team_differs(team, spec, geography):
            result.updated.append(spec.code)
        else:
            result.unchanged.append(spec.code)
            continue
        if not dry_run:
            apply_team(team, spec, geography)
    return result
