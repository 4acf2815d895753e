from flask import Blueprint

from engage.auth.access import require_roles

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


@bp.before_request
def inspectors_and_staff():
    return require_roles("inspector", "staff", "admin")


from engage.inbox import routes  # noqa: E402,F401
