"""Report periods: presets, and the record of reports produced (in the audit trail)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from engage.extensions import db
from engage.platform import dates
from engage.platform.audit import AuditEvent, record_taken
from engage.reports.aggregation import Period

REPORT_ENTITY = "panel_report"


def last_quarter(today: date) -> Period:
    q = (today.month - 1) // 3
    year, q = (today.year - 1, 3) if q == 0 else (today.year, q - 1)
    start = date(year, 3 * q + 1, 1)
    end = date(year + (q == 3), (3 * q + 4) % 12 or 12, 1) - timedelta(days=1) if q < 3 else date(year, 12, 31)
    return Period(start, end)


def last_twelve_months(today: date) -> Period:
    return Period(*dates.last_twelve_months(today))


def last_report_end() -> date | None:
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.entity == REPORT_ENTITY).order_by(AuditEvent.at.desc()).limit(1)
    )
    if event is None:
        return None
    return date.fromisoformat(event.changes["period_end"][1])


def since_last_report(today: date) -> Period | None:
    end = last_report_end()
    if end is None or end >= today:
        return None
    return Period(end + timedelta(days=1), today)


def presets(today: date) -> dict[str, Period]:
    out = {"last quarter": last_quarter(today), "last 12 months": last_twelve_months(today)}
    since = since_last_report(today)
    if since:
        out = {"since the last report": since, **out}
    return out


def record_report(period: Period, fmt: str, source: str) -> None:
    """Kept in the append-only audit trail: who produced which report, for what period."""
    record_taken(
        REPORT_ENTITY,
        f"{period.start}..{period.end}",
        f"Panel report ({fmt}, {source} data)",
        {
            "period_start": period.start.isoformat(),
            "period_end": period.end.isoformat(),
            "format": fmt,
            "source": source,
        },
    )


def parse_period(args, today: date) -> tuple[Period | None, list[str]]:
    errors = []
    try:
        start = date.fromisoformat(args.get("from", ""))
        end = date.fromisoformat(args.get("to", ""))
    except ValueError:
        return None, ["give the period as two dates, from and to, like 2026-01-31"]
    try:
        return Period(start, end), errors
    except ValueError as exc:
        return None, [str(exc)]
