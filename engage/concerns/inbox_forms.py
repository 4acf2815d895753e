from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired

from engage.platform.forms import Form


class StatusForm(Form):
    to = HiddenField(validators=[DataRequired()])
    note = TextAreaField("What was done, or why")
    submit = SubmitField("Save")


class RerouteForm(Form):
    lead = SelectField("Lead team", coerce=str)
    copies = SelectMultipleField("Copy to", coerce=str)
    reason = TextAreaField("Reason for re-routing")
    submit = SubmitField("Re-route")
