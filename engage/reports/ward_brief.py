"""The ward brief: what an officer takes into a ward's meeting (issue #21). The ward, its
authority and designation; the last meetings there; every concern raised since the
ward's previous meeting with what the team did; what is still open and overdue; the
ward's themes against its authority and Cleveland over the last 12 months; the "You
said, we did" last published; the meetings planned.

Plain functions over the existing tables, read through the policy
(`engage/accounts/policy.py`): an inspector's brief holds only the concerns their scope
allows, and meetings only where `Scope.sees_meetings_in` says so. Real or demo data,
never both (`engage/demo/source.py`). The page, the PDF and the Word file are drawn from
one `WardBrief` (docs/ward-brief.md)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.policy import Scope, filter_concerns
from engage.actions.lists import WardActions, ward_actions
from engage.concerns.link_columns import link_columns
from engage.concerns.models import REPORT_BACK_VIEWS, Category, Concern, Meeting
from engage.concerns.reporting_back import Judged, judged, marks_for
from engage.concerns.workflow import LABELS, OPEN_STATUSES
from engage.consultations.results import latest_for_ward
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set, find_ward
from engage.geography.models import Ward
from engage.geography.register import RegisterEntry
from engage.maps.drilldown import ward_meetings
from engage.platform.audit import record_taken
from engage.platform.dates import OFFICE_ZONE, day_range, last_twelve_months, office_day
from engage.platform.english import percent, plain_date
from engage.records.ward_recorded import WardRecorded, recorded_in_ward
from engage.reports.models import WardUpdate
from engage.reports.printing import docx_bytes, pdf_from_html
from engage.reports.public_page import PUBLIC_MEETING_KINDS, Shown, shown

# Two A4 pages for a typical ward: longer lists end "and N more".
MEETINGS_SHOWN = 5
PLANNED_SHOWN = 5
SINCE_SHOWN = 15
EARLIER_OPEN_SHOWN = 8
THEMES_SHOWN = 8
ACTIONS_SHOWN = 8
DESCRIPTION_CHARS = 140


class WardNotFound(LookupError):
    """No such ward in the current boundary set, or not one this user's area holds:
    answered alike (a 404), as the inbox answers a ward outside an inspector's area."""


@dataclass(frozen=True)
class BriefMeeting:
    date: date
    kind: str
    venue: str
    attendance: int | None

    @property
    def attendance_label(self) -> str:
        if self.attendance is None:
            return "not recorded"
        return f"{self.attendance} resident{'' if self.attendance == 1 else 's'}"


@dataclass(frozen=True)
class BriefMark:
    """A "reported back" mark: how residents judged the concern when it was read back."""

    view: str  # satisfied, partly, not_satisfied
    marked_on: date
    note: str

    @property
    def label(self) -> str:
        return REPORT_BACK_VIEWS[self.view]


@dataclass(frozen=True)
class BriefConcern:
    id: str
    raised_on: date
    category: str
    description: str
    status: str  # a label: "In progress"
    is_open: bool
    lead_team: str  # "" when not yet routed
    owner: str  # "" when nobody owns it
    age_days: int
    due_date: date | None
    overdue: bool
    we_did: str
    marks: tuple[BriefMark, ...] = ()  # reported back, in the order marked

    @property
    def judged(self) -> BriefMark | None:
        """The latest mark: how residents judged it last."""
        return self.marks[-1] if self.marks else None


@dataclass(frozen=True)
class ThemeShare:
    label: str
    ward: int
    authority: int
    cleveland: int


@dataclass(frozen=True)
class Themes:
    start: date
    end: date
    rows: list[ThemeShare]  # the ward's most raised first
    ward_total: int
    authority_total: int
    cleveland_total: int
    more: int  # categories left out of `rows`
    # False when the user sees only part of the concerns (an inspector): the figures
    # are of the concerns they may see, and the brief says so.
    whole: bool

    def share(self, n: int, total: int) -> str:
        return percent(n, total)


