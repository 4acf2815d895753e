from flask import Blueprint

from engage.auth.access import require_roles

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def admins_only():
    return require_roles("admin")


from engage.admin import audit, categories, outbox, routes, routing, teams  # noqa: E402,F401
