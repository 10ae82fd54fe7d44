"""A local SMS or Zalo gateway for the tests: a real HTTP server in a thread that records what it receives."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    key: str | None
    content_type: str | None
    body: dict[str, Any]


@dataclass
class FakeGateway:
    """Answers each POST with `status`; with `hold` set, waits for `release` before answering (a slow gateway)."""

    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    status: int = 200
    hold: bool = False
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def texts(self) -> list[str]:
        return [r.body["text"] for r in self.received]


def gateway_start() -> FakeGateway:
    gateway: FakeGateway

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length).decode())
            gateway.received.append(
                Received(self.path, self.headers.get("X-Api-Key"), self.headers.get("Content-Type"), body)
            )
            if gateway.hold:
                gateway.release.wait(timeout=5)
            self.send_response(gateway.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    gateway = FakeGateway(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
    threading.Thread(target=gateway.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return gateway


def gateway_stop(gateway: FakeGateway) -> None:
    gateway.release.set()
    gateway.server.shutdown()
    gateway.server.server_close()
