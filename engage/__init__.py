"""engage: the PCC office's tool for "Your Force Your Voice" community meetings."""

import os
import secrets

from flask import Flask

from engage.config import PROJECT_ROOT, Config


def create_app(config=None):
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(Config)
    if config:
        app.config.from_mapping(config)
    os.makedirs(app.instance_path, exist_ok=True)
    app.json.sort_keys = False
    configure_defaults(app)
    trust_proxies(app)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def configure_defaults(app):
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "engage.sqlite")
    if not app.config.get("SECRET_KEY"):
        if app.config.get("ENGAGE_ENV") == "production":
            raise RuntimeError("SECRET_KEY must be set in production")
        app.config["SECRET_KEY"] = _instance_secret(app)


def trust_proxies(app):
    """Behind ENGAGE_TRUSTED_PROXIES reverse proxies, the client's address and scheme are
    the ones the last of them reports (Werkzeug's ProxyFix); with 0, nothing a client
    sends in X-Forwarded-* headers is believed."""
    raw = str(app.config.get("ENGAGE_TRUSTED_PROXIES", 0)).strip()
    if not raw.isdigit() or int(raw) > 5:
        raise RuntimeError(f"ENGAGE_TRUSTED_PROXIES must be a whole number from 0 to 5, not {raw!r}")
    app.config["ENGAGE_TRUSTED_PROXIES"] = proxies = int(raw)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    if app.config.get("ENGAGE_ENV") == "production" and app.config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        app.logger.warning(
            "RATELIMIT_STORAGE_URI is memory://: each worker counts failed log-ins on its own; "
            "use redis://... in production (docs/deployment.md)"
        )


def _instance_secret(app):
    # A development key kept in the instance folder, so sessions survive a restart
    # without a secret ever being committed.
    path = os.path.join(app.instance_path, "secret_key")
    if not os.path.exists(path):
        with open(path, "w") as fh:
            fh.write(secrets.token_hex(32))
    with open(path) as fh:
        return fh.read().strip()


CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def register_extensions(app):
    from engage.accounts.access import init_app as init_access
    from engage.extensions import csrf, db, limiter, mail, talisman
    from engage.platform import assets, audit, compression
    from engage.platform import sqlite as sqlite_setup

    sqlite_setup.init_app(app)
    db.init_app(app)
    if app.config["ENGAGE_MIGRATIONS"]:
        # Flask-Migrate brings alembic (0.17 s to import): `flask db`, the tests and the
        # checks that read the schema's version need it; a served app (wsgi.py) never
        # migrates, so its workers start without it (issue #20).
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    audit.init_app(app)

    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    init_access(app)
    assets.init_app(app)
    compression.init_app(app)
    https = app.config["ENGAGE_HTTPS"]
    policy = dict(CONTENT_SECURITY_POLICY)
    if app.config.get("ENGAGE_TILE_URL"):
        from urllib.parse import urlsplit

        tiles = urlsplit(app.config["ENGAGE_TILE_URL"].replace("{s}", "a"))
        host = tiles.netloc.replace("a.", "*.", 1) if "{s}" in app.config["ENGAGE_TILE_URL"] else tiles.netloc
        policy["img-src"] += f" {tiles.scheme}://{host}"
    app.config["SESSION_COOKIE_SECURE"] = https
    talisman.init_app(
        app,
        force_https=https,
        strict_transport_security=https,
        session_cookie_secure=https,
        content_security_policy=policy,
        referrer_policy="strict-origin-when-cross-origin",
        frame_options="DENY",
    )


