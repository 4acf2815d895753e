"""Requests refused before a view sees them, with a message a person can act on.

- A NUL character (``%00``) in the URL, the query string or a form: it is never valid
  text here, and PostgreSQL can neither store nor even compare text holding one, so it
  would otherwise end as a 500 in whichever query it reached first. (JSON bodies are
  checked field by field where they are read: engage.services.capture.Fields.)
- A body over MAX_CONTENT_LENGTH: 413, saying what the limit is.
"""
from __future__ import annotations

from flask import abort, current_app, jsonify, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

NUL = "\x00"
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _holds_nul(pairs) -> bool:
    return any(NUL in key or NUL in value for key, value in pairs)


def refuse_nul_characters():
    if NUL in request.path or _holds_nul(request.args.items(multi=True)):
        abort(400, "The address holds a NUL character (%00), which is never valid here.")
    if request.mimetype in FORM_TYPES and _holds_nul(request.form.items(multi=True)):
        abort(400, "The form holds a NUL character, which is never valid here.")
    return None


def size_in_words(size: int) -> str:
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:g} {unit}"
    return f"{size} bytes"


def too_large(exc: RequestEntityTooLarge):
    from engage.errors import wants_json

    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    message = "The request is too large" + (f": the limit is {size_in_words(limit)}." if limit else ".")
    if wants_json():
        return jsonify(error=message), 413
    return render_template("error.html", error=RequestEntityTooLarge(message)), 413


def register(app):
    app.before_request(refuse_nul_characters)
    app.register_error_handler(RequestEntityTooLarge, too_large)
