"""The target interval between meetings per designation: set by admins, read by coverage."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from engage.admin.views import bp
from engage.extensions import db
from engage.platform.forms import Form
from engage.reports.visits import MAX_MONTHS, targets, write_targets


def _months(label: str) -> IntegerField:
    message = f"Give a whole number of months from 1 to {MAX_MONTHS}."
    return IntegerField(label, validators=[InputRequired(message=message), NumberRange(1, MAX_MONTHS, message)])


class CoverageTargetsForm(Form):
    strengthen = _months("Strengthen wards: a meeting every (months)")
    support = _months("Support wards: a meeting every (months)")
    sustain = _months("Sustain wards: a meeting every (months)")
    submit = SubmitField("Save targets")


@bp.route("/coverage-targets", methods=["GET", "POST"])
def coverage_targets():
    form = CoverageTargetsForm(data=targets())
    if form.validate_on_submit():
        write_targets(
            {name: getattr(form, name).data for name in ("strengthen", "support", "sustain")}, current_user.email
        )
        db.session.commit()
        flash("Saved the target intervals: coverage and its due dates use them now.", "info")
        return redirect(url_for("admin.coverage_targets"))
    return render_template("admin/coverage_targets.html", form=form), 422 if form.errors else 200
