"""The Panel report's Word file as LibreOffice lays it out, and the PDF: A4, page numbers,
table columns wide enough that no cell breaks a word, and the map's key below the map
with the web map's class ranges."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import uuid
from datetime import date, timedelta

import pytest

from engage.maps.classes import map_classes
from engage.reports import panel_docx
from engage.reports.aggregation import Period
from engage.reports.report_map import choropleth_figure, key_entries
from tests.conftest import TODAY

FROM = date(TODAY.year, 1, 1)
WARDS = ["E05009857", "E05009866", "E05001552", "E05008942", "E05001505"]  # four authorities
CATEGORIES = ["off_road_bikes", "youth_asb", "visible_policing", "drugs", "fly_tipping", "speeding"]


def _tool(name):
    if shutil.which(name) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is missing in CI: `make setup` should have installed it")
        pytest.skip(f"{name} is not installed: sudo apt-get install libreoffice-writer-nogui poppler-utils")


@pytest.fixture
def realistic(officer_client):
    """Meetings in every authority, concerns of the longest-named themes, other meetings."""
    for n, ward in enumerate(WARDS):
        meeting = str(uuid.uuid4())
        body = {"id": meeting, "ward_codes": [ward], "venue": f"Community Centre {n}", "attendance": 20 + n}
        body["date"] = (FROM + timedelta(days=10 + 7 * n)).isoformat()
        assert officer_client.post("/api/v1/meetings", json=body).status_code == 201
        for category in CATEGORIES[: 2 + n]:
            concern = {"id": str(uuid.uuid4()), "meeting_id": meeting, "category": category, "description": "x"}
            assert officer_client.post("/api/v1/concerns", json=concern).status_code == 201
    other = {"id": str(uuid.uuid4()), "kind": "partnership", "ward_codes": [WARDS[0]], "venue": "Hub"}
    other.update(date=(FROM + timedelta(days=60)).isoformat(), notes="Anti Trafficking Network, first meeting.")
    assert officer_client.post("/api/v1/meetings", json=other).status_code == 201


def _docx_as_pdf(staff_client, tmp_path) -> tuple[str, str]:
    docx = staff_client.post("/reports/panel", data={"from": FROM, "to": TODAY, "format": "docx"})
    assert docx.status_code == 200
    (tmp_path / "report.docx").write_bytes(docx.data)
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "report.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return _pdf_facts(tmp_path / "report.pdf")


def _pdf_facts(path) -> tuple[str, str]:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return info, text


def _table_words(staff_client) -> set[str]:
    """The words of the report's tables: the authorities, wards and themes."""
    page = staff_client.get(f"/reports/panel?from={FROM}&to={TODAY}").get_data(as_text=True)
    cells = [html.unescape(c) for c in re.findall(r"<td>([^<]+)</td>", page[page.index('class="panel-document') :])]
    return {w.strip(",.()") for cell in cells for w in cell.split() if len(w.strip(",.()")) >= 4}


def test_the_word_file_in_libreoffice_is_a4_with_page_numbers_and_unbroken_words(realistic, staff_client, tmp_path):
    _tool("libreoffice")
    _tool("pdftotext")
    info, text = _docx_as_pdf(staff_client, tmp_path)
    assert "(A4)" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    tokens = set(text.split())
    words = _table_words(staff_client)
    assert "Stockton-on-Tees" in words and "Middlesbrough" in words
    assert sorted(w for w in words if w not in tokens) == []
    assert "1. Purpose of Report" in text and "5. Future Engagement / Meetings" in text


def test_the_broken_word_check_fails_when_columns_are_too_narrow(realistic, staff_client, tmp_path, monkeypatch):
    _tool("libreoffice")
    _tool("pdftotext")
    monkeypatch.setattr(panel_docx, "column_widths", lambda header, rows, total=17.0: [1.2] * len(header))
    _, text = _docx_as_pdf(staff_client, tmp_path)
    tokens = set(text.split())
    assert [w for w in _table_words(staff_client) if w not in tokens]  # e.g. "Middlesbrough" split


def test_column_widths_give_every_column_its_longest_word(app_ctx):
    header = ["Local authority", "Meetings", "Wards visited (meetings)"]
    rows = [("Stockton-on-Tees", 15, "Billingham Central, " * 12)]
    widths = panel_docx.column_widths(header, rows)
    assert abs(sum(widths) - panel_docx.TEXT_WIDTH) < 0.01
    assert widths[0] >= len("Stockton-on-Tees") * panel_docx.CHAR_CM and widths[2] > widths[0] > widths[1]


def test_the_pdf_is_a4_with_page_numbers(realistic, staff_client, tmp_path):
    _tool("pdftotext")
    pdf = staff_client.post("/reports/panel", data={"from": FROM, "to": TODAY, "format": "pdf"})
    (tmp_path / "weasy.pdf").write_bytes(pdf.data)
    info, text = _pdf_facts(tmp_path / "weasy.pdf")
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert "(A4)" in info and f"Page 1 of {pages}" in text


def test_the_map_key_has_the_web_maps_ranges_and_sits_below_the_map(realistic, app_ctx, db):
    import sqlalchemy as sa

    from engage.concerns.models import Concern
    from engage.geography.boundaries import current_boundary_set
    from engage.geography.models import Ward

    fig, ax, key = choropleth_figure(Period(FROM, TODAY), "real")
    fig.canvas.draw()
    map_box, key_box = ax.get_window_extent(), key.get_window_extent()
    assert not map_box.overlaps(key_box) and key_box.y1 <= map_box.y0
    counts = dict(
        db.session.execute(
            sa.select(Ward.code, sa.func.count(Concern.id))
            .join(Concern, Concern.ward_id == Ward.id)
            .group_by(Ward.code)
        ).all()
    )
    current = current_boundary_set().id
    values = [
        counts.get(code, 0) for code in db.session.scalars(sa.select(Ward.code).where(Ward.boundary_set_id == current))
    ]
    labels = [t.get_text() for t in key.get_texts()]
    assert labels == [label for label, _ in key_entries(values)]
    assert labels[0].startswith("0 (no concerns)")
    web = [c["label"] for c in map_classes(values)["classes"]]
    assert [label.split(" (")[0] for label in labels[1:]] == web
