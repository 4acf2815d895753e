"""The WSGI entry point: `gunicorn wsgi:app` (settings from the environment).

A served app never migrates (`flask db upgrade` does, from the command line), so its
workers start without Flask-Migrate and alembic (issue #20)."""

from engage import create_app

app = create_app({"ENGAGE_MIGRATIONS": False})
