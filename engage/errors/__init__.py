"""Error pages: JSON for API clients, HTML for people."""
from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from engage.extensions import db


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def register(app):
    from engage.errors import malformed

    malformed.register(app)

    @app.errorhandler(429)
    def too_many(exc):
        message = "Too many failed attempts. Wait 15 minutes and try again."
        if wants_json():
            return jsonify(error=message), 429
        if request.endpoint == "auth.login":
            from engage.auth.forms import LoginForm

            return render_template("auth/login.html", form=LoginForm(), error=message), 429
        return render_template("error.html", error=exc), 429

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if wants_json():
            return jsonify(error=exc.description), exc.code
        return render_template("error.html", error=exc), exc.code

    @app.errorhandler(Exception)
    def server_error(exc):
        db.session.rollback()
        app.logger.exception("unhandled error on %s", request.path)
        if wants_json():
            return jsonify(error="internal error; it has been logged"), 500
        return render_template("error.html", error=None), 500
