"""The Panel report's words, in the order and numbering the Panel knows (the PCC's report
of 3 July 2018): 1 Purpose of Report, 2 Background, 3 Your Force Your Voice, 4 Other
Meetings, 5 Future Engagement / Meetings, paragraphs numbered 1.1, 3.2...

The HTML page, the PDF and the Word file all render these sections, so their numbering
cannot disagree. Each paragraph has a stable key: staff may change its wording (a draft
keeps it by key), and a paragraph they did not change reads as computed. Tables, the map
and lists belong to the paragraph before them and are never edited: every number is
computed."""

from __future__ import annotations

from dataclasses import dataclass, field

from engage.consultations.models import RESPONSE_CHANNELS
from engage.platform.english import count, day_month, days, has_have, number, period_phrase

# How a meeting of each kind reads after "the PCC attended".
KIND_PHRASES = {
    "your_force_your_voice": "a Your Force Your Voice community meeting",
    "residents_association": "a residents' association meeting",
    "pact": "a PACT / ward panel meeting",
    "partner_event": "a partner event",
    "school_youth": "a school or youth event",
    "scrutiny": "a scrutiny meeting",
    "partnership": "a partnership meeting",
}


@dataclass
class Paragraph:
    key: str
    computed: str
    text: str = ""  # what the report says: staff's wording, else the computed text
    number: str = ""
    edited: bool = False


@dataclass
class Table:
    header: list[str]
    rows: list[tuple]
    numeric: tuple[int, ...] = ()
    empty: str = ""


@dataclass
class Figure:
    png: bytes
    alt: str
    caption: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Section:
    number: int
    title: str
    blocks: list = field(default_factory=list)

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def _figure(n: int) -> str:
    """A count inside a sentence of figures: "none" rather than "0"."""
    return "none" if n == 0 else f"{n:,}"


def _meeting_place(m) -> str:
    wards = ", ".join(w.name for w in m.wards)
    return ", ".join(p for p in (m.venue, wards) if p)


def purpose(r) -> list[Paragraph]:
    return [
        Paragraph(
            "purpose",
            "The purpose of this report is to provide Members of the Cleveland Police and Crime Panel (PCP) "
            "with a brief update in relation to meetings attended by the PCC "
            f"{_lower_first(period_phrase(r.period.start, r.period.end))}.",
        ),
        Paragraph("purpose_future", "Future meetings of the PCC will also be summarised."),
    ]


def background(r) -> list[Paragraph]:
    return [
        Paragraph(
            "background",
            "The PCC's consultation and engagement activities focus on increasing understanding of the communities "
            "of Cleveland, ensuring clear and consistent communication with the public and ensuring effective "
            "consultation and community engagement.",
        ),
        Paragraph(
            "background_partners",
            "The PCC attends a number of meetings on a regular basis with key partners, stakeholders and residents "
            "from across the Cleveland area.",
        ),
        Paragraph(
            "background_regional",
            "In addition to this the PCC has attended many regional and national meetings representing Cleveland.",
        ),
    ]


def _meetings_sentence(r) -> str:
    n = len(r.meetings)
    when = period_phrase(r.period.start, r.period.end)
    if not n:
        return f"{when} no Your Force Your Voice community meetings were held."
    places = _and([f"{number(a.meetings)} in {a.name}" for a in r.by_authority])
    unrecorded = (
        f" (attendance was not recorded at {count(r.without_attendance, 'meeting')})" if r.without_attendance else ""
    )
    return (
        f"{when} the PCC attended {count(n, 'community meeting')}: {places}, "
        f"attended by {count(r.residents, 'resident', words=False)}{unrecorded}."
    )


