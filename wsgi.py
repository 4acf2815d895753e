"""The WSGI entry point: `gunicorn wsgi:app` (settings from the environment)."""

from engage import create_app

app = create_app()
