"""Settings from the environment, with defaults that let a new user start with nothing set."""

import os
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def normalise_database_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("DATABASE_URL", ""))
    # Test each pooled connection before use, so the first requests after the database
    # comes back (or after it dropped idle connections) do not fail on dead ones.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # While the database is unreachable requests get 503 with this Retry-After (seconds).
    ENGAGE_RETRY_AFTER_SECONDS = int(os.environ.get("ENGAGE_RETRY_AFTER_SECONDS", 10))
    ENGAGE_GEODATA_DIR = os.environ.get("ENGAGE_GEODATA_DIR", str(PROJECT_ROOT.parent / "shared" / "geodata"))
    # The boundary set imported on first run when the database has none.
    ENGAGE_DEFAULT_BOUNDARIES = os.environ.get("ENGAGE_DEFAULT_BOUNDARIES", "wards-2018-12.geojson")
    ENGAGE_NODE_MODULES = os.environ.get("ENGAGE_NODE_MODULES", str(PROJECT_ROOT / "node_modules"))
    # A production deployment must set SECRET_KEY; see create_app.
    ENGAGE_ENV = os.environ.get("ENGAGE_ENV", "development")
    # Behind HTTPS in production: secure cookies, HSTS and redirects to https.
    ENGAGE_HTTPS = os.environ.get("ENGAGE_HTTPS", "").lower() in {"1", "true", "yes"}
    # Log out after this long without a request (refreshed on every request).
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=int(os.environ.get("ENGAGE_SESSION_IDLE_MINUTES", 480)))
    SESSION_COOKIE_SAMESITE = "Lax"
    # Where the failed log-in counts are kept: memory:// is per process, so production
    # (several gunicorn workers) must use redis://... (docs/deployment.md).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # A refused log-in says when to try again (Retry-After), as do the X-RateLimit-* headers.
    RATELIMIT_HEADERS_ENABLED = True
    # While Redis is unreachable each process counts in memory (and logs so) rather
    # than failing every log-in; it goes back to Redis once Redis answers.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Failed log-ins allowed: for one account from one address, for one account from all
    # addresses together, and from one address whatever the account (engage/accounts/views.py).
    ENGAGE_LOGIN_LIMIT_ACCOUNT = os.environ.get("ENGAGE_LOGIN_LIMIT_ACCOUNT", "5 per 15 minutes")
    ENGAGE_LOGIN_LIMIT_ACCOUNT_ALL = os.environ.get("ENGAGE_LOGIN_LIMIT_ACCOUNT_ALL", "50 per 15 minutes")
    ENGAGE_LOGIN_LIMIT_ADDRESS = os.environ.get("ENGAGE_LOGIN_LIMIT_ADDRESS", "30 per 15 minutes")
    # Answers a public consultation page takes from one address (engage/consultations/
    # public_views.py): enough for a household or a library's computers, not for a script.
    # Mobile networks put many phones behind one address, hence not lower.
    ENGAGE_CONSULT_LIMIT = os.environ.get("ENGAGE_CONSULT_LIMIT", "30 per hour")
    # How many reverse proxies in front of the app may be believed about the client's
    # address and scheme (X-Forwarded-For, X-Forwarded-Proto): 1 behind the documented
    # nginx. 0, the default, believes none: the address is the connection's.
    ENGAGE_TRUSTED_PROXIES = os.environ.get("ENGAGE_TRUSTED_PROXIES", "0")
    # How long after saving an officer may still edit or undo a concern.
    ENGAGE_UNDO_MINUTES = int(os.environ.get("ENGAGE_UNDO_MINUTES", 15))
    # Mail, with Flask-Mail's names. No MAIL_SERVER: messages wait in the outbox.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in {"1", "true", "yes"}
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "").lower() in {"1", "true", "yes"}
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "engage@localhost")
    MAIL_SUPPRESS_SEND = False
    # The worker's socket timeout, so a hung SMTP server cannot stall it.
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", 10))
    ENGAGE_BASE_URL = os.environ.get("ENGAGE_BASE_URL", "http://127.0.0.1:5000")
    ENGAGE_MAIL_DOMAIN = os.environ.get("ENGAGE_MAIL_DOMAIN", "engage.local")
    ENGAGE_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("ENGAGE_OUTBOX_MAX_ATTEMPTS", 5))
    ENGAGE_OUTBOX_CLAIM_SECONDS = int(os.environ.get("ENGAGE_OUTBOX_CLAIM_SECONDS", 300))
    ENGAGE_DIGEST_HOUR = int(os.environ.get("ENGAGE_DIGEST_HOUR", 7))
    # Base map tiles are optional (a plain background by default, so no page needs the
    # internet); a tile URL here is also allowed by the Content-Security-Policy.
    ENGAGE_TILE_URL = os.environ.get("ENGAGE_TILE_URL", "")
    ENGAGE_TILE_ATTRIBUTION = os.environ.get("ENGAGE_TILE_ATTRIBUTION", "")
    # Whether `flask db` and the migrations are wired in: off only for the served app (wsgi.py).
    ENGAGE_MIGRATIONS = True
    # Flask-Compress: brotli where the browser takes it, else gzip; registered by
    # engage/platform/compression.py, which keeps it off pages that echo a request.
    COMPRESS_REGISTER = False
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "gzip"]
    # When "Your Force Your Voice" began: the PCC took office in November 2012.
    ENGAGE_PROGRAMME_START = os.environ.get("ENGAGE_PROGRAMME_START", "2012-11-22")
    # How long residents' contact details are kept before `flask purge` empties them.
    ENGAGE_CONTACT_RETENTION_DAYS = int(os.environ.get("ENGAGE_CONTACT_RETENTION_DAYS", 365))
    MAX_CONTENT_LENGTH = int(os.environ.get("ENGAGE_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))
