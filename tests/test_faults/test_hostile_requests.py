"""Hostile and careless input against the app as production runs it (gunicorn, its own
database, CSRF on): a JSON body nested a hundred thousand deep, a pasted control
character, a number no database holds, and entries stored with control characters
before they were refused, exported as a spreadsheet and a Word report. Each gets a
clear answer, the worker that answered goes on serving, and nothing is logged as an
unhandled error."""

from __future__ import annotations

import io
import re
import uuid
from datetime import date, timedelta

import pytest
import requests
import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook

from engage.concerns.models import Concern
from engage.extensions import db
from tests.test_faults.servers import Gunicorn

pytestmark = pytest.mark.faults

STAFF_PASSWORD = "hostile requests from a pasted page"


def logged_in(url: str, email: str, password: str) -> tuple[requests.Session, str]:
    """A browser's session through the real log-in form; returns it and a CSRF token."""
    session = requests.Session()
    page = session.get(f"{url}/login", timeout=20).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    answer = session.post(
        f"{url}/login",
        data={"email": email, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=20,
    )
    assert answer.status_code == 302, answer.text[:500]
    page = session.get(f"{url}/reports", timeout=20).text
    return session, re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


def test_hostile_input_gets_clear_answers_from_gunicorn(fault_database, tmp_path):
    from engage.accounts.services import create_user

    with fault_database.app.app_context():
        create_user("staff@example.org", ["staff"], password=STAFF_PASSWORD)
        db.session.commit()
    server = Gunicorn(fault_database.url, tmp_path, workers=1)
    server.start()
    try:
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {fault_database.token}"
        concerns = f"{server.url}/api/v1/concerns"

        deep = api.post(concerns, data="[" * 100_000, headers={"Content-Type": "application/json"}, timeout=20)
        assert deep.status_code == 400 and "nested more than 32 levels" in deep.json()["error"]

        pasted = api.post(
            concerns,
            json={"id": str(uuid.uuid4()), "category": "speeding", "description": "Cars race\x0bpast the school"},
            timeout=20,
        )
        assert pasted.status_code == 422 and "U+000B" in pasted.json()["fields"]["description"]

        huge = api.get(f"{server.url}/api/v1/maps/heat?zoom=99999999999999999999", timeout=20)
        assert huge.status_code == 400 and huge.json()["error"].startswith("zoom: ")

        # The same (only) worker goes on serving.
        stored = api.post(
            concerns,
            json={
                "id": str(uuid.uuid4()),
                "category": "speeding",
                "description": "Cars race past the school",
                "ward_code": "E05009857",
            },
            timeout=20,
        )
        assert stored.status_code == 201
        with fault_database.app.app_context():  # as it could be stored before they were refused
            db.session.execute(
                sa.update(Concern).values(
                    description="Cars race\x0bpast the\x01school", status="action_taken", we_did="Speed\x0cchecks"
                )
            )
            db.session.commit()

        browser, csrf = logged_in(server.url, "staff@example.org", STAFF_PASSWORD)
        sheet = browser.get(f"{server.url}/exports/concerns.xlsx", timeout=30)
        assert sheet.status_code == 200
        cells = {c for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True) for c in row}
        assert "Cars race\npast theschool" in cells
        report = browser.post(
            f"{server.url}/reports/panel",
            timeout=60,
            data={
                "csrf_token": csrf,
                "format": "docx",
                "from": (date.today() - timedelta(days=7)).isoformat(),
                "to": date.today().isoformat(),
            },
        )
        assert report.status_code == 200
        assert "Speed\nchecks" in "\n".join(p.text for p in Document(io.BytesIO(report.content)).paragraphs)
    finally:
        server.stop()
    log = server.log_text()
    assert "Traceback" not in log and "unhandled error" not in log, log[-3000:]
