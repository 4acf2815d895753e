"""A throwaway engage installation for the benchmarks that use the app as its users do,
through its commands and as a server (bench/first_visit.py, bench/startup.py,
bench/locate_csv.py): a fresh SQLite database in a temporary folder (bench/capture.py's
`bench_database`), migrated, the default wards imported, optionally the demo data and
users who log in with a password; gunicorn serving it (bench/capture.py's
`start_gunicorn`); and what the machine was doing, which every figure needs beside it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))  # runnable from a checkout without installing anything

from bench.capture import bench_database, start_gunicorn, stop  # noqa: E402

FLASK = [str(BIN / "flask"), "--app", "engage"]
GEODATA = Path(os.environ.get("ENGAGE_GEODATA_DIR", ROOT.parent / "shared" / "geodata"))
PASSWORD = "bench password 1234"  # every user's: the benchmarks log in through the form
TICK = os.sysconf("SC_CLK_TCK")


def flask(env, *args, stdin: str | None = None) -> str:
    return subprocess.run(
        [*FLASK, *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True, input=stdin
    ).stdout.strip()


def compile_bytecode() -> None:
    """The app's modules compiled to bytecode, as an installed app has them (pip writes
    them for what it installs, and Python on the first run): a checkout run with
    PYTHONDONTWRITEBYTECODE=1, as this machine's environment sets it, would otherwise
    compile every module on every start (a quarter of a second) and time that."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "engage", "geodata", "bench"], env=env, cwd=ROOT, check=True
    )


@contextlib.contextmanager
def installation(demo: bool = False, users: tuple[tuple[str, str, str | None], ...] = ()):
    """Yields (env, folder): the environment that points the app's commands and servers
    at a fresh SQLite database, migrated, with the wards imported; with `demo`, the demo
    teams, designations and a year of concerns and meetings; `users` as (email, role,
    team code or None), each with PASSWORD. Everything is removed afterwards."""
    compile_bytecode()
    with bench_database("sqlite") as (env, tmp, _admin, _name):
        flask(env, "db", "upgrade")
        flask(env, "wards", "import-default")
        if demo:
            flask(env, "demo", "load")
        for email, role, team in users:
            flask(
                env,
                "users",
                "create",
                email,
                "--role",
                role,
                *(["--team", team] if team else []),
                "--password-stdin",
                stdin=PASSWORD + "\n",
            )
        yield env, tmp


def free_port() -> int:
    """A port nothing listens on now (other benchmarks and test suites may be running)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(env, tmp, port: int, workers: int):
    """gunicorn serving wsgi:app as docs/deployment.md runs it, once every worker has
    loaded the app; yields its address."""
    proc = start_gunicorn("wsgi:app", port, env, tmp, workers)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def measured(cmd, env, stdout=subprocess.DEVNULL) -> tuple[float, float]:
    """Runs `cmd` (its output to `stdout`): wall seconds from start to exit, and its peak
    resident memory in MiB (ru_maxrss from wait4, the process's own)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    error = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}): {error[-500:]}")
    return seconds, usage.ru_maxrss / 1024  # KiB on Linux


# --- what the machine was doing ------------------------------------------------------------


def _cpu_ticks() -> dict[int, tuple[int, str]]:
    """CPU ticks used so far and the command, of every process we can read."""
    out = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            cmdline = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # ended meanwhile
        fields = stat.rsplit(")", 1)[1].split()
        out[int(entry.name)] = (
            int(fields[11]) + int(fields[12]),
            cmdline.strip() or stat.split("(", 1)[1].split(")")[0],
        )
    return out


def machine_activity(seconds: float = 2.0, top: int = 3) -> str:
    """How busy the machine is over the next `seconds`: the share of all cores in use and
    the busiest processes (other sessions' test suites, say), so that figures taken on a
    shared machine say so."""

    def busy_total():
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields) - fields[3] - fields[4], sum(fields)  # all but idle and iowait

    before, (busy0, total0) = _cpu_ticks(), busy_total()
    time.sleep(seconds)
    after, (busy1, total1) = _cpu_ticks(), busy_total()
    share = (busy1 - busy0) / max(total1 - total0, 1)
    me = os.getpid()
    used = sorted(
        (
            (after[pid][0] - before[pid][0], after[pid][1])
            for pid in after
            if pid in before and pid != me and after[pid][0] > before[pid][0]
        ),
        reverse=True,
    )[:top]
    busiest = "; ".join(f"{100 * ticks / TICK / seconds:.0f}% of a core: {cmd[:90]}" for ticks, cmd in used)
    return (
        f"{100 * share:.0f}% of the {os.cpu_count()} cores busy over {seconds:g} s, load average "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg())
        + (f"; busiest: {busiest}" if busiest else "")
    )


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes" if dirty else "")


def header() -> list[str]:
    """The lines every one of these scripts prints first."""
    return [
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; code {commit()}",
        f"- Machine: {platform.platform()}, nproc {os.cpu_count()}, Python {platform.python_version()}",
        f"- Machine at the start: {machine_activity()}",
    ]
