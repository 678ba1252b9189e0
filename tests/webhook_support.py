"""A webhook receiver on loopback for the tests: it verifies every request with the
standardwebhooks library, keeps what it got, and answers with the statuses it is given."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self, statuses: list[int] | None = None) -> None:
        self.secret: str | None = None  # set once the endpoint is registered
        self.statuses = list(statuses or [])  # answered in turn; 204 once used up
        self.received: list[dict] = []  # verified: {"id", "type", "data", "headers"}
        self.rejected: list[str] = []
        self.gate: threading.Event | None = None  # when set: the first request waits on it
        self.arrived = threading.Event()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.gate is not None:
            self.gate.set()
        self.server.shutdown()
        self.server.server_close()

    def types(self) -> list[str]:
        return [event["type"] for event in self.received]

    def unique(self) -> list[dict]:
        """What a receiver that dedupes on webhook-id keeps."""
        seen: dict[str, dict] = {}
        for event in self.received:
            seen.setdefault(event["id"], event)
        return list(seen.values())

    def _take(self, body: bytes, headers: dict[str, str]) -> int:
        try:
            payload = Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError as exc:
            with self._lock:
                self.rejected.append(str(exc))
            return 400
        with self._lock:
            self.received.append({"id": headers["webhook-id"], "type": payload["type"],
                                  "data": payload["data"], "headers": headers})
            return self.statuses.pop(0) if self.statuses else 204

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                receiver.arrived.set()
                gate, receiver.gate = receiver.gate, None
                if gate is not None:
                    gate.wait(30)
                status = receiver._take(body, {k.lower(): v for k, v in self.headers.items()})
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler


def payloads(receiver: Receiver, event_type: str) -> list[dict]:
    return [json.loads(json.dumps(e["data"])) for e in receiver.received
            if e["type"] == event_type]
