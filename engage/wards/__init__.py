from flask import Blueprint

bp = Blueprint("wards", __name__)

from engage.wards import routes  # noqa: E402,F401
