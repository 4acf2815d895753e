from flask import Blueprint

bp = Blueprint("maps", __name__)

from engage.maps import routes  # noqa: E402,F401
