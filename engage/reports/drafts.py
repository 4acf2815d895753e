"""A Panel report's wording as staff leave it, kept per report (period, report date and
source) so it survives leaving the page; and, once sent to the Panel, its Word and PDF
files exactly as sent, after which nothing about it changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from engage.extensions import db
from engage.platform.db import utcnow
from engage.platform.text import text_problem
from engage.reports.aggregation import Period
from engage.reports.models import PanelReportDraft


class ReportSent(Exception):
    """The report was sent to the Panel: it is frozen."""

    def __init__(self, draft: PanelReportDraft):
        self.draft = draft
        super().__init__(
            f"This report was sent to the Panel on {draft.sent_at:%-d %B %Y} by {draft.sent_by}: it cannot change."
        )


class DraftProblems(ValueError):
    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))


@dataclass(frozen=True)
class ReportKey:
    """Which report: its period, its own date and whose data (real or demo)."""

    period: Period
    report_date: date
    source: str


def find_draft(key: ReportKey) -> PanelReportDraft | None:
    return db.session.scalar(
        sa.select(PanelReportDraft).where(
            PanelReportDraft.period_start == key.period.start,
            PanelReportDraft.period_end == key.period.end,
            PanelReportDraft.report_date == key.report_date,
            PanelReportDraft.source == key.source,
        )
    )


def _draft_for(key: ReportKey, actor: str) -> PanelReportDraft:
    draft = find_draft(key)
    if draft is None:
        draft = PanelReportDraft(
            period_start=key.period.start,
            period_end=key.period.end,
            report_date=key.report_date,
            source=key.source,
            wording={},
            updated_by=actor,
        )
        db.session.add(draft)
    elif draft.sent_at is not None:
        raise ReportSent(draft)
    return draft


def save_wording(
    key: ReportKey, paragraphs: dict[str, str], actor: str, panel_date: date | None = None
) -> PanelReportDraft:
    """Keep what staff typed, by paragraph key (the caller commits). An empty text takes the
    paragraph back to its computed wording. Text a report cannot hold is refused, by key,
    and nothing is saved."""
    problems = {k: p for k, v in paragraphs.items() if (p := text_problem(v if isinstance(v, str) else ""))}
    if problems:
        raise DraftProblems(problems)
    draft = _draft_for(key, actor)
    wording = dict(draft.wording or {})
    for k, text in paragraphs.items():
        if isinstance(text, str) and text.strip():
            wording[k] = text.strip()
        else:
            wording.pop(k, None)
    draft.wording = wording  # a new dict: JSON columns see only assignment
    draft.panel_date = panel_date
    draft.updated_by = actor
    draft.updated_at = utcnow()
    return draft


def revert(key: ReportKey, keys: list[str] | None, actor: str) -> PanelReportDraft | None:
    """Paragraphs back to their computed wording: `keys`, or all when None."""
    draft = find_draft(key)
    if draft is None:
        return None
    if draft.sent_at is not None:
        raise ReportSent(draft)
    draft.wording = {} if keys is None else {k: v for k, v in (draft.wording or {}).items() if k not in keys}
    draft.updated_by = actor
    draft.updated_at = utcnow()
    return draft


def mark_sent(key: ReportKey, docx: bytes, pdf: bytes, actor: str, panel_date: date | None) -> PanelReportDraft:
    """Freeze the report with the files as sent (the caller renders them from the draft)."""
    if key.source == "demo":
        raise ValueError("A report built from demo data cannot be sent to the Panel: its figures are invented.")
    draft = _draft_for(key, actor)
    draft.panel_date = panel_date
    draft.sent_docx, draft.sent_pdf = docx, pdf
    draft.sent_at, draft.sent_by = utcnow(), actor
    return draft


def recent_reports(limit: int = 10) -> list[PanelReportDraft]:
    return db.session.scalars(
        sa.select(PanelReportDraft)
        .where(PanelReportDraft.source == "real")
        .order_by(PanelReportDraft.updated_at.desc())
        .limit(limit)
    ).all()
