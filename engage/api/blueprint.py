from flask import Blueprint, current_app, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf

from engage.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api")

# Token clients cannot carry a CSRF form field; the check below covers session users.
csrf.exempt(bp)


@bp.before_request
def csrf_for_session_users():
    """A browser session writing through the API must send the CSRF token in the
    X-CSRFToken header; bearer-token clients are not exposed to CSRF."""
    if request.method in {"GET", "HEAD", "OPTIONS"} or request.headers.get("Authorization"):
        return None
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return None
    if current_user.is_authenticated:
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except Exception as exc:  # flask_wtf raises ValidationError
            raise CSRFError(str(exc)) from exc
    return None