@dataclass(frozen=True)
class BriefPriorities:
    """What the ward's residents told the latest consultation with answers from it."""

    title: str
    opens_on: date
    closes_on: date
    responses: int
    threshold: int
    top: list  # (label, percent), highest first; empty below the threshold

    @property
    def sentence(self) -> str:
        when = f"{self.title}, {plain_date(self.opens_on)} to {plain_date(self.closes_on)}"
        if not self.top:
            return (
                f"{when}: too few responses ({self.responses}) from the ward to give shares "
                f"(they are given from {self.threshold})."
            )
        chosen = "; ".join(f"{label} {share}%" for label, share in self.top)
        return f"{when}: {self.responses} responses from the ward. Its top priorities: {chosen}."


def _priorities(ward: Ward, today: date, demo: bool) -> BriefPriorities | None:
    found = latest_for_ward(ward, demo=demo, today=today)
    if found is None:
        return None
    consultation, group = found
    return BriefPriorities(
        consultation.title,
        consultation.opens_on,
        consultation.closes_on,
        group.responses,
        group.threshold,
        [(p.label, p.percent) for p in group.top(3)],
    )


@dataclass
class Capped:
    """A list cut to what fits on the page, with how many were left out."""

    items: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass
class WardBrief:
    ward: Ward
    authority: str
    designation: str  # "Strengthen (sample)", or "" when none is recorded
    today: date
    source: str  # "real" or "demo"
    meetings_shown: bool  # False for a partner agency: it sees no meetings
    held: Capped  # BriefMeeting, most recent first
    planned: Capped  # BriefMeeting, soonest first
    previous_meeting: date | None  # the last public meeting held before today
    since: date  # concerns raised on or after this day are listed
    since_concerns: Capped  # BriefConcern: open first (oldest first), then the rest
    open_total: int
    overdue_total: int
    earlier_open: Capped  # open concerns raised before `since`, oldest first
    themes: Themes
    you_said_we_did: Shown | None
    whole: bool  # the user sees every concern of the ward
    # From the ward's concerns: open ones by due date, then those closed lately (engage/actions/lists.py).
    actions: WardActions = field(default_factory=lambda: WardActions([], 0, 0))
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # The listed concerns reported back, each by its latest mark.
    reported_back: Judged = field(default_factory=Judged)
    # What police.uk recorded in the ward, the last months imported (engage/records/ward_recorded.py).
    recorded: WardRecorded | None = None
    # The latest priorities consultation with answers from the ward (engage/consultations/).
    priorities: BriefPriorities | None = None

    @property
    def is_demo(self) -> bool:
        return self.source == "demo"

    @property
    def since_phrase(self) -> str:
        if self.previous_meeting is not None:
            return f"since the previous meeting on {plain_date(self.previous_meeting)}"
        return f"in the last 12 months (since {plain_date(self.since)}), as no earlier meeting is recorded"


def find_brief_ward(code: str, scope: Scope) -> Ward:
    """The current ward with this code, if the user's area holds it (`may_open_ward`)."""
    boundary_set = current_boundary_set()
    ward = find_ward(boundary_set, code) if boundary_set is not None and len(code) <= 16 else None
    if ward is None or not scope.may_open_ward(ward.id):
        raise WardNotFound(f"There is no ward with the code '{code}' in your area.")
    return ward


def _meeting(m: Meeting) -> BriefMeeting:
    return BriefMeeting(m.date, m.kind_label, m.venue or "", m.attendance)


def _previous_meeting(ward_ids: list[int], today: date, demo: bool) -> date | None:
    """The last public meeting (Your Force Your Voice, ward panel) held before today:
    what residents last came to, and so where "since last time" starts."""
    links = link_columns.c
    return db.session.scalar(
        sa.select(sa.func.max(links.date)).where(
            links.ward_id.in_(ward_ids),
            links.status == "held",
            links.kind.in_(PUBLIC_MEETING_KINDS),
            links.date < today,
            links.is_demo.is_(demo),
        )
    )


def _meeting_count(ward_ids: list[int], status: str, today: date, demo: bool) -> int:
    """How many meetings `ward_meetings` would list without its limit."""
    links = link_columns.c
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(links.meeting_id))).where(
            links.ward_id.in_(ward_ids),
            links.status == status,
            links.date <= today if status == "held" else links.date >= today,
            links.is_demo.is_(demo),
        )
    )


