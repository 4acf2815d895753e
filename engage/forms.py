"""The base of every form in the app.

Each text field (StringField and the fields built on it: text areas, passwords,
hidden fields) refuses what `engage.services.text.text_problem` refuses, such as the
control characters text pasted from Word carries, with the message beside the field
and what was typed kept in it. One class rather than a validator on every field, so a
field added later cannot forget it (tests/test_views/test_plain_text.py checks every
form derives from it).
"""
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from engage.services.text import text_problem


def plain_text(form, field):
    problem = text_problem(field.data) if isinstance(field.data, str) else None
    if problem:
        raise ValidationError(f"{problem[:1].upper()}{problem[1:]}.")


class Form(FlaskForm):
    def validate(self, extra_validators=None):
        extra = {name: list(validators) for name, validators in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if isinstance(field, StringField):
                extra.setdefault(name, []).append(plain_text)
        return super().validate(extra)
