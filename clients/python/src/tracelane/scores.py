"""Application feedback sent in the background, gathered and retried (as clients/typescript/src/scores.ts)."""

from __future__ import annotations

import logging
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple, Union

from .transport import Http, TracelaneError, backoff, is_retryable

log = logging.getLogger("tracelane")

_TRACE_ID = re.compile(r"^[0-9a-fA-F]{32}$")
_SPAN_ID = re.compile(r"^[0-9a-fA-F]{16}$")
_CONCURRENCY = 4


@dataclass(frozen=True)
class ScoreStats:
    #: Waiting to be sent (or sent again).
    pending: int
    sent: int
    #: Refused by Tracelane, or still failing when their retry window ended; each one logged.
    dropped: int


@dataclass
class _Queued:
    body: Dict[str, Any]
    queued_at: float
    due_at: float
    attempts: int = 0


class ScoreQueue:
    """``add`` never waits. Scores are gathered for ``batch_delay`` seconds and sent together (a few requests at a
    time) to ``POST /api/v1/scores``; a failure that may pass (network, 5xx, 429, or a 404 because the trace has
    not reached Tracelane yet) is retried with backoff within the retry window.
    """

    def __init__(
        self, http: Http, retry_window: float, max_pending: int, batch_delay: float, closed: threading.Event
    ) -> None:
        self._http = http
        self._retry_window = retry_window
        self._max_pending = max_pending
        self._batch_delay = batch_delay
        self._closed = closed
        self._changed = threading.Condition()
        self._queue: List[_Queued] = []
        self._in_flight = 0
        self._sent = 0
        self._dropped = 0
        self._full_drops = 0
        self._thread: Optional[threading.Thread] = None

    def add(self, target: Any, name: str, value: Union[float, bool], comment: Optional[str], source: str) -> None:
        body = score_body(target, name, value, comment, source)
        now = time.monotonic()
        with self._changed:
            if len(self._queue) >= self._max_pending:
                self._queue.pop(0)
                self._dropped += 1
                if self._full_drops % 1000 == 0:
                    log.warning("tracelane: score queue full (%d): the oldest scores are dropped", self._max_pending)
                self._full_drops += 1
            self._queue.append(_Queued(body, queued_at=now, due_at=now + self._batch_delay))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="tracelane-scores", daemon=True)
                self._thread.start()
            self._changed.notify_all()

    def stats(self) -> ScoreStats:
        with self._changed:
            return ScoreStats(len(self._queue) + self._in_flight, self._sent, self._dropped)

    def flush(self, timeout: float) -> None:
        """Sends what is pending now, retries included, until nothing is left or ``timeout`` passed."""
        deadline = time.monotonic() + timeout
        with self._changed:
            for item in self._queue:
                if item.attempts == 0:
                    item.due_at = 0.0  # no gathering delay
            self._changed.notify_all()
            while self._queue or self._in_flight:
                left = deadline - time.monotonic()
                if left <= 0 or self._closed.is_set():
                    return
                self._changed.wait(left)

    def abandon(self) -> None:
        """Drops (and counts) what is still pending: the client is closing."""
        with self._changed:
            left = len(self._queue)
            self._queue.clear()
            self._dropped += left
            self._changed.notify_all()
        if left:
            log.warning("tracelane: %d scores dropped: the client closed first", left)

    def _run(self) -> None:
        with ThreadPoolExecutor(_CONCURRENCY, thread_name_prefix="tracelane-score") as pool:
            while not self._closed.is_set():
                with self._changed:
                    now = time.monotonic()
                    due = [item for item in self._queue if item.due_at <= now][:_CONCURRENCY]
                    if not due:
                        next_due = min((item.due_at for item in self._queue), default=now + 60)
                        self._changed.wait(max(0.01, next_due - now))
                        continue
                    for item in due:
                        self._queue.remove(item)
                    self._in_flight += len(due)
                for done in pool.map(self._send, due):
                    with self._changed:
                        self._in_flight -= 1
                        if done is not None:
                            self._queue.append(done)
                        self._changed.notify_all()

    def _send(self, item: _Queued) -> Optional[_Queued]:
        """Sends one score; returns it when it is to be tried again."""
        try:
            self._http.request("POST", "/api/v1/scores", body=item.body, retries=0)
            with self._changed:
                self._sent += 1
            return None
        except TracelaneError as error:
            retryable = is_retryable(error.status) or error.status == 404  # 404: the trace has not arrived yet
            item.due_at = time.monotonic() + backoff(item.attempts, 1.0, 30.0, error.retry_after or 0.0)
            item.attempts += 1
            if retryable and not self._closed.is_set() and item.due_at - item.queued_at <= self._retry_window:
                return item
            with self._changed:
                self._dropped += 1
            log.warning("tracelane: score %r of trace %s dropped: %s", item.body["name"], item.body["traceId"], error)
            return None


def score_body(
    target: Any, name: str, value: Union[float, bool], comment: Optional[str], source: str
) -> Dict[str, Any]:
    """Checks a score where the mistake is made (a programming error raises at once, it is never queued)."""
    trace_id, span_id = _ids_of(target)
    if not _TRACE_ID.match(trace_id):
        raise ValueError("trace_id: must be 32 hexadecimal characters")
    if span_id is not None and not _SPAN_ID.match(span_id):
        raise ValueError("span_id: must be 16 hexadecimal characters")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ValueError("name: must be 1 to 100 characters")
    if not isinstance(value, bool) and not (isinstance(value, (int, float)) and 0 <= value <= 1):
        raise ValueError("value: must be a number from 0 to 1, or a boolean")
    if source not in ("user", "evaluator", "human"):
        raise ValueError("source: must be user, evaluator or human")
    if comment is not None and len(comment) > 2000:
        raise ValueError("comment: must be at most 2000 characters")
    body: Dict[str, Any] = {"traceId": trace_id.lower(), "name": name, "value": value, "source": source}
    if span_id is not None:
        body["spanId"] = span_id.lower()
    if comment is not None:
        body["comment"] = comment
    return body


def _ids_of(target: Any) -> Tuple[str, Optional[str]]:
    """A trace id, ``{"trace_id", "span_id"}``, or an OpenTelemetry span (its trace and span)."""
    if isinstance(target, str):
        return target, None
    if isinstance(target, dict):
        return str(target.get("trace_id", "")), target.get("span_id")
    context = target.get_span_context()
    return format(context.trace_id, "032x"), format(context.span_id, "016x")
