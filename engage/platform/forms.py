"""The base of every form in the app.

Each text field (StringField and the fields built on it: text areas, passwords,
hidden fields) refuses what `engage.platform.text.text_problem` refuses, such as the
control characters text pasted from Word carries, and each whole-number field a
number the database's integer column cannot hold; the message is beside the field and
what was typed stays in it. One class rather than a validator on every field, so a
field added later cannot forget it (tests/test_views/test_control_characters.py checks
every form derives from it).
"""

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import ValidationError

from engage.platform.parameters import DATABASE_MAX_INTEGER
from engage.platform.text import text_problem


def plain_text(form, field):
    problem = text_problem(field.data) if isinstance(field.data, str) else None
    if problem:
        raise ValidationError(f"{problem[:1].upper()}{problem[1:]}.")


def database_integer(form, field):
    if field.data is not None and not -DATABASE_MAX_INTEGER <= field.data <= DATABASE_MAX_INTEGER:
        raise ValidationError(f"Give a whole number from {-DATABASE_MAX_INTEGER} to {DATABASE_MAX_INTEGER}.")


class Form(FlaskForm):
    def validate(self, extra_validators=None):
        extra = {name: list(validators) for name, validators in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if isinstance(field, StringField):
                extra.setdefault(name, []).append(plain_text)
            elif isinstance(field, IntegerField):
                extra.setdefault(name, []).append(database_integer)
        return super().validate(extra)
