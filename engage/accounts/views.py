"""Logging in and out, and changing one's own password."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from engage.accounts.access import SESSION_KEY, current_session_key, is_safe_next
from engage.accounts.forms import ChangePasswordForm, LoginForm
from engage.accounts.services import (
    AccountError,
    authenticate,
    end_session,
    landing_for,
    set_password,
    start_session,
)
from engage.extensions import db, limiter
from engage.platform.audit import acting_as
from engage.platform.errors import too_many, too_many_message
from engage.platform.http import wants_json

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "Email or password is wrong."


def _login_failed(response) -> bool:
    # Only failed attempts count towards the limits; a successful log-in redirects.
    return response.status_code != 302


def _account() -> str:
    return (request.form.get("email") or "").strip().lower()[:254]


# Failed log-ins are counted three ways (limits in engage/config.py, shared between
# processes through RATELIMIT_STORAGE_URI; the address is the client's as the trusted
# proxies report it, ENGAGE_TRUSTED_PROXIES):
# - per address: one address guessing at many accounts is slowed;
# - per account and address: one address guessing one account is slowed, and only that
#   address: the account's owner, elsewhere, still logs in;
# - per account, from all addresses together, much higher: guessing from many
#   addresses at once is slowed too, at the cost of locking the account for a while.
def _account_and_address_key():
    return f"login-account-address:{_account()}|{request.remote_addr}"


def _account_key():
    return f"login-account:{_account()}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["ENGAGE_LOGIN_LIMIT_ADDRESS"], methods=["POST"], deduct_when=_login_failed)
@limiter.limit(
    lambda: current_app.config["ENGAGE_LOGIN_LIMIT_ACCOUNT"],
    methods=["POST"],
    key_func=_account_and_address_key,
    deduct_when=_login_failed,
)
@limiter.limit(
    lambda: current_app.config["ENGAGE_LOGIN_LIMIT_ACCOUNT_ALL"],
    methods=["POST"],
    key_func=_account_key,
    deduct_when=_login_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(_landing(current_user))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            error = LOGIN_FAILED
            current_app.logger.info("failed log-in from %s", request.remote_addr)
        else:
            with acting_as(user.id, user.email):
                key = start_session(user, request.user_agent.string, idle=current_app.permanent_session_lifetime)
                db.session.commit()
            session.clear()  # nothing from before the log-in is carried into it
            session.permanent = True  # idle expiry: PERMANENT_SESSION_LIFETIME, refreshed each request
            session[SESSION_KEY] = key
            login_user(user)
            if user.must_change_password:
                flash("You logged in with a one-time password: choose your own now.", "info")
                return redirect(url_for("auth.change_password"))
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else _landing(user))
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status


def _landing(user) -> str:
    """Each role lands on its work (accounts.services.landing_for). The home page, the
    ward register, stays the register for everyone: it is the public list the brand
    link and error pages point to, not a log-in's destination."""
    landing = landing_for(user)
    return url_for(landing.endpoint, **dict(landing.args))


@bp.errorhandler(429)
def too_many_log_ins(exc):
    """Locked out for a while: the log-in page again, saying how long to wait."""
    if request.endpoint != "auth.login" or wants_json():
        return too_many(exc)
    return render_template("auth/login.html", form=LoginForm(), error=too_many_message()), 429


@bp.route("/logout", methods=["POST"])
def logout():
    # The session ends on the server too: a copy of this cookie no longer logs anyone in.
    end_session(current_session_key())
    db.session.commit()
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
                ended = set_password(current_user, form.password.data, keep_session=current_session_key())
            except AccountError as exc:
                form.password.errors.append(_sentence(str(exc)))
            else:
                db.session.commit()
                flash("Your password has been changed. " + _elsewhere(ended), "info")
                return redirect(_landing(current_user))
    return render_template("auth/change_password.html", form=form)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _elsewhere(ended) -> str:
    parts = []
    if ended.sessions:
        parts.append(f"you were logged out on {ended.sessions} other device(s)")
    if ended.tokens:
        parts.append(f"your {ended.tokens} API token(s) were revoked: ask an administrator for new ones")
    return _sentence(" and ".join(parts)) if parts else ""