def _brief_concern(c: Concern, today: date) -> BriefConcern:
    """Its age in calendar days on the office's wall, as it reads beside the day it was
    raised ("12 June 2026", 5 days on the 17th)."""
    is_open = c.status in OPEN_STATUSES
    raised_on = office_day(c.raised_at)
    description = " ".join((c.description or "").split())
    if len(description) > DESCRIPTION_CHARS:
        description = description[: DESCRIPTION_CHARS - 1].rstrip() + "…"
    return BriefConcern(
        id=c.id,
        raised_on=raised_on,
        category=c.category.label,
        description=description,
        status=LABELS.get(c.status, c.status),
        is_open=is_open,
        lead_team=c.lead_team.name if c.lead_team else "",
        owner=(c.owner.name or c.owner.email) if c.owner else "",
        age_days=max((today - raised_on).days, 0),
        due_date=c.due_date,
        overdue=is_open and c.due_date is not None and c.due_date < today,
        we_did=" ".join((c.we_did or "").split()),
    )


def _capped(stmt, limit: int, convert) -> Capped:
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.scalars(
        stmt.options(so.selectinload(Concern.lead_team), so.selectinload(Concern.owner)).limit(limit)
    ).all()
    return Capped([convert(c) for c in rows], total or 0)


def _themes(ward: Ward, ward_ids: list[int], scope: Scope, today: date, demo: bool, whole: bool) -> Themes:
    """Each category's concerns over the last 12 months (UTC days, as reports count
    them) in the ward, its authority and Cleveland (every concern placed in a ward), in
    one grouped query over the concerns the user may see."""
    start, end = last_twelve_months(today)
    lo, hi = day_range(start, end)
    in_ward = sa.case((Concern.ward_id.in_(ward_ids), 1), else_=0)
    in_authority = sa.case((Ward.local_authority_id == ward.local_authority_id, 1), else_=0)
    stmt = filter_concerns(
        scope,
        sa.select(Category.label, sa.func.sum(in_ward), sa.func.sum(in_authority), sa.func.count())
        .select_from(Concern)
        .join(Category, Category.id == Concern.category_id)
        .join(Ward, Ward.id == Concern.ward_id)
        .where(Concern.raised_at.between(lo, hi), Concern.is_demo.is_(demo)),
    ).group_by(Category.label)
    counts = [(label, int(w or 0), int(a or 0), int(c or 0)) for label, w, a, c in db.session.execute(stmt)]
    ordered = sorted(counts, key=lambda r: (-r[1], -r[2], -r[3], r[0]))
    shown_rows = [ThemeShare(*r) for r in ordered if r[1]][:THEMES_SHOWN]
    return Themes(
        start=start,
        end=end,
        rows=shown_rows,
        ward_total=sum(r[1] for r in counts),
        authority_total=sum(r[2] for r in counts),
        cleveland_total=sum(r[3] for r in counts),
        more=sum(1 for r in counts if r[1]) - len(shown_rows),
        whole=whole,
    )


def _last_published(ward: Ward, demo: bool) -> Shown | None:
    """The ward's "You said, we did" published last (newest period first, as the public
    page shows it), of any vintage of the ward; demo updates only in a demo brief."""
    update = db.session.scalars(
        sa.select(WardUpdate)
        .join(WardUpdate.ward)
        .where(Ward.code == ward.code, WardUpdate.state == "published", WardUpdate.is_demo.is_(demo))
        .order_by(WardUpdate.period_end.desc(), WardUpdate.published_at.desc().nulls_last(), WardUpdate.id.desc())
        .limit(1)
    ).first()
    return shown(update) if update else None


def _with_marks(lists: list[Capped], demo: bool) -> Judged:
    """Each listed concern with its "reported back" marks (demo marks only in a demo
    brief), and how residents judged them, each concern by its latest mark."""
    marks = marks_for([c.id for capped in lists for c in capped.items], demo)
    for capped in lists:
        capped.items = [
            replace(
                c,
                marks=tuple(BriefMark(m.view, office_day(m.marked_at), m.note or "") for m in marks.get(c.id, [])),
            )
            for c in capped.items
        ]
    return judged(ms[-1].view for ms in marks.values())


