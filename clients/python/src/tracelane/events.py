"""Follows ``GET /api/v1/events`` (server-sent events) in a background thread, as clients/typescript does."""

from __future__ import annotations

import json
import logging
import socket
import threading
from http.client import HTTPConnection, HTTPException, HTTPResponse
from typing import Any, Callable, Dict, List, Optional, Sequence
from urllib.parse import quote

from .transport import Http, TracelaneError, backoff, error_of

log = logging.getLogger("tracelane")

#: No byte for this long (the server sends a heartbeat every 15 s by default): the connection is dead.
SILENCE_SECONDS = 60.0

Event = Dict[str, Any]


class EventStream:
    """The API key in the Authorization header; reconnects with backoff and ``Last-Event-ID`` (the server replays
    what was missed). ``on_sync`` runs after every (re)connection and on ``stream.reset``: the moment to catch up.
    """

    def __init__(
        self,
        http: Http,
        types: Sequence[str],
        on_event: Callable[[Event], None],
        on_sync: Optional[Callable[[], None]] = None,
        on_disconnect: Optional[Callable[[], None]] = None,
    ) -> None:
        self._http = http
        self._types = list(types)
        self._on_event = on_event
        self._on_sync = on_sync
        self._on_disconnect = on_disconnect
        self._stopped = threading.Event()
        self._connection: Optional[HTTPConnection] = None
        #: The stream's socket, kept apart: a response that closes its connection at its end (HTTP/1.0, a proxy's
        #: ``Connection: close``) takes the socket from ``HTTPConnection``, whose ``sock`` is then None.
        self._sock: Optional[socket.socket] = None
        self._response: Optional[HTTPResponse] = None
        self._last_event_id: Optional[str] = None
        self.connected = False
        self._thread = threading.Thread(target=self._run, name="tracelane-events", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # unblocks the read in the stream's thread
            except OSError:
                pass
        self._thread.join(timeout=5)

    def _run(self) -> None:
        failures = 0
        while not self._stopped.is_set():
            try:
                self._follow()
            except (OSError, HTTPException, TracelaneError) as error:
                if not self.connected and failures == 0 and not self._stopped.is_set():
                    log.warning("tracelane: event stream: %s", error)
                if not self.connected:
                    failures += 1
            finally:
                if self._connection is not None:
                    self._connection.close()
                    self._connection = None
                if self._response is not None:
                    self._response.close()  # holds the socket when the response closes the connection
                    self._response = None
                self._sock = None
            if self._stopped.is_set():
                break
            if self.connected:
                self.connected = False
                failures = 0
                self._call(self._on_disconnect)
            self._stopped.wait(backoff(failures, 0.5, 30.0))
        self.connected = False

    def _follow(self) -> None:
        query = f"?types={','.join(quote(t, safe='') for t in self._types)}" if self._types else ""
        headers = {"Accept": "text/event-stream"}
        if self._last_event_id:
            headers["Last-Event-ID"] = self._last_event_id
        self._connection = connection = self._http.connection(self._http.timeout)
        connection.connect()
        self._sock = sock = connection.sock
        if self._stopped.is_set():
            return  # stop() ran before the socket was known
        connection.request("GET", self._http.target(f"/api/v1/events{query}"), headers=self._http.headers(headers))
        self._response = response = connection.getresponse()
        if response.status != 200:
            text = response.read().decode("utf-8", "replace")
            headers = {k.lower(): v for k, v in response.getheaders()}
            raise error_of("GET /api/v1/events", response.status, text, headers)
        sock.settimeout(SILENCE_SECONDS)
        self.connected = True
        self._call(self._on_sync)
        event = ""
        data: List[str] = []
        while not self._stopped.is_set():
            raw = response.readline()
            if not raw:
                return  # the server ended the stream
            line = raw.decode("utf-8").rstrip("\r\n")
            if line == "":
                self._dispatch(event, data)
                event, data = "", []
            elif not line.startswith(":"):
                field, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if field == "id" and "\0" not in value:
                    self._last_event_id = value
                elif field == "event":
                    event = value
                elif field == "data":
                    data.append(value)

    def _dispatch(self, event: str, data: List[str]) -> None:
        if event == "stream.reset":
            self._call(self._on_sync)
        elif data:
            try:
                parsed = json.loads("\n".join(data))
            except ValueError:
                return  # not an event of this API (a proxy's keep-alive): ignored
            self._call(self._on_event, parsed)

    @staticmethod
    def _call(callback: Optional[Callable[..., None]], *args: Any) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:  # an application callback must not end the stream
            log.exception("tracelane: event callback raised")
