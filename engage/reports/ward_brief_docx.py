"""The ward brief as a Word document (python-docx): A4, Arial 11 as the Panel report
(panel_docx.py), its tables smaller so a typical ward fits on two pages. The same
`WardBrief` as the page and the PDF; every stored text goes in through `printable`."""

from __future__ import annotations

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from engage.platform.english import percent, plain_date
from engage.platform.text import printable
from engage.reports.panel_docx import _page_numbers, fit_columns, table_with_header
from engage.reports.printing import arial_document

TABLE_FONT_PT = 8
MARGIN = Cm(1.5)
TEXT_WIDTH = 18.0  # cm, between the margins


def _heading(doc, text: str, level: int = 2):
    p = doc.add_heading(printable(text), level=level)
    p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(8 if level > 1 else 0), Pt(3)
    return p


def _note(doc, text: str, italic: bool = False):
    p = doc.add_paragraph()
    p.paragraph_format.space_after = Pt(3)
    run = p.add_run(printable(text))
    run.italic = italic
    return p


def _table(doc, header, rows, bold_rows=(), flagged=()):
    table = table_with_header(doc, header)
    for i, row in enumerate(rows):
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = ""
            run = cell.paragraphs[0].add_run(printable(str(value)))
            run.font.size = Pt(TABLE_FONT_PT)
            run.bold = i in bold_rows
            if i in flagged:
                run.font.color.rgb = RGBColor(0x8A, 0x1D, 0x18)
    fit_columns(table, header, rows, total=TEXT_WIDTH)
    return table


def _more(doc, capped, what: str):
    if capped.more:
        plural = "" if capped.more == 1 else "s"
        _note(doc, f"… and {capped.more} more {what}{plural}, not listed here to keep the brief to two pages.", True)


def _mark(m) -> str:
    return f"Reported back {plain_date(m.marked_on)}: {m.label}" + (f" ({m.note})" if m.note else "")


def _concerns(doc, concerns):
    rows, flagged = [], []
    for i, c in enumerate(concerns):
        status = c.status + (f" OVERDUE (due {plain_date(c.due_date)})" if c.overdue else "")
        team = c.lead_team or "Not yet routed"
        rows.append(
            (
                plain_date(c.raised_on),
                f"{c.category}: {c.description}",
                status,
                f"{team}, {c.owner}" if c.owner else team,
                f"{c.age_days} day{'' if c.age_days == 1 else 's'}",
                "\n".join([c.we_did or "–", *(_mark(m) for m in c.marks)]),
            )
        )
        if c.overdue:
            flagged.append(i)
    _table(
        doc, ["Raised", "What residents said", "Status", "Lead team and owner", "Age", "We did"], rows, flagged=flagged
    )


def _actions(doc, a):
    _note(doc, "Actions agreed on the ward's concerns").runs[0].bold = True
    if not a.items:
        _note(doc, "No actions open or closed lately on the ward's concerns.", True)
        return
    overdue = f"; {a.overdue} overdue" if a.overdue else ""
    _note(
        doc, f"{a.total} action{'' if a.total == 1 else 's'} open or closed in the last {a.recent_days} days{overdue}."
    )
    rows, flagged = [], []
    for i, x in enumerate(a.items):
        closed = f" {plain_date(x.closed_on)}" if x.closed_on else ""
        rows.append(
            (
                x.title,
                x.owner,
                plain_date(x.due_date) if x.due_date else "–",
                f"{x.status} OVERDUE" if x.overdue else f"{x.status}{closed}",
            )
        )
        if x.overdue:
            flagged.append(i)
    _table(doc, ["Action", "Owner", "Due", "Status"], rows, flagged=flagged)
    _more(doc, a, "action")


def _recorded(doc, r):
    """police.uk's counts: the latest month and the months imported, as on the page."""
    if r is None:
        return
    _note(doc, "Recorded by police (police.uk)" + (", demo figures" if r.is_demo else "")).runs[0].bold = True
    if not r.rows:
        _note(doc, "No police.uk months have been imported yet.", True)
        return
    latest, total = r.rows[-1], r.totals()
    rows = [(f"{latest.month:%B %Y}", *latest.by_type, latest.all_types, latest.concerns)]
    if len(r.rows) > 1:
        span = f"{len(r.rows)} months to {r.last:%B %Y}"
        rows.append((span, *(f"{n:,}" for n in total.by_type), f"{total.all_types:,}", f"{total.concerns:,}"))
    _table(doc, ["Months", *r.types, "All recorded", "Concerns raised"], rows)
    _note(doc, r.caveat + ("" if r.concerns_whole else " Concerns: those you may see."), True)