def build_ward_brief(ward: Ward, today: date, scope: Scope, source: str = "real") -> WardBrief:
    """The brief for a ward (one the user may open: `find_brief_ward`) as it stands today."""
    demo = source == "demo"
    # By ward code, so concerns and meetings recorded in an older vintage of the ward count.
    ward_ids = list(db.session.scalars(sa.select(Ward.id).where(Ward.code == ward.code)))
    d = ward.designation_on(today)
    entry = RegisterEntry(ward, d.designation if d else None, d.effective_from if d else None, bool(d and d.is_sample))

    meetings_shown = scope.sees_meetings_in(ward_ids)
    held, planned = Capped([], 0), Capped([], 0)
    if meetings_shown:
        held = Capped(
            [_meeting(m) for m in ward_meetings(ward_ids, "held", today, demo, MEETINGS_SHOWN)],
            _meeting_count(ward_ids, "held", today, demo),
        )
        planned = Capped(
            [_meeting(m) for m in ward_meetings(ward_ids, "planned", today, demo, PLANNED_SHOWN)],
            _meeting_count(ward_ids, "planned", today, demo),
        )
    # A partner agency sees no meetings, so not even when the last one was.
    previous = _previous_meeting(ward_ids, today, demo) if meetings_shown else None
    since = previous or last_twelve_months(today)[0]
    since_moment, _ = day_range(since, None, OFFICE_ZONE)

    in_ward = filter_concerns(
        scope,
        sa.select(Concern).where(Concern.ward_id.in_(ward_ids), Concern.is_demo.is_(demo)),
    )
    still_open = Concern.status.in_(OPEN_STATUSES)
    oldest_open_first = (sa.case((still_open, 0), else_=1), Concern.raised_at, Concern.id)
    since_concerns = _capped(
        in_ward.where(Concern.raised_at >= since_moment).order_by(*oldest_open_first),
        SINCE_SHOWN,
        lambda c: _brief_concern(c, today),
    )
    earlier_open = _capped(
        in_ward.where(Concern.raised_at < since_moment, still_open).order_by(Concern.raised_at, Concern.id),
        EARLIER_OPEN_SHOWN,
        lambda c: _brief_concern(c, today),
    )
    reported_back = _with_marks([since_concerns, earlier_open], demo)
    open_now = in_ward.where(still_open).subquery()
    open_total, overdue_total = db.session.execute(
        sa.select(
            sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((open_now.c.due_date < today, 1), else_=0)), 0)
        ).select_from(open_now)
    ).one()
    return WardBrief(
        ward=ward,
        authority=ward.local_authority.name,
        designation=entry.designation_label,
        today=today,
        source=source,
        meetings_shown=meetings_shown,
        held=held,
        planned=planned,
        previous_meeting=previous,
        since=since,
        since_concerns=since_concerns,
        open_total=int(open_total),
        overdue_total=int(overdue_total),
        earlier_open=earlier_open,
        # Authority and Cleveland figures are whole only for those who see every concern.
        themes=_themes(ward, ward_ids, scope, today, demo, scope.sees_everything or scope.reads_all_wards),
        you_said_we_did=_last_published(ward, demo),
        whole=scope.reads_every_concern_in(ward_ids),
        actions=ward_actions(ward_ids, scope, today, demo, limit=ACTIONS_SHOWN),
        reported_back=reported_back,
        recorded=recorded_in_ward(ward, scope, source),
        priorities=_priorities(ward, today, demo),
    )


def record_brief_download(brief: WardBrief, fmt: str) -> None:
    """In the append-only audit trail, as exports are: who took which ward's brief away."""
    record_taken(
        "export",
        f"ward-brief-{brief.ward.code}.{fmt}",
        f"Ward brief for {brief.ward.name} ({fmt}, {brief.source} data)",
        {"ward": brief.ward.code, "format": fmt, "source": brief.source},
    )
    db.session.commit()


def render_html(brief: WardBrief, for_pdf: bool = False) -> str:
    from flask import render_template

    from engage.platform.text import printable

    return printable(render_template("reports/ward_brief_document.html", b=brief, for_pdf=for_pdf))


def render_pdf(brief: WardBrief) -> bytes:
    return pdf_from_html(render_html(brief, for_pdf=True), "css/brief.css")


def render_docx(brief: WardBrief) -> bytes:
    from engage.reports.ward_brief_docx import build_docx  # heavy: python-docx, loaded on first use

    return docx_bytes(build_docx(brief))
