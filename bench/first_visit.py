"""The phone's first visit on poor signal (issue #20): from submitting the log-in form to
a usable page, and the bytes over the wire, for the officer's /capture, the office's
/maps and the inspector's /inbox; then the second visit (for /capture with the network
off, answered by its service worker).

    .venv/bin/python bench/first_visit.py [--runs 3] [--kbps 400] [--latency 400] [--cpu 4]

The app runs as a real server (gunicorn, as docs/deployment.md runs it) on a fresh SQLite
database in a temporary folder: migrated, the wards imported, the demo data loaded (so
the map and the inbox have something to show) and an officer, a member of staff and an
inspector (Middlesbrough INT) who log in through the form. Headless Chromium (Debian's,
through Playwright) at 360 x 740, as a phone, each first visit in a new browser context
(an empty cache). Through the DevTools protocol: the network throttled (400 kbit/s down
and up, 400 ms round trip) on the page and on every worker it starts (the capture
page's service worker included, attached before it runs), the page's CPU slowed 4x;
bytes over the wire are the sum of Network.loadingFinished's encodedDataLength (and of
redirects' responses) of every request that reached the network, compressed when it
was compressed; answers from the service worker or the browser's cache count nothing.

"Usable" (docs/benchmarks.md says the same):
- /capture: the Ward select shown, enabled and holding all the wards;
- /maps: the map drawn with its ward shapes (the page marks #concern-map with the
  number of ward shapes once they are on the map);
- /inbox: the list of concerns rendered.
Times are taken when a frame with the page in that state is drawn (checked on every
animation frame). Goals: capture usable in under 4 s and under 150 KB over the wire on
the first visit; under 1 s on the second with the network off. Prints Markdown for
docs/benchmarks.md; exits 0 whether the goals are met or not.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # runnable from a checkout

from bench.capture import WORKERS  # noqa: E402
from bench.installation import (  # noqa: E402
    PASSWORD,
    free_port,
    header,
    installation,
    machine_activity,
    served,
)

CHROMIUM = "/usr/bin/chromium"
# As the machine's notes say: without the background-networking flags Chromium keeps
# trying to reach Google's hosts, which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
WARDS = 79
USERS = (
    ("officer@example.org", "officer", None),
    ("staff@example.org", "staff", None),
    ("inspector@example.org", "inspector", "INT-MBRO"),
)
TIMEOUT_MS = 180_000
QUIET_S = 2.0  # the network is quiet when nothing has moved for this long
QUIET_CAP_S = 90.0
OFFLINE = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}

# Checked on every animation frame, so true only once a frame in that state is drawn.
USABLE = {
    "capture": """(wards) => {
        const select = document.getElementById("meeting-ward");
        return !!select && !select.disabled && select.checkVisibility()
            && select.querySelectorAll("option:not([value=''])").length >= wards;
    }""",
    "maps": """(wards) => {
        const map = document.getElementById("concern-map");
        return !!map && Number(map.dataset.wards) >= wards && map.checkVisibility();
    }""",
    "inbox": """() => {
        const item = document.querySelector(".concern-list li");
        return !!item && item.checkVisibility();
    }""",
}


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    email: str
    who: str
    second_offline: bool  # the second visit with the network off (the capture app works offline)


PAGES = (
    Page("capture", "/capture", "officer@example.org", "officer", True),
    Page("maps", "/maps", "staff@example.org", "staff", False),
    Page("inbox", "/inbox", "inspector@example.org", "inspector (Middlesbrough INT)", False),
)


@dataclass
class Fetch:
    url: str
    fetcher: str  # "page" or the worker's type
    local: bool = False  # answered by a service worker or the browser's cache
    bytes: int = 0
    encoding: str = ""
    cache_control: str = ""
    done: bool = False


@dataclass
class Wire:
    """One browser context's network as the DevTools protocol sees it: throttled on the
    page and on every worker it starts, and counted. Service workers are attached by
    the page's auto-attach while they wait for a debugger, so their first fetch is
    already throttled and counted (Chrome throttles each target on its own: see
    docs/benchmarks.md)."""

    context: object
    page: object
    conditions: dict
    cpu_rate: float
    fetches: dict = field(default_factory=dict)
    children: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    last_move: float = field(default_factory=time.monotonic)

    def __post_init__(self):
        self.cdp = self.context.new_cdp_session(self.page)
        self._ids = iter(range(1, 10**9))
        for event in (
            "requestWillBeSent",
            "responseReceived",
            "requestServedFromCache",
            "loadingFinished",
            "loadingFailed",
        ):
            self.cdp.on(f"Network.{event}", lambda params, event=event: self._network("page", "page", event, params))
        self.cdp.on("Target.attachedToTarget", self._attached)
        self.cdp.on("Target.detachedFromTarget", lambda params: self.children.pop(params["sessionId"], None))
        self.cdp.on("Target.receivedMessageFromTarget", self._from_child)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.emulateNetworkConditions", self.conditions)
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": self.cpu_rate})
        # Not flattened: the child sessions' messages come through this session, the only
        # kind of CDP session Playwright's Python API hands out.
        self.cdp.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": False})

    def _send_child(self, session, method, params=None):
        self.cdp.send(
            "Target.sendMessageToTarget",
            {
                "sessionId": session,
                "message": json.dumps({"id": next(self._ids), "method": method, "params": params or {}}),
            },
        )

    def _attached(self, params):
        session, kind = params["sessionId"], params["targetInfo"]["type"]
        self.children[session] = kind
        self._send_child(session, "Network.enable")
        self._send_child(session, "Network.emulateNetworkConditions", self.conditions)
        self._send_child(session, "Runtime.runIfWaitingForDebugger")

    def _from_child(self, params):
        message = json.loads(params["message"])
        if "error" in message:
            self.problems.append(f"{self.children.get(params['sessionId'], 'worker')}: {message['error']}")
        elif message.get("method", "").startswith("Network."):
            kind = self.children.get(params["sessionId"], "worker")
            self._network(params["sessionId"], kind, message["method"].split(".", 1)[1], message["params"])

    def _network(self, session, fetcher, event, params):
        self.last_move = time.monotonic()
        key = (session, params["requestId"])
        if event == "requestWillBeSent":
            redirect = params.get("redirectResponse")
            if redirect and key in self.fetches:  # the redirect's answer came over the wire too
                self._finish(self.fetches[key], redirect.get("encodedDataLength", 0), redirect)
                self.fetches[(session, params["requestId"] + "~" + str(len(self.fetches)))] = self.fetches.pop(key)
            self.fetches[key] = Fetch(params["request"]["url"], fetcher)
            return
        fetch = self.fetches.get(key)
        if fetch is None:
            if event not in ("responseReceived", "loadingFinished"):
                return
            # Asked for before this session was attached: a service worker's own script,
            # fetched by the browser while registering it.
            url = params.get("response", {}).get("url", "(the worker's own script, fetched before it was attached)")
            fetch = self.fetches[key] = Fetch(url, fetcher)
        if event == "responseReceived":
            fetch.url = params["response"]["url"]
            response = params["response"]
            fetch.local = (
                fetch.local
                or response.get("fromServiceWorker", False)
                or response.get("fromDiskCache", False)
                or response.get("fromPrefetchCache", False)
            )
            headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
            fetch.encoding = headers.get("content-encoding", "")
            fetch.cache_control = headers.get("cache-control", "")
        elif event == "requestServedFromCache":
            fetch.local = True
        elif event == "loadingFinished":
            self._finish(fetch, params.get("encodedDataLength", 0))
        elif event == "loadingFailed":
            fetch.done = True

    @staticmethod
    def _finish(fetch, length, response=None):
        if response is not None:
            fetch.local = response.get("fromServiceWorker", False) or response.get("fromDiskCache", False)
        fetch.bytes = 0 if fetch.local else int(length)
        fetch.done = True

    def bytes(self, fetcher: str | None = None) -> int:
        """Bytes over the wire so far: the page's (fetcher "page"), the workers' (any
        other) or, with None, all."""
        return sum(
            f.bytes for f in self.fetches.values() if fetcher is None or (f.fetcher == "page") == (fetcher == "page")
        )

    def over_network(self) -> int:
        return sum(1 for f in self.fetches.values() if f.done and f.bytes)

    def mark(self) -> dict:
        """Forget what has been counted: a new visit starts."""
        self.fetches = {k: f for k, f in self.fetches.items() if not f.done}
        for f in self.fetches.values():
            f.bytes = 0
        return self.fetches

    def wait_quiet(self) -> float:
        """Waits until no request is in flight and nothing has moved for QUIET_S (or
        QUIET_CAP_S in all); returns the seconds waited."""
        start = time.monotonic()
        while time.monotonic() - start < QUIET_CAP_S:
            busy = any(not f.done for f in self.fetches.values())
            if not busy and time.monotonic() - self.last_move >= QUIET_S:
                break
            self.page.wait_for_timeout(200)  # lets Playwright deliver the events meanwhile
        return time.monotonic() - start

    def go_offline(self):
        self.conditions = OFFLINE
        self.context.set_offline(True)
        self.cdp.send("Network.emulateNetworkConditions", OFFLINE)
        for session in list(self.children):
            self._send_child(session, "Network.emulateNetworkConditions", OFFLINE)


@dataclass
class Visit:
    seconds: float | None  # None: not usable within TIMEOUT_MS
    page_bytes: int = 0  # until the network is quiet
    worker_bytes: int = 0
    requests: int = 0
    fetches: list = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return self.page_bytes + self.worker_bytes


def settle(wire: Wire, visit: Visit) -> Visit:
    """Waits for the network to be quiet, then takes the visit's bytes."""
    wire.wait_quiet()
    visit.page_bytes, visit.worker_bytes = wire.bytes("page"), wire.bytes("worker")
    visit.requests = wire.over_network()
    visit.fetches = [f for f in wire.fetches.values() if f.bytes]
    return visit


