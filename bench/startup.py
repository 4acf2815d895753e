"""Start-up (issue #20): the wall time and peak memory of a command and of a gunicorn
worker's boot, against a bare `python -c "import shapely"`; and which imports the time
goes on.

    .venv/bin/python bench/startup.py [--runs 5] [--boots 3]

On a fresh SQLite database (migrated, the wards imported), in turn, --runs times each
after one warm-up run (so that every file is in the page cache):

- `python -c "import shapely"`, the floor any command of this app stands on;
- `flask --app engage wards locate -1.2345 54.5742` (one point, Middlesbrough);
- `flask --app engage --help` (the app loaded, nothing done).

Wall time from starting the process to its exit; peak memory is the process's maximum
resident set (ru_maxrss from wait4). Medians are reported, with the range.

Then --boots times: gunicorn with one worker (`gunicorn -w 1 wsgi:app`, as
docs/deployment.md runs it, with bench/capture.py's hook that marks when a worker has
loaded the app): from launching gunicorn to its worker ready (the hook's mark), and the
worker's own part, from its fork (its start time in /proc) to ready; its peak memory
after answering its first requests (VmHWM).

Last, `python -X importtime` of `flask --app engage --help`: the packages that take the
longest to import, with the app's module that first imports each (what to make lazy).
Goals: the single locate under 0.6 s and 120 MiB; a worker ready in under 1 s. Prints
Markdown for docs/benchmarks.md; exits 0 whether the goals are met or not.
"""

from __future__ import annotations

import argparse
import http.client
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # runnable from a checkout

from bench.installation import (  # noqa: E402
    FLASK,
    ROOT,
    TICK,
    free_port,
    header,
    installation,
    machine_activity,
    measured,
    served,
)

POINT = ("-1.2345", "54.5742")
COMMANDS = {
    'bare `python -c "import shapely"`': [sys.executable, "-c", "import shapely"],
    f"`flask --app engage wards locate {' '.join(POINT)}`": [*FLASK, "wards", "locate", *POINT],
    "`flask --app engage --help`": [*FLASK, "--help"],
}
BARE, LOCATE, HELP = COMMANDS


def started_at(pid: int) -> float:
    """When process `pid` started, on the time.time() clock (10 ms resolution)."""
    ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return time.time() - uptime + ticks / TICK


