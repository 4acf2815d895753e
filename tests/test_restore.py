"""The backup and restore scripts, run for real against PostgreSQL."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "restore-check.sh"


@pytest.mark.skipif(
    not (os.environ.get("DATABASE_URL", "").startswith("postgres")),
    reason="backups are pg_dump: this runs in the PostgreSQL pass of make test",
)
def test_backup_restores_with_identical_row_counts(live_server):
    if not shutil.which("pg_dump"):
        pytest.fail("pg_dump is missing: apt-get install postgresql-client")
    from tests.live import live_user_with_token

    live_user_with_token(live_server, "officer")  # some rows beyond the ward register
    url = live_server.app.config["SQLALCHEMY_DATABASE_URI"]
    result = subprocess.run([str(SCRIPT), url], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "restore check passed" in result.stdout
