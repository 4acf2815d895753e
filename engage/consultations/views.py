"""The staff's consultation screens: the list, a new consultation, editing one before it
opens, and a consultation's page, where paper forms and event cards are keyed and
responses are voided. Staff and admin only (`Scope.runs_consultations`). Each view
parses the form, calls one service and renders; a refused form comes back with what
was typed and the reason beside its field."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from engage.accounts.access import require_roles
from engage.accounts.policy import scope_for
from engage.concerns.inbox_forms import parse_day
from engage.consultations import forms, listing, services
from engage.consultations.models import RESPONSE_CHANNELS, Consultation
from engage.consultations.public import consultation_by_slug, privacy_notice
from engage.demo.source import source_from
from engage.extensions import db
from engage.geography.ward_names import resolve_ward
from engage.platform.dates import office_day
from engage.platform.forms import Form
from engage.platform.parameters import whole_number

bp = Blueprint("consultations", __name__, url_prefix="/consultations")

# How many responses this log-in has keyed to each consultation: "response 3 of this session".
KEYED = "consultation_keyed"


@bp.before_request
def office_only():
    refusal = require_roles("officer", "inspector", "staff", "admin")
    if refusal is not None:
        return refusal
    if not scope_for(current_user).runs_consultations:
        abort(403, "Consultations are run by the office: staff and admin.")
    return None


def consultation_or_404(slug) -> Consultation:
    # By its public address's slug, as the import and results pages (import_views.py) are.
    consultation = consultation_by_slug(slug)
    if consultation is None:
        abort(404, f"There is no consultation “{slug[:80]}”.")
    return consultation


class VoidForm(Form):
    pass


# --- The list ------------------------------------------------------------------------


@bp.route("")
def index():
    source = source_from(request.args)
    return render_template(
        "consultations/index.html",
        rows=listing.consultation_rows(office_day(), source.is_demo),
        states=listing.STATES,
        source=source,
    )


# --- Creating and editing ------------------------------------------------------------


def _read(form: forms.ConsultationForm) -> dict:
    """The form's values as the services take them; a line that cannot be read raises
    FormTextError, a date that cannot be read ConsultationError, each naming its field."""
    values = {}
    for name in ("opens_on", "closes_on"):
        text = (getattr(form, name).data or "").strip()
        try:
            values[name] = parse_day(text) if text else None
        except ValueError:
            raise services.ConsultationError(
                f"“{text[:20]}” is not a date: give it like 2026-12-15 or 15/12/2026", name
            ) from None
    labels, matched = forms.read_options(form.options.data)
    return {
        **values,
        "title": form.title.data or "",
        "question": form.question.data or "",
        "options": labels,
        "option_categories": matched,
        "max_choices": form.max_choices.data if form.max_choices.data is not None else 0,
        "free_text": bool(form.free_text.data),
        "free_text_prompt": form.free_text_prompt.data or "",
        "questions": forms.read_questions(form.questions.data),
        "threshold": form.threshold.data if form.threshold.data is not None else 0,
    }


def _refused(form, exc) -> None:
    field = getattr(form, exc.field, None) or form.title
    message = str(exc)
    field.errors = [*field.errors, f"{message[:1].upper()}{message[1:]}" + ("" if message.endswith(".") else ".")]


def _form_page(form, consultation=None, status=200):
    return render_template(
        "consultations/form.html",
        form=form,
        c=consultation,
        editable=consultation is None or services.is_editable(consultation, office_day()),
        today=office_day(),
        categories=forms.categories(),
        questions_hint=forms.QUESTIONS_HINT,
    ), status


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = forms.ConsultationForm()
    if request.method == "GET":
        return _form_page(form)
    if form.validate():
        try:
            consultation = services.create_consultation(**_read(form), today=office_day(), actor=current_user.email)
            db.session.commit()
        except (services.ConsultationError, forms.FormTextError) as exc:
            db.session.rollback()
            _refused(form, exc)
        else:
            flash(f"Created “{consultation.title}”. Its public page takes answers from the day it opens.", "info")
            return redirect(url_for("consultations.detail", slug=consultation.slug))
    return _form_page(form, status=422)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug):
    consultation = consultation_or_404(slug)
    if request.method == "GET":
        form = forms.ConsultationForm(
            data={
                "title": consultation.title,
                "question": consultation.question,
                "opens_on": consultation.opens_on.isoformat(),
                "closes_on": consultation.closes_on.isoformat(),
                "options": forms.options_text(consultation),
                "max_choices": consultation.max_choices,
                "free_text": consultation.free_text,
                "free_text_prompt": consultation.free_text_prompt,
                "questions": forms.questions_text(consultation),
                "threshold": consultation.threshold,
            }
        )
        return _form_page(form, consultation)
    form = forms.ConsultationForm()
    if form.validate():
        try:
            services.update_consultation(consultation, **_read(form), today=office_day())
            db.session.commit()
        except (services.ConsultationError, forms.FormTextError) as exc:
            db.session.rollback()
            _refused(form, exc)
        else:
            flash(f"Saved “{consultation.title}”.", "info")
            return redirect(url_for("consultations.detail", slug=consultation.slug))
    return _form_page(form, db.session.get(Consultation, consultation.id), status=422)


# --- One consultation: keying and voiding -------------------------------------------


def _page(consultation, key_form=None, void_problem=None, status=200):
    """The consultation's page; after a refused key form, it shows what was typed and
    why; after a refused void, the reason beside that response's box."""
    page = listing.responses_page(consultation, whole_number(request.args, "page", 1, minimum=1))
    ward_problem = getattr(key_form, "ward_problem", "") if key_form is not None else ""
    return render_template(
        "consultations/detail.html",
        c=consultation,
        state=listing.state_of(consultation, office_day()),
        states=listing.STATES,
        tally=listing.tally(consultation),
        editable=services.is_editable(consultation, office_day()),
        public_url=url_for("consult.answer", slug=consultation.slug, _external=True),
        form=key_form or forms.response_form(consultation, keyed=True, formdata=None),
        ward_problem=ward_problem,
        question_field=forms.question_field,
        page=page,
        channels=RESPONSE_CHANNELS,
        void_form=VoidForm(),
        void_problem=void_problem or (None, ""),
        privacy=privacy_notice(),
    ), status


