from flask import Blueprint

bp = Blueprint("capture", __name__)

from engage.capture import routes  # noqa: E402,F401
