"""A real HTTP(S) server on 127.0.0.1 in a thread, serving canned responses: never the network."""

import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str | None] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering: a slow server
    trickle: float = 0.0  # seconds between body bytes: a server that never quite stops
    etag: str = ""  # answer 304 to a request that sends it back


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class LocalServer:
    """Serve `routes` (path -> Route) and record every request; use as a context manager.

    With `certfile` (certificate then key, PEM) it speaks HTTPS.
    """

    def __init__(self, certfile=None):
        self.routes = {}
        self.requests = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.scheme = "https" if certfile else "http"
        if certfile:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certfile)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def port(self):
        return self._server.server_port

    def url(self, path, host="127.0.0.1"):
        return f"{self.scheme}://{host}:{self.port}{path}"

    def serve(self, path, body=b"", **route):
        self.routes[path] = Route(body=body, **route)
        return self.url(path)

    def paths_requested(self):
        return [seen.path for seen in self.requests]

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(Seen(self.path, dict(self.headers.items())))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                headers = {"Content-Length": str(len(route.body)), **route.headers}
                if route.etag:
                    headers["ETag"] = route.etag
                for name, value in headers.items():
                    if value is not None:  # None drops a header, e.g. Content-Length
                        self.send_header(name, value)
                self.end_headers()
                try:
                    if route.trickle:
                        for byte in route.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(route.trickle)
                    else:
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (size cap, timeout): that is the point

            def log_message(self, *args):
                pass

        return Handler