def visit(browser, base, page_spec: Page, conditions, cpu_rate) -> tuple[Visit, Visit, Visit, list[str]]:
    """One first visit (the log-in page, then from submitting it until usable, and on
    until the network is quiet) and the second visit in the same context."""
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        wire = Wire(context, page, conditions, cpu_rate)
        start = time.perf_counter()
        page.goto(f"{base}/login?next={page_spec.path}", timeout=TIMEOUT_MS)
        login = Visit(time.perf_counter() - start, wire.bytes("page"), wire.bytes("worker"), wire.over_network())
        page.fill("#email", page_spec.email)
        page.fill("#password", PASSWORD)
        usable = USABLE[page_spec.name]
        start = time.perf_counter()
        page.click("#submit")
        first = settle(wire, Visit(until(page, usable, start)))

        wire.mark()
        if page_spec.second_offline:
            wire.go_offline()
        start = time.perf_counter()
        page.goto(f"{base}{page_spec.path}", wait_until="commit", timeout=TIMEOUT_MS)
        second = settle(wire, Visit(until(page, usable, start)))
        return login, first, second, wire.problems
    finally:
        context.close()


def until(page, usable, start) -> float | None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(usable, arg=WARDS, polling="raf", timeout=TIMEOUT_MS)
    except PlaywrightTimeout:  # a page that never gets there is a result, not a crash
        return None
    return time.perf_counter() - start