def your_force_your_voice(r) -> list:
    top = [f"{t.label.lower()} ({count(t.count, 'concern', words=False)})" for t in r.themes[:3]]
    themes_text = (
        f"At meetings in the period the main themes residents raised were {_and(top)}."
        if top
        else "No concerns were raised at meetings in the period."
    )
    split = [
        f"{sum(cats.values()):,} {'came ' if i == 0 else ''}from {label} wards"
        if label != "Not recorded"
        else f"{sum(cats.values()):,} from wards with no designation recorded"
        for i, (label, cats) in enumerate(r.by_designation.items())
    ]
    o = r.outcomes
    outcome = (
        f"Of the {count(o.raised, 'concern', words=False)} raised in the period, {_figure(o.actioned)} "
        f"{has_have(o.actioned)} been actioned, {_figure(o.no_action)} closed without action and "
        f"{_figure(o.open)} {'remains' if o.open == 1 else 'remain'} open."
        if o.raised
        else "No concerns were raised in the period, so there is nothing yet to report back."
    )
    if o.median_days_to_first_action is not None:
        outcome += (
            " The median time from a concern being raised to the first action on it was "
            f"{days(o.median_days_to_first_action)}."
        )
    blocks = [
        Paragraph(
            "yfyv",
            "The 'Your Force Your Voice' engagement initiative continues to take place with community meetings in all "
            f"of Cleveland's {r.ward_count} ward areas being revisited on an annual basis. Since the programme began "
            f"in {r.programme_start:%B %Y} the PCC has attended {r.total_since_start:,} community "
            f"meeting{'' if r.total_since_start == 1 else 's'}, allowing a better understanding of the needs of local "
            "communities across Cleveland.",
        ),
        Paragraph("meetings", _meetings_sentence(r)),
        Table(
            ["Local authority", "Meetings", "Residents", "Wards visited (meetings)"],
            [
                (a.name, a.meetings, a.residents, ", ".join(f"{w} ({k})" if k > 1 else w for w, k in a.wards))
                for a in r.by_authority
            ],
            numeric=(1, 2),
            empty="No meetings held in the period.",
        ),
        Paragraph(
            "themes",
            f"{themes_text} The themes raised, with the change against the previous {r.period.days} days:",
        ),
        Table(
            ["Theme", "Concerns", "Residents", "Previous period", "Change"],
            [(t.label, t.count, t.residents, t.previous, t.change_label) for t in r.themes],
            numeric=(1, 2, 3, 4),
            empty="No concerns raised in the period.",
        ),
        Paragraph(
            "designations",
            "The Force operates a demand based model for Neighbourhood Policing, with each ward designated as "
            "Strengthen, Support or Sustain based on a variety of factors including reported crime and antisocial "
            "behaviour and deprivation levels."
            + (f" Of the {o.raised:,} concerns raised in the period, {_and(split)}." if split else ""),
        ),
        Table(
            ["Designation", "Themes (concerns)"],
            [(d, ", ".join(f"{label} ({k})" for label, k in cats.items())) for d, cats in r.by_designation.items()],
            empty="No concerns raised in the period.",
        ),
    ]
    if r.map_png:
        blocks.append(
            Figure(
                r.map_png,
                "Map of Cleveland's wards shaded by the number of concerns raised in the period",
                "Concerns raised in the period, by ward",
            )
        )
    blocks.append(Paragraph("outcomes", outcome))
    for label, ward, did in o.examples:
        where = f"Residents in {ward}" if ward else "Residents"
        did = did.strip()
        blocks.append(
            Paragraph(
                f"we_did:{label}|{ward}",
                f"{where} raised concerns about {label[:1].lower() + label[1:]}. {did}{'' if did.endswith('.') else '.'}",
            )
        )
    if r.actions is not None:
        blocks += actions(r.actions)
    blocks.append(
        Paragraph(
            "int",
            "All of the issues raised at community meetings are raised with the local Integrated Neighbourhood "
            "Teams for action where necessary, and residents hear back through 'You said, we did' updates "
            "published for each ward.",
        )
    )
    return blocks


def actions(a) -> list:
    """The actions due in the period (engage/actions/figures.py): a sentence and a table."""
    t = a.total
    if not t.due:
        text = "No actions agreed with an owner and a due date fell due in the period."
    else:
        overdue = f", {_figure(t.overdue)} of them overdue" if t.open else ""
        text = (
            f"Of the {count(t.due, 'action', words=False)} agreed with an owner and due in the period, "
            f"{_figure(t.on_time)} {'was' if t.on_time == 1 else 'were'} done on time, {_figure(t.late)} done late, "
            f"{_figure(t.dropped)} dropped and {_figure(t.open)} {'remains' if t.open == 1 else 'remain'} "
            f"open{overdue}."
        )
    rows = [row for row in (a.from_concerns, a.from_minutes) if row.due]
    if len(rows) > 1:
        rows.append(t)
    return [
        Paragraph("actions", text),
        Table(
            ["Actions due in the period", "Due", "Done on time", "Done late", "Dropped", "Still open", "Overdue"],
            [(r.label, r.due, r.on_time, r.late, r.dropped, r.open, r.overdue) for r in rows],
            numeric=(1, 2, 3, 4, 5, 6),
            empty="No actions fell due in the period.",
        ),
    ]


def reported_back(r) -> list[Paragraph]:
    """Section 3's closing paragraph (issue #21): the concerns read back to residents at
    meetings in the period, and how residents judged what was done."""
    j = getattr(r, "reported_back", None)
    if j is None:
        return []
    if not j.total:
        return [Paragraph("reported_back", "No concerns were reported back to residents at meetings in the period.")]
    text = (
        f"At meetings in the period {count(j.total, 'concern', words=False)} raised earlier "
        f"{'was' if j.total == 1 else 'were'} reported back to residents: they were satisfied with the outcome of "
        f"{_figure(j.satisfied)}, partly satisfied with {_figure(j.partly)} and not satisfied with "
        f"{_figure(j.not_satisfied)}."
    )
    if j.not_satisfied:
        text += (
            f" {'That concern was' if j.not_satisfied == 1 else 'Those concerns were'} put back to "
            f"{'its' if j.not_satisfied == 1 else 'their'} lead team with the residents' comments."
        )
    return [Paragraph("reported_back", text)]


