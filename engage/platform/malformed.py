"""Requests refused before a view sees them, with a message a person can act on.

- A NUL character (``%00``) in the URL, the query string or a form: it is never valid
  text here, and PostgreSQL can neither store nor even compare text holding one, so it
  would otherwise end as a 500 in whichever query it reached first. (JSON bodies are
  checked field by field where they are read: engage.concerns.capture.Fields.)
- A body over MAX_CONTENT_LENGTH: 413, saying what the limit is.
- A JSON body nested deeper than MAX_JSON_DEPTH: 400. Python's parser gives up
  (RecursionError) near a thousand levels, and anything that walks a value nested
  hundreds deep (an error message quoting it, say) can fail the same way later; no
  entry of this app is more than a few levels deep.
"""

from __future__ import annotations

from flask import abort, current_app, jsonify, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from engage.platform.http import wants_json

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


MAX_JSON_DEPTH = 32


def nesting(value, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep arrays and objects nest in a parsed JSON value (a scalar is 0), counted
    without recursion and only until it passes `limit`."""
    deepest, stack = 0, [(value, 1)]
    while stack and deepest <= limit:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in item)
    return deepest


def refuse_deep_json():
    """Parses a JSON body once, before the view (which then reads the cached value)."""
    if not request.is_json:
        return None
    message = f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep; no entry here needs more than a few."
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        abort(400, message)
    if nesting(data) > MAX_JSON_DEPTH:
        abort(400, message)
    return None


def size_in_words(size: int) -> str:
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:g} {unit}"
    return f"{size} bytes"


def too_large(exc: RequestEntityTooLarge):

    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    message = "The request is too large" + (f": the limit is {size_in_words(limit)}." if limit else ".")
    if wants_json():
        return jsonify(error=message), 413
    return render_template("error.html", error=RequestEntityTooLarge(message)), 413


def register(app):
    app.before_request(refuse_nul_characters)
    app.before_request(refuse_deep_json)
    app.register_error_handler(RequestEntityTooLarge, too_large)
