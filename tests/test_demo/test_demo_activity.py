import uuid

import sqlalchemy as sa

from engage.actions.models import Action
from engage.concerns.capture import raise_concern
from engage.concerns.models import Concern, Meeting, StatusChange
from engage.demo.services import clear_demo, load_demo
from engage.teams.models import Team


def count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_a_year_of_demo_meetings_and_concerns_marked_demo(db):
    real, _ = raise_concern(
        {"id": str(uuid.uuid4()), "category": "drugs", "description": "real", "ward_code": "E05009857"}
    )
    db.session.commit()
    lines = load_demo()
    db.session.commit()
    meetings, concerns = count(db, Meeting), count(db, Concern)
    assert meetings >= 79 and concerns > 300
    assert count(db, Meeting, ~Meeting.is_demo) == 0 and count(db, Concern, ~Concern.is_demo) == 1
    # Every ward had a Your Force Your Voice meeting in the last year; some are planned.
    assert count(db, Meeting, Meeting.kind == "your_force_your_voice", Meeting.status == "held") == 79
    assert count(db, Meeting, Meeting.status == "planned") > 0
    # Concerns are placed in their meeting's ward and routed to the demo INTs.
    located = db.session.scalars(sa.select(Concern).where(Concern.is_demo).limit(50)).all()
    assert all(c.ward_id == c.meeting.wards[0].id and c.lead_team is not None for c in located)
    assert count(db, StatusChange) > 0 and count(db, Concern, Concern.we_did != "") > 0
    assert any("demo" in line for line in lines)
    # Concerns still being worked on carry the lead team's action, marked demo.
    actions = count(db, Action)
    assert actions > 0 and count(db, Action, ~Action.is_demo) == 0

    load_demo()
    db.session.commit()
    assert (count(db, Meeting), count(db, Concern), count(db, Action)) == (meetings, concerns, actions)

    clear_demo()
    db.session.commit()
    assert count(db, Meeting) == 0 and count(db, Team, Team.is_demo) == 0 and count(db, Action) == 0
    assert [c.id for c in db.session.scalars(sa.select(Concern))] == [real.id]


def test_real_concerns_routed_to_sample_teams_go_to_triage_on_clear(app_ctx, db):
    from engage.concerns.models import ConcernRouting

    load_demo(only=("teams",))
    db.session.commit()
    real, _ = raise_concern(
        {"id": str(uuid.uuid4()), "category": "drugs", "description": "real", "ward_code": "E05009857"}
    )
    db.session.commit()
    assert real.lead_team.is_demo
    lines = clear_demo(only=("teams",))
    db.session.commit()
    assert any("triage" in line for line in lines)
    db.session.expire_all()
    kept = db.session.get(Concern, real.id)
    assert kept.lead_team_id is None and kept.copied_teams == []
    reasons = [
        r.reason for r in db.session.scalars(sa.select(ConcernRouting).where(ConcernRouting.concern_id == real.id))
    ]
    assert reasons[-1] == "sample teams removed by demo clear"


def test_a_closed_demo_consultation_with_some_wards_below_its_threshold(db):
    from engage.consultations.models import Consultation, ConsultationResponse
    from engage.consultations.results import consultation_results
    from engage.demo.consultation import clear_demo_consultation, load_demo_consultation
    from tests.conftest import TODAY

    load_demo_consultation()
    assert load_demo_consultation() == ["Demo consultation: already there."]
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.is_demo))
    assert consultation.closes_on < TODAY
    results = consultation_results(consultation)
    assert len(results.wards) >= 70 and 0 < len(results.below_threshold) < 40
    assert results.whole.enough and len(results.channels) == 4
    assert not db.session.scalar(sa.select(sa.func.count()).where(~ConsultationResponse.is_demo))
    assert clear_demo_consultation() == ["Demo consultations: 1 removed."]
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(ConsultationResponse))
