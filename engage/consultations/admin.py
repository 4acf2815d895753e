"""The privacy notice every consultation's public page shows, set once by an admin with
the office's data protection officer (engage/consultations/public.py keeps its default)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SubmitField, TextAreaField

from engage.admin.views import bp
from engage.consultations.public import PrivacyNoticeError, privacy_notice, write_privacy_notice
from engage.extensions import db
from engage.platform.forms import Form


class PrivacyForm(Form):
    notice = TextAreaField("Privacy notice", render_kw={"rows": 12})
    submit = SubmitField("Save the privacy notice")


@bp.route("/consultation-privacy", methods=["GET", "POST"])
def consultation_privacy():
    # The stored notice fills the form on GET only: an emptied box is refused, not reset.
    form = PrivacyForm(data={"notice": privacy_notice()} if request.method == "GET" else None)
    if request.method == "POST" and form.validate():
        try:
            write_privacy_notice(form.notice.data, current_user.email)
        except PrivacyNoticeError as exc:
            form.notice.errors = [*form.notice.errors, str(exc)]
        else:
            db.session.commit()
            flash("Saved the privacy notice: every consultation's public page shows it now.", "info")
            return redirect(url_for("admin.consultation_privacy"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/consultation_privacy.html", form=form), status
