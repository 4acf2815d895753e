from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from engage.api import routes  # noqa: E402,F401
