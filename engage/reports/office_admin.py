"""The office's details, set once by an admin: the Panel report's letterhead and
signature, and the contact details on residents' pages."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from engage.admin.views import bp
from engage.extensions import db
from engage.platform.forms import Form
from engage.reports.office import Office, OfficeHolder, office, write_office

HOLDER_ROWS = 5


class OfficeForm(Form):
    name = StringField("Office name", validators=[DataRequired(message="Give the office's name."), Length(max=200)])
    address = TextAreaField(
        "Address", validators=[DataRequired(message="Give the office's postal address."), Length(max=500)]
    )
    email = StringField(
        "E-mail", validators=[Optional(), Email(message="Give an e-mail address like pcc@example.org.")]
    )
    website = StringField("Website", validators=[Optional(), Length(max=200)])
    telephone = StringField("Telephone", validators=[Optional(), Length(max=40)])
    signature_name = StringField("Signed by (name)", validators=[Optional(), Length(max=200)])
    signature_title = StringField("Signed by (title)", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Save office details")


# The office holders: a few rows of role, name and telephone, as on the letterhead.
for _i in range(HOLDER_ROWS):
    setattr(OfficeForm, f"role_{_i}", StringField(f"Role {_i + 1}", validators=[Optional(), Length(max=200)]))
    setattr(OfficeForm, f"holder_{_i}", StringField(f"Name {_i + 1}", validators=[Optional(), Length(max=200)]))
    setattr(OfficeForm, f"tel_{_i}", StringField(f"Telephone {_i + 1}", validators=[Optional(), Length(max=40)]))


def _form_data(details: Office) -> dict:
    data = {
        "name": details.name,
        "address": "\n".join(details.address),
        "email": details.email,
        "website": details.website,
        "telephone": details.telephone,
        "signature_name": details.signature_name,
        "signature_title": details.signature_title,
    }
    for i, h in enumerate(details.holders[:HOLDER_ROWS]):
        data.update({f"role_{i}": h.role, f"holder_{i}": h.name, f"tel_{i}": h.telephone})
    return data


def _details(form: OfficeForm) -> Office:
    holders = []
    for i in range(HOLDER_ROWS):
        role, name, tel = ((getattr(form, f"{f}_{i}").data or "").strip() for f in ("role", "holder", "tel"))
        if role or name or tel:
            holders.append(OfficeHolder(role, name, tel))
    return Office(
        name=form.name.data.strip(),
        address=[line.strip() for line in form.address.data.splitlines() if line.strip()],
        email=(form.email.data or "").strip(),
        website=(form.website.data or "").strip(),
        telephone=(form.telephone.data or "").strip(),
        holders=holders,
        signature_name=(form.signature_name.data or "").strip(),
        signature_title=(form.signature_title.data or "").strip(),
    )


@bp.route("/office", methods=["GET", "POST"])
def office_details():
    # The stored details fill the form on GET only: a POST is what was typed, so an
    # empty one is refused rather than saved as the old values.
    form = OfficeForm(data=_form_data(office()) if request.method == "GET" else None)
    if form.validate_on_submit():
        for i in range(HOLDER_ROWS):
            role, name = getattr(form, f"role_{i}"), getattr(form, f"holder_{i}")
            if (name.data or "").strip() and not (role.data or "").strip():
                role.errors.append("Give the role this person holds, e.g. Police and Crime Commissioner.")
        if not any(getattr(form, f"role_{i}").errors for i in range(HOLDER_ROWS)):
            write_office(_details(form), current_user.email)
            db.session.commit()
            flash("Saved the office details: the next Panel report and the residents' pages use them.", "info")
            return redirect(url_for("admin.office_details"))
    return render_template("admin/office.html", form=form, rows=range(HOLDER_ROWS)), 422 if form.errors or any(
        getattr(form, f"role_{i}").errors for i in range(HOLDER_ROWS)
    ) else 200
