from flask import Blueprint

from engage.auth.access import require_roles

bp = Blueprint("updates", __name__, url_prefix="/updates")


@bp.before_request
def staff_only():
    return require_roles("staff", "admin")


from engage.updates import routes  # noqa: E402,F401