@bp.route("/<slug>")
def detail(slug):
    return _page(consultation_or_404(slug))


@bp.route("/<slug>/responses", methods=["POST"])
def key_response(slug):
    consultation = consultation_or_404(slug)
    form = forms.response_form(consultation, keyed=True, formdata=request.form)
    form.ward_problem = ""
    valid = form.validate()
    answers = forms.read_answers(consultation, form)
    choice = resolve_ward(form.ward.data)
    if choice.text and choice.ward is None:
        form.ward_problem = choice.problem
    if valid and not form.ward_problem and not any(f.errors for f in form):
        try:
            services.record_response(
                consultation,
                ward_id=choice.ward.id if choice.ward is not None else None,
                option_ids=form.choices.data,
                today=office_day(),
                channel=form.channel.data if form.channel.data in dict(forms.KEYED_CHANNELS) else "",
                comment=form.comment.data if "comment" in form else "",
                answers=answers,
                source_ref=form.source_ref.data,
                actor_id=current_user.id,
                actor=current_user.email,
            )
            db.session.commit()
        except services.ConsultationError as exc:
            db.session.rollback()
            if exc.field == "ward":
                form.ward_problem = str(exc)[:1].upper() + str(exc)[1:] + "."
            else:
                _refused(form, exc)
        else:
            keyed = dict(session.get(KEYED) or {})
            keyed[str(consultation.id)] = n = int(keyed.get(str(consultation.id), 0)) + 1
            session[KEYED] = keyed
            flash(f"Saved: response {n} of this session. The form is ready for the next one.", "info")
            return redirect(url_for("consultations.detail", slug=consultation.slug) + "#key")
    return _page(db.session.get(Consultation, consultation.id), key_form=form, status=422)


@bp.route("/<slug>/responses/<response_id>/void", methods=["POST"])
def void(slug, response_id):
    consultation = consultation_or_404(slug)
    response = listing.response_of(consultation, response_id)
    if response is None:
        abort(404, "That response is not one of this consultation's.")
    if not VoidForm().validate():
        flash("The form had expired: nothing was voided. Try again.", "error")
        return redirect(url_for("consultations.detail", slug=consultation.slug))
    try:
        services.void_response(response, reason=request.form.get("reason", ""), actor=current_user.email)
        db.session.commit()
    except services.ConsultationError as exc:
        db.session.rollback()
        message = str(exc)
        return _page(
            db.session.get(Consultation, consultation.id),
            void_problem=(response.id, f"{message[:1].upper()}{message[1:]}."),
            status=422,
        )
    flash("Voided the response: it is kept, struck through, and left out of every figure.", "info")
    return redirect(url_for("consultations.detail", slug=consultation.slug, page=request.args.get("page")))
