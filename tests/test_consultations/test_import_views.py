"""The staff pages over a consultation's figures: a survey export uploaded, its columns
chosen once (and reused next time), a refused file naming its rows, and the results."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.consultations.models import Consultation, ConsultationResponse
from engage.consultations.services import create_consultation
from engage.extensions import db
from tests.conftest import TODAY

PRIORITIES = ["Off-road bikes and quads", "Speeding", "Drugs"]


@pytest.fixture
def slug(app):
    with app.app_context():
        made = create_consultation(
            title="Priorities for the import page",
            opens_on=TODAY - timedelta(days=20),
            closes_on=TODAY + timedelta(days=10),
            options=PRIORITIES,
            today=TODAY - timedelta(days=21),
            actor="staff@example.org",
            threshold=2,
        )
        db.session.commit()
        return made.slug


def csv_file(rows, name="survey.csv"):
    text = "Response ID,Ward,Top priorities,Comments\n" + "".join(",".join(r) + "\n" for r in rows)
    return (io.BytesIO(text.encode()), name)


ROWS = [
    ["S1", "Central", "Drugs; Speeding", "Dealing by the shops"],
    ["S2", "Central", "Drugs", ""],
    ["S3", "Newport", "Speeding", ""],
]


def responses(app, slug):
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ConsultationResponse)
            .join(Consultation)
            .where(Consultation.slug == slug)
        )


def test_the_first_file_asks_for_its_columns_and_the_next_reuses_them(app, staff_client, slug):
    page = staff_client.post(f"/consultations/{slug}/import", data={"file": csv_file(ROWS)})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Which column holds what?" in html and "The file has 3 rows" in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert re.search(r'<option value="Ward" selected>', html)  # guessed from the header
    assert 'name="filename" value="survey.csv"' in html

    done = staff_client.post(
        f"/consultations/{slug}/import/columns",
        data={
            "token": token,
            "filename": "survey.csv",
            "ward": "Ward",
            "ref": "Response ID",
            "layout": "one",
            "priorities": "Top priorities",
        },
        follow_redirects=True,
    )
    html = done.get_data(as_text=True)
    assert "survey.csv: Imported 3 responses." in html
    assert "Central" in html and "Drugs (100%)" in html  # Central: two responses, both chose drugs
    assert "Too few responses (1)" in html  # Newport
    assert responses(app, slug) == 3

    again = staff_client.post(
        f"/consultations/{slug}/import",
        data={"file": csv_file([*ROWS, ["S4", "Newport", "Drugs", ""]], "later.csv")},
        follow_redirects=True,
    )
    assert "later.csv: Imported 1 response; 3 were already imported." in again.get_data(as_text=True)
    assert responses(app, slug) == 4


def test_a_bad_row_imports_nothing_and_is_named(app, staff_client, slug):
    with app.app_context():
        consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == slug))
        consultation.import_mapping = {"ward": "Ward", "ref": "Response ID", "choices": ["Top priorities"]}
        db.session.commit()
    page = staff_client.post(
        f"/consultations/{slug}/import", data={"file": csv_file([*ROWS, ["S9", "Gotham", "Drugs", ""]])}
    )
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "Nothing was imported from survey.csv" in html
    assert "row 5: Ward: unknown ward &#39;Gotham&#39;" in html
    assert responses(app, slug) == 0


def test_a_wrong_file_or_a_missing_column_is_said_beside_the_field(app, staff_client, slug):
    wrong = staff_client.post(f"/consultations/{slug}/import", data={"file": (io.BytesIO(b"x"), "notes.pdf")})
    assert wrong.status_code == 400 and "“notes.pdf” is not a .csv or .xlsx file" in wrong.get_data(as_text=True)
    page = staff_client.post(f"/consultations/{slug}/import", data={"file": csv_file(ROWS)})
    token = re.search(r'name="token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    refused = staff_client.post(
        f"/consultations/{slug}/import/columns",
        data={"token": token, "ward": "Ward", "ref": "", "layout": "one", "priorities": "Top priorities"},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Choose the column that holds the survey tool&#39;s response id." in html
    assert '<option value="Top priorities" selected>' in html  # what was chosen stays
    gone = staff_client.post(f"/consultations/{slug}/import/columns", data={"token": "../../etc/passwd"})
    assert gone.status_code == 400 and "no longer here" in gone.get_data(as_text=True)
