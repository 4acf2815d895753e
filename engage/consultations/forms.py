"""The consultation's forms: the staff's form to create or edit one (its priorities and
demographic questions typed as lines of text, read by `read_options` and
`read_questions`), and the answering form, built for each consultation from the
priorities and questions it offers, shared by the public page and staff keying a paper
form or an event card."""

from __future__ import annotations

import re

import sqlalchemy as sa
from wtforms import BooleanField, IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from engage.admin.forms import CheckboxesField, as_choices
from engage.concerns.models import Category
from engage.consultations.models import DEFAULT_QUESTION, DEFAULT_THRESHOLD, RESPONSE_CHANNELS, Consultation
from engage.extensions import db
from engage.platform.forms import Form

# What a new consultation offers, in the words residents use at the meetings, each
# matched to the concern category it can be read beside on the ward's page.
DEFAULT_OPTIONS = """Off-road bikes and quads = off_road_bikes
Youth antisocial behaviour = youth_asb
Visible policing = visible_policing
Speeding = speeding
Drugs and drug dealing = drugs
Fire setting = fire_setting
Fly-tipping = fly_tipping
Burglary and theft = burglary_theft"""

QUESTIONS_HINT = (
    "Optional, one per line: key | question | choice, choice, … (e.g. “age | Your age | Under 25, 25 to 64, "
    "65 or over”). Leave the choices off for a short written answer. None by default: add them only if "
    "the results need them, and say why in the privacy notice."
)
MAX_QUESTIONS = 10
QUESTION_KEY = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
PROMPT_LIMIT = 200
ANSWER_CHOICE_LIMIT = 100

# Staff key responses that came on paper or at an event; the page takes the online ones
# and the survey import the imported ones.
KEYED_CHANNELS = [(k, RESPONSE_CHANNELS[k]) for k in ("paper", "event")]


