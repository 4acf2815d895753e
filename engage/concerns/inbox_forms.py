from datetime import date, datetime

from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from engage.concerns.bulk import MAX_AT_ONCE
from engage.concerns.workflow import NOTE_REQUIRED
from engage.platform.forms import Form


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (a fieldset in the template), not a
    select that needs Ctrl-click to pick more than one."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StatusForm(Form):
    to = HiddenField(validators=[DataRequired()])
    note = TextAreaField("What was done, or why")
    submit = SubmitField("Save")


class RerouteForm(Form):
    lead = SelectField("Lead team", coerce=str)
    copies = MultiCheckboxField("Copy to", coerce=str)
    reason = TextAreaField("Reason for re-routing")
    submit = SubmitField("Re-route")


def parse_day(text: str) -> date:
    """A day as a date box sends it (2026-07-15), or as people in the UK type it
    (15/07/2026); ValueError for anything else."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _user_id(field) -> int | None:
    value = (field.data or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 9:
        raise ValidationError("Choose the owner from the list.")
    return int(value)


class AssignmentForm(Form):
    # Checked against the lead team's members by the service, which says who is not one.
    owner = SelectField("Owner", coerce=str, validate_choice=False)
    due_date = StringField("Due date", render_kw={"type": "date"})
    submit = SubmitField("Save owner and due date")

    def validate_owner(self, field):
        self.owner_id = _user_id(field)

    def validate_due_date(self, field):
        text = (field.data or "").strip()
        try:
            self.due = parse_day(text) if text else None
        except ValueError:
            raise ValidationError(f"“{text}” is not a date: give it as 15/07/2026.") from None


BULK_ACTIONS = ("acknowledge", "assign", "status")
NOBODY = "nobody"  # the bulk owner list's "take the owner off"


class BulkForm(Form):
    ids = SelectMultipleField("Concerns", coerce=str, validate_choice=False)
    # Which of the bar's buttons was pressed.
    action = HiddenField()
    owner = SelectField("Assign to", coerce=str, validate_choice=False)
    to = SelectField("Change status to", coerce=str, validate_choice=False)
    note = TextAreaField("Note: what was done, or why")

    def validate_ids(self, field):
        if not field.data:
            raise ValidationError("Tick the concerns to act on first.")
        if len(set(field.data)) > MAX_AT_ONCE:
            raise ValidationError(f"Tick at most {MAX_AT_ONCE} concerns at once.")

    def validate_action(self, field):
        if field.data not in BULK_ACTIONS:
            raise ValidationError("Press Acknowledge, Assign or Change status.")

    def validate_owner(self, field):
        self.owner_id = None
        if self.action.data != "assign":
            return
        if not field.data:
            raise ValidationError("Choose who to assign them to (or nobody).")
        if field.data != NOBODY:
            self.owner_id = _user_id(field)

    def validate_to(self, field):
        if self.action.data == "status" and not field.data:
            raise ValidationError("Choose the new status.")

    def validate_note(self, field):
        if self.action.data == "status" and self.to.data in NOTE_REQUIRED and not (field.data or "").strip():
            needed = NOTE_REQUIRED[self.to.data]
            raise ValidationError(f"{needed[:1].upper()}{needed[1:]}: the note goes on each concern.")


class WardCorrectionForm(Form):
    ward = StringField("Ward", validators=[DataRequired("Type or pick the ward the concern is in.")])
    note = StringField("Why (optional)", validators=[Length(max=500)])
    submit = SubmitField("Correct the ward")
