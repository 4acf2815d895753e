from flask import render_template

from engage.auth.access import role_required
from engage.capture import bp


@bp.route("/capture")
@role_required("officer", "staff", "admin")
def index():
    return render_template("capture/index.html")
