"""The sentences a "You said, we did" draft starts from, in the English the office writes
to residents: "Two residents at the meeting at St Mary's Hall on 8th February raised
concerns about off-road motorbikes and quads. They told us about “bikes on the playing
fields”." Pure functions over plain values, so each sentence is tested on its own;
staff then rewrite them as they see fit (engage/reports/updates.py keeps their edits)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from engage.platform.english import count, day_month, long_date, number

# How a concern that was not raised at a recorded meeting reached the office.
CHANNELS = {
    "phone": "by phone",
    "letter": "by letter",
    "street_surgery": "at a street surgery",
    "open311": "online",
    "meeting": "at a meeting",
    "import": "at a meeting",
}

QUOTE_LENGTH = 120  # characters of a resident's words quoted: a phrase, not a paragraph


@dataclass(frozen=True)
class Raised:
    """One concern as the sentences need it: never a name or contact detail."""

    residents: int
    channel: str
    meeting_id: str | None = None
    meeting_day: date | None = None
    venue: str = ""


def intro(ward_name: str, concerns: int) -> str:
    """ "Residents of Central raised two concerns with us. This is what you said, and what
    was done." (The public page gives the period above it.)"""
    said = f"Residents of {ward_name} raised {count(concerns, 'concern')} with us in this period."
    return said + (" This is what you said, and what was done." if concerns else "")


def theme_phrase(label: str, code: str = "") -> str:
    """ "concerns about off-road motorbikes and quads"; "other concerns" for the catch-all."""
    if code == "other" or label.strip().lower() == "other":
        return "other concerns"
    label = label.strip()
    # "Drugs" reads "drugs" mid-sentence; "ASB near the shops" keeps its capitals.
    if len(label) < 2 or not label[1].isupper():
        label = label[:1].lower() + label[1:]
    return f"concerns about {label}"


def _meeting_place(raised: Raised, with_year: bool) -> str:
    day = long_date(raised.meeting_day) if with_year else day_month(raised.meeting_day)
    venue = f" at {raised.venue.strip()}" if raised.venue.strip() else ""
    return f"at the meeting{venue} on {day}"


def _places(raised: list[Raised], with_year: bool) -> list[tuple[int, str, bool]]:
    """(residents, where, at a meeting) per meeting or channel, in the order first raised."""
    groups: dict[str, list] = {}
    for r in raised:
        if r.meeting_id and r.meeting_day is not None:
            key, where, at_meeting = f"m:{r.meeting_id}", _meeting_place(r, with_year), True
        else:
            key, where, at_meeting = f"c:{r.channel}", CHANNELS.get(r.channel, "by other means"), False
        group = groups.setdefault(key, [0, where, at_meeting])
        group[0] += r.residents
    return [tuple(g) for g in groups.values()]


def _join(parts: list[str], word: str = "and") -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {word} {parts[-1]}"


def you_said(label: str, code: str, raised: list[Raised], quotes: list[str], with_year: bool = False) -> str:
    """What residents said about one theme: how many, where and when, then the words of
    the concerns staff ticked. `raised` are all the theme's concerns in the period."""
    if not raised:
        return ""
    who = count(sum(r.residents for r in raised), "resident", capital=True)
    theme = theme_phrase(label, code)
    places = _places(raised, with_year)
    if len(places) == 1:
        _, where, at_meeting = places[0]
        sentence = f"{who} {where} raised {theme}." if at_meeting else f"{who} raised {theme} {where}."
    elif len(places) <= 3:
        sentence = f"{who} raised {theme}: {_join([f'{number(n)} {where}' for n, where, _ in places])}."
    else:
        sentence = f"{who} raised {theme}: {_many_places(raised, places, with_year)}."
    quoted = [f"“{q}”" for q in (quote(text) for text in quotes) if q]
    return sentence + (f" They told us about {_join(quoted)}." if quoted else "")


def _many_places(raised: list[Raised], places, with_year: bool) -> str:
    """ "nine at four meetings between 8th February and 3rd May, and three by phone or online"."""
    days = sorted({r.meeting_day for r in raised if r.meeting_id and r.meeting_day is not None})
    at_meetings = [(n, where) for n, where, at_meeting in places if at_meeting]
    elsewhere = [(n, where) for n, where, at_meeting in places if not at_meeting]
    parts = []
    if at_meetings:
        show = long_date if with_year else day_month
        meetings = count(len(at_meetings), "meeting")
        span = f" between {show(days[0])} and {show(days[-1])}" if days[0] != days[-1] else f" on {show(days[0])}"
        parts.append(f"{number(sum(n for n, _ in at_meetings))} at {meetings}{span}")
    if elsewhere:
        parts.append(f"{number(sum(n for n, _ in elsewhere))} {_join([w for _, w in elsewhere], 'or')}")
    return ", and ".join(parts)


def quote(text: str) -> str:
    """A resident's words as quoted: the first sentence, at most QUOTE_LENGTH characters
    (cut at a word, with "…"), without its full stop. Their capitals are kept: a quote
    may start with a name."""
    text = " ".join((text or "").split())
    text = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].rstrip(".!? ")
    if len(text) > QUOTE_LENGTH:
        text = text[:QUOTE_LENGTH].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def sentence(text: str) -> str:
    """A note as a full sentence: capital first letter, closing full stop."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text[-1] in '.!?”")' else text + "."


def we_did(notes: list[str], open_count: int, no_action: int, total: int) -> str:
    """What was done about one theme: the lead teams' own "we did" notes as sentences
    (each once), then how many concerns are still being worked on or needed no action."""
    said: list[str] = []
    for note in notes:
        if (text := sentence(note)) and text not in said:
            said.append(text)
    if open_count and open_count == total:
        said.append(f"The neighbourhood team is working on {'it' if total == 1 else 'them'}.")
    elif open_count:
        verb = "is" if open_count == 1 else "are"
        said.append(
            f"{count(open_count, 'concern', capital=True)} {verb} still being worked on by the neighbourhood team."
        )
    if no_action:
        said.append(f"{count(no_action, 'concern', capital=True)} needed no further action.")
    return " ".join(said)
