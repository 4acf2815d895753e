"""Making a consultation and recording its responses: the checks every way in shares (the
public page, staff keying a paper form, a survey tool's import). Who may do each is the
policy's and the views'; these functions trust their caller to have asked."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import date, datetime

import sqlalchemy as sa

from engage.consultations.models import (
    DEFAULT_QUESTION,
    RESPONSE_CHANNELS,
    Consultation,
    ConsultationChoice,
    ConsultationOption,
    ConsultationResponse,
)
from engage.extensions import db
from engage.geography.models import Ward
from engage.platform.db import utcnow

TITLE_LIMIT = 200
QUESTION_LIMIT = 300
OPTION_LIMIT = 120
COMMENT_LIMIT = 2000
SOURCE_REF_LIMIT = 120


class ConsultationError(ValueError):
    """What is wrong, and which field it is about (a form marks it beside the field)."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


# Addresses the staff's pages take for themselves (/consultations/new).
RESERVED_SLUGS = {"new"}


def _slug(title: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "consultation"
    if base in RESERVED_SLUGS:
        base = f"{base}-consultation"
    slug, n = base, 2
    while db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _options(labels) -> list[str]:
    seen, out = set(), []
    for label in labels:
        label = _one_line(label)
        if not label:
            continue
        if len(label) > OPTION_LIMIT:
            raise ConsultationError(
                f"“{label[:40]}…” is {len(label)} characters long; at most {OPTION_LIMIT}", "options"
            )
        if label.lower() in seen:
            raise ConsultationError(f"“{label}” is offered twice", "options")
        seen.add(label.lower())
        out.append(label)
    if len(out) < 2:
        raise ConsultationError("offer at least two priorities to choose from", "options")
    return out


def _check(title, question, opens_on, closes_on, max_choices, threshold, today):
    title = _one_line(title)
    if not title:
        raise ConsultationError("give the consultation a title", "title")
    if len(title) > TITLE_LIMIT:
        raise ConsultationError(f"the title is {len(title)} characters long; at most {TITLE_LIMIT}", "title")
    question = _one_line(question) or DEFAULT_QUESTION
    if len(question) > QUESTION_LIMIT:
        raise ConsultationError(
            f"the question is {len(question)} characters long; at most {QUESTION_LIMIT}", "question"
        )
    if opens_on is None:
        raise ConsultationError("say when it opens", "opens_on")
    if closes_on is None:
        raise ConsultationError("say when it closes", "closes_on")
    if closes_on < opens_on:
        raise ConsultationError(
            f"it closes ({closes_on:%-d %B %Y}) before it opens ({opens_on:%-d %B %Y})", "closes_on"
        )
    if closes_on < today:
        raise ConsultationError(
            f"{closes_on:%-d %B %Y} has passed: a consultation must close today or later", "closes_on"
        )
    if not 1 <= (max_choices or 0) <= 5:
        raise ConsultationError("residents may choose between one and five priorities", "max_choices")
    if (threshold or 0) < 1:
        raise ConsultationError("the threshold is a number of responses, one or more", "threshold")
    return title, question


def create_consultation(
    *,
    title: str,
    opens_on: date,
    closes_on: date,
    options,
    today: date,
    actor: str,
    question: str = "",
    max_choices: int = 3,
    free_text: bool = True,
    free_text_prompt: str = "",
    questions=None,
    threshold: int = 10,
    option_categories: dict | None = None,
    is_demo: bool = False,
) -> Consultation:
    """A new consultation (the caller commits). `options` are the priorities' labels in
    the order offered; `option_categories` maps a label to the concern category it matches."""
    title, question = _check(title, question, opens_on, closes_on, max_choices, threshold, today)
    labels = _options(options)
    consultation = Consultation(
        slug=_slug(title),
        title=title,
        question=question,
        opens_on=opens_on,
        closes_on=closes_on,
        max_choices=max_choices,
        free_text=free_text,
        free_text_prompt=_one_line(free_text_prompt) or "Anything else you want to tell us?",
        questions=list(questions or []),
        threshold=threshold,
        created_by=actor,
        is_demo=is_demo,
    )
    categories = option_categories or {}
    consultation.options = [
        ConsultationOption(label=label, position=i, category_id=categories.get(label))
        for i, label in enumerate(labels, start=1)
    ]
    db.session.add(consultation)
    db.session.flush()
    return consultation


def has_responses(consultation: Consultation) -> bool:
    return (
        db.session.scalar(
            sa.select(ConsultationResponse.id).where(ConsultationResponse.consultation_id == consultation.id).limit(1)
        )
        is not None
    )


def is_editable(consultation: Consultation, today: date) -> bool:
    """Its question and priorities may change until it opens and while nobody has answered."""
    return today < consultation.opens_on and not has_responses(consultation)


def update_consultation(consultation: Consultation, *, today: date, options=None, option_categories=None, **fields):
    """Change a consultation that has not opened yet (the caller commits)."""
    if not is_editable(consultation, today):
        raise ConsultationError(
            f"“{consultation.title}” opened on {consultation.opens_on:%-d %B %Y}: its questions can no longer change",
            "title",
        )
    merged = {
        "title": consultation.title,
        "question": consultation.question,
        "opens_on": consultation.opens_on,
        "closes_on": consultation.closes_on,
        "max_choices": consultation.max_choices,
        "threshold": consultation.threshold,
        **{
            k: v
            for k, v in fields.items()
            if k in {"title", "question", "opens_on", "closes_on", "max_choices", "threshold"}
        },
    }
    title, question = _check(today=today, **merged)
    consultation.title, consultation.question = title, question
    for key in ("opens_on", "closes_on", "max_choices", "threshold"):
        setattr(consultation, key, merged[key])
    for key in ("free_text", "questions"):
        if key in fields:
            setattr(consultation, key, fields[key])
    if "free_text_prompt" in fields:
        consultation.free_text_prompt = _one_line(fields["free_text_prompt"]) or "Anything else you want to tell us?"
    if options is not None:
        labels = _options(options)
        categories = option_categories or {}
        consultation.options.clear()
        db.session.flush()
        consultation.options.extend(
            ConsultationOption(label=label, position=i, category_id=categories.get(label))
            for i, label in enumerate(labels, start=1)
        )
    db.session.flush()
    return consultation


def session_key_hash(consultation: Consultation, browser_key: str) -> str:
    """What is stored for a browser session: a hash, so the table holds no session key."""
    return hashlib.sha256(f"{consultation.id}:{browser_key}".encode()).hexdigest()


class AlreadyAnswered(ConsultationError):
    def __init__(self):
        super().__init__("this browser has already answered this consultation: thank you", "choices")


def record_response(
    consultation: Consultation,
    *,
    ward_id: int | None,
    option_ids,
    today: date,
    channel: str = "online",
    comment: str = "",
    answers: dict | None = None,
    browser_key: str | None = None,
    source_ref: str | None = None,
    submitted_at: datetime | None = None,
    actor_id: int | None = None,
    actor: str = "",
    is_demo: bool = False,
) -> ConsultationResponse:
    """Store one response (the caller commits). Online responses are taken only while the
    consultation is open and once per browser session (`AlreadyAnswered`); keyed and
    imported ones at any time after it opens, once per `source_ref`."""
    if channel not in RESPONSE_CHANNELS:
        raise ConsultationError(f"“{channel}” is not a way a response comes in", "channel")
    if channel == "online":
        if not consultation.is_open_on(today):
            when = "opens" if today < consultation.opens_on else "closed"
            day = consultation.opens_on if today < consultation.opens_on else consultation.closes_on
            raise ConsultationError(f"this consultation {when} on {day:%-d %B %Y}", "choices")
    elif today < consultation.opens_on:
        raise ConsultationError(f"this consultation opens on {consultation.opens_on:%-d %B %Y}", "choices")
    offered = {o.id: o for o in consultation.options}
    chosen = []
    for raw in option_ids or []:
        try:
            option_id = int(raw)
        except (TypeError, ValueError):
            raise ConsultationError(f"“{raw}” is not one of the priorities offered", "choices") from None
        if option_id not in offered:
            raise ConsultationError(f"“{raw}” is not one of the priorities offered", "choices")
        if option_id not in chosen:
            chosen.append(option_id)
    if not chosen:
        raise ConsultationError("choose at least one priority", "choices")
    if len(chosen) > consultation.max_choices:
        raise ConsultationError(f"{len(chosen)} priorities chosen: choose up to {consultation.max_choices}", "choices")
    if ward_id is not None and db.session.get(Ward, ward_id) is None:
        raise ConsultationError("that ward is not in the register", "ward")
    comment = (comment or "").strip() if consultation.free_text else ""
    if len(comment) > COMMENT_LIMIT:
        raise ConsultationError(f"the comment is {len(comment)} characters long; at most {COMMENT_LIMIT}", "comment")
    known = {q.get("key") for q in consultation.questions or []}
    answers = {k: _one_line(str(v))[:200] for k, v in (answers or {}).items() if k in known and v}
    source_ref = _one_line(source_ref or "") or None
    if source_ref and len(source_ref) > SOURCE_REF_LIMIT:
        raise ConsultationError(
            f"the reference is {len(source_ref)} characters long; at most {SOURCE_REF_LIMIT}", "source_ref"
        )
    session_key = session_key_hash(consultation, browser_key) if browser_key else None
    duplicate = sa.select(ConsultationResponse.id).where(ConsultationResponse.consultation_id == consultation.id)
    if session_key and db.session.scalar(duplicate.where(ConsultationResponse.session_key == session_key)):
        raise AlreadyAnswered()
    if source_ref and db.session.scalar(duplicate.where(ConsultationResponse.source_ref == source_ref)):
        raise ConsultationError(f"a response with reference “{source_ref}” is already recorded", "source_ref")
    response = ConsultationResponse(
        id=str(uuid.uuid4()),
        consultation_id=consultation.id,
        ward_id=ward_id,
        channel=channel,
        comment=comment,
        answers=answers,
        session_key=session_key,
        source_ref=source_ref,
        submitted_at=submitted_at or utcnow(),
        keyed_by_id=actor_id,
        keyed_by=actor,
        is_demo=is_demo or consultation.is_demo,
    )
    response.choices = [ConsultationChoice(option_id=oid, rank=i) for i, oid in enumerate(chosen, start=1)]
    db.session.add(response)
    db.session.flush()
    return response


def void_response(response: ConsultationResponse, *, reason: str, actor: str) -> ConsultationResponse:
    """Mark a response void (kept; left out of every figure). The audit trail keeps who."""
    reason = _one_line(reason)
    if not reason:
        raise ConsultationError("say why the response is void", "reason")
    if response.voided_at is not None:
        raise ConsultationError(f"this response was voided on {response.voided_at:%-d %B %Y}", "reason")
    response.voided_at = utcnow()
    response.voided_by = actor
    response.void_reason = reason
    db.session.flush()
    return response


def counted():
    """The SQL condition for a response that counts in figures: not voided."""
    return ConsultationResponse.voided_at.is_(None)