class FormTextError(ValueError):
    """A line of the priorities or questions box that cannot be read, and which box."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class ConsultationForm(Form):
    title = StringField("Title")
    question = StringField("Question residents are asked", default=DEFAULT_QUESTION)
    opens_on = StringField("Opens on", render_kw={"type": "date"})
    closes_on = StringField("Closes on (the last day answers are taken)", render_kw={"type": "date"})
    options = TextAreaField("Priorities offered", default=DEFAULT_OPTIONS, render_kw={"rows": 10})
    max_choices = IntegerField("Priorities each resident may choose", default=3, validators=[Optional()])
    free_text = BooleanField("Offer a box to write anything else", default=True)
    free_text_prompt = StringField("What the box asks", default="Anything else you want to tell us?")
    questions = TextAreaField("Demographic questions", render_kw={"rows": 4})
    threshold = IntegerField(
        "Fewest responses for a ward's results to be shown", default=DEFAULT_THRESHOLD, validators=[Optional()]
    )
    submit = SubmitField("Save the consultation")


def categories() -> list[Category]:
    return db.session.scalars(
        sa.select(Category).where(Category.is_active).order_by(Category.sort_order, Category.code)
    ).all()


def read_options(text: str) -> tuple[list[str], dict[str, int]]:
    """The priorities box: one label per line, optionally "= category code" after it.
    Returns the labels and the category id of each label matched to one."""
    by_code = {c.code: c for c in db.session.scalars(sa.select(Category))}
    labels, matched = [], {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        label, _, code = line.partition("=")
        label, code = " ".join(label.split()), code.strip().lower()
        if not label:
            if code:
                raise FormTextError(f"Line {number}: give the priority's words before the “=”.", "options")
            continue
        if code:
            category = by_code.get(code)
            if category is None:
                raise FormTextError(
                    f"Line {number}: there is no concern category with the code “{code[:40]}”. "
                    "Use one of the codes listed below, or leave the “= …” off.",
                    "options",
                )
            matched[label] = category.id
        labels.append(label)
    return labels, matched


def options_text(consultation: Consultation) -> str:
    return "\n".join(
        f"{o.label} = {o.category.code}" if o.category is not None else o.label for o in consultation.options
    )


def read_questions(text: str) -> list[dict]:
    """The demographic questions box: "key | prompt | choice, choice" per line."""
    questions, keys = [], set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise FormTextError(
                f"Line {number}: write a key, the question and, if it has them, its choices, separated by “|”, "
                "like “age | Your age | Under 25, 25 to 64, 65 or over”.",
                "questions",
            )
        key, prompt = parts[0].lower(), " ".join(parts[1].split())
        if not QUESTION_KEY.match(key):
            raise FormTextError(
                f"Line {number}: the key “{key[:40]}” must be a short word of lowercase letters, digits or _ "
                "(e.g. age).",
                "questions",
            )
        if key in keys:
            raise FormTextError(f"Line {number}: the key “{key}” is used twice.", "questions")
        if len(prompt) > PROMPT_LIMIT:
            raise FormTextError(
                f"Line {number}: the question is {len(prompt)} characters long; at most {PROMPT_LIMIT}.", "questions"
            )
        choices = [" ".join(c.split()) for c in parts[2].split(",")] if len(parts) == 3 else []
        choices = [c for c in choices if c]
        if any(len(c) > ANSWER_CHOICE_LIMIT for c in choices):
            raise FormTextError(
                f"Line {number}: a choice is longer than {ANSWER_CHOICE_LIMIT} characters.", "questions"
            )
        if len(parts) == 3 and len(choices) < 2:
            raise FormTextError(
                f"Line {number}: give at least two choices separated by commas, or leave the choices off.",
                "questions",
            )
        keys.add(key)
        questions.append({"key": key, "prompt": prompt, "choices": choices})
    if len(questions) > MAX_QUESTIONS:
        raise FormTextError(f"{len(questions)} questions: ask at most {MAX_QUESTIONS}.", "questions")
    return questions


def questions_text(consultation: Consultation) -> str:
    return "\n".join(
        " | ".join([q["key"], q["prompt"]] + ([", ".join(q["choices"])] if q.get("choices") else []))
        for q in consultation.questions or []
    )


def question_field(question: dict) -> str:
    return f"q_{question['key']}"


def response_form(consultation: Consultation, *, keyed: bool, formdata=None):
    """The answering form for `consultation`: its priorities as checkboxes, the comment
    box if it offers one, its demographic questions; for staff keying a response also
    the ward, the channel and the form's number; for the public page a honeypot."""

    class ResponseForm(Form):
        ward = StringField("Ward")
        choices = CheckboxesField(
            f"Choose up to {consultation.max_choices}",
            choices=as_choices((str(o.id), o.label) for o in consultation.options),
        )
        submit = SubmitField("Save and key the next one" if keyed else "Send my answers")

    if consultation.free_text:
        ResponseForm.comment = TextAreaField(consultation.free_text_prompt, render_kw={"rows": 4})
    for q in consultation.questions or []:
        if q.get("choices"):
            field = RadioField(
                q["prompt"],
                choices=as_choices([*((c, c) for c in q["choices"]), ("", "Prefer not to say")]),
                default="",
                validate_choice=False,
            )
        else:
            field = StringField(q["prompt"])
        setattr(ResponseForm, question_field(q), field)
    if keyed:
        ResponseForm.channel = RadioField("How it came in", choices=as_choices(KEYED_CHANNELS), default="paper")
        ResponseForm.source_ref = StringField("Form number (optional)")
    else:
        # Hidden from people and screen readers (public.css; the wrapper is aria-hidden):
        # only a program filling every box fills it.
        ResponseForm.website = StringField("Leave this box empty")
    return ResponseForm(formdata=formdata)


def read_answers(consultation: Consultation, form) -> dict[str, str]:
    """The demographic answers given, by key; a choice not offered is refused beside its
    question (a written answer is trimmed by the service)."""
    answers = {}
    for q in consultation.questions or []:
        field = getattr(form, question_field(q))
        value = (field.data or "").strip()
        if not value:
            continue
        if q.get("choices") and value not in q["choices"]:
            field.errors = [*field.errors, "Choose one of the answers listed, or “Prefer not to say”."]
            continue
        answers[q["key"]] = value
    return answers
