"""The HTTP side of ``kspec serve``: threads accept requests, ONE simulation thread answers them.

Each request is queued to the simulation thread, which also moves the virtual clock along with wall time
(``speed`` virtual seconds per wall second; ``speed=0`` stands still). The simulation stays
single-threaded; watches are sent by their HTTP threads from a queue the simulation fills.
"""

from __future__ import annotations

import queue
import signal
import socket
import sys
import threading
import time
from concurrent.futures import Future
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from kspec.serve.rest import Response, Rest, Watch, status, warning_header

if TYPE_CHECKING:
    from kspec.cluster import Cluster

_TICK_S = 0.02  # how often the simulation thread moves the clock when no request comes


class Server:
    """Serve ``cluster`` on 127.0.0.1:``port`` (0: an ephemeral port); ``start`` then ``stop``."""

    def __init__(self, cluster: Cluster, port: int = 0, *, speed: float = 1.0) -> None:
        self.cluster = cluster
        self.rest = Rest(cluster)
        self.speed = speed
        self._jobs: queue.Queue[tuple[Any, Future[Any]]] = queue.Queue()
        self._stopping = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self.httpd.daemon_threads = True
        self._threads: list[threading.Thread] = []
        #: exceptions components raised while the clock ran (reported on stderr; serving went on)
        self.failures: list[Exception] = []

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Server:
        if hasattr(signal, "SIGPIPE") and threading.current_thread() is threading.main_thread():
            # Python's own default, which `kspec` main() changes for `kspec steps | head`: a watcher hanging up
            # must be an EPIPE on its thread, not a signal that ends the process
            signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        self.cluster.start()
        sim = threading.Thread(target=self._simulate, name="kspec-simulation", daemon=True)
        web = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                               name="kspec-http", daemon=True)
        self._threads = [sim, web]
        sim.start()
        web.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        for t in self._threads:
            t.join(timeout=5)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def call(self, fn: Any) -> Any:
        """Run ``fn()`` on the simulation thread and return what it returns (raising what it raises)."""
        if self._stopping.is_set():
            raise RuntimeError("the server is stopping")
        fut: Future[Any] = Future()
        self._jobs.put((fn, fut))
        return fut.result(timeout=60)

    def _guarded(self, step: Any) -> None:
        """Run a clock step; a component that raises is reported on stderr and the simulation goes on, so the
        server keeps answering (an uncaught exception would end the simulation thread and hang every request)."""
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - reported, then serving goes on
            self.failures.append(exc)
            print(f"kspec serve: the simulation raised {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)

    def _simulate(self) -> None:
        clock = self.cluster.clock
        wall0, virtual0 = time.monotonic(), clock.now
        while not self._stopping.is_set():
            try:
                fn, fut = self._jobs.get(timeout=_TICK_S)
            except queue.Empty:
                pass
            else:
                try:
                    fut.set_result(fn())
                except BaseException as exc:  # noqa: BLE001 - handed back to the waiting HTTP thread
                    fut.set_exception(exc)
                self._guarded(clock.run_now)  # what the request caused at this instant (watch delivery, reconciles)
            if self.speed > 0:
                target = virtual0 + int((time.monotonic() - wall0) * 1000 * self.speed)
                if target > clock.now:
                    self._guarded(lambda t=target: clock.run_to(t))
            else:
                wall0, virtual0 = time.monotonic(), clock.now
        for w in list(self.rest.watches):
            w.events.put(None)


def _handler_for(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "kspec"

        def setup(self) -> None:
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # Nagle off: watch lines

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path, _, query = self.path.partition("?")
            method = self.command
            accept = self.headers.get("Accept", "")
            ctype = self.headers.get("Content-Type", "")
            headers = [(k, v) for k, v in self.headers.items() if k.lower().startswith("impersonate-")]
            try:
                out = server.call(lambda: server.rest.handle(method, path, query, accept, ctype, body, headers))
            except Exception as exc:  # noqa: BLE001 - any failure reaches the client as a 500 Status
                out = status(500, "InternalError", f"{type(exc).__name__}: {exc}")
            if isinstance(out, Watch):
                self._stream(out)
            else:
                self._send(out)

        def _send(self, out: Response) -> None:
            self.send_response(out.code)
            self.send_header("Content-Type", out.content_type)
            self.send_header("Content-Length", str(len(out.body)))
            for warning in out.warnings:
                self.send_header("Warning", warning_header(warning))
            self.end_headers()
            self.wfile.write(out.body)

        def _stream(self, watch: Watch) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            deadline = time.monotonic() + watch.timeout_s
            try:
                while not server._stopping.is_set() and time.monotonic() < deadline:
                    try:
                        line = watch.events.get(timeout=0.2)
                    except queue.Empty:
                        continue
                    if line is None:
                        break
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            except OSError:
                pass  # the client went away
            finally:
                self.close_connection = True
                if not server._stopping.is_set():
                    server.call(lambda: server.rest.stop_watch(watch))

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    return Handler
