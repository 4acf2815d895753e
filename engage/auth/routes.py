from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from engage.auth import bp
from engage.auth.access import is_safe_next
from engage.auth.forms import ChangePasswordForm, LoginForm
from engage.extensions import db, limiter
from engage.services.accounts import AccountError, authenticate, set_password
from engage.services.audit import acting_as

LOGIN_FAILED = "Email or password is wrong."


def _login_failed(response) -> bool:
    # Only failed attempts count towards the limits; a successful log-in redirects.
    return response.status_code != 302


def _email_key():
    return "login-account:" + (request.form.get("email") or "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["ENGAGE_LOGIN_LIMIT_ADDRESS"], methods=["POST"],
               deduct_when=_login_failed)
@limiter.limit(lambda: current_app.config["ENGAGE_LOGIN_LIMIT_ACCOUNT"], methods=["POST"],
               key_func=_email_key, deduct_when=_login_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("wards.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            error = LOGIN_FAILED
            current_app.logger.info("failed log-in from %s", request.remote_addr)
        else:
            with acting_as(user.id, user.email):
                db.session.commit()
            session.permanent = True  # idle expiry: PERMANENT_SESSION_LIFETIME, refreshed each request
            login_user(user)
            if user.must_change_password:
                flash("You logged in with a one-time password: choose your own now.", "info")
                return redirect(url_for("auth.change_password"))
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("wards.index"))
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    flash("You have logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if authenticate(current_user.email, form.current.data) is None:
            form.current.errors.append("That is not your current password.")
        else:
            try:
                set_password(current_user, form.password.data)
            except AccountError as exc:
                form.password.errors.append(str(exc))
            else:
                db.session.commit()
                flash("Your password has been changed.", "info")
                return redirect(url_for("wards.index"))
    return render_template("auth/change_password.html", form=form)
