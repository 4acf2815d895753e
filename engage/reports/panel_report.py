"""The Panel report ("Programme of Engagement"), built from the aggregation service.

Its structure follows the PCC's report to the Police and Crime Panel of 3 July 2018
(`panel_sections.py`: five numbered sections, then an appendix of every meeting), under
the office's letterhead and signature (`office.py`). Paragraphs may be reworded by staff;
every number is computed and cannot be.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from engage.actions.figures import ActionFigures, action_figures
from engage.consultations.results import closed_between, consultation_results
from engage.platform.text import printable, text_problem
from engage.reports import aggregation as agg
from engage.reports.aggregation import Period
from engage.reports.office import Office, office
from engage.reports.panel_sections import Section, build_sections
from engage.reports.printing import docx_bytes, pdf_from_html


@dataclass
class PanelReport:
    period: Period
    source: str
    programme_start: date
    generated_at: datetime
    report_date: date
    panel_date: date | None
    office: Office
    ward_count: int
    meetings: list
    by_authority: list
    total_since_start: int
    residents: int
    without_attendance: int
    themes: list
    by_designation: dict
    outcomes: agg.Outcomes
    other_meetings: list
    future_meetings: list
    appendix: list  # (meeting, concerns raised)
    actions: ActionFigures | None = None  # the actions due in the period (engage/actions/figures.py)
    map_png: bytes | None = None
    # Concerns reported back at meetings in the period, and how residents judged them.
    reported_back: agg.Judged | None = None
    # The priorities consultations that closed in the period, with their results.
    consultations: list = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def is_demo(self) -> bool:
        return self.source == "demo"

    @property
    def wording(self) -> dict[str, str]:
        """Every paragraph's text by key, as the report says it."""
        return {p.key: p.text for s in self.sections for p in s.paragraphs}


def narrative_problems(narrative: dict | None) -> dict[str, str]:
    """What is wrong with wording staff typed, by paragraph key ({} when nothing is)."""
    found = {key: text_problem(value) for key, value in (narrative or {}).items() if isinstance(value, str)}
    return {key: problem for key, problem in found.items() if problem}


def build_panel_report(
    period: Period,
    source: str,
    programme_start: date,
    narrative: dict | None = None,
    with_map: bool = True,
    report_date: date | None = None,
    panel_date: date | None = None,
) -> PanelReport:
    """The report for a period; `narrative` is staff's wording by paragraph key (a key
    not given, or given empty, reads as the computed text)."""
    # Every meeting held, read once (a year at 100,000 meetings is some 44,000 of them):
    # Your Force Your Voice ones and the others are that list filtered, in its order.
    appendix_meetings = agg.held_meetings(period, source, kind=None)
    meetings = [m for m in appendix_meetings if m.kind == agg.YFYV]
    per_meeting = agg.concerns_per_meeting([m.id for m in appendix_meetings])
    report = PanelReport(
        period=period,
        source=source,
        programme_start=programme_start,
        generated_at=datetime.now(UTC),
        report_date=report_date or date.today(),
        panel_date=panel_date,
        office=office(),
        ward_count=agg.current_ward_count(),
        meetings=meetings,
        by_authority=agg.meetings_by_authority(meetings),
        total_since_start=agg.meetings_since(programme_start, period.end, source),
        residents=sum(m.attendance or 0 for m in meetings),
        without_attendance=sum(m.attendance is None for m in meetings),
        themes=agg.themes(period, source),
        by_designation=agg.themes_by_designation(period, source),
        outcomes=agg.outcomes(period, source),
        other_meetings=[m for m in appendix_meetings if m.kind != agg.YFYV],
        future_meetings=agg.future_meetings(period.end, source),
        appendix=[(m, per_meeting.get(m.id, 0)) for m in appendix_meetings],
    )
    report.actions = action_figures(period.start, period.end, source, report.report_date)
    if with_map:
        from engage.reports.report_map import choropleth_png

        report.map_png = choropleth_png(period, source)
    report.reported_back = agg.reported_back(period, source)
    report.consultations = [
        consultation_results(c) for c in closed_between(period.start, period.end, demo=source == "demo")
    ]
    report.sections = build_sections(report, narrative)
    return report


def render_html(report: PanelReport, for_pdf: bool = False) -> str:
    import base64

    from flask import render_template

    image = base64.b64encode(report.map_png).decode() if report.map_png else None
    # The whole page through printable: stored text may hold control characters,
    # which HTML and the PDF's fonts cannot show (and markup never holds).
    return printable(render_template("reports/panel_document.html", r=report, map_data=image, for_pdf=for_pdf))


def render_pdf(report: PanelReport) -> bytes:
    return pdf_from_html(render_html(report, for_pdf=True), "css/report.css")


def render_docx(report: PanelReport) -> bytes:
    from engage.reports.panel_docx import build_docx  # python-docx: loaded on first use

    return docx_bytes(build_docx(report))
