"""The admin area: its blueprint (admins only), the dashboard and the menu. Each domain's
admin screens register on this blueprint from their own package."""

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from engage.accounts.access import current_session_key, require_roles
from engage.accounts.models import ApiToken, User
from engage.accounts.services import (
    AccountError,
    Ended,
    create_user,
    end_sessions,
    live_sessions,
    new_one_time_password,
    revoke_token,
    set_disabled,
    set_password,
    set_roles,
    set_teams,
)
from engage.admin.audit_trail import local_time
from engage.admin.forms import ROLE_HINTS, EditUserForm, NewUserForm, has_errors
from engage.extensions import db
from engage.teams.services import list_teams

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def admins_only():
    return require_roles("admin")


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id, description="No such user.")


def _form_page(template, form, status=200, **context):
    role_options = [(role, f"{role}: {hint}", None) for role, hint in ROLE_HINTS.items()]
    team_options = [(t.code, f"{t.code} · {t.name}", t) for t in list_teams()]
    return render_template(template, form=form, role_options=role_options, team_options=team_options, **context), status


@bp.app_template_filter("admin_time")
def admin_time(moment) -> str:
    local = local_time(moment)
    return local.strftime("%-d %b %Y %H:%M") if local else ""


def _password_shown_once(user, password, created=False):
    response = make_response(
        render_template("admin/one_time_password.html", user=user, password=password, created=created)
    )
    # The password must not linger in a cache or come back with the Back button.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/")
def index():
    return redirect(url_for("admin.users"))


@bp.route("/users")
def users():
    people = db.session.scalars(sa.select(User).order_by(User.email)).all()
    return render_template("admin/users.html", users=people)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = NewUserForm()
    form.set_team_choices(list_teams())
    if form.validate_on_submit():
        password = new_one_time_password(form.email.data.strip())
        try:
            user = create_user(
                form.email.data,
                form.roles.data,
                password=password,
                name=(form.name.data or "").strip(),
                team_codes=form.teams.data,
            )
        except AccountError as exc:
            db.session.rollback()
            getattr(form, exc.field or "email").errors.append(str(exc))
        else:
            user.must_change_password = True
            db.session.commit()
            return _password_shown_once(user, password, created=True)
    return _form_page("admin/user_form.html", form, 422 if has_errors(form) else 200, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id):
    user = _user_or_404(user_id)
    form = EditUserForm(obj=None if _posted() else user)
    if not _posted():
        form.roles.data = sorted(user.roles)
        form.teams.data = [t.code for t in user.teams]
    form.set_team_choices(list_teams())
    if form.validate_on_submit() and _not_locking_self_out(user, form):
        # Editing oneself keeps one's own session (an admin adding a role to themselves).
        keep = current_session_key() if user.id == current_user.id else None
        try:
            user.name = (form.name.data or "").strip()
            ended = set_roles(user, form.roles.data, keep_session=keep)
            set_teams(user, form.teams.data)
        except AccountError as exc:
            db.session.rollback()
            getattr(form, exc.field or "name").errors.append(str(exc))
        else:
            disabling = form.is_disabled.data and not user.is_disabled
            ended = (ended or Ended(0, 0)) + set_disabled(user, form.is_disabled.data)
            db.session.commit()
            why = " and ".join(
                w for w, done in (("roles changed", ended.roles_changed), ("disabled", disabling)) if done
            )
            flash(f"Saved {user.email}." + (f" {why.capitalize()}: {ended}." if why else ""), "info")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    tokens = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ).all()
    sessions = live_sessions(user, current_app.permanent_session_lifetime)
    return _form_page(
        "admin/user_form.html", form, 422 if has_errors(form) else 200, user=user, tokens=tokens, sessions=sessions
    )


def _posted() -> bool:
    return request.method == "POST"


def _not_locking_self_out(user, form) -> bool:
    # An admin who removed their own admin role or disabled themselves could leave
    # nobody able to undo it.
    if user.id != current_user.id:
        return True
    if "admin" not in form.roles.data:
        form.roles.errors.append("You cannot remove your own admin role; ask another administrator.")
    if form.is_disabled.data:
        form.is_disabled.errors.append("You cannot disable your own account.")
    return not has_errors(form)


@bp.route("/users/<int:user_id>/password", methods=["POST"])
def one_time_password(user_id):
    user = _user_or_404(user_id)
    password = new_one_time_password(user.email)
    # Their other sessions end and their API tokens are revoked; an admin resetting
    # their own password keeps the session doing it.
    set_password(
        user, password, one_time=True, keep_session=current_session_key() if user.id == current_user.id else None
    )
    db.session.commit()
    return _password_shown_once(user, password)


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
def end_user_sessions(user_id):
    """Logs the user out everywhere and revokes their API tokens (a lost phone, a
    suspected break-in). An admin ending their own keeps the session doing it."""
    user = _user_or_404(user_id)
    ended = end_sessions(user, keep_session=current_session_key() if user.id == current_user.id else None)
    db.session.commit()
    flash(f"{user.email}: {ended}.", "info")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke(user_id, token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        abort(404, "No such token for this user.")
    revoke_token(token)
    db.session.commit()
    flash(f"Revoked the token {token.prefix}… ({token.label or 'no label'}).", "info")
    return redirect(url_for("admin.edit_user", user_id=user_id))
