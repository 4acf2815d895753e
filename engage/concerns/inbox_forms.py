from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

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


class WardCorrectionForm(Form):
    ward = StringField("Ward", validators=[DataRequired("Type or pick the ward the concern is in.")])
    note = StringField("Why (optional)", validators=[Length(max=500)])
    submit = SubmitField("Correct the ward")
