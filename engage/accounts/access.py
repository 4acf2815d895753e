"""Who may open what: log-in loading (session or bearer token) and role checks."""

import unicodedata
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

from engage.accounts.models import User
from engage.accounts.services import user_for_session, user_for_token
from engage.extensions import db, login_manager
from engage.platform.http import wants_json

# The session cookie's entry holding the key of the server-side log-in session
# (engage.accounts.services.start_session): without a live one, nobody is logged in.
SESSION_KEY = "login_key"


@login_manager.user_loader
def load_user(user_id: str):

    user = user_for_session(session.get(SESSION_KEY), current_app.permanent_session_lifetime)
    if user is None or str(user.id) != user_id:
        return None
    if db.session.dirty:
        db.session.commit()  # last_seen_at, recorded every few minutes at most
    return user


def current_session_key() -> str | None:
    return session.get(SESSION_KEY)


@login_manager.request_loader
def load_user_from_token(req):
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None

    user = user_for_token(header[len("Bearer ") :].strip())
    if user is not None and db.session.dirty:
        db.session.commit()  # last_used_at, recorded every few minutes at most
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if wants_json():
        return {"error": "log in or send an API token (Authorization: Bearer ...)"}, 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def require_roles(*roles):
    """For a blueprint's before_request: log-in first, then one of the roles, else 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.has_role(*roles):
        abort(403, f"This page is for {' or '.join(roles)} roles.")
    return None


def role_required(*roles):
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            refusal = require_roles(*roles)
            if refusal is not None:
                return refusal
            return view(*args, **kwargs)

        return wrapped

    return decorate


def login_required_any_role(view):
    return role_required("officer", "inspector", "staff", "admin")(view)


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: a log-in link must not send people to another one.
    Browsers drop tabs and newlines from addresses and read a backslash as a slash, so
    `/\t/evil.example` and `/\\evil.example` are `//evil.example` to them: any control
    or unusual whitespace character, any backslash, a scheme or a host is refused."""
    if not target or not isinstance(target, str) or not target.startswith("/"):
        return False
    if "\\" in target or any(
        unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") or (c.isspace() and c != " ") for c in target
    ):
        return False
    try:
        parts = urlsplit(target)
    except ValueError:
        return False
    return not parts.scheme and not parts.netloc and not target.startswith("//")


def insist_on_password_change():
    """Someone logged in with a one-time password may only change it or log out."""
    if (
        request.endpoint not in {"auth.change_password", "auth.logout", *SHARED_FILES}
        and current_user.is_authenticated
        and current_user.must_change_password
        and not request.headers.get("Authorization")
    ):
        if wants_json():
            abort(403, "change your one-time password first")
        return redirect(url_for("auth.change_password"))
    return None


# Files that are the same for everyone, whoever asks: a cache may keep them. Base map
# tiles are streets, not residents' data (log-in only keeps the app from being a public tile server).
# The ward outlines (/api/wards) are the public register's: a phone keeps them and asks
# with their ETag (issue #20) rather than fetching 140 KB again on every visit.
SHARED_FILES = {"static", "vendor.file", "maps.tile", "api.wards"}


def is_personal(req) -> bool:
    """Whether an answer was made for someone signed in (a session or an API token):
    it may hold residents' data (the inbox, a concern, a ward's figures, an export, the
    API's concerns, a report, admin), so no cache may keep it. Decided without the
    database: the user loaded for this request, the session's user id (now, or when
    the request came: logging out clears it), the token sent."""
    if req.endpoint in SHARED_FILES:
        return False
    # Not user.is_authenticated: that reads is_disabled, a query once the view's commit
    # has expired the user (the capture endpoint's queries are counted).
    return bool(
        isinstance(g.get("_login_user"), User)
        or session.get("_user_id")
        or g.get("signed_in_when_asked")
        or req.headers.get("Authorization")
    )


def note_who_asked():
    g.signed_in_when_asked = bool(session.get("_user_id"))


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a shared file's answer carries no
    session cookie and so no `Vary: Cookie`. The cookie is renewed with every answer
    (its value changes), and a browser holding a file kept for a year would otherwise
    ask for it again whenever the cookie it sends differs from the one it sent then."""

    def save_session(self, app, session, response):
        if request.endpoint in SHARED_FILES and not session.modified:
            return
        super().save_session(app, session, response)


def keep_personal_answers_out_of_caches(response):
    """`Cache-Control: no-store` on every personal answer: neither the browser (its
    Back button, its disk) nor a proxy keeps a copy once the user has moved on or
    logged out. Answers that say no-store already are left as they are."""
    if is_personal(request) and "no-store" not in (response.headers.get("Cache-Control") or ""):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app):
    app.session_interface = SessionInterface()
    login_manager.init_app(app)
    app.before_request(note_who_asked)
    app.before_request(insist_on_password_change)
    app.after_request(keep_personal_answers_out_of_caches)
