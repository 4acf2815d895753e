"""The agenda and the minutes as Word files, read back with python-docx: the header
block, present and apologies, the numbered items with presenters, the discussion, and
an "ACTION – owner" line per action (with its due date when it has one)."""

from __future__ import annotations

import io
from datetime import timedelta

from docx import Document

from engage.extensions import db
from engage.minutes import services
from engage.platform.english import plain_date
from tests.conftest import TODAY
from tests.test_minutes.conftest import FEAKS, new_meeting


def _read(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(c.text for c in row.cells) for row in table.rows]
    return lines


def test_the_minutes_in_the_seeds_shape(held):
    meeting = held["meeting"]
    lines = _read(services.render_document(meeting, "minutes"))
    text = "\n".join(lines)
    assert "Working Together Meeting" in lines
    assert "Police & Crime Commissioner for Cleveland" in text  # the letterhead
    assert f"Date: {meeting.date:%A} " in text and "Venue: PCC Conference Room" in lines
    assert "DRAFT FOR APPROVAL" in lines
    present = lines.index("Present")
    apologies = lines.index("Apologies for absence")
    assert FEAKS in lines[present:apologies]
    assert "Steve Hume, Stockton Borough Council" in lines[apologies:]
    assert "1. Off-road bikes" in lines and "2. Discarded needles" in lines
    assert lines[lines.index("1. Off-road bikes") + 1] == "Presented by Insp Smith"
    assert "Quads on Eston Hills at weekends." in lines
    actions = [line for line in lines if line.startswith("ACTION – ")]
    assert actions == [
        f"ACTION – {FEAKS}: Provide an update on target hardening",
        f"ACTION – Team INT-TEST: Patrol the beck path (due {plain_date(TODAY + timedelta(days=7))})",
        "ACTION – R Kipling: Map the needle bins [Done]",
    ]


def test_the_next_meetings_minutes_list_the_actions_carried_and_the_approval(held):
    nxt = new_meeting(day=TODAY + timedelta(days=30))
    services.add_item(nxt, "Any other business")
    db.session.commit()
    lines = _read(services.render_document(nxt, "minutes"))
    notes = f"1. Notes of the previous meeting – {plain_date(held['meeting'].date)}"
    assert notes in lines and "2. Actions from previous meeting" in lines and "3. Any other business" in lines
    carried = [line for line in lines[lines.index("2. Actions from previous meeting") :] if line.startswith("ACTION")]
    assert carried[0].startswith(f"ACTION – {FEAKS}: Provide an update on target hardening")
    assert "Map the needle bins" not in "\n".join(lines)
    services.approve_previous_minutes(nxt, "staff@example.org")
    db.session.commit()
    approved = _read(services.render_document(held["meeting"], "minutes"))
    assert "DRAFT FOR APPROVAL" not in approved
    assert any(line.startswith("Approved as an accurate record on") for line in approved)


def test_the_agenda_numbers_its_items_with_presenters(held):
    lines = _read(services.render_document(held["meeting"], "agenda"))
    assert "Agenda" in lines
    assert " | Item | Presented by" in lines
    assert "1. | Off-road bikes | Insp Smith" in lines
    assert "2. | Discarded needles | J Hodgkinson" in lines


def test_text_stored_with_a_control_character_still_exports(held):
    """Put there with SQL, past the forms' check: the Word file still writes."""
    import sqlalchemy as sa

    from engage.minutes.models import AgendaItem

    db.session.execute(
        sa.update(AgendaItem).where(AgendaItem.id == held["bikes"].id).values(discussion="Quads\x0bon the hills\x1b")
    )
    db.session.commit()
    db.session.expire_all()
    lines = _read(services.render_document(held["meeting"], "minutes"))
    assert any(line.startswith("Quads") and "hills" in line for line in lines)
