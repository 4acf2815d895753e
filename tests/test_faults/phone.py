"""A phone's queue, replayed as static/js/capture/sync.js replays it.

Meetings, then concerns, oldest first, each with the UUID the phone gave it. An entry
leaves the queue only on a 200/201 that returns its own id. A network error, a
timeout, a 5xx, 429 or 408 stops the batch, and the next batch starts after an
exponential backoff: the phone's is 2 s doubling to 60 s; here it is scaled down
(`backoff`, `max_delay`) so tests do not wait for nothing.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from dataclasses import dataclass, field


class Stop(Exception):
    pass


@dataclass
class Answer:
    entry_id: str
    status: int | None  # None: no answer at all (connection refused, reset, timeout)
    headers: dict = field(default_factory=dict)
    body: object = None
    sent_at: float = 0.0
    answered_at: float = 0.0


class Phone:
    def __init__(
        self, base_url: str, token: str, backoff: float = 0.1, max_delay: float = 1.0, timeout: float = 20, on_ack=None
    ):
        host, port = base_url.removeprefix("http://").split(":")
        self.address = (host, int(port))
        self.headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": f"Bearer {token}",
        }
        self.backoff, self.max_delay, self.timeout = backoff, max_delay, timeout
        self.on_ack = on_ack
        self.queue: dict[str, tuple[str, dict]] = {}  # id -> (path, body), in order saved
        self.answers: list[Answer] = []
        self.acknowledged: list[str] = []
        self.error: AssertionError | None = None
        self.lock = threading.Lock()

    # --- what the officer records ---------------------------------------------------

    def add_meeting(self, **body) -> str:
        return self._add("/api/v1/meetings", body)

    def add_concern(self, **body) -> str:
        return self._add("/api/v1/concerns", body)

    def _add(self, path, body) -> str:
        entry_id = str(uuid.uuid4())
        with self.lock:
            self.queue[entry_id] = (path, {"id": entry_id, **body})
        return entry_id

    @property
    def waiting(self) -> list[str]:
        with self.lock:
            return list(self.queue)

    def statuses(self) -> list[int | None]:
        return [a.status for a in self.answers]

    # --- sending --------------------------------------------------------------------

    def send_all(self) -> str:
        """One batch: 'done' when the queue is empty, 'network' when it stopped."""
        conn = http.client.HTTPConnection(*self.address, timeout=self.timeout)
        try:
            with self.lock:
                pending = sorted(self.queue.items(), key=lambda kv: kv[1][0] != "/api/v1/meetings")
            for entry_id, (path, body) in pending:
                self._send(conn, entry_id, path, body)
            return "done"
        except Stop:
            return "network"
        finally:
            conn.close()

    def _send(self, conn, entry_id, path, body):
        answer = Answer(entry_id, None, sent_at=time.monotonic())
        try:
            conn.request("POST", path, json.dumps(body), self.headers)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            answer.answered_at = time.monotonic()
            self.answers.append(answer)
            raise Stop from None
        answer.status, answer.headers, answer.answered_at = response.status, dict(response.headers), time.monotonic()
        try:
            answer.body = json.loads(raw)
        except ValueError:
            answer.body = raw.decode(errors="replace")
        self.answers.append(answer)
        if response.status >= 500 or response.status in (429, 408):
            raise Stop
        if response.status in (200, 201) and isinstance(answer.body, dict) and answer.body.get("id") == entry_id:
            with self.lock:
                self.queue.pop(entry_id, None)
                self.acknowledged.append(entry_id)
            if self.on_ack:
                self.on_ack(self)
        elif response.status not in (200, 201):
            # The phone keeps it for the officer to fix (422) or shows why (409, 404).
            # None is expected here: stop rather than retry until the deadline.
            raise AssertionError(f"{path} answered {response.status}: {answer.body}")

    def sync(self, within: float = 60) -> None:
        """Batches with backoff until the queue is empty; fails after `within` seconds."""
        deadline = time.monotonic() + within
        attempt = 0
        while self.waiting:
            try:
                outcome = self.send_all()
            except AssertionError as exc:
                self.error = exc  # for a test whose phone syncs in a thread
                raise
            if outcome == "done" and not self.waiting:
                return
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{len(self.waiting)} entries still waiting after {within} s; "
                    f"last answers: {[(a.status, a.body) for a in self.answers[-3:]]}"
                )
            attempt += 1
            time.sleep(min(self.max_delay, self.backoff * 2**attempt))
