"""Open311 GeoReport v2 at /open311/v2 (see docs/open311.md)."""

import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, request, url_for
from werkzeug.exceptions import HTTPException

from engage.accounts.services import user_for_token
from engage.extensions import csrf, db, limiter
from engage.open311.comments import receive_comment
from engage.open311.formats import CONTENT_TYPES, render
from engage.open311.services import (
    SPECIFICATION,
    SUBMIT_ROLES,
    Open311Error,
    find_request,
    find_requests,
    list_services,
    parse_request_query,
    request_records,
    service_definition,
    submit_request,
)
from engage.open311.updates import find_updates, update_records
from engage.platform.audit import AuditEvent, acting_as

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

# Clients authenticate a POST with the specification's api_key field, not a session
# cookie, so there is nothing for a cross-site form to borrow.
csrf.exempt(bp)

FMT = "<any(json,xml):fmt>"

# When the service list last changed, if the audit trail does not say.
FIRST_CHANGESET = "2026-01-01 00:00"


@bp.route("/")
def index():
    return redirect(url_for("open311.discovery", fmt="xml"))


@bp.route(f"/discovery.{FMT}")
def discovery(fmt):
    changeset = _changeset()
    production = current_app.config.get("ENGAGE_ENV") == "production"
    return render(
        fmt,
        "discovery",
        {
            "changeset": changeset,
            "contact": "The Office of the Police & Crime Commissioner for Cleveland, through its engage administrators.",
            "key_service": "An api_key is an engage API token, issued by an administrator to an account "
            "with the officer, staff or admin role (flask --app engage users token EMAIL).",
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": url_for("open311.index", _external=True).rstrip("/"),
                    "changeset": changeset,
                    "type": "production" if production else "test",
                    "formats": [CONTENT_TYPES["xml"].split(";")[0], CONTENT_TYPES["json"].split(";")[0]],
                }
            ],
        },
    )


def _changeset() -> str:
    """Sortable: the last change to a category (services), from the audit trail."""
    last = db.session.scalar(sa.select(sa.func.max(AuditEvent.at)).where(AuditEvent.entity == "category"))
    return f"{last:%Y-%m-%d %H:%M}" if last else FIRST_CHANGESET


@bp.route(f"/services.{FMT}")
def services(fmt):
    return render(fmt, "services", list_services())


@bp.route(f"/services/<service_code>.{FMT}")
def service(service_code, fmt):
    return render(fmt, "service_definition", service_definition(service_code))


@bp.route(f"/requests.{FMT}", methods=["GET"])
def requests_list(fmt):
    return render(fmt, "service_requests", request_records(find_requests(parse_request_query(request.args))))


@bp.route(f"/requests/<request_id>.{FMT}")
def request_detail(request_id, fmt):
    return render(fmt, "service_requests", request_records([find_request(request_id)]))


@bp.route(f"/requests.{FMT}", methods=["POST"])
@limiter.limit("60/minute")
def create_request(fmt):
    user = _submitter()
    with acting_as(user.id, user.email):
        submitted = submit_request(request.form, user, request.files)
        db.session.flush()
        body = [submitted.record()]
        db.session.commit()
    return render(fmt, "service_requests", body, status=201)


@bp.route(f"/servicerequestupdates.{FMT}", methods=["GET"])
def updates_list(fmt):
    return render(fmt, "service_requests_updates", update_records(find_updates(request.args)))


@bp.route(f"/servicerequestupdates.{FMT}", methods=["POST"])
@limiter.limit("60/minute")
def create_update(fmt):
    user = _submitter()
    with acting_as(user.id, user.email):
        received = receive_comment(request.form, request.files, user)
        db.session.flush()
        body = [received.record()]
        db.session.commit()
    return render(fmt, "service_request_updates", body, status=201 if received.is_new else 200)


def _submitter():
    token = (request.form.get("api_key") or request.args.get("api_key") or "").strip()
    user = user_for_token(token) if token else None
    if user is None:
        raise Open311Error(403, "api_key was not provided or is not valid")
    if not user.has_role(*SUBMIT_ROLES):
        raise Open311Error(
            403, "this api_key's account may not submit requests or comments: it needs the officer, staff or admin role"
        )
    return user


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest):
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "POST"):
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != "open311.unknown":
            allowed.append(method)
    if allowed:
        return render(
            _fmt(),
            "errors",
            [{"code": 405, "description": f"{request.method} is not allowed here: use {' or '.join(allowed)}"}],
            405,
            headers={"Allow": ", ".join(allowed)},
        )
    raise Open311Error(
        404, f"there is no {request.path} in this GeoReport v2 endpoint (resources end in .xml or .json)"
    )


@bp.after_request
def readable_from_anywhere(response):
    # Published data: any site's map may read it. Submitting needs an api_key.
    if request.method == "GET":
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _fmt() -> str:
    fmt = (request.view_args or {}).get("fmt")
    if fmt in ("json", "xml"):
        return fmt
    return "json" if request.path.endswith(".json") else "xml"


@bp.errorhandler(Open311Error)
def open311_error(exc):
    db.session.rollback()
    return render(_fmt(), "errors", exc.errors, exc.status)


@bp.errorhandler(429)
@bp.errorhandler(HTTPException)
def http_error(exc):
    db.session.rollback()
    return render(_fmt(), "errors", [{"code": exc.code, "description": exc.description}], exc.code)


@bp.errorhandler(Exception)
def server_error(exc):
    db.session.rollback()
    current_app.logger.exception("unhandled error on %s", request.path)
    return render(_fmt(), "errors", [{"code": 500, "description": "internal error; it has been logged"}], 500)