def kb(values) -> str:
    return f"{statistics.median(values) / 1000:,.0f}"


def spread(values) -> str:
    """Median (min-max) of seconds; a run that never got there shows as such."""
    done = [v for v in values if v is not None]
    if not done:
        return f"not usable within {TIMEOUT_MS / 1000:.0f} s"
    text = f"{statistics.median(done):.2f}"
    if len(done) > 1:
        text += f" ({min(done):.2f}-{max(done):.2f})"
    if len(done) < len(values):
        text += f", {len(values) - len(done)} of {len(values)} runs never usable"
    return text


def median_or_none(values):
    done = [v for v in values if v is not None]
    return statistics.median(done) if done and len(done) == len(values) else None


def breakdown(fetches: list[Fetch]) -> list[str]:
    """What came over the wire on one first visit, largest first, by path and fetcher."""
    rows: dict[tuple, list] = {}
    for f in fetches:
        parts = urlsplit(f.url)
        key = (
            parts.path + ("?" + parts.query if parts.query and not parts.path.startswith("/login") else ""),
            f.fetcher,
        )
        row = rows.setdefault(key, [0, 0, f.encoding or "none", f.cache_control or "-"])
        row[0] += f.bytes
        row[1] += 1
    lines = ["| Path | Fetched by | Times | Bytes | Content-Encoding | Cache-Control |", "|---|---|---:|---:|---|---|"]
    for (path, fetcher), (size, times, encoding, cache) in sorted(rows.items(), key=lambda r: -r[1][0]):
        lines.append(f"| `{path}` | {fetcher} | {times} | {size:,} | {encoding} | {cache} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--runs", type=int, default=3, help="first and second visits per page (median reported)")
    parser.add_argument("--kbps", type=float, default=400, help="throughput, kbit/s, down and up")
    parser.add_argument("--latency", type=float, default=400, help="round trip added, ms")
    parser.add_argument("--cpu", type=float, default=4, help="the page's CPU slowed this many times")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is needed: apt-get install chromium (make setup installs it)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    conditions = {
        "offline": False,
        "latency": args.latency,
        "downloadThroughput": args.kbps * 1000 / 8,
        "uploadThroughput": args.kbps * 1000 / 8,
    }
    lines = header()
    results = {p.name: [] for p in PAGES}
    problems = []
    with installation(demo=True, users=USERS) as (env, tmp), served(env, tmp, free_port(), args.workers) as base:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            lines.append(
                f"- Chromium {browser.version} headless at 360 x 740 (mobile, touch); network "
                f"{args.kbps:g} kbit/s down and up with {args.latency:g} ms round trip on the page and each "
                f"worker it starts, page CPU slowed {args.cpu:g}x, through the DevTools protocol; gunicorn "
                f"{args.workers} sync workers on a fresh SQLite database with the demo data; {args.runs} "
                "runs, each first visit in a new browser context (empty cache), the pages taken in turn"
            )
            for _ in range(args.runs):
                for page_spec in PAGES:  # in turn, so that other load on the machine falls on all alike
                    login, first, second, trouble = visit(browser, base, page_spec, conditions, args.cpu)
                    results[page_spec.name].append((login, first, second))
                    problems += trouble
            browser.close()
    lines.append(f"- Machine at the end: {machine_activity()}")

    print("\n".join(lines))
    print()
    print(
        "| Page | Who | Visit | Usable after (s): median (min-max) | KB over the wire: page | "
        "KB: service worker | KB in all | Requests over the network |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for page_spec in PAGES:
        runs = results[page_spec.name]
        second = "second, network off" if page_spec.second_offline else "second, same network, from the address"
        for label, visits in (
            ("log-in page (its bytes are counted in the first visit too)", [r[0] for r in runs]),
            ("first: from submitting the log-in form; bytes from opening the log-in page", [r[1] for r in runs]),
            (second, [r[2] for r in runs]),
        ):
            print(
                f"| {page_spec.path} | {page_spec.who} | {label} | {spread([v.seconds for v in visits])} | "
                f"{kb([v.page_bytes for v in visits])} | {kb([v.worker_bytes for v in visits])} | "
                f"{kb([v.bytes for v in visits])} | {statistics.median(v.requests for v in visits):.0f} |"
            )
    print()
    print(
        "Times: the log-in page from asking for it to its load event; the first visit from clicking Log in, the "
        "second from asking for the address, to usable. Bytes: until the network is quiet (nothing in flight for "
        f"{QUIET_S:g} s), so they include what is fetched after the page is usable; KB are 1,000 bytes."
    )
    if problems:
        print("\n**Throttling may be incomplete:** " + "; ".join(sorted(set(problems))))

    capture = results["capture"]
    first_s = median_or_none([r[1].seconds for r in capture])
    first_kb = statistics.median(r[1].bytes for r in capture) / 1000
    second_s = median_or_none([r[2].seconds for r in capture])
    print()
    print("| Goal (/capture, medians) | Now | |")
    print("|---|---:|---|")
    print(
        f"| first visit usable in under 4 s from submitting the log-in form | "
        f"{spread([r[1].seconds for r in capture])} s | {'met' if first_s is not None and first_s < 4 else 'NOT met'} |"
    )
    print(
        f"| first visit under 150 KB over the wire (the log-in page, the page and its service worker, until "
        f"quiet) | {first_kb:,.0f} KB | {'met' if first_kb < 150 else 'NOT met'} |"
    )
    print(
        f"| second visit, network off, usable in under 1 s | {spread([r[2].seconds for r in capture])} s | "
        f"{'met' if second_s is not None and second_s < 1 else 'NOT met'} |"
    )

    print(
        "\nWhat came over the wire on the last run's first visit to /capture (the log-in page included, until the "
        "network was quiet):\n"
    )
    print("\n".join(breakdown(capture[-1][1].fetches)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
