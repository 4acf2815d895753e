"""Screenshots of the capture screens at 360 x 740, as an officer's phone shows them, and
of the inspector's inbox, a concern's page, the concerns map and a ward brief, at 1280 px
and 360 px.

Serves the app on a throwaway SQLite database (the real 79 wards from ../shared/geodata,
and the demo data of `flask demo load`, labelled demo on every screen), logs in through
the real form and drives headless Chromium. From the repository root:

    .venv/bin/python docs/screenshots/make_screenshots.py

writes the PNG files beside this file.
"""

import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from playwright.sync_api import expect, sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from engage.accounts.services import create_user, use_cheap_hashing  # noqa: E402
from engage.demo.services import load_demo  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.teams.models import Team  # noqa: E402
from tests.conftest import CHROMIUM, make_test_app, prepare_database  # noqa: E402
from tests.live import live_user_with_token  # noqa: E402

PASSWORD = "screenshot password"
GRANGETOWN = "E05001509"


def serve():
    folder = Path(tempfile.mkdtemp(prefix="engage-screens-"))
    app = make_test_app(f"sqlite:///{folder / 'screens.sqlite'}", folder)
    prepare_database(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.app = app
    server.url = f"http://127.0.0.1:{server.server_port}"
    return server


def log_in(context, server, email, path):
    page = context.new_page()
    page.goto(f"{server.url}/login?next={path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return page


def inspector_screens(browser, server):
    """The inspector of a demo INT (all data here is demo, so every page shows it, labelled)."""
    with server.app.app_context():
        load_demo()
        team = db.session.scalars(db.select(Team).where(Team.is_demo, Team.kind == "int").order_by(Team.code)).first()
        create_user("inspector@example.org", ["inspector"], password=PASSWORD, team_codes=[team.code])
        create_user("staff@example.org", ["staff"], password=PASSWORD)
        db.session.commit()
    for width, height, suffix in ((1280, 800, "desk"), (360, 740, "phone")):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            device_scale_factor=1 if width > 600 else 2,
            locale="en-GB",
            timezone_id="Europe/London",
        )
        # The officer's screens above made real data, so the demo is asked for by name.
        page = log_in(context, server, "inspector@example.org", "/inbox?source=demo")
        page.wait_for_url("**/inbox**")
        page.screenshot(path=HERE / f"inbox-{suffix}.png")
        page.locator(".concern-item a").first.click()
        page.locator("#concern-map[data-drawn]").wait_for(state="attached")
        page.screenshot(path=HERE / f"concern-{suffix}.png", full_page=width > 600)
        page.goto(f"{server.url}/maps?source=demo")
        page.locator("#class-legend li").first.wait_for()
        page.locator("#concern-map[data-wards='79']").wait_for(state="attached")
        page.wait_for_timeout(500)
        page.screenshot(path=HERE / f"maps-{suffix}.png")
        context.close()
        # The ward brief, as staff (or the officer) would take it into Grangetown's hall.
        context = browser.new_context(
            viewport={"width": width, "height": height},
            device_scale_factor=1 if width > 600 else 2,
            locale="en-GB",
            timezone_id="Europe/London",
        )
        page = log_in(context, server, "staff@example.org", f"/wards/{GRANGETOWN}/brief?source=demo")
        page.wait_for_url("**/brief**")
        page.screenshot(path=HERE / f"brief-{suffix}.png", full_page=width > 600)
        context.close()


def concern(page, category, text, residents=1):
    page.get_by_role("radio", name=category, exact=True).click()
    page.keyboard.type(text)
    for _ in range(residents - 1):
        page.get_by_role("button", name="One resident more").click()
    page.get_by_role("button", name="Save concern").click()
    expect(page.get_by_label("What was raised")).to_have_value("")


def main():
    use_cheap_hashing()
    server = serve()
    email, _ = live_user_with_token(server, "officer", password=PASSWORD)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 360, "height": 740},
            device_scale_factor=2,
            locale="en-GB",
            timezone_id="Europe/London",
            is_mobile=True,
            has_touch=True,
        )
        page = context.new_page()
        page.goto(f"{server.url}/login?next=/capture")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.locator("#capture[data-ready=true]").wait_for(state="attached")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")

        page.get_by_label("Ward", exact=True).select_option("E05009857")
        page.get_by_label("Venue").fill("St Hilda's Community Centre")
        page.get_by_label("Attendance").fill("23")
        page.screenshot(path=HERE / "capture-meeting.png")

        page.get_by_role("button", name="Start meeting").click()
        concern(page, "Off-road motorbikes and quads", "Quad bikes on the field behind the school most evenings", 4)
        concern(page, "Lack of visible policing", "No PCSO seen on the estate since the summer")
        expect(page.locator("#sync-status")).to_have_text("All saved")
        page.get_by_role("radio", name="Speeding and road safety").click()
        page.keyboard.type("Cars racing along Parliament Road late at night")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=HERE / "capture-concern.png")

        page.get_by_label("What was raised").fill("")
        context.set_offline(True)
        concern(page, "Drugs and drug dealing", "Dealing from a car outside the shops on Saturdays", 2)
        concern(page, "Fly-tipping and litter", "Mattresses dumped in the back alley")
        concern(page, "Parking", "Vans parked across the dropped kerbs")
        expect(page.locator("#sync-status")).to_have_text("3 waiting to send")
        # The status line stays at the top; the list of what is waiting below it.
        page.evaluate("window.scrollBy(0, document.getElementById('saved-title').getBoundingClientRect().top - 64)")
        page.screenshot(path=HERE / "capture-offline.png")
        context.close()
        inspector_screens(browser, server)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
