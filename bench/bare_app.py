"""The baseline for bench/capture.py: a bare Flask endpoint that inserts one row into
the same database, with nothing else (no auth, validation, locating or routing)."""

import os
import uuid

import sqlalchemy as sa
from flask import Flask, request

from engage.config import normalise_database_url

engine = sa.create_engine(normalise_database_url(os.environ["DATABASE_URL"]))
metadata = sa.MetaData()
rows = sa.Table("bench_row", metadata, sa.Column("id", sa.String(36), primary_key=True), sa.Column("body", sa.Text))
app = Flask(__name__)


def create_table():
    """Once, before the workers start (on PostgreSQL two workers racing to create it
    would leave one failing to boot)."""
    metadata.create_all(engine)


@app.post("/bare")
def bare():
    body = request.get_data(as_text=True)
    with engine.begin() as conn:
        conn.execute(rows.insert().values(id=str(uuid.uuid4()), body=body))
    return {"ok": True}, 201
