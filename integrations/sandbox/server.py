"""The sandbox's HTTP server: ``/<platform>/<tenant>/<api path>`` goes to that platform's module;
``/_sandbox/…`` lets tests and the demo look inside (state, counts of 429s) and steer the scenario."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .core import Request, Response, World

logger = logging.getLogger("integrations.sandbox")


class _Handler(BaseHTTPRequestHandler):
    server: SandboxHTTPServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK add 40 ms to every keep-alive answer.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        logger.debug("sandbox %s", format % args)

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/", 2)
        world = self.server.world
        try:
            if parts[0] == "_sandbox":
                response = _control(world, self.command, parts[1:], parse_qs(url.query), body)
            elif len(parts) >= 2 and parts[0] in world.modules:
                module = world.modules[parts[0]]
                request = Request(
                    method=self.command,
                    path="/" + (parts[2] if len(parts) > 2 else ""),
                    query=parse_qs(url.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                world.tick()
                state = world.tenant(parts[0], parts[1])
                response = module.handle(world, state, request)
            else:
                response = Response(404, {"error": f"no such sandbox path: {url.path}"})
        except Exception as error:  # a sandbox bug answers 500, as a platform's would
            logger.exception("sandbox error on %s %s", self.command, self.path)
            response = Response(500, {"errors": [{"message": f"sandbox internal error: {error}"}]})
        data = response.encoded()
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve


def _control(world: World, method: str, parts: list[str], query: dict, body: bytes) -> Response:
    what = parts[0] if parts else "state"
    if what == "state":
        return Response(200, world.snapshot())
    if what == "advance" and method == "POST":
        world.clock.advance(float(query.get("seconds", ["0"])[0]))
        world.tick()
        return Response(200, world.snapshot())
    if what == "seed" and method == "POST":
        spec = json.loads(body or b"{}")
        with world.lock:
            state = world.tenant(spec["platform"], spec["tenant"])
            world.modules[spec["platform"]].seed(
                world, state, orders=int(spec.get("orders", 0)), messages=int(spec.get("messages", 0))
            )
        return Response(200, world.snapshot())
    if what == "credentials" and len(parts) == 3:
        module = world.modules.get(parts[1])
        if module is None:
            return Response(404, {"error": "no such platform"})
        return Response(200, module.credentials(parts[2]))
    return Response(404, {"error": "no such control path"})


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, world: World, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), _Handler)
        self.world = world

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class Sandbox:
    """The server plus the thread that keeps the scenario moving; start() / stop() for tests."""

    def __init__(self, world: World, host: str = "127.0.0.1", port: int = 0, *, tick_seconds: float = 0.5):
        self.world = world
        self.http = SandboxHTTPServer(world, host, port)
        self.tick_seconds = tick_seconds
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def base_url(self) -> str:
        return self.http.base_url

    def start(self) -> Sandbox:
        serve = threading.Thread(target=self.http.serve_forever, name="sandbox-http", daemon=True)
        ticker = threading.Thread(target=self._tick, name="sandbox-clock", daemon=True)
        self._threads = [serve, ticker]
        for thread in self._threads:
            thread.start()
        return self

    def _tick(self) -> None:
        while not self._stop.wait(self.tick_seconds):
            try:
                self.world.tick()
            except Exception:
                logger.exception("sandbox scenario tick failed")

    def stop(self) -> None:
        self._stop.set()
        self.http.shutdown()
        self.http.server_close()