def _top(group, n=3) -> str:
    return _and([f"{p.label.lower()} ({p.percent}%)" for p in group.top(n)])


def consultation(c) -> list:
    """A priorities consultation that closed in the period (engage/consultations/results.py):
    responses in all and by channel, the top priorities countywide and by authority, and
    the wards with too few responses to give shares."""
    k = c.consultation
    w = c.whole
    channels = _and([f"{n:,} {RESPONSE_CHANNELS[ch].lower()}" for ch, n in c.channels.items()])
    text = (
        f"The PCC's consultation “{k.title}” asked residents “{k.question}” from {day_month(k.opens_on)} to "
        f"{day_month(k.closes_on)} {k.closes_on.year}. It drew {count(w.responses, 'response', words=False)}"
        + (f" ({channels})" if channels else "")
        + ", each choosing up to "
        + f"{k.max_choices} priorities."
    )
    if w.enough:
        text += f" Across Cleveland the priorities chosen most were {_top(w)}."
    else:
        text += f" That is too few to give shares (they are given from {k.threshold} responses)."
    blocks = [
        Paragraph(f"consultation:{k.slug}", text),
        Table(
            ["Priority", "Residents choosing it", "Share of responses"],
            [(p.label, p.count, f"{p.percent}%") for p in w.priorities],
            numeric=(1, 2),
            empty=w.too_few.capitalize() + ".",
        ),
        Paragraph(f"consultation_authorities:{k.slug}", "The top priorities in each local authority:"),
        Table(
            ["Local authority", "Responses", "Top priorities (share of responses)"],
            [(a.name, a.responses, _top(a) if a.enough else a.too_few.capitalize()) for a in c.authorities.values()],
            numeric=(1,),
            empty="No responses gave a ward.",
        ),
    ]
    few = c.below_threshold
    blocks.append(
        Paragraph(
            f"consultation_few:{k.slug}",
            f"In {count(len(few), 'ward', words=False)} fewer than {k.threshold} residents responded, too few to "
            f"give shares: {_and([g.name for g in few])}."
            if few
            else f"Every ward that responded gave at least {k.threshold} responses.",
        )
    )
    return blocks


def other_meeting_text(m) -> str:
    who = "the PCC" if m.pcc_attended else "OPCC staff"
    place = _meeting_place(m)
    text = f"On {day_month(m.date)} {who} attended {KIND_PHRASES.get(m.kind, 'a meeting')}"
    text += f" at {place}." if place else "."
    return f"{text} {m.notes.strip()}" if m.notes and m.notes.strip() else text


def other_meetings(r) -> list[Paragraph]:
    website = f" The full diary is published on the PCC website at {r.office.website}." if r.office.website else ""
    paragraphs = [Paragraph("other", f"Below is a summary of key other meetings attended by the PCC.{website}")]
    paragraphs += [Paragraph(f"other:{m.id}", other_meeting_text(m)) for m in r.other_meetings]
    if not r.other_meetings:
        paragraphs.append(Paragraph("other_none", "No other meetings were recorded in the period."))
    return paragraphs


def future(r) -> list:
    items = [
        f"{m.kind_label}{', ' + _meeting_place(m) if _meeting_place(m) else ''} – {day_month(m.date)}"
        for m in r.future_meetings
    ]
    return [
        Paragraph("future", "Meetings of note over the next few weeks include:"),
        Bullets(items or ["No meetings are planned yet."]),
    ]


def build_sections(r, wording: dict | None = None) -> list[Section]:
    wording = wording or {}
    sections = [
        Section(1, "Purpose of Report", purpose(r)),
        Section(2, "Background", background(r)),
        Section(3, "Your Force Your Voice", your_force_your_voice(r) + reported_back(r)),
    ]
    # Only when a consultation closed in the period: the sections after it move down one.
    consultations = getattr(r, "consultations", None) or []
    if consultations:
        sections.append(Section(4, "Priorities consultation", [b for c in consultations for b in consultation(c)]))
    sections += [
        Section(len(sections) + 1, "Other Meetings", other_meetings(r)),
        Section(len(sections) + 2, "Future Engagement / Meetings", future(r)),
    ]
    for section in sections:
        for i, p in enumerate(section.paragraphs, start=1):
            p.number = f"{section.number}.{i}"
            typed = (wording.get(p.key) or "").strip()
            p.edited = bool(typed) and typed != p.computed
            p.text = typed if p.edited else p.computed
    return sections


def paragraph_keys(sections: list[Section]) -> list[str]:
    return [p.key for s in sections for p in s.paragraphs]
