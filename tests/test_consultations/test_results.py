"""A consultation's results (engage/consultations/results.py), without a client: the
number of responses behind the figures, each priority's count and share, the threshold
below which a group says "too few responses", voided and demo responses left out, and
wards grouped by the designation they had on the closing day."""

from __future__ import annotations

import random
import string
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.consultations.results import NOT_DESIGNATED, consultation_results, latest_for_ward, ward_result
from engage.consultations.services import create_consultation, record_response, void_response
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward, WardDesignation
from tests.conftest import TODAY

PRIORITIES = ["Off-road bikes and quads", "Speeding", "Drugs", "Visible policing"]


def tag():
    return "".join(random.choices(string.ascii_lowercase, k=8))


def ward(code):
    return db.session.scalar(
        sa.select(Ward).where(Ward.code == code, Ward.boundary_set_id == current_boundary_set().id)
    )


def other_authority_ward():
    return db.session.scalar(
        sa.select(Ward)
        .join(Ward.local_authority)
        .where(Ward.boundary_set_id == current_boundary_set().id, Ward.local_authority.has(code="E06000003"))
        .order_by(Ward.code)
        .limit(1)
    )


def make_consultation(threshold=3, is_demo=False):
    return create_consultation(
        title=f"Priorities {tag()}",
        opens_on=TODAY - timedelta(days=40),
        closes_on=TODAY - timedelta(days=10),
        options=PRIORITIES,
        today=TODAY - timedelta(days=50),
        actor="staff@example.org",
        threshold=threshold,
        is_demo=is_demo,
    )


def answer(consultation, ward_, *labels, channel="paper"):
    ids = [o.id for o in consultation.options if o.label in labels]
    return record_response(
        consultation,
        ward_id=ward_.id if ward_ else None,
        option_ids=ids,
        today=TODAY,
        channel=channel,
        source_ref=tag(),
    )


@pytest.fixture
def central(app_ctx):
    return ward("E05009857")


def test_shares_are_of_the_responses_and_a_small_ward_says_too_few(central):
    consultation = make_consultation(threshold=3)
    newport = ward("E05009866")
    answer(consultation, central, "Speeding", "Drugs")
    answer(consultation, central, "Drugs")
    answer(consultation, central, "Drugs", "Off-road bikes and quads")
    answer(consultation, central, "Visible policing")
    answer(consultation, newport, "Speeding")
    answer(consultation, None, "Speeding", channel="event")

    results = consultation_results(consultation)

    central_result = results.wards["E05009857"]
    assert central_result.responses == 4 and central_result.enough
    assert [(p.label, p.count, p.percent) for p in central_result.top(2)] == [
        ("Drugs", 3, 75),
        ("Off-road bikes and quads", 1, 25),
    ]
    assert central_result.too_few == ""
    small = results.wards["E05009866"]
    assert small.too_few == "too few responses (1)" and small.priorities == []  # withheld, not zero
    assert [g.name for g in results.below_threshold] == [newport.name]
    # The whole area counts the response placed in no ward too; the authority does not.
    assert results.whole.responses == 6 and results.without_ward == 1
    assert results.authorities["E06000002"].responses == 5
    assert results.whole.share_of(next(o.id for o in consultation.options if o.label == "Speeding")) == pytest.approx(
        3 / 6
    )
    assert results.channels == {"paper": 5, "event": 1}


def test_voided_responses_and_demo_responses_are_left_out(central):
    consultation = make_consultation(threshold=1)
    answer(consultation, central, "Drugs")
    void_response(answer(consultation, central, "Speeding"), reason="A duplicate of form 3", actor="staff@example.org")
    answer(consultation, central, "Speeding").is_demo = True  # a stray demo row never mixes in
    db.session.flush()

    result = ward_result(consultation, central)
    assert result.responses == 1
    assert [(p.label, p.count) for p in result.top()] == [("Drugs", 1)]
    assert consultation_results(consultation).whole.responses == 1


def test_wards_are_grouped_by_the_designation_they_had_on_the_closing_day(central):
    consultation = make_consultation(threshold=1)
    newport, elsewhere = ward("E05009866"), other_authority_ward()
    closing = consultation.closes_on
    db.session.add_all(
        [
            WardDesignation(ward=central, designation="strengthen", effective_from=closing - timedelta(days=100)),
            # A change after the consultation closed does not move its answers.
            WardDesignation(ward=central, designation="sustain", effective_from=closing + timedelta(days=1)),
            WardDesignation(ward=newport, designation="strengthen", effective_from=closing),
        ]
    )
    db.session.flush()
    db.session.expire(central)
    db.session.expire(newport)
    answer(consultation, central, "Drugs")
    answer(consultation, newport, "Speeding")
    answer(consultation, elsewhere, "Speeding")

    results = consultation_results(consultation)

    strengthen = results.designations["strengthen"]
    assert strengthen.responses == 2 and strengthen.name == "Strengthen"
    assert {p.label: p.count for p in strengthen.top()} == {"Drugs": 1, "Speeding": 1}
    if elsewhere.designation_on(closing) is None:
        assert results.designations[NOT_DESIGNATED].responses == 1
    sustained = elsewhere.designation_on(closing)
    assert "sustain" not in results.designations or sustained.designation == "sustain"
    assert set(results.authorities) == {"E06000002", elsewhere.local_authority.code}


def test_figures_agree_with_direct_sql(central):
    consultation = make_consultation(threshold=2)
    rng = random.Random(22)
    wards = [central, ward("E05009866"), ward("E05009867"), other_authority_ward()]
    for _ in range(40):
        answer(consultation, rng.choice(wards), *rng.sample(PRIORITIES, rng.randint(1, 3)))
    void_response(answer(consultation, central, "Drugs"), reason="Test entry", actor="staff@example.org")

    results = consultation_results(consultation)

    rows = db.session.execute(
        sa.text(
            "SELECT w.code, o.label, COUNT(*) FROM consultation_choice c "
            "JOIN consultation_response r ON r.id = c.response_id "
            "JOIN consultation_option o ON o.id = c.option_id JOIN ward w ON w.id = r.ward_id "
            "WHERE r.consultation_id = :id AND r.voided_at IS NULL GROUP BY w.code, o.label"
        ),
        {"id": consultation.id},
    ).all()
    totals = dict(
        db.session.execute(
            sa.text(
                "SELECT w.code, COUNT(*) FROM consultation_response r JOIN ward w ON w.id = r.ward_id "
                "WHERE r.consultation_id = :id AND r.voided_at IS NULL GROUP BY w.code"
            ),
            {"id": consultation.id},
        ).all()
    )
    assert {code: g.responses for code, g in results.wards.items()} == totals
    for code, label, n in rows:
        group = results.wards[code]
        if group.enough:
            figure = next(p for p in group.priorities if p.label == label)
            assert (figure.count, figure.share) == (n, pytest.approx(n / totals[code]))
    assert results.whole.responses == sum(totals.values())


def test_a_ward_shows_the_latest_consultation_with_answers_there(central):
    older, newer = make_consultation(threshold=1), make_consultation(threshold=1)
    newer.closes_on = TODAY - timedelta(days=5)
    answer(older, central, "Drugs")
    answer(newer, ward("E05009866"), "Speeding")  # not in Central: the older one still shows there
    found = latest_for_ward(central, demo=False, today=TODAY)
    assert found[0] is older and found[1].responses == 1
    answer(newer, central, "Speeding")
    assert latest_for_ward(central, demo=False, today=TODAY)[0] is newer
    assert latest_for_ward(central, demo=True, today=TODAY) is None