def register_blueprints(app):
    from engage.accounts.views import bp as accounts_bp
    from engage.actions import views as actions_views  # noqa: F401  (routes on the inbox)
    from engage.admin import audit as admin_audit  # noqa: F401  (screens on the admin blueprint)
    from engage.admin.views import bp as admin_bp
    from engage.api import (  # noqa: F401  (each adds its routes to the blueprint)
        actions,
        briefs,
        capture,
        document,
        map_priorities,
        maps,
        recorded,
        routes,
        v1,
    )
    from engage.api.blueprint import init_app as init_api
    from engage.concerns import categories_admin, inbox_actions  # noqa: F401  (inbox_actions: routes on the inbox)
    from engage.concerns.capture_views import bp as capture_bp
    from engage.concerns.inbox_views import bp as inbox_bp
    from engage.concerns.planning_views import bp as meetings_bp
    from engage.consultations import admin as consultations_admin  # noqa: F401  (the privacy notice, on the admin blueprint)
    from engage.consultations.import_views import bp as consultation_figures_bp
    from engage.consultations.public_views import bp as consult_bp
    from engage.consultations.views import bp as consultations_bp
    from engage.geography.views import bp as wards_bp
    from engage.maps.offroad_views import bp as offroad_bp
    from engage.maps.views import bp as maps_bp
    from engage.minutes.views import bp as minutes_bp
    from engage.notify import admin as notify_admin  # noqa: F401
    from engage.open311.views import bp as open311_bp
    from engage.platform.vendor import bp as vendor_bp
    from engage.records.section59_views import bp as section59_bp
    from engage.reports import (  # noqa: F401  (screens on the admin blueprint)
        office_admin,
        panel_views,  # noqa: F401  (the Panel report's pages, on the reports blueprint)
        visits_admin,
    )
    from engage.reports.brief_views import bp as brief_bp
    from engage.reports.exports_views import bp as exports_bp
    from engage.reports.public_views import bp as public_bp
    from engage.reports.updates_views import bp as updates_bp
    from engage.reports.views import bp as reports_bp
    from engage.teams import admin as teams_admin  # noqa: F401
    from engage.teams import rules_admin  # noqa: F401

    for bp in (
        wards_bp,
        accounts_bp,
        capture_bp,
        inbox_bp,
        meetings_bp,
        maps_bp,
        offroad_bp,
        section59_bp,
        updates_bp,
        minutes_bp,
        consultation_figures_bp,
        consultations_bp,
        consult_bp,
        public_bp,
        reports_bp,
        brief_bp,
        exports_bp,
        admin_bp,
        open311_bp,
        vendor_bp,
    ):
        app.register_blueprint(bp)
    init_api(app)


def register_errorhandlers(app):
    from engage.platform import errors

    errors.register(app)


def register_commands(app):
    """`flask --help` lists them; each domain keeps its own."""
    from engage.accounts.cli import status_command, users_cli
    from engage.actions.cli import actions_cli
    from engage.concerns.import_cli import import_cli
    from engage.concerns.privacy_cli import purge_command, subject_access_command
    from engage.consultations.cli import consultations_cli
    from engage.demo.cli import demo_cli
    from engage.geography.cli import designations_cli, wards_cli
    from engage.maps.cli import maps_cli
    from engage.notify.cli import outbox_cli
    from engage.records.cli import records_cli
    from engage.records.section59_cli import import_section59_command
    from engage.reports.cli import report_cli
    from engage.teams.cli import teams_cli
    from engage.teams.rules_cli import routing_cli

    for command in (
        wards_cli,
        designations_cli,
        users_cli,
        status_command,
        outbox_cli,
        actions_cli,
        report_cli,
        purge_command,
        subject_access_command,
        teams_cli,
        routing_cli,
        demo_cli,
        import_cli,
        maps_cli,
        records_cli,
        consultations_cli,
    ):
        app.cli.add_command(command)
    records_cli.add_command(import_section59_command)  # flask records import-section59


# Every domain's models, loaded with the package: relationships name their targets by
# string, and those resolve only once every model module is imported, whichever module
# a process imports first (the app, a CLI command, a test, a benchmark).
from engage.accounts import models as _accounts_models  # noqa: E402,F401
from engage.actions import models as _actions_models  # noqa: E402,F401
from engage.concerns import models as _concerns_models  # noqa: E402,F401
from engage.consultations import models as _consultations_models  # noqa: E402,F401
from engage.geography import models as _geography_models  # noqa: E402,F401
from engage.minutes import models as _minutes_models  # noqa: E402,F401
from engage.notify import models as _notify_models  # noqa: E402,F401
from engage.open311 import models as _open311_models  # noqa: E402,F401
from engage.platform import audit as _audit_models  # noqa: E402,F401  (the audit trail's table)
from engage.platform import settings as _settings_models  # noqa: E402,F401  (settings an admin edits once)
from engage.records import models as _records_models  # noqa: E402,F401
from engage.reports import models as _reports_models  # noqa: E402,F401
from engage.teams import models as _teams_models  # noqa: E402,F401
