"""The sentences a "You said, we did" draft starts from, for none, one and two."""

from datetime import date

from engage.reports.personal_details import personal_detail
from engage.reports.updates_wording import Raised, intro, quote, theme_phrase, we_did, you_said

BIKES = ("Off-road motorbikes and quads", "off_road_bikes")
HALL = {"meeting_id": "m1", "meeting_day": date(2027, 2, 8), "venue": "St Mary's Hall"}


def test_the_introduction_counts_the_concerns_in_words():
    assert intro("Central", 0) == "Residents of Central raised no concerns with us in this period."
    assert intro("Central", 1) == (
        "Residents of Central raised one concern with us in this period. This is what you said, and what was done."
    )
    assert intro("Central", 2).startswith("Residents of Central raised two concerns with us in this period.")


def test_one_and_two_residents_at_a_meeting():
    one = you_said(*BIKES, [Raised(1, "meeting", **HALL)], [])
    assert (
        one
        == "One resident at the meeting at St Mary's Hall on 8th February raised concerns about off-road motorbikes and quads."
    )
    two = you_said(*BIKES, [Raised(1, "meeting", **HALL), Raised(1, "meeting", **HALL)], [])
    assert two.startswith("Two residents at the meeting at St Mary's Hall on 8th February raised")
    # One concern raised for two residents counts them both.
    assert you_said(*BIKES, [Raised(2, "meeting", **HALL)], []).startswith("Two residents at the meeting")
    assert you_said(*BIKES, [], []) == ""


def test_residents_from_several_places_and_by_phone():
    library = {"meeting_id": "m2", "meeting_day": date(2027, 3, 3), "venue": "Grangetown Library"}
    said = you_said(
        "Drugs and drug dealing",
        "drugs",
        [Raised(2, "meeting", **HALL), Raised(1, "meeting", **library), Raised(1, "phone")],
        [],
    )
    assert said == (
        "Four residents raised concerns about drugs and drug dealing: two at the meeting at St Mary's Hall on "
        "8th February, one at the meeting at Grangetown Library on 3rd March and one by phone."
    )
    assert (
        you_said("Parking", "parking", [Raised(1, "letter")], [])
        == "One resident raised concerns about parking by letter."
    )
    many = [Raised(1, "meeting", f"m{n}", date(2027, 2, n + 1), "Hall") for n in range(4)] + [Raised(3, "open311")]
    assert you_said("Parking", "parking", many, []) == (
        "Seven residents raised concerns about parking: four at four meetings between 1st February and "
        "4th February, and three online."
    )


def test_the_ticked_concerns_words_are_quoted():
    said = you_said(
        *BIKES, [Raised(1, "meeting", **HALL)] * 2, ["Bikes on the playing fields every evening.", "Quads!"]
    )
    assert said.endswith("They told us about “Bikes on the playing fields every evening” and “Quads”.")
    assert quote("First sentence. Second one.") == "First sentence"
    assert len(quote("word " * 60)) <= 121 and quote("word " * 60).endswith("…")


def test_theme_names_read_mid_sentence():
    assert theme_phrase("Other", "other") == "other concerns"
    assert theme_phrase("ASB near the shops") == "concerns about ASB near the shops"
    assert theme_phrase("Youth antisocial behaviour") == "concerns about youth antisocial behaviour"


def test_what_was_done_in_full_sentences_with_counts_in_words():
    assert we_did(["patrols stepped up", "Patrols stepped up."], 0, 0, 2) == "Patrols stepped up."
    assert we_did([], 1, 0, 1) == "The neighbourhood team is working on it."
    assert we_did([], 2, 0, 2) == "The neighbourhood team is working on them."
    assert we_did(["Two bikes seized"], 1, 0, 2) == (
        "Two bikes seized. One concern is still being worked on by the neighbourhood team."
    )
    assert we_did(["Two bikes seized"], 2, 1, 4) == (
        "Two bikes seized. Two concerns are still being worked on by the neighbourhood team. "
        "One concern needed no further action."
    )
    assert we_did([], 0, 0, 0) == ""


def test_personal_details_are_found():
    assert "postcode" in personal_detail("Visited the flats at TS5 6PQ")
    assert "telephone" in personal_detail("Ring 07700 900123 for more")
    assert "e-mail" in personal_detail("write to jo@example.org")
    assert "name" in personal_detail("Mrs Parr told us")
    assert "street" in personal_detail("Patrols outside 7 Laburnum Street")
    assert "Alan Crake" in personal_detail("alan crake says", names=("Alan Crake",))
    assert personal_detail("Operation Endurance patrols; two bikes seized under Section 59.") is None
    assert personal_detail("Speed checks on the A19 twice a week.") is None
