"""The public consultation page, /consult/<slug>: no account, made for a phone. A
resident finds their ward (a place or ward name typed, their phone's position, or no
ward at all), chooses up to the consultation's number of priorities, may add a comment
and answer its demographic questions, and is thanked.

Abuse: one answer per browser session (a random key kept in the session cookie, stored
only hashed), a limit on answers per internet address (ENGAGE_CONSULT_LIMIT), a
honeypot box people never see (filled: thanked, nothing stored), and CSRF as on every
form. Every step works without JavaScript; static/js/consult_locate.js only adds "Use
my location"."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

from engage.consultations import forms, services
from engage.consultations.listing import state_of
from engage.consultations.models import Consultation
from engage.consultations.public import (
    NotLocated,
    consultation_by_slug,
    has_answered,
    privacy_notice,
    ward_at,
    ward_by_code,
)
from engage.extensions import db, limiter
from engage.geography.ward_names import search_wards
from engage.platform.dates import office_day

bp = Blueprint("consult", __name__, url_prefix="/consult")

# The session's random key: the same browser session, the same key, one answer.
BROWSER_KEY = "consult_browser"
NO_WARD = "none"
PLACE_LIMIT = 100


def _consultation_or_404(slug) -> Consultation:
    consultation = consultation_by_slug(slug)
    if consultation is None:
        abort(404, "There is no consultation at this address. Check the link you were given.")
    return consultation


def _render(template, consultation, status=200, **context):
    return render_template(
        template,
        c=consultation,
        state=state_of(consultation, office_day()),
        privacy=privacy_notice(),
        **context,
    ), status


def _not_taking(consultation, status=200):
    """Closed, or not open yet: said with its dates, and no form."""
    return _render("consultations/public_closed.html", consultation, status)


def _answered(consultation, status=200):
    return _render("consultations/public_thanks.html", consultation, status, repeat=True)


def _answer_page(consultation, form, ward, status=200):
    return _render(
        "consultations/public_answer.html",
        consultation,
        status,
        form=form,
        ward=ward,
        ward_value=ward.code if ward is not None else NO_WARD,
        question_field=forms.question_field,
    )


def _find_page(consultation, place="", found=None, problem="", status=200):
    return _render("consultations/public_find.html", consultation, status, place=place, found=found, problem=problem)


@bp.route("/<slug>")
def answer(slug):
    consultation = _consultation_or_404(slug)
    if state_of(consultation, office_day()) != "open":
        return _not_taking(consultation)
    if has_answered(consultation, session.get(BROWSER_KEY)):
        return _answered(consultation)
    args = request.args
    if "lon" in args or "lat" in args:
        try:
            ward = ward_at(args.get("lon", ""), args.get("lat", ""))
        except NotLocated as exc:
            return _find_page(consultation, problem=str(exc))
        return _answer_page(consultation, forms.response_form(consultation, keyed=False, formdata=None), ward)
    code = (args.get("ward") or "").strip()
    if code:
        ward = None if code.lower() == NO_WARD else ward_by_code(code)
        if ward is None and code.lower() != NO_WARD:
            return _find_page(consultation, problem="We could not find that ward. Type your town or ward below.")
        return _answer_page(consultation, forms.response_form(consultation, keyed=False, formdata=None), ward)
    place = " ".join((args.get("place") or "").split())[:PLACE_LIMIT]
    if not place and "place" in args:
        return _find_page(consultation, problem="Type the name of your town, area or ward, then press Find my ward.")
    found = search_wards(place) if place else None
    problem = (
        f"No ward matches “{place}”. Try the name of your town or village, or the council (such as Redcar)."
        if place and not found
        else ""
    )
    return _find_page(consultation, place=place, found=found, problem=problem)


def _consult_limit() -> str:
    return current_app.config["ENGAGE_CONSULT_LIMIT"]


@bp.route("/<slug>", methods=["POST"])
@limiter.limit(_consult_limit)
def submit(slug):
    consultation = _consultation_or_404(slug)
    if state_of(consultation, office_day()) != "open":
        return _not_taking(consultation, 409)
    form = forms.response_form(consultation, keyed=False, formdata=request.form)
    if (form.website.data or "").strip():
        # A program filled the box people cannot see: thanked, and nothing kept.
        return redirect(url_for("consult.thanks", slug=consultation.slug))
    code = (form.ward.data or "").strip()
    ward = ward_by_code(code) if code and code.lower() != NO_WARD else None
    if not code or (ward is None and code.lower() != NO_WARD):
        return _find_page(consultation, problem="Find your ward first (or choose not to say), then choose.", status=422)
    key = session.get(BROWSER_KEY)
    if has_answered(consultation, key):
        return _answered(consultation, 409)
    valid = form.validate()
    answers = forms.read_answers(consultation, form)
    if not valid or any(f.errors for f in form):
        return _answer_page(consultation, form, ward, 422)
    if not key:
        key = session[BROWSER_KEY] = secrets.token_urlsafe(24)
    try:
        services.record_response(
            consultation,
            ward_id=ward.id if ward is not None else None,
            option_ids=form.choices.data,
            today=office_day(),
            comment=form.comment.data if "comment" in form else "",
            answers=answers,
            browser_key=key,
        )
        db.session.commit()
    except services.AlreadyAnswered:
        db.session.rollback()
        return _answered(consultation, 409)
    except sa.exc.IntegrityError:
        # The same session's second press arriving while the first was being stored.
        db.session.rollback()
        return _answered(consultation, 409)
    except services.ConsultationError as exc:
        db.session.rollback()
        field = getattr(form, exc.field, None) or form.choices
        message = str(exc)
        field.errors = [*field.errors, f"{message[:1].upper()}{message[1:]}."]
        return _answer_page(db.session.get(Consultation, consultation.id), form, ward, 422)
    return redirect(url_for("consult.thanks", slug=consultation.slug))


@bp.route("/<slug>/thanks")
def thanks(slug):
    return _render("consultations/public_thanks.html", _consultation_or_404(slug), repeat=False)


@bp.errorhandler(429)
def too_many_answers(exc):
    consultation = consultation_by_slug(request.view_args.get("slug", "")) if request.view_args else None
    if consultation is None:
        return render_template("error.html", error=exc), 429
    return _render("consultations/public_busy.html", consultation, 429)
