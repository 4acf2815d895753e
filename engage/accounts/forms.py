from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo

from engage.platform.forms import Form


class LoginForm(Form):
    email = StringField(
        "Email",
        validators=[DataRequired(message="Enter your email address.")],
        render_kw={"autocomplete": "username", "inputmode": "email", "autocapitalize": "none"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(message="Enter your password.")],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Log in")


class ChangePasswordForm(Form):
    current = PasswordField(
        "Current password", validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    # The rules (length, common passwords, the e-mail's name) are checked in one place,
    # engage.accounts.services.password_problem, when the password is set.
    password = PasswordField(
        "New password",
        validators=[DataRequired(message="Enter a new password.")],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("password", message="The two new passwords differ.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Change password")
