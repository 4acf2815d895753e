"""`demo load` is idempotent and `demo clear` takes out exactly what it put in."""

import csv

import sqlalchemy as sa

from engage.accounts.models import User
from engage.demo.services import SAMPLE_DESIGNATIONS, clear_demo, load_demo
from engage.geography.models import LocalAuthority, Ward, WardDesignation
from engage.platform.audit import AuditEvent
from engage.teams.models import Team
from tests.conftest import make_team, make_user

# The configuration steps; meetings and concerns are tested in test_demo_activity.py.
CONFIG = ("teams", "designations")


def _count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _counts(db):
    return {
        "teams": _count(db, Team),
        "demo teams": _count(db, Team, Team.is_demo),
        "sample designations": _count(db, WardDesignation, WardDesignation.is_sample),
        "designations": _count(db, WardDesignation),
    }


def test_the_shipped_sample_file_covers_every_ward_with_a_mix():
    with open(SAMPLE_DESIGNATIONS, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 79 and len({r["ward_code"] for r in rows}) == 79
    assert {r["designation"] for r in rows} == {"strengthen", "support", "sustain"}
    assert {r["effective_from"] for r in rows} == {"2018-04-01"}


def test_load_twice_gives_the_same_rows(db):
    load_demo(only=CONFIG)
    db.session.commit()
    once = _counts(db)
    assert once == {"teams": 10, "demo teams": 10, "sample designations": 79, "designations": 79}
    events = _count(db, AuditEvent)
    lines = load_demo(only=CONFIG)
    db.session.commit()
    assert _counts(db) == once and _count(db, AuditEvent) == events
    assert "0 created, 0 updated" in lines[0]


def test_sample_teams(db):
    load_demo(only=CONFIG)
    db.session.commit()
    teams = {t.code: t for t in db.session.scalars(sa.select(Team))}
    assert all(t.is_demo and t.contact_email.endswith("@example.org") for t in teams.values())
    for code, lad, count in [
        ("INT-HPL", "E06000001", 11),
        ("INT-MBRO", "E06000002", 20),
        ("INT-RC", "E06000003", 22),
        ("INT-STK", "E06000004", 26),
    ]:
        team = teams[code]
        assert team.kind == "int" and team.coverage == "wards" and len(team.wards) == count
        assert {w.local_authority.code for w in team.wards} == {lad}
    assert teams["INT-MBRO"].name == "Middlesbrough Integrated Neighbourhood Team"
    assert teams["CFB"].coverage == "all" and teams["CFB"].kind == "partner"
    councils = [t for t in teams.values() if t.kind == "partner" and t.coverage == "authority"]
    authorities = db.session.scalars(sa.select(LocalAuthority.code)).all()
    assert {t.local_authority.code for t in councils} == set(authorities)
    assert "Middlesbrough Council Environment Services" in {t.name for t in councils}
    assert any("Youth" in t.name for t in councils)


def test_clear_removes_only_sample_rows(db, tmp_path):
    real_team = make_team("REAL-1")
    real_user = make_user("real@example.org", "inspector", teams=[real_team])
    load_demo(only=CONFIG)
    db.session.commit()
    # A real person put in a sample team loses that membership, not their account.
    member = db.session.get(User, sa.inspect(real_user).identity[0])
    member.teams.append(db.session.scalar(sa.select(Team).where(Team.code == "INT-MBRO")))
    # A sample file someone imported by hand is theirs, not the demo's.
    own = tmp_path / "mine.csv"
    own.write_text("ward_code,designation,effective_from\nE05009857,support,2019-04-01\n")
    from engage.geography.boundaries import current_boundary_set
    from engage.geography.designations import import_designations

    import_designations(str(own), current_boundary_set(), sample=True)
    db.session.commit()

    lines = clear_demo(only=CONFIG)
    db.session.commit()
    assert "Sample teams: 10 removed." in lines and "Sample designations: 79 removed." in lines
    assert [t.code for t in db.session.scalars(sa.select(Team))] == ["REAL-1"]
    member = db.session.scalar(sa.select(User).where(User.email == "real@example.org"))
    assert [t.code for t in member.teams] == ["REAL-1"]
    assert [d.source for d in db.session.scalars(sa.select(WardDesignation))] == [str(own)]
    assert _count(db, Ward) >= 79
    assert clear_demo(only=CONFIG) == ["Sample designations: 0 removed.", "Sample teams: 0 removed."]


def test_real_teams_and_designations_are_never_overwritten(db, tmp_path):
    real = make_team("CFB", ward_codes=(), kind="partner", coverage="all")
    real_designations = tmp_path / "real.csv"
    real_designations.write_text("ward_code,designation,effective_from\nE05009857,strengthen,2018-04-01\n")
    from engage.geography.boundaries import current_boundary_set
    from engage.geography.designations import import_designations

    import_designations(str(real_designations), current_boundary_set())
    db.session.commit()
    lines = load_demo(only=CONFIG)
    db.session.commit()
    assert any("Left alone real teams with the codes CFB" in line for line in lines)
    assert not db.session.get(Team, sa.inspect(real).identity[0]).is_demo
    assert any("not loaded" in line for line in lines)
    assert _count(db, WardDesignation, WardDesignation.is_sample) == 0
    clear_demo(only=CONFIG)
    db.session.commit()
    assert _count(db, Team, Team.code == "CFB") == 1 and _count(db, WardDesignation) == 1
