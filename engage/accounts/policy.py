"""What a user may see, in one place. Every list, detail page, API answer, export, ward
page and map filters through here, so what someone sees cannot differ between screens.

- staff and admin: everything;
- officer: every ward (they log meetings anywhere), and the entries they logged; every
  planned ward meeting (they hold them; not the office's partnership and scrutiny
  ones); in a ward's brief, every concern of that ward (`for_briefing`: they read it
  to the hall);
- inspector of an INT: the concerns in the wards their INT covers, and what is routed
  (as lead or copy) to their teams; the meetings in those wards;
- inspector of a partner agency (Team.kind 'partner', e.g. the fire brigade): only the
  concerns routed to their team, wherever they are, whatever the team's coverage, and
  no meetings through that team (a partner is told about the concerns it has to act
  on, not everything residents raise in its area: docs/security.md).
- the office's own partnership and scrutiny meetings (agenda, attendance, minutes, the
  actions agreed there: engage/minutes/): staff and admin only, who run them
  (`runs_office_meetings`); officers and inspectors neither see nor edit them there.
- priorities consultations (engage/consultations/): staff and admin, who run them
  (`runs_consultations`), create and edit them, key paper forms, read every response
  with its comment, void one, import a survey tool's responses and read the full
  results; anyone, with no account, answers one on its public page; its figures per
  ward (withheld below its threshold, never a respondent's words) show to whoever may
  open the ward's page or brief.
Someone with several roles or teams sees the union.

A partner's coverage still names the wards whose pages it may open (`may_open_ward`);
those pages then show only what the rest of this module lets it see.

Actions (engage/actions/, docs/actions.md), `filter_actions` and `may_change_action`:
- staff and admin: every action, and may change any;
- an action from a concern: whoever may see the concern sees it; its lead team
  (`Scope.leads`, who also propose one) and its owner change it;
- an action from a partnership meeting's agenda item: staff and admin, and its owner;
- the owner of any action (the person, or a member of the owning team) sees and
  changes it, wherever it came from.

The Section 59 register and the off-road vehicles view (docs/section59.md):
- the register, references and all (`reads_section59`, `filter_section59`): staff and
  admin, everything, and they alone add to it and import it (`keeps_section59`);
  inspectors of an INT, the warnings in the wards their INTs cover (all, for one
  covering all of Cleveland): police records, for the police teams of those wards. Not
  a partner agency's team, not an officer, and an entry outside every ward only staff;
- the off-road view (`OFFROAD_ROLES`): inspectors of either kind, staff and admin, who
  plan patrols or run the office; its concerns are `filter_concerns`' as on every page,
  its Section 59 points the register's (`filter_section59`). Its monthly counts of
  warnings and seizures cover the wards in the user's area (`filter_wards`): a partner
  agency working with Operation Endurance sees how many per ward and month, never
  where, when or which. Officers neither: they read a ward's off-road concerns in its
  brief, and nothing of the register.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from engage.accounts.models import User
from engage.actions.models import Action
from engage.concerns.models import Concern, Meeting, concern_copy, meeting_ward
from engage.extensions import db
from engage.geography.models import Ward
from engage.minutes.models import OFFICE_MEETING_KINDS
from engage.records.models import Section59Warning
from engage.teams.coverage import wards_covered_by


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    sees_everything: bool
    # Every ward is in the user's area: its page and its place on the map (not its concerns).
    sees_all_wards: bool
    # Concerns routed (lead or copy) to these teams: every team of an inspector.
    team_ids: frozenset[int]
    # INTs of an inspector: every concern (and meeting) in the wards they cover, too.
    area_team_ids: frozenset[int] = frozenset()
    # An INT covering all of Cleveland: every concern and meeting that has a ward.
    reads_all_wards: bool = False
    # Officers, staff and admins: the meetings of any ward page they open.
    meetings_anywhere: bool = False
    # Officers: every concern of a ward in its brief (`for_briefing`), nowhere else.
    briefs_every_ward: bool = False

    def ward_ids(self):
        """A SELECT of the ids of the wards in the user's area (their teams' coverage),
        for use in `IN (...)`. Whose concerns they see there is `concern_ward_ids`."""
        return wards_covered_by(self.team_ids)

    def concern_ward_ids(self):
        """A SELECT of the ids of the wards whose every concern the user sees (their INTs')."""
        return wards_covered_by(self.area_team_ids)

    def filter_wards(self, stmt):
        if self.sees_all_wards:
            return stmt
        return stmt.where(Ward.id.in_(self.ward_ids()))

    def may_open_ward(self, ward_id: int) -> bool:
        """Whether a ward's page (its figures, open concerns, meetings) is in the user's
        area; what the page then shows is filtered by `filter_concerns`."""
        return self.sees_all_wards or ward_id in set(db.session.scalars(self.ward_ids()))

    def reads_every_concern_in(self, ward_ids) -> bool:
        """Whether the user sees every concern of these wards, so that counts kept for
        the whole ward (the rollup) are theirs to see."""
        if self.sees_everything or self.reads_all_wards:
            return True
        if not self.area_team_ids:
            return False
        return set(ward_ids) <= set(db.session.scalars(self.concern_ward_ids()))

    def sees_meetings_in(self, ward_ids) -> bool:
        """Whether a ward page lists the wards' meetings: not for a partner agency."""
        return self.meetings_anywhere or self.reads_every_concern_in(ward_ids)

    def may_see_contact(self, concern=None) -> bool:
        """Residents' contact details (shown only where given with consent): staff and
        admin see every concern's, so only they may export them (`concern` None: any
        concern's); the inspectors of the concern's lead team see that concern's, as
        they are the ones who call the resident back; the officer who wrote them down
        sees that concern's. Never a team it is only copied to. The inbox, the API and
        the exports all ask here; the inbox and the API record each viewing in the
        audit trail (engage/concerns/privacy.py `record_contact_views`)."""
        if self.sees_everything:
            return True
        if concern is None or self.user_id is None:
            return False
        return concern.created_by_id == self.user_id or concern.lead_team_id in self.team_ids

    def may_see_resident_photos(self, concern) -> bool:
        """Photos residents sent through Open311 with a concern or a comment on it, and
        the addresses of photos engage did not fetch: staff and admin, and the members
        of its lead team, who act on it. Not a copied team, nor an INT reading the
        concerns of its area: a photo can show a face, a house or a number plate. The
        resident's words are the concern's, seen by whoever may see the concern."""
        return self.leads(concern)

    def acts_on(self, concern) -> bool:
        """Whether the user may change the concern's status: staff and admin, and the
        teams it is routed to."""
        if self.sees_everything:
            return True
        routed = {concern.lead_team_id, *(t.id for t in concern.copied_teams)}
        return bool(self.team_ids & routed)

    @property
    def runs_office_meetings(self) -> bool:
        """Whether the user may open and edit the office's partnership and scrutiny
        meetings (their agenda, attendance, minutes, actions and Word files): staff and
        admin, who run them. An inspector whose team owns one of their actions follows
        it through the actions' own pages, not the minutes (docs/minutes.md)."""
        return self.sees_everything

    @property
    def reads_section59(self) -> bool:
        """Whether the Section 59 register is the user's to open: staff and admin, and
        inspectors of an INT (for their wards: `filter_section59`)."""
        return self.sees_everything or bool(self.area_team_ids)

    @property
    def keeps_section59(self) -> bool:
        """Whether the user may add warnings to the register or import them: the office."""
        return self.sees_everything

    @property
    def runs_consultations(self) -> bool:
        """Whether the user may create and edit consultations, key paper and event
        responses, read every response (its comment included: free text is never
        published) and void one, import a survey tool's responses and read the full
        results (every ward, authority and designation, by channel): staff and admin,
        who run the consultation for the PCC."""
        return self.sees_everything

    def leads(self, concern) -> bool:
        """Whether the user may say who owns the concern and when it is due: staff and
        admin, and the members of its lead team. Not a copied team: it is told, and
        the lead team answers for it."""
        if self.sees_everything:
            return True
        return concern.lead_team_id is not None and concern.lead_team_id in self.team_ids


def scope_for(user: User | None) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope(None, False, False, frozenset())
    roles = user.roles
    teams = list(user.teams) if "inspector" in roles else []
    everything = bool(roles & {"staff", "admin"})
    ints = [t for t in teams if t.kind == "int"]
    all_wards = everything or "officer" in roles or any(t.coverage == "all" for t in teams)
    reads_all = everything or any(t.coverage == "all" for t in ints)
    return Scope(
        user.id,
        everything,
        all_wards,
        frozenset(t.id for t in teams),
        area_team_ids=frozenset(t.id for t in ints),
        reads_all_wards=reads_all,
        meetings_anywhere=everything or "officer" in roles,
        briefs_every_ward="officer" in roles,
    )


def office_scope() -> Scope:
    """What a command run on the server sees: whoever can run `flask` there administers
    the app, so the office's view (staff and admin), unless the command is asked to act
    as a user (`--as`)."""
    return Scope(None, True, True, frozenset(), reads_all_wards=True, meetings_anywhere=True)


def for_briefing(scope: Scope) -> Scope:
    """What a ward brief may list. The engagement officer goes back to each ward every
    year and reads out what happened to what residents raised there, whoever wrote it
    down last time, so in a brief an officer reads every concern of the ward, as an INT
    covering all of Cleveland does. Only there: their inbox, the API and the exports
    still hold only what they logged, and the brief holds no contact details."""
    if scope.briefs_every_ward and not scope.sees_everything:
        return replace(scope, reads_all_wards=True)
    return scope


def routed_to_teams(team_ids):
    """Concerns whose lead or copied team is one of these."""
    return sa.or_(
        Concern.lead_team_id.in_(team_ids),
        Concern.id.in_(sa.select(concern_copy.c.concern_id).where(concern_copy.c.team_id.in_(team_ids))),
    )


def filter_concerns(scope: Scope, stmt):
    """Concerns this user may see: those they logged, those routed to their teams
    (either kind), and every one in the wards their INTs cover."""
    if scope.sees_everything:
        return stmt
    conditions = []
    if scope.user_id is not None:
        conditions.append(Concern.created_by_id == scope.user_id)
    if scope.team_ids:
        conditions.append(routed_to_teams(scope.team_ids))
    if scope.reads_all_wards:
        conditions.append(Concern.ward_id.isnot(None))
    elif scope.area_team_ids:
        conditions.append(Concern.ward_id.in_(scope.concern_ward_ids()))
    return stmt.where(sa.or_(*conditions)) if conditions else stmt.where(sa.false())


def filter_meetings(scope: Scope, stmt):
    """Meetings this user may see: those they logged, and those in their INTs' wards;
    for officers, every planned ward meeting too (staff plan them, any officer may go and
    hold one). A partner agency sees none through its team."""
    if scope.sees_everything:
        return stmt
    conditions = []
    if scope.user_id is not None:
        conditions.append(Meeting.created_by_id == scope.user_id)
    if scope.briefs_every_ward:
        # Not the office's own partnership and scrutiny meetings: staff and admin's.
        conditions.append(sa.and_(Meeting.status == "planned", Meeting.kind.notin_(OFFICE_MEETING_KINDS)))
    if scope.reads_all_wards:
        conditions.append(Meeting.id.in_(sa.select(meeting_ward.c.meeting_id)))
    elif scope.area_team_ids:
        conditions.append(
            Meeting.id.in_(
                sa.select(meeting_ward.c.meeting_id).where(meeting_ward.c.ward_id.in_(scope.concern_ward_ids()))
            )
        )
    return stmt.where(sa.or_(*conditions)) if conditions else stmt.where(sa.false())


# Who may open the off-road vehicles view; what it then shows is the filters' below.
OFFROAD_ROLES = ("inspector", "staff", "admin")


def filter_section59(scope: Scope, stmt):
    """Section 59 warnings whose place, date and reference this user may see (a
    statement over Section59Warning): every one for staff and admin, those in their
    INTs' wards for an inspector of an INT, none for anyone else."""
    if scope.sees_everything:
        return stmt
    if scope.reads_all_wards and scope.area_team_ids:
        return stmt.where(Section59Warning.ward_id.isnot(None))
    if scope.area_team_ids:
        return stmt.where(Section59Warning.ward_id.in_(scope.concern_ward_ids()))
    return stmt.where(sa.false())


def _owns(scope: Scope):
    """Actions the user owns: theirs, or their teams'."""
    conditions = []
    if scope.user_id is not None:
        conditions.append(Action.owner_user_id == scope.user_id)
    if scope.team_ids:
        conditions.append(Action.owner_team_id.in_(scope.team_ids))
    return conditions


def filter_actions(scope: Scope, stmt):
    """Actions this user may see (a statement over Action): those they or their teams
    own, and those from a concern they may see. One from an agenda item, only staff
    and its owner."""
    if scope.sees_everything:
        return stmt
    conditions = [*_owns(scope), Action.concern_id.in_(filter_concerns(scope, sa.select(Concern.id)))]
    return stmt.where(sa.or_(*conditions))


def may_change_action(scope: Scope, action: Action) -> bool:
    """Whether the user may add an update to an action, mark it done, drop it, re-date
    or re-assign it: staff and admin; its owner (the person, or a member of the owning
    team); for one from a concern, the concern's lead team too."""
    if scope.sees_everything:
        return True
    if scope.user_id is not None and action.owner_user_id == scope.user_id:
        return True
    if action.owner_team_id is not None and action.owner_team_id in scope.team_ids:
        return True
    return action.concern is not None and scope.leads(action.concern)


def action_or_404(scope: Scope, action_id: int) -> Action:
    """The action, or the same 404 as for one that does not exist."""
    action = db.session.scalar(filter_actions(scope, sa.select(Action).where(Action.id == action_id)))
    if action is None:
        raise NotFound(f"no action {action_id} that you can see")
    return action


def visible_concern(scope: Scope, concern_id) -> Concern | None:
    """The concern with this id if this user may see it, else None: one the user may
    not see is answered exactly as one that does not exist."""
    return db.session.scalar(filter_concerns(scope, sa.select(Concern).where(Concern.id == str(concern_id))))


def visible_meeting(scope: Scope, meeting_id) -> Meeting | None:
    """As `visible_concern`, for a meeting."""
    return db.session.scalar(filter_meetings(scope, sa.select(Meeting).where(Meeting.id == str(meeting_id))))


def concern_or_404(scope: Scope, concern_id) -> Concern:
    """The concern, or the one 404 the inbox, the API and the exports give for a concern
    that is not there or not the user's to see (which of the two, it never says)."""
    concern = visible_concern(scope, concern_id)
    if concern is None:
        raise NotFound(f"no concern {concern_id} that you can see")
    return concern


def meeting_or_404(scope: Scope, meeting_id) -> Meeting:
    """As `concern_or_404`, for a meeting."""
    meeting = visible_meeting(scope, meeting_id)
    if meeting is None:
        raise NotFound(f"no meeting {meeting_id} that you can see")
    return meeting
