from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import DataRequired


class StatusForm(FlaskForm):
    to = HiddenField(validators=[DataRequired()])
    note = TextAreaField("What was done, or why")
    submit = SubmitField("Save")


class RerouteForm(FlaskForm):
    lead = SelectField("Lead team", coerce=str)
    copies = SelectMultipleField("Copy to", coerce=str)
    reason = TextAreaField("Reason for re-routing")
    submit = SubmitField("Re-route")
