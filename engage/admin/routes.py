import sqlalchemy as sa
from flask import render_template

from engage.admin import bp
from engage.extensions import db
from engage.models import User


@bp.route("/users")
def users():
    people = db.session.scalars(sa.select(User).order_by(User.email)).all()
    return render_template("admin/users.html", users=people)
