"""The runtime client: an explicit object, no global state (as clients/typescript/src/client.ts)."""

from __future__ import annotations

import logging
import os
import queue
import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Set, Tuple, Union

from .events import Event, EventStream
from .file_cache import FileCache
from .lane import DeploymentChange, Lane
from .prompt import Prompt, make_prompt
from .scores import ScoreQueue, ScoreStats
from .transport import Http, TracelaneError

log = logging.getLogger("tracelane")

_DEPLOYMENT_EVENTS = ["deployment.created"]
#: A refresher request: one lane ``(name, environment, throttled)``, or None for every lane. A throttled request
#: resolves at most once a second (the hot path asks for it on every call during an outage).
_Request = Optional[Tuple[str, str, bool]]


@dataclass(frozen=True)
class ClientStats:
    #: The event stream is connected: deployments reach this client at once.
    streaming: bool
    scores: ScoreStats


class Tracelane:
    """``get_prompt`` answers from memory once a prompt was resolved; the versions are kept fresh in the
    background (event stream, periodic revalidation) and survive an outage (last known version, optional file
    cache, fallback snapshot). Background work runs in daemon threads; ``close()`` stops it.

    :param url: where Tracelane's API is, e.g. ``http://localhost:8080``.
    :param api_key: an API key (a viewer key resolves prompts; sending scores needs a scorer key,
        which reads and posts scores but cannot deploy).
    :param timeout: seconds allowed for one request.
    :param max_retries: retries of a failed request, with exponential backoff.
    :param refresh_interval: every resolved prompt is revalidated this often (a cheap 304 when nothing changed).
    :param stream: follow the event stream, so that a deployment or rollback is picked up at once.
    :param cache_dir: a folder keeping the last known versions across restarts.
    :param on_change: called when what an environment serves of a prompt changes (and at its first resolution).
    """

    def __init__(
        self,
        url: str,
        *,
        api_key: Optional[str] = None,
        timeout: float = 5.0,
        max_retries: int = 2,
        refresh_interval: float = 30.0,
        stream: bool = True,
        cache_dir: Optional[Union[str, "os.PathLike[str]"]] = None,
        on_change: Optional[Callable[[DeploymentChange], None]] = None,
        score_retry_window: float = 300.0,
        max_pending_scores: int = 10_000,
        score_batch_delay: float = 1.0,
    ) -> None:
        self._closed = threading.Event()
        self._http = Http(url, api_key, timeout, max_retries, self._closed)
        self._cache = FileCache(cache_dir) if cache_dir is not None else None
        self._on_change = on_change
        self._refresh_interval = refresh_interval
        self._stream_enabled = stream
        self._lanes: Dict[Tuple[str, str], Lane] = {}
        self._lanes_lock = threading.Lock()
        self._refreshes: "queue.Queue[_Request]" = queue.Queue()
        self._queued: Set[_Request] = set()  # what waits in _refreshes (each request once)
        self._refresher: Optional[threading.Thread] = None
        self._streams: List[EventStream] = []
        self._deployments: Optional[EventStream] = None
        self._scores = ScoreQueue(self._http, score_retry_window, max_pending_scores, score_batch_delay, self._closed)

    def get_prompt(
        self,
        name: str,
        *,
        environment: str,
        key: Optional[str] = None,
        fallback: Optional[Mapping[str, Any]] = None,
    ) -> Prompt:
        """The version of ``name`` to use now in ``environment``.

        The first call per prompt and environment asks Tracelane; later calls answer from memory (during a canary,
        a new ``key`` asks once for its arm). ``key`` gives sticky canary assignment (user, session, tenant).
        ``fallback`` (a version's JSON, at least ``messages``) is served when nothing was ever resolved and
        Tracelane cannot be reached or has nothing deployed. Once a prompt was resolved this never raises.
        """
        _check("name", name, 1000)
        _check("environment", environment, 200)
        if key is not None:
            _check("key", key, 256)
        if self._closed.is_set():
            raise TracelaneError("the Tracelane client is closed")
        lane = self._lane(name, environment)
        if not lane.resolved:
            if not lane.attempted or fallback is None:
                lane.load()
            else:  # with a fallback, only the very first call waits for Tracelane; later ones try in the background
                self._request_refresh((name, environment, True))
        if lane.resolved:
            return lane.serve(key)
        if fallback is None:
            raise lane.error
        served = {"name": name, "environment": environment, "arm": "stable", "status": "fallback"}
        return make_prompt(fallback, confirmed_at=None, **served)

    def score(
        self,
        target: Any,
        name: str,
        value: Union[float, bool],
        *,
        comment: Optional[str] = None,
        source: str = "user",
    ) -> None:
        """Records feedback on a trace: a trace id, ``{"trace_id", "span_id"}`` or an OpenTelemetry span.

        Sent in the background and retried (the trace may reach Tracelane after its score); never blocks.
        Raises ValueError at once for a malformed score.
        """
        self._scores.add(target, name, value, comment, source)

    def subscribe(self, types: Sequence[str], on_event: Callable[[Event], None]) -> Callable[[], None]:
        """Calls ``on_event`` for every product event of these types (e.g. ``regression.detected``) until the
        returned function is called."""
        stream = EventStream(self._http, types, on_event)
        self._streams.append(stream)
        return stream.stop

    def flush(self, timeout: float = 30.0) -> None:
        """Sends the pending scores now and waits for them (retries included) for at most ``timeout`` seconds."""
        self._scores.flush(timeout)

    def stats(self) -> ClientStats:
        return ClientStats(
            streaming=bool(self._deployments and self._deployments.connected), scores=self._scores.stats()
        )

    def close(self, timeout: float = 5.0) -> None:
        """Sends the pending scores (for up to ``timeout`` seconds), then stops every background thread."""
        if self._closed.is_set():
            return
        self._scores.flush(timeout)
        self._closed.set()
        self._scores.abandon()
        self._refreshes.put(None)  # wakes the refresher, which sees the client closed
        for stream in self._streams:
            stream.stop()

    def __enter__(self) -> "Tracelane":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _lane(self, name: str, environment: str) -> Lane:
        with self._lanes_lock:
            lane = self._lanes.get((name, environment))
            if lane is None:
                lane = Lane(name, environment, self._http, self._cache, self._on_change)
                self._lanes[(name, environment)] = lane
            if self._refresher is None:
                self._start_background()
            return lane

    def _start_background(self) -> None:
        """The refresher thread and the event stream start with the first prompt asked for."""
        self._refresher = threading.Thread(target=self._refresh_loop, name="tracelane-refresh", daemon=True)
        self._refresher.start()
        if self._stream_enabled:
            self._deployments = EventStream(
                self._http,
                _DEPLOYMENT_EVENTS,
                on_event=self._on_deployment,
                on_sync=lambda: self._request_refresh(None),
                on_disconnect=lambda: self._request_refresh(None),  # an outage shows at once: the lanes turn stale
            )
            self._streams.append(self._deployments)

    def _on_deployment(self, event: Event) -> None:
        data = event.get("data") or {}
        if isinstance(data.get("prompt"), str) and isinstance(data.get("environment"), str):
            self._request_refresh((data["prompt"], data["environment"], False))

    def _request_refresh(self, wanted: _Request) -> None:
        with self._lanes_lock:
            if wanted in self._queued:
                return
            self._queued.add(wanted)
        self._refreshes.put(wanted)

    def _refresh_loop(self) -> None:
        """Refreshes one lane per request (deployment events), every lane on a sync and every interval."""
        while not self._closed.is_set():
            try:
                wanted = self._refreshes.get(timeout=self._refresh_interval)
            except queue.Empty:
                wanted = None
            with self._lanes_lock:
                self._queued.discard(wanted)
                if wanted is None:
                    lanes = [(lane, False) for lane in self._lanes.values()]
                else:
                    lane = self._lanes.get(wanted[:2])
                    lanes = [(lane, wanted[2])] if lane else []
            for lane, throttled in lanes:
                if self._closed.is_set():
                    break
                if throttled:
                    lane.load()
                else:
                    lane.refresh()


def _check(field: str, value: object, maximum: int) -> None:
    if not isinstance(value, str) or value == "" or len(value) > maximum:
        raise ValueError(f"{field}: must be a non-empty string of at most {maximum} characters")
