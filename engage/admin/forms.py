from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from engage.accounts.models import ROLES
from engage.platform.forms import Form

try:
    from wtforms import SelectChoice
except ImportError:  # WTForms before 3.3 takes (value, label) pairs, and no groups

    def SelectChoice(value, label, optgroup=None):
        return (value, label if optgroup is None else f"{label} ({optgroup})")


def as_choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


def has_errors(form) -> bool:
    # Not form.errors: WTForms caches that, so errors added after a first look are missed.
    return any(f.errors for f in form)


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (templates/admin/_fields.html lays them out)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


ROLE_HINTS = {
    "officer": "logs meetings and concerns in any ward",
    "inspector": "sees the wards and concerns of their teams",
    "staff": "PCC office: sees everything",
    "admin": "manages accounts, teams, routing, categories and the outbox",
}


class UserForm(Form):
    name = StringField("Name", validators=[Optional(), Length(max=120)])
    # Changing an existing user's roles logs them out everywhere and revokes their API tokens.
    roles = CheckboxesField(
        "Roles",
        choices=as_choices((r, r) for r in ROLES),
        validators=[DataRequired(message="Give the user at least one role.")],
    )
    teams = CheckboxesField("Teams", choices=[])

    def set_team_choices(self, teams):
        self.teams.choices = as_choices((t.code, t.name) for t in teams)


class NewUserForm(UserForm):
    email = StringField(
        "Email",
        validators=[DataRequired(message="Enter the user's email address."), Length(max=254)],
        render_kw={"autocomplete": "off", "inputmode": "email", "autocapitalize": "none"},
    )
    submit = SubmitField("Create user")


class EditUserForm(UserForm):
    is_disabled = BooleanField(
        "Disabled: cannot log in; disabling logs them out everywhere and revokes their API tokens"
    )
    submit = SubmitField("Save changes")


KIND_CHOICES = [("int", "Integrated Neighbourhood Team"), ("partner", "Partner agency")]
NOTIFY_CHOICES = [
    ("immediate", "An e-mail for each concern, as it is routed"),
    ("digest", "One e-mail a day listing the day's concerns"),
]
COVERAGE_CHOICES = [
    ("wards", "The wards ticked below"),
    ("authority", "The whole local authority"),
    ("all", "All of Cleveland"),
]


class TeamForm(Form):
    code = StringField(
        "Code", validators=[DataRequired(message="Give the team a short code, e.g. INT-MBRO."), Length(max=40)]
    )
    name = StringField("Name", validators=[DataRequired(message="Give the team a name."), Length(max=160)])
    kind = RadioField("Kind", default="int", choices=as_choices(KIND_CHOICES))
    local_authority = SelectField("Local authority", choices=[])
    contact_email = StringField(
        "Contact email",
        validators=[Optional(), Length(max=254)],
        render_kw={"inputmode": "email", "autocapitalize": "none"},
    )
    notify_mode = RadioField("E-mails", default="immediate", choices=as_choices(NOTIFY_CHOICES))
    coverage = RadioField("Covers", default="wards", choices=as_choices(COVERAGE_CHOICES))
    wards = CheckboxesField("Wards", choices=[])
    members = CheckboxesField("Members", choices=[], coerce=int)
    submit = SubmitField("Save team")

    def set_choices(self, authorities, wards, users):
        self.local_authority.choices = as_choices([("", "None")] + [(a.code, a.name) for a in authorities])
        self.wards.choices = as_choices((w.code, w.name) for w in wards)
        self.members.choices = as_choices((u.id, u.email) for u in users)


class RoutingRuleForm(Form):
    ward = StringField("Ward")  # a name or code, read by the ward-picker (resolve_ward)
    local_authority = SelectField("Local authority", choices=[])
    category = SelectField("Category", choices=[])
    lead_team = SelectField("Lead team", choices=[])
    copy_teams = CheckboxesField("Copied to", choices=[])
    priority = IntegerField(
        "Priority", default=0, validators=[InputRequired(message="Give a whole number (0 unless you need it).")]
    )
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    is_active = BooleanField("Active: routing uses this rule", default=True)
    submit = SubmitField("Save rule")

    def set_choices(self, authorities, categories, teams):
        """categories include a retired one the rule keeps (wards: the ward-picker's list)."""
        self.local_authority.choices = as_choices([("", "Any authority")] + [(a.code, a.name) for a in authorities])
        self.category.choices = as_choices(
            [("", "Any category")] + [(c.code, c.label + ("" if c.is_active else " (retired)")) for c in categories]
        )
        self.lead_team.choices = as_choices(
            [("", "The ward's INT (the team covering the ward)")] + [(t.code, f"{t.code} · {t.name}") for t in teams]
        )
        self.copy_teams.choices = as_choices((t.code, t.name) for t in teams)


CATEGORY_CODE_HINT = "Lowercase letters, digits and _; used by the API and the capture app, so it cannot change later."


class CategoryForm(Form):
    code = StringField(
        "Code",
        validators=[DataRequired(message="Give the category a code, e.g. street_drinking."), Length(max=40)],
        render_kw={"autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"},
    )
    label = StringField("Label", validators=[DataRequired(message="Give the category a label."), Length(max=120)])
    sort_order = IntegerField("Order", validators=[Optional()])
    submit = SubmitField("Save category")


class EditCategoryForm(CategoryForm):
    code = None  # fixed once made
    sort_order = IntegerField(
        "Order", validators=[InputRequired(message="Give a whole number: lists run from the lowest.")]
    )
