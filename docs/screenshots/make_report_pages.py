"""Pictures of the Panel report's pages, as the Panel receives them: the Word file of a
report over the demo data (February to June), converted by LibreOffice to PDF and its
first pages to PNG by pdftoppm. From the repository root:

    .venv/bin/python docs/screenshots/make_report_pages.py

writes panel-report-page-1.png ... beside this file (needs libreoffice and pdftoppm)."""

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from engage.demo.services import load_demo  # noqa: E402
from engage.reports.aggregation import Period  # noqa: E402
from engage.reports.office import Office, OfficeHolder, write_office  # noqa: E402
from engage.reports.panel_report import build_panel_report, render_docx  # noqa: E402
from tests.conftest import make_test_app, prepare_database  # noqa: E402

PAGES = 3


def main():
    folder = Path(tempfile.mkdtemp(prefix="engage-report-"))
    app = make_test_app(f"sqlite:///{folder / 'report.sqlite'}", folder)
    prepare_database(app)
    with app.app_context():
        load_demo()
        write_office(
            Office(
                holders=[
                    OfficeHolder("Police and Crime Commissioner", "(name set by an admin)", "01642 301653"),
                    OfficeHolder("Chief Executive & Monitoring Officer", "(name set by an admin)", "01642 301653"),
                ],
                signature_name="(name set by an admin)",
            ),
            "screenshots",
        )
        from engage.extensions import db

        db.session.commit()
        today = date.today()
        period = Period(date(today.year, 2, 1), date(today.year, 6, 30))
        report = build_panel_report(period, "demo", date(2012, 11, 22), report_date=date(today.year, 7, 3))
        (folder / "report.docx").write_bytes(render_docx(report))
    subprocess.run(
        ["libreoffice", f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(folder), str(folder / "report.docx")],
        check=True,
        capture_output=True,
        timeout=180,
    )
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", str(PAGES), str(folder / "report.pdf"), str(folder / "page")],
        check=True,
    )
    for n, page in enumerate(sorted(folder.glob("page-*.png")), start=1):
        (HERE / f"panel-report-page-{n}.png").write_bytes(page.read_bytes())
    print(f"Wrote {PAGES} pages to {HERE}")


if __name__ == "__main__":
    main()
