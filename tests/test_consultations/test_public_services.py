"""What the consultation's pages stand on, without a client: finding a resident's ward
from a place typed or a phone's position, the privacy notice from settings, whether a
browser has answered, the staff's priorities and questions typed as lines, and the
list's counts (voided responses apart)."""

from __future__ import annotations

import random
import string
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.concerns.models import Category
from engage.consultations.forms import (
    DEFAULT_OPTIONS,
    FormTextError,
    options_text,
    questions_text,
    read_options,
    read_questions,
)
from engage.consultations.listing import consultation_rows, state_of, tally
from engage.consultations.public import (
    DEFAULT_PRIVACY,
    NotLocated,
    PrivacyNoticeError,
    has_answered,
    privacy_notice,
    ward_at,
    write_privacy_notice,
)
from engage.consultations.services import create_consultation, record_response, void_response
from engage.extensions import db
from engage.geography.models import Ward
from engage.geography.ward_names import search_wards
from tests.conftest import TODAY


def _tag() -> str:
    return "".join(random.choices(string.ascii_lowercase, k=8))


def _consultation(opens=-3, closes=30, **extra):
    return create_consultation(
        title=f"Priorities {_tag()}",
        opens_on=TODAY + timedelta(days=opens),
        closes_on=TODAY + timedelta(days=closes),
        options=["Speeding", "Drugs", "Fly-tipping"],
        today=TODAY + timedelta(days=min(opens, 0) - 1),
        actor="staff@example.org",
        **extra,
    )


def _ward(code="E05009857"):
    return db.session.scalar(sa.select(Ward).where(Ward.code == code))


def test_a_place_typed_finds_the_wards_it_may_mean(app_ctx):
    assert [w.name for w in search_wards("marton")] == ["Marton East", "Marton West"]
    assert [w.name for w in search_wards("st germains")] == ["St Germain's"]
    assert [w.name for w in search_wards("linthorp")] == ["Linthorpe"]  # spelt nearly right
    stockton = search_wards("Stockton")  # the council: its wards, the town centre's first
    assert stockton[0].name == "Stockton Town Centre"
    assert {w.local_authority.name for w in stockton} == {"Stockton-on-Tees"}
    assert len(stockton) > 20
    assert [w.code for w in search_wards("e05009857")] == ["E05009857"]
    assert search_wards("") == [] and search_wards("   ") == []
    assert search_wards("Zzyzx") == []


def test_a_phones_position_is_placed_in_its_ward(app_ctx):
    ward = ward_at("-1.2345", "54.5742")
    assert ward.local_authority.name == "Middlesbrough"
    with pytest.raises(NotLocated, match="outside Cleveland"):
        ward_at(-0.1276, 51.5072)  # London
    with pytest.raises(NotLocated, match="did not give a position"):
        ward_at("here", "there")


def test_the_privacy_notice_comes_from_settings(app_ctx):
    assert privacy_notice() == DEFAULT_PRIVACY["notice"]
    assert "never published" in privacy_notice()
    write_privacy_notice("  Run by the OPCC.  \n\n\n  Ask us   about your data. ", "admin@example.org")
    assert privacy_notice() == "Run by the OPCC.\n\nAsk us about your data."
    with pytest.raises(PrivacyNoticeError, match="Give the notice"):
        write_privacy_notice(" \n ", "admin@example.org")
    with pytest.raises(PrivacyNoticeError, match="at most 3000"):
        write_privacy_notice("x" * 3001, "admin@example.org")


def test_whether_this_browser_has_answered(app_ctx):
    consultation = _consultation()
    assert not has_answered(consultation, "tab-one") and not has_answered(consultation, None)
    record_response(
        consultation, ward_id=None, option_ids=[consultation.options[0].id], today=TODAY, browser_key="tab-one"
    )
    assert has_answered(consultation, "tab-one")
    assert not has_answered(consultation, "tab-two")


def test_priorities_typed_one_per_line_with_their_categories(app_ctx):
    labels, matched = read_options(DEFAULT_OPTIONS)
    assert labels[0] == "Off-road bikes and quads" and len(labels) == 8
    off_road = db.session.scalar(sa.select(Category.id).where(Category.code == "off_road_bikes"))
    assert matched["Off-road bikes and quads"] == off_road
    labels, matched = read_options("Speeding\n\n  Litter   on   streets = FLY_TIPPING \n")
    assert labels == ["Speeding", "Litter on streets"] and list(matched) == ["Litter on streets"]
    with pytest.raises(FormTextError, match="Line 2: there is no concern category with the code “bikes”"):
        read_options("Speeding\nOff-road bikes = bikes")
    with pytest.raises(FormTextError, match="Line 1: give the priority's words"):
        read_options("= speeding")
    consultation = _consultation(option_categories={"Speeding": matched["Litter on streets"]})
    assert options_text(consultation) == "Speeding = fly_tipping\nDrugs\nFly-tipping"


def test_demographic_questions_typed_one_per_line(app_ctx):
    questions = read_questions("age | Your age | Under 25, 25 to 64 , 65 or over\n\narea | Your street")
    assert questions == [
        {"key": "age", "prompt": "Your age", "choices": ["Under 25", "25 to 64", "65 or over"]},
        {"key": "area", "prompt": "Your street", "choices": []},
    ]
    for text, message in [
        ("age", "Line 1: write a key, the question"),
        ("Your Age! | Your age", "the key “your age!” must be a short word"),
        ("age | Age | Young, Old\nage | Again", "Line 2: the key “age” is used twice"),
        ("age | Age | Only one", "give at least two choices"),
        ("\n".join(f"q{i} | Question {i}" for i in range(11)), "11 questions: ask at most 10"),
    ]:
        with pytest.raises(FormTextError, match=message):
            read_questions(text)
    consultation = _consultation(questions=questions)
    assert questions_text(consultation) == "age | Your age | Under 25, 25 to 64, 65 or over\narea | Your street"


def test_the_list_counts_responses_and_voids_apart(app_ctx):
    consultation = _consultation()
    upcoming = _consultation(opens=5)
    for n in range(3):
        response = record_response(
            consultation, ward_id=_ward().id, option_ids=[consultation.options[n].id], today=TODAY, channel="paper"
        )
    void_response(response, reason="Keyed twice", actor="staff@example.org")
    assert tally(consultation).counted == 2 and tally(consultation).voided == 1
    rows = {row.consultation.id: row for row in consultation_rows(TODAY)}
    assert rows[consultation.id].state == "open" and rows[consultation.id].tally.counted == 2
    assert rows[upcoming.id].state == "upcoming" and rows[upcoming.id].tally.counted == 0
    assert state_of(consultation, TODAY + timedelta(days=31)) == "closed"
    assert state_of(consultation, TODAY + timedelta(days=30)) == "open"  # its last day takes answers
