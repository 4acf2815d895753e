from flask import Blueprint

from engage.auth.access import require_roles

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.before_request
def staff_only():
    return require_roles("staff", "admin")


from engage.reports import routes  # noqa: E402,F401
