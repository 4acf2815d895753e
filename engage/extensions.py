"""Extension objects, created unbound so that models and blueprints can import them freely."""

from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

# Named constraints make migrations portable between SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "info"
# "basic", not "strong": an officer's phone changes address between wifi and mobile
# data mid-meeting, and "strong" would log them out.
login_manager.session_protection = "basic"

csrf = CSRFProtect()
# Storage from RATELIMIT_STORAGE_URI (memory:// by default; redis:// when several
# app processes must share counts).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
talisman = Talisman()
# Registered by engage/platform/compression.py, which decides what may be compressed.
compress = Compress()
mail = Mail()
