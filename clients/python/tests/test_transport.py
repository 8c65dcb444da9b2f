"""The client's transport against a scripted HTTP server (tests/fakes.py), for what a healthy Tracelane never does on
cue: drop the event stream mid-way, answer 503 or 429 and then 200, hang past the timeout (as
test/clients/typescript-transport.test.ts). No Tracelane is started here."""

from __future__ import annotations

import threading
import time
import unittest
from typing import Any, List, Optional

from tracelane.events import EventStream
from tracelane.scores import ScoreQueue
from tracelane.transport import Http, TracelaneError

from .fakes import ScriptedServer
from .server import wait_for

OK = (200, {}, '{"ok":true}')
UNAVAILABLE = (503, {}, '{"error":{"code":"unavailable","message":"busy"}}')


class RecordedWaits(threading.Event):
    """The client's ``closed`` event: its waits (the backoff delays) are recorded and return at once."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: List[float] = []

    def wait(self, timeout: Optional[float] = None) -> bool:
        self.waits.append(timeout if timeout is not None else -1.0)
        return self.is_set()


class TransportTestCase(unittest.TestCase):
    def setUp(self) -> None:
        self.fake = ScriptedServer()
        self.addCleanup(self.fake.close)

    def http(self, max_retries: int = 2, timeout: float = 5.0, closed: Optional[threading.Event] = None) -> Http:
        return Http(self.fake.url, "k", timeout, max_retries, closed or RecordedWaits())


class EventStreamTest(TransportTestCase):
    def test_reconnects_with_last_event_id_after_a_drop_and_catches_up_on_stream_reset(self) -> None:
        # Two events (the second with CRLF line ends and its JSON over two data lines), then the server drops the
        # stream; the reconnection is answered with stream.reset (the id is no longer in the server's window).
        first = (
            ": connected\n\n"
            'id: e1\nevent: deployment.created\ndata: {"id":"e1","type":"deployment.created","data":{"prompt":"p"}}\n\n'
            'id: e2\r\nevent: deployment.created\r\ndata: {"id":"e2","type":"deployment.created",\r\n'
            'data: "data":{"prompt":"q"}}\r\n\r\n'
        )
        self.fake.streams = [([first], True), (['event: stream.reset\ndata: {"lastEventId":"e2"}\n\n'], False)]
        events: List[Any] = []
        counts = {"syncs": 0, "disconnects": 0}

        def count(what: str) -> None:
            counts[what] += 1

        stream = EventStream(
            self.http(),
            ["deployment.created"],
            on_event=events.append,
            on_sync=lambda: count("syncs"),
            on_disconnect=lambda: count("disconnects"),
        )
        self.addCleanup(stream.stop)
        wait_for("connect, drop, reconnect and reset", lambda: True if counts["syncs"] >= 3 else None, timeout=30)
        stream.stop()
        self.assertFalse(stream.connected)
        self.assertEqual([(e["id"], e["data"]["prompt"]) for e in events], [("e1", "p"), ("e2", "q")])
        self.assertEqual(counts["disconnects"], 1)
        connections = self.fake.calls("/api/v1/events")
        self.assertEqual(connections[0].path, "/api/v1/events?types=deployment.created")
        self.assertEqual(connections[0].headers.get("authorization"), "Bearer k")
        self.assertNotIn("last-event-id", connections[0].headers)
        self.assertEqual(connections[1].headers.get("last-event-id"), "e2")


class RequestTest(TransportTestCase):
    def test_retries_a_503_with_exponential_backoff_and_gives_up_after_max_retries(self) -> None:
        self.fake.replies["/flaky"] = [UNAVAILABLE, UNAVAILABLE, OK]
        closed = RecordedWaits()
        self.assertEqual(self.http(closed=closed).request("GET", "/flaky").body, {"ok": True})
        self.assertEqual(len(self.fake.calls("/flaky")), 3)
        first, second = closed.waits
        self.assertTrue(0.1 <= first <= 0.2 and 0.2 <= second <= 0.4, closed.waits)  # 0.2 s × 2^n, jitter ½..1

        self.fake.replies["/down"] = [UNAVAILABLE]
        with self.assertRaises(TracelaneError) as raised:
            self.http(max_retries=1).request("GET", "/down")
        self.assertEqual((raised.exception.status, raised.exception.code), (503, "unavailable"))
        self.assertEqual(len(self.fake.calls("/down")), 2)

    def test_honours_retry_after_on_a_429(self) -> None:
        self.fake.replies["/busy"] = [(429, {"Retry-After": "3"}, "{}"), (503, {"Retry-After": "60"}, "{}"), OK]
        closed = RecordedWaits()
        self.assertEqual(self.http(closed=closed).request("GET", "/busy").status, 200)
        # Retry-After wins over the shorter backoff step, up to the 5 s cap of a request's backoff.
        self.assertEqual(closed.waits, [3.0, 5.0])

    def test_waits_for_real_between_attempts(self) -> None:
        self.fake.replies["/busy"] = [(429, {"Retry-After": "1"}, "{}"), OK]
        self.assertEqual(self.http(closed=threading.Event()).request("GET", "/busy").status, 200)
        attempts = self.fake.calls("/busy")
        self.assertGreaterEqual(attempts[1].at - attempts[0].at, 0.9)

    def test_does_not_retry_a_400_and_reads_the_api_error(self) -> None:
        body = '{"error":{"code":"bad_request","message":"name: must not be empty","field":"name"}}'
        self.fake.replies["/bad"] = [(400, {}, body)]
        with self.assertRaises(TracelaneError) as raised:
            self.http().request("GET", "/bad")
        error = raised.exception
        self.assertEqual((error.status, error.code, error.field), (400, "bad_request", "name"))
        self.assertEqual(str(error), "GET /bad: 400 name: must not be empty")
        self.assertEqual(len(self.fake.calls("/bad")), 1)

    def test_times_out_an_attempt_that_gets_no_answer(self) -> None:
        started = time.monotonic()
        with self.assertRaises(TracelaneError) as raised:
            self.http(max_retries=1, timeout=0.3).request("GET", "/hang")
        self.assertIsNone(raised.exception.status)
        self.assertIn("timed out", str(raised.exception))
        self.assertEqual(len(self.fake.calls("/hang")), 2)
        self.assertGreaterEqual(time.monotonic() - started, 0.6)  # two attempts of 0.3 s


class ScoreRetryTest(TransportTestCase):
    def test_retries_a_score_after_a_429_and_a_503_honouring_retry_after(self) -> None:
        created = (201, {}, '{"id":"score_1"}')
        self.fake.replies["/api/v1/scores"] = [(429, {"Retry-After": "1"}, "{}"), UNAVAILABLE, created]
        closed = threading.Event()
        self.addCleanup(closed.set)
        queue = ScoreQueue(self.http(closed=closed), 300.0, 100, 0.0, closed)
        queue.add("0af7651916cd43dd8448eb211c80319c", "thumbs", True, None, "user")
        queue.flush(30)
        stats = queue.stats()
        self.assertEqual((stats.pending, stats.sent, stats.dropped), (0, 1, 0))
        attempts = self.fake.calls("/api/v1/scores")
        self.assertEqual(len(attempts), 3)
        self.assertGreaterEqual(attempts[1].at - attempts[0].at, 0.9)  # Retry-After: 1


if __name__ == "__main__":
    unittest.main()
