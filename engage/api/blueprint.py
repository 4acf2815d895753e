"""The JSON API (/api): a flask-smorest blueprint, so that the contract declared in
engage/api/schemas.py is the one /api/openapi.json describes."""

from flask import current_app, request
from flask_login import current_user
from flask_smorest import Api, Blueprint
from flask_wtf.csrf import CSRFError, validate_csrf

from engage.api.schemas import RuleRef
from engage.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api")

# Token clients cannot carry a CSRF form field; the check below covers session users.
csrf.exempt(bp)

DESCRIPTION = (
    "The JSON API of engage (Your Force Your Voice): the ward register, point location, and the capture API "
    "used by the phone app and other clients. Send an API token as `Authorization: Bearer ...` (an "
    "administrator issues tokens under Admin > Users), or use a logged-in browser session (which must send "
    'its CSRF token in `X-CSRFToken` when writing). Every refusal is JSON: `{"error": ...}`, with `fields` '
    "on 422."
)

SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token (starts `eng_`), issued under Admin > Users.",
    },
    "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
}


class EngageApi(Api):
    """flask-smorest for the document only: the app's own error handlers answer every
    refusal (engage/errors), and the document is served by a route of this blueprint
    (engage/api/document.py) so that it describes itself like any other."""

    DEFAULT_ERROR_RESPONSE_NAME = None  # each operation lists its own refusals

    def _register_error_handlers(self):
        pass

    def _register_doc_blueprint(self):
        pass

    def _register_responses(self):
        pass  # flask-smorest's own error shape is not ours (schemas.Error)


def init_app(app):
    app.config.update(
        API_TITLE="engage",
        API_VERSION="1",
        OPENAPI_VERSION="3.1.0",
        API_SPEC_OPTIONS={
            "info": {"description": DESCRIPTION},
            "servers": [{"url": "/"}],
            "security": [{"bearerAuth": []}, {"sessionCookie": []}],
            "components": {"securitySchemes": SECURITY_SCHEMES},
        },
    )
    api = EngageApi(app)
    # Named in a oneOf (a concern's `routed_by`), which no field refers to.
    api.spec.components.schema("RuleRef", schema=RuleRef)
    api.register_blueprint(bp)
    return api


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
