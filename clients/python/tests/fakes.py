"""Stand-ins for what a healthy Tracelane never does on cue (standard library only): a scripted HTTP server that
answers 503 or 429 and then 200, hangs, or drops the event stream; and a TCP proxy in front of the real Tracelane
that can cut every connection and refuse new ones for a while."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Dict, List, Optional, Tuple

#: A scripted answer: status, extra headers, body.
Reply = Tuple[int, Dict[str, str], str]


class Seen:
    def __init__(self, method: str, path: str, headers: Dict[str, str]) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.at = time.monotonic()


class ScriptedServer:
    """``replies[path]`` is answered in order (the last one again and again); ``streams`` are written to the
    successive connections of ``GET /api/v1/events`` — each a list of chunks and whether the server then ends the
    stream (False: it stays open until the server closes); ``/hang`` never answers."""

    def __init__(self) -> None:
        self.replies: Dict[str, List[Reply]] = {}
        self.streams: List[Tuple[List[str], bool]] = []
        self.seen: List[Seen] = []
        self.released = threading.Event()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                fake._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.released.set()  # ends the hanging requests and the open streams
        self._server.shutdown()
        self._server.server_close()

    def calls(self, path: str) -> List[Seen]:
        with self._lock:
            return [s for s in self.seen if s.path.split("?")[0] == path]

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?")[0]
        with self._lock:
            self.seen.append(Seen(request.command, request.path, {k.lower(): v for k, v in request.headers.items()}))
            if path == "/api/v1/events":
                stream = self.streams.pop(0) if self.streams else ([], False)
            else:
                script = self.replies.get(path)
                reply = (script.pop(0) if len(script) > 1 else script[0]) if script else None
        if path == "/hang":
            self.released.wait(30)
            return
        if path == "/api/v1/events":
            chunks, ends = stream
            request.send_response(200)
            request.send_header("Content-Type", "text/event-stream")
            request.end_headers()
            for chunk in chunks:
                request.wfile.write(chunk.encode("utf-8"))
                request.wfile.flush()
            if not ends:
                self.released.wait(30)
            return
        status, headers, body = reply or (404, {}, "")
        data = body.encode("utf-8")
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)


class Proxy:
    """Forwards TCP connections to ``upstream`` (host, port). ``cut()`` closes every open connection and refuses
    (accepts and closes at once) new ones until ``resume()``. ``heads`` keeps the first bytes each connection sent:
    the request line and headers."""

    def __init__(self, upstream: Tuple[str, int]) -> None:
        self.heads: List[str] = []
        #: The request heads of the connections refused since the last ``cut()``.
        self.refused: List[str] = []
        self._refusing = False
        self._open: List[socket.socket] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._serve(self.request, upstream)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def cut(self) -> None:
        with self._lock:
            self._refusing = True
            self.refused = []
            for sock in self._open:
                _shut(sock)

    def resume(self) -> None:
        with self._lock:
            self._refusing = False

    def close(self) -> None:
        self.cut()
        self._server.shutdown()
        self._server.server_close()

    def _serve(self, client: socket.socket, upstream: Tuple[str, int]) -> None:
        with self._lock:
            refusing = self._refusing
        if refusing:
            client.settimeout(5)
            try:
                head = client.recv(65536).split(b"\r\n\r\n", 1)[0].decode("latin-1")
            except OSError:
                head = ""
            _shut(client)
            with self._lock:
                self.refused.append(head)
            return
        with self._lock:
            server = socket.create_connection(upstream)
            self._open += [client, server]
        first = [True]

        def pump(source: socket.socket, target: socket.socket, record: Optional[Callable[[bytes], None]]) -> None:
            try:
                while True:
                    data = source.recv(65536)
                    if not data:
                        break
                    if record is not None:
                        record(data)
                    target.sendall(data)
            except OSError:
                pass
            finally:
                _shut(source)
                _shut(target)

        def record(data: bytes) -> None:
            if first[0]:
                first[0] = False
                with self._lock:
                    self.heads.append(data.split(b"\r\n\r\n", 1)[0].decode("latin-1"))

        back = threading.Thread(target=pump, args=(server, client, None), daemon=True)
        back.start()
        pump(client, server, record)
        back.join(timeout=5)
        with self._lock:
            self._open = [s for s in self._open if s not in (client, server)]
        client.close()
        server.close()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
