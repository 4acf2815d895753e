"""The Panel report ("Programme of Engagement"), built from the aggregation service.

Its structure follows the PCC's report to the Police and Crime Panel of 3 July 2018:
purpose, background, Your Force Your Voice, what was done, other meetings, future
meetings, and an appendix of every meeting. Narrative paragraphs may be edited by
staff; every number is computed and cannot be.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from engage.platform.text import printable, text_problem
from engage.reports import aggregation as agg
from engage.reports.aggregation import Period

NARRATIVE_KEYS = ("purpose", "background", "yfyv", "themes", "outcomes", "other", "future")


@dataclass
class PanelReport:
    period: Period
    source: str
    programme_start: date
    generated_at: datetime
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
    narrative: dict = field(default_factory=dict)
    map_png: bytes | None = None

    @property
    def is_demo(self) -> bool:
        return self.source == "demo"

    @property
    def top_themes(self) -> list:
        return self.themes[:5]


def default_narrative(r: PanelReport) -> dict[str, str]:
    top = ", ".join(t.label.lower() for t in r.themes[:3]) or "none recorded"
    return {
        "purpose": (
            f"The purpose of this report is to provide Members of the Cleveland Police and Crime Panel "
            f"with an update on the Commissioner's programme of engagement from {r.period.label()}. "
            "Future meetings are also summarised."
        ),
        "background": (
            "The Commissioner's consultation and engagement activities focus on increasing understanding "
            "of the communities of Cleveland, ensuring clear and consistent communication with the public "
            "and ensuring effective consultation and community engagement."
        ),
        "yfyv": (
            "The 'Your Force Your Voice' engagement initiative continues with community meetings in all of "
            "Cleveland's 79 ward areas revisited on an annual basis."
        ),
        "themes": (
            f"The main themes residents raised in the period were {top}. All of the issues raised at "
            "community meetings are raised with the local Integrated Neighbourhood Teams for action."
        ),
        "outcomes": "Residents hear back through 'You said, we did' updates published for each ward.",
        "other": "Below is a summary of other meetings attended in the period.",
        "future": "Meetings planned after the end of the period include:",
    }


def narrative_problems(narrative: dict | None) -> dict[str, str]:
    """What is wrong with wording staff typed, by paragraph ({} when nothing is)."""
    found = {
        key: text_problem(value)
        for key, value in (narrative or {}).items()
        if key in NARRATIVE_KEYS and isinstance(value, str)
    }
    return {key: problem for key, problem in found.items() if problem}


def build_panel_report(
    period: Period, source: str, programme_start: date, narrative: dict | None = None, with_map: bool = True
) -> PanelReport:
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
    text = default_narrative(report)
    for key, value in (narrative or {}).items():
        if key in NARRATIVE_KEYS and value and value.strip():
            text[key] = value.strip()
    report.narrative = text
    if with_map:
        from engage.reports.report_map import choropleth_png

        report.map_png = choropleth_png(period, source)
    return report


def render_html(report: PanelReport, for_pdf: bool = False) -> str:
    import base64

    from flask import render_template

    image = base64.b64encode(report.map_png).decode() if report.map_png else None
    # The whole page through printable: stored text may hold control characters,
    # which HTML and the PDF's fonts cannot show (and markup never holds).
    return printable(render_template("reports/panel_document.html", r=report, map_data=image, for_pdf=for_pdf))


def render_pdf(report: PanelReport) -> bytes:
    from flask import current_app
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=f"{current_app.static_folder}/css/report.css")
    return HTML(string=render_html(report, for_pdf=True)).write_pdf(stylesheets=[stylesheet])


def render_docx(report: PanelReport) -> bytes:
    from engage.reports.panel_docx import build_docx

    out = io.BytesIO()
    build_docx(report).save(out)
    return out.getvalue()