def boot_once(env, tmp) -> tuple[float, float, float]:
    """(launch to worker ready, worker fork to ready, worker peak MiB) for one gunicorn
    with one worker."""
    port = free_port()
    launched = time.time()
    with served(env, tmp, port, workers=1) as base:
        # start_gunicorn's hook marks each worker's readiness with a file named after it.
        marks = sorted(tmp.glob(f"ready-{port}-*"))[-1]
        mark = next(marks.iterdir())
        worker, ready = int(mark.name), mark.stat().st_mtime
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/login")
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{base}/login: HTTP {response.status}")
        peak = int(re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{worker}/status").read_text()).group(1)) / 1024
        forked = started_at(worker)
    return ready - launched, ready - forked, peak


def import_times(env, top: int) -> tuple[list[tuple[str, float, str]], float]:
    """[(package, cumulative ms, the app's module that first imports it)] for the `top`
    packages that take longest to import when the app loads (`python -X importtime`).
    A package's time is that of its outermost imports (what importing it costs,
    including what it imports); the app's own packages are left out."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "flask", "--app", "engage", "--help"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    lines = []
    for line in err.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            lines.append((int(m.group(2)), len(m.group(3)) // 2, m.group(4)))
    # Children are printed before their parent: walk backwards, keeping the ancestors.
    totals: dict[str, float] = {}
    first_by: dict[str, str] = {}
    ancestors: list[tuple[int, str]] = []
    for cumulative, depth, name in reversed(lines):
        while ancestors and ancestors[-1][0] >= depth:
            ancestors.pop()
        package = name.split(".")[0]
        if all(a[1].split(".")[0] != package for a in ancestors):  # an outermost import of the package
            totals[package] = totals.get(package, 0) + cumulative / 1000
            names = [a[1] for a in ancestors]
            app = [i for i, a in enumerate(names) if a.split(".")[0] in ("engage", "geodata")]
            if app:  # the nearest of the app's modules, and the package it came through
                by = f"`{names[app[-1]]}`"
                if app[-1] + 1 < len(names):
                    by += f" through {names[app[-1] + 1].split('.')[0]}"
            else:
                by = f"`{names[0]}`" if names else "the command itself"
            # Walking backwards, the last one seen is the first imported.
            first_by[package] = by
        ancestors.append((depth, name))
    ranked = sorted(((p, ms) for p, ms in totals.items() if p not in ("engage", "geodata")), key=lambda item: -item[1])
    return [(p, ms, first_by[p]) for p, ms in ranked[:top]], totals.get("engage", 0.0)


def spread(values, fmt="{:.2f}") -> str:
    text = fmt.format(statistics.median(values))
    return text + (f" ({fmt.format(min(values))}-{fmt.format(max(values))})" if len(values) > 1 else "")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command (median reported)")
    parser.add_argument("--boots", type=int, default=3, help="gunicorn starts (median reported)")
    parser.add_argument("--top", type=int, default=10, help="packages listed by import time")
    args = parser.parse_args()

    lines = header()
    with installation() as (env, tmp):
        times = {label: [] for label in COMMANDS}
        memory = {label: [] for label in COMMANDS}
        for cmd in COMMANDS.values():
            measured(cmd, env)  # warm-up: every file read once
        for _ in range(args.runs):
            for label, cmd in COMMANDS.items():  # in turn, so that other load falls on all alike
                seconds, mib = measured(cmd, env)
                times[label].append(seconds)
                memory[label].append(mib)
        boots = [boot_once(env, tmp) for _ in range(args.boots)]
        imports, app_ms = import_times(env, args.top)
    lines.append(f"- Machine at the end: {machine_activity()}")
    lines.append(
        f"- Commands: {args.runs} runs each after one warm-up, taken in turn; gunicorn: {args.boots} starts "
        "with one worker; a fresh SQLite database (migrated, the wards imported)"
    )

    print("\n".join(lines))
    print()
    bare_s, bare_mib = statistics.median(times[BARE]), statistics.median(memory[BARE])
    print(
        "| What | Wall time (s): median (min-max) | Peak memory (MiB): median (min-max) | Time / bare | Memory / bare |"
    )
    print("|---|---:|---:|---:|---:|")
    for label in COMMANDS:
        s, mib = statistics.median(times[label]), statistics.median(memory[label])
        print(
            f"| {label} | {spread(times[label])} | {spread(memory[label], '{:.0f}')} | {s / bare_s:.1f}x | "
            f"{mib / bare_mib:.1f}x |"
        )
    launch = [b[0] for b in boots]
    worker = [b[1] for b in boots]
    peak = [b[2] for b in boots]
    print(
        f"| gunicorn, one worker: launched to the worker ready | {spread(launch)} | {spread(peak, '{:.0f}')} "
        f"(the worker, after its first requests) | {statistics.median(launch) / bare_s:.1f}x | "
        f"{statistics.median(peak) / bare_mib:.1f}x |"
    )
    print(
        f"| of which the worker's own boot: forked to ready | {spread(worker)} | | "
        f"{statistics.median(worker) / bare_s:.1f}x | |"
    )
    print()
    locate_s, locate_mib = statistics.median(times[LOCATE]), statistics.median(memory[LOCATE])
    launch_s = statistics.median(launch)
    print("| Goal (medians) | Now | |")
    print("|---|---:|---|")
    print(f"| the single locate under 0.6 s | {locate_s:.2f} s | {'met' if locate_s < 0.6 else 'NOT met'} |")
    print(f"| the single locate under 120 MiB | {locate_mib:.0f} MiB | {'met' if locate_mib < 120 else 'NOT met'} |")
    print(
        f"| a worker ready in under 1 s (gunicorn launched to its worker ready) | {launch_s:.2f} s | "
        f"{'met' if launch_s < 1 else 'NOT met'} |"
    )
    print()
    print(
        f"Where `flask --app engage --help` spends its imports (`python -X importtime`, one run, which slows "
        f"imports a little): the app's own packages take {app_ms / 1000:.2f} s in all, including what they import. "
        f"The {args.top} packages that take longest, each with what importing it costs (including what it "
        "imports) and the app's module that first imports it:"
    )
    print()
    print("| Package | Import (ms, cumulative) | First imported by |")
    print("|---|---:|---|")
    for package, ms, by in imports:
        print(f"| {package} | {ms:,.0f} | {by} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
