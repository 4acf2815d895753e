"""The forms of an action: proposing one on a concern's page, and updating one."""

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from engage.actions.services import STATUS_LABELS, TITLE_LIMIT
from engage.admin.forms import as_choices
from engage.concerns.inbox_forms import parse_day
from engage.platform.forms import Form


def _day(field):
    """The date typed, or None when the box is empty; a message beside it otherwise."""
    text = (field.data or "").strip()
    try:
        return parse_day(text) if text else None
    except ValueError:
        raise ValidationError(f"“{text}” is not a date: give it as 15/07/2026.") from None


class ProposeForm(Form):
    title = TextAreaField("What will be done", render_kw={"maxlength": TITLE_LIMIT, "rows": 2})
    # Checked against the team's members by the service, which says who is not one.
    owner = SelectField("Who will do it", coerce=str, validate_choice=False)
    due_date = StringField("Due by", render_kw={"type": "date"})

    def validate_due_date(self, field):
        self.due = _day(field)


class UpdateForm(Form):
    note = TextAreaField("Update", render_kw={"rows": 2})
    status = RadioField("The action is", choices=as_choices(STATUS_LABELS.items()), validate_choice=False)
    dropped_reason = StringField("Why it is dropped")
    due_date = StringField("Due by", render_kw={"type": "date"})
    owner = SelectField("Who will do it", coerce=str, validate_choice=False)

    def validate_status(self, field):
        if field.data not in STATUS_LABELS:
            raise ValidationError("Choose open, done or dropped.")

    def validate_due_date(self, field):
        self.due = _day(field)
