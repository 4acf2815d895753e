"""What the fault tests break: the app under gunicorn (killed with SIGKILL), a TCP
proxy standing between the app and PostgreSQL (stopped and started), and the app
served in a thread for tests that read its log."""

from __future__ import annotations

import http.client
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import GEODATA_DIR, REPO
from tests.smtp import free_port

BIN = Path(sys.executable).parent

# Each worker touches a file once it has loaded the app (as bench/capture.py does):
# the master accepts connections seconds before a worker can answer them.
GUNICORN_CONF = """
import os
def post_worker_init(worker):
    open(os.path.join(READY, str(worker.pid)), "w").close()
"""


class Gunicorn:
    """The app as production runs it (`gunicorn wsgi:app`), on a free port and the
    test's own database."""

    def __init__(self, database_url: str, tmp: Path, workers: int = 2, args: tuple[str, ...] = (), **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.args = tuple(args)  # more gunicorn options, e.g. an access log
        self.tmp = tmp
        self.log = tmp / f"gunicorn-{self.port}.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "faults",
            "ENGAGE_ENV": "test",
            "ENGAGE_GEODATA_DIR": GEODATA_DIR,
            "FLASK_DEBUG": "0",
            "MAIL_SERVER": "",
            **env,
        }
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 60) -> None:
        self.starts += 1
        ready = self.tmp / f"ready-{self.port}-{self.starts}"
        ready.mkdir()
        conf = self.tmp / f"gunicorn-{self.port}.conf.py"
        conf.write_text(f"READY = {str(ready)!r}\n" + GUNICORN_CONF)
        with open(self.log, "a") as log:
            # Its own process group, so that a kill reaches the master and every worker.
            # --preload: the app (seconds to import) is loaded once, then the workers fork.
            self.proc = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "-c",
                    str(conf),
                    "-w",
                    str(self.workers),
                    "-b",
                    f"127.0.0.1:{self.port}",
                    "--log-level",
                    "warning",
                    "--timeout",
                    "30",
                    "--preload",
                    *self.args,
                    "wsgi:app",
                ],
                env=self.env,
                cwd=REPO,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while len(list(ready.iterdir())) < self.workers:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not start {self.workers} workers:\n{self.log_text()[-3000:]}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL to the master and its workers at once: no clean-up, no goodbye."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)

    def log_text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""


class TcpProxy:
    """Forwards a local port to PostgreSQL. `stop()` is the database going away as the
    app sees it: every open connection is cut and new ones are refused. `start()`
    brings it back on the same port."""

    def __init__(self, upstream_host: str, upstream_port: int):
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)  # shutdown wakes the thread blocked in accept(), freeing the port
        with self._lock:
            for sock in self._sockets:
                _close(sock)
            self._sockets.clear()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by stop()
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                _close(client)
                continue
            with self._lock:
                if self._listener is not listener:  # stopped meanwhile
                    _close(client)
                    _close(server)
                    continue
                self._sockets.update((client, server))
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        try:
            selector.register(a, selectors.EVENT_READ, b)
            selector.register(b, selectors.EVENT_READ, a)
            while True:
                for key, _ in selector.select(timeout=1):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            with self._lock:
                self._sockets.difference_update((a, b))
            _close(a)
            _close(b)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


@contextmanager
def served(app):
    """The app over HTTP from a thread of this process, so the test can read its log."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def get(url: str, path: str, headers: dict | None = None, timeout: float = 20):
    """One GET on a fresh connection: (status, headers, body text)."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        conn.close()