def build_docx(b) -> Document:
    doc = arial_document(MARGIN)
    section = doc.sections[0]
    _page_numbers(section)
    if b.is_demo:
        header = section.header.paragraphs[0]
        run = header.add_run("DEMO DATA: invented meetings and concerns, not real figures")
        run.bold, run.font.color.rgb = True, RGBColor(0x8A, 0x1D, 0x18)
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER

    _heading(doc, f"Ward brief: {b.ward.name}", level=1)
    facts = doc.add_paragraph()
    facts.add_run(
        printable(
            f"{b.authority} · Designation: {b.designation or 'not recorded'} · Ward code {b.ward.code} · "
            f"Prepared {plain_date(b.today)}"
        )
    ).bold = True
    if not b.whole:
        _note(doc, "Only the concerns you may see are listed and counted here.", True)

    _heading(doc, "1. Last meetings here")
    if not b.meetings_shown:
        _note(doc, "Meetings are not shown to partner agencies.")
    elif b.held.items:
        rows = [(plain_date(m.date), m.kind, m.venue or "–", m.attendance_label) for m in b.held.items]
        _table(doc, ["Date", "Meeting", "Venue", "Attendance"], rows)
        _more(doc, b.held, "earlier meeting")
    else:
        _note(doc, "No meetings have been recorded in this ward.", True)

    _heading(doc, f"2. Raised {b.since_phrase}")
    s = b.since_concerns
    if b.reported_back.total:
        _note(
            doc, f"{b.reported_back.sentence} (of the concerns listed in this brief; each by residents' latest view)."
        )
    if s.items:
        _note(doc, f"{s.total} concern{'' if s.total == 1 else 's'}, still open first (oldest first).")
        _concerns(doc, s.items)
        _more(doc, s, "concern")
    else:
        _note(doc, f"No concerns have been raised {b.since_phrase}.", True)

    _heading(doc, "3. Still open and overdue")
    if b.open_total:
        verb = "is" if b.open_total == 1 else "are"
        overdue = (
            f"{b.overdue_total} {'is' if b.overdue_total == 1 else 'are'} overdue (past their due date)"
            if b.overdue_total
            else "none is overdue"
        )
        _note(
            doc, f"{b.open_total} concern{'' if b.open_total == 1 else 's'} {verb} still open in the ward; {overdue}."
        )
    else:
        _note(doc, "No concern is open in the ward.")
    if b.earlier_open.items:
        _note(doc, f"Still open from before {plain_date(b.since)}, oldest first:")
        _concerns(doc, b.earlier_open.items)
        _more(doc, b.earlier_open, "open concern")
    _actions(doc, b.actions)

    t = b.themes
    _heading(doc, f"4. Themes, {plain_date(t.start)} to {plain_date(t.end)}")
    if t.rows:
        scope_note = "" if t.whole else " Counted over the concerns you may see."
        _note(doc, f"Share of the concerns raised in the ward, {b.authority} and Cleveland.{scope_note}")
        rows = [
            (
                r.label,
                f"{percent(r.ward, t.ward_total)} ({r.ward})",
                f"{percent(r.authority, t.authority_total)} ({r.authority})",
                f"{percent(r.cleveland, t.cleveland_total)} ({r.cleveland})",
            )
            for r in t.rows
        ]
        rows.append(
            ("Number of concerns behind them", f"{t.ward_total:,}", f"{t.authority_total:,}", f"{t.cleveland_total:,}")
        )
        _table(doc, ["Theme", b.ward.name, b.authority, "Cleveland"], rows, bold_rows=(len(rows) - 1,))
        if t.more:
            _note(
                doc, f"… and {t.more} more theme{'' if t.more == 1 else 's'} raised in the ward, not listed here.", True
            )
    else:
        _note(doc, "No concerns were raised in the ward in the last 12 months.", True)
    _heading(doc, "What residents told the consultation", level=3)
    _note(doc, b.priorities.sentence if b.priorities else "No consultation has answers from this ward yet.")
    _recorded(doc, b.recorded)

    _heading(doc, '5. "You said, we did" last published')
    u = b.you_said_we_did
    if u:
        published = f", published {plain_date(u.published_at.date())}" if u.published_at else ""
        _note(doc, f"For {plain_date(u.period_start)} to {plain_date(u.period_end)}{published}.")
        if u.intro:
            _note(doc, u.intro)
        _table(doc, ["Theme", "You said", "We did"], [(i["label"], i["you_said"], i["we_did"]) for i in u.items])
    else:
        _note(doc, "None published yet for this ward.", True)

    _heading(doc, "6. Meetings planned")
    if not b.meetings_shown:
        _note(doc, "Meetings are not shown to partner agencies.")
    elif b.planned.items:
        rows = [(plain_date(m.date), m.kind, m.venue or "to be confirmed") for m in b.planned.items]
        _table(doc, ["Date", "Meeting", "Venue"], rows)
        _more(doc, b.planned, "planned meeting")
    else:
        _note(doc, "No meetings are planned in this ward.", True)

    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(6)
    run = p.add_run(
        f"Prepared by engage on {b.generated_at:%-d %B %Y at %H:%M UTC} from {'demo' if b.is_demo else 'recorded'} "
        "data. For the officer at the meeting: it holds what residents said, never their contact details."
    )
    run.font.size = Pt(7)
    return doc
