"""Open311 GeoReport v2 at /open311/v2 (see docs/open311.md)."""
from flask import Blueprint

from engage.extensions import csrf

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
# Clients authenticate a POST with the specification's api_key field, not a session
# cookie, so there is nothing for a cross-site form to borrow.
csrf.exempt(bp)

from engage.open311 import routes  # noqa: E402,F401
