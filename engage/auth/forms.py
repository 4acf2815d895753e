from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from engage.forms import Form
from engage.services.accounts import MIN_PASSWORD_LENGTH


class LoginForm(Form):
    email = StringField("Email", validators=[DataRequired(message="Enter your email address.")],
                        render_kw={"autocomplete": "username", "inputmode": "email", "autocapitalize": "none"})
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField("Log in")


class ChangePasswordForm(Form):
    current = PasswordField("Current password", validators=[DataRequired()],
                            render_kw={"autocomplete": "current-password"})
    password = PasswordField("New password", validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, message=f"Use at least {MIN_PASSWORD_LENGTH} characters.")],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("New password again", validators=[
        DataRequired(), EqualTo("password", message="The two new passwords differ.")],
        render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Change password")
