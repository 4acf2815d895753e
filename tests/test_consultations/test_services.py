"""The checks every way a response comes in shares (engage/consultations/services.py),
without a client: a consultation's dates and priorities, up to its number of choices,
once per browser session, once per paper form's number, voided responses kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.consultations.models import ConsultationResponse
from engage.consultations.services import (
    AlreadyAnswered,
    ConsultationError,
    counted,
    create_consultation,
    is_editable,
    record_response,
    update_consultation,
    void_response,
)
from engage.extensions import db
from engage.geography.models import Ward
from tests.conftest import TODAY

PRIORITIES = ["Off-road bikes and quads", "Speeding", "Drugs", "Visible policing"]


@pytest.fixture
def consultation(app_ctx):
    return create_consultation(
        title="Community priorities 2026",
        opens_on=TODAY - timedelta(days=3),
        closes_on=TODAY + timedelta(days=30),
        options=PRIORITIES,
        today=TODAY - timedelta(days=5),
        actor="staff@example.org",
    )


def _ward(code="E05009857"):
    return db.session.scalar(sa.select(Ward).where(Ward.code == code))


def _ids(consultation, *labels):
    return [o.id for o in consultation.options if o.label in labels]


def test_a_resident_chooses_up_to_three_priorities_once_per_browser(consultation):
    ward = _ward()
    response = record_response(
        consultation,
        ward_id=ward.id,
        option_ids=_ids(consultation, "Drugs", "Speeding"),
        today=TODAY,
        browser_key="tab-one",
    )
    assert [c.option.label for c in response.choices] == ["Speeding", "Drugs"]  # ranked in the order given
    with pytest.raises(AlreadyAnswered):
        record_response(
            consultation, ward_id=ward.id, option_ids=_ids(consultation, "Drugs"), today=TODAY, browser_key="tab-one"
        )
    with pytest.raises(ConsultationError, match="4 priorities chosen: choose up to 3"):
        record_response(
            consultation, ward_id=ward.id, option_ids=_ids(consultation, *PRIORITIES), today=TODAY, browser_key="b"
        )
    with pytest.raises(ConsultationError, match="choose at least one"):
        record_response(consultation, ward_id=ward.id, option_ids=[], today=TODAY, browser_key="c")
    with pytest.raises(ConsultationError, match="not one of the priorities"):
        record_response(consultation, ward_id=ward.id, option_ids=["999999"], today=TODAY, browser_key="d")


def test_online_answers_only_while_open_but_paper_forms_after_it_closes(consultation):
    later = consultation.closes_on + timedelta(days=2)
    with pytest.raises(ConsultationError, match="closed on"):
        record_response(
            consultation, ward_id=None, option_ids=_ids(consultation, "Drugs"), today=later, browser_key="x"
        )
    keyed = record_response(
        consultation,
        ward_id=None,
        option_ids=_ids(consultation, "Drugs"),
        today=later,
        channel="paper",
        source_ref="Form 12",
        actor="staff@example.org",
    )
    assert keyed.channel == "paper" and keyed.keyed_by == "staff@example.org"
    with pytest.raises(ConsultationError, match="“Form 12” is already recorded"):
        record_response(
            consultation,
            ward_id=None,
            option_ids=_ids(consultation, "Drugs"),
            today=later,
            channel="paper",
            source_ref="Form 12",
        )


def test_a_voided_response_is_kept_with_its_reason_and_left_out_of_counts(consultation):
    response = record_response(
        consultation, ward_id=None, option_ids=_ids(consultation, "Drugs"), today=TODAY, browser_key="v"
    )
    with pytest.raises(ConsultationError, match="say why"):
        void_response(response, reason="  ", actor="staff@example.org")
    void_response(response, reason="Same words as three others within a minute", actor="staff@example.org")
    assert db.session.get(ConsultationResponse, response.id).void_reason.startswith("Same words")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsultationResponse).where(counted())) == 0


def test_questions_change_only_before_it_opens(app_ctx):
    upcoming = create_consultation(
        title="Rural priorities",
        opens_on=TODAY + timedelta(days=7),
        closes_on=TODAY + timedelta(days=40),
        options=PRIORITIES,
        today=TODAY,
        actor="staff@example.org",
    )
    assert is_editable(upcoming, TODAY)
    update_consultation(upcoming, today=TODAY, options=["Farm theft", "Speeding", "Hare coursing"], max_choices=2)
    assert [o.label for o in upcoming.options] == ["Farm theft", "Speeding", "Hare coursing"]
    with pytest.raises(ConsultationError, match="closes .* before it opens") as error:
        update_consultation(upcoming, today=TODAY, closes_on=TODAY + timedelta(days=1))
    assert error.value.field == "closes_on"
    with pytest.raises(ConsultationError, match="can no longer change"):
        update_consultation(upcoming, today=upcoming.opens_on, title="Renamed")


def test_a_priority_offered_twice_or_too_few_is_refused(app_ctx):
    for options, message in ((["Drugs", "drugs"], "offered twice"), (["Drugs"], "at least two")):
        with pytest.raises(ConsultationError, match=message):
            create_consultation(title="T", opens_on=TODAY, closes_on=TODAY, options=options, today=TODAY, actor="s")
