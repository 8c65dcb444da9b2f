"""The Python client against a real Tracelane (started by tests/server.py, with API keys): resolve and
revalidation, rollback through the event stream, canary stickiness, fallback, render errors, tagging, scores and an
outage with a restart of the application and of Tracelane.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import unittest
from typing import Any, Callable, List, Optional, Tuple
from urllib.parse import quote, urlsplit

import tracelane.otel
from tracelane import MissingVariablesError, Prompt, PromptSpanProcessor, Tracelane, TracelaneError, tag
from tracelane.transport import Answer

from . import fake_opentelemetry
from .api import Api, otlp_json, post_otlp, version_body
from .fakes import Proxy
from .server import TracelaneProcess, wait_for

server = TracelaneProcess()
api: Api


def setUpModule() -> None:
    global api
    server.start()
    api = Api(server.api_url)


def tearDownModule() -> None:
    server.close()


class ClientTestCase(unittest.TestCase):
    def connect(self, url: Optional[str] = None, **options: Any) -> Tracelane:
        options.setdefault("api_key", "d")
        client = Tracelane(url or server.api_url, **options)
        self.addCleanup(client.close)
        return client

    def record(self, client: Tracelane) -> List[Tuple[str, Optional[str], Optional[int]]]:
        """Records every request the client makes: path, If-None-Match, status (None: no answer)."""
        calls: List[Tuple[str, Optional[str], Optional[int]]] = []
        http = client._http
        original = http.request

        def recording(method: str, path: str, body: Any = None, headers: Any = None, retries: Any = None) -> Answer:
            if_none_match = (headers or {}).get("If-None-Match")
            try:
                answer = original(method, path, body=body, headers=headers, retries=retries)
            except TracelaneError as error:
                calls.append((path, if_none_match, error.status))
                raise
            calls.append((path, if_none_match, answer.status))
            return answer

        http.request = recording  # type: ignore[assignment]
        return calls

    def deployed(self, versions: int, *deployments: dict) -> str:
        prompt = api.prompt_with_versions(versions)
        for deployment in deployments:
            api.deploy(prompt, **deployment)
        return prompt

    def wait_streaming(self, client: Tracelane) -> None:
        wait_for("the event stream", lambda: True if client.stats().streaming else None)

    def wait_prompt(
        self, client: Tracelane, prompt: str, condition: Callable[[Prompt], bool], **options: Any
    ) -> Prompt:
        """Polls get_prompt (production) until what it serves meets ``condition``."""

        def probe() -> Optional[Prompt]:
            served = client.get_prompt(prompt, environment="production", **options)
            return served if condition(served) else None

        return wait_for(f"{prompt} to change", probe)


class PromptsTest(ClientTestCase):
    def test_resolves_once_answers_from_memory_and_revalidates_with_a_304(self) -> None:
        prompt = self.deployed(2, {"version": 1}, {"version": 2})
        client = self.connect(stream=False, refresh_interval=0.1)
        calls = self.record(client)
        first = client.get_prompt(prompt, environment="production")
        self.assertEqual((first.name, first.version, first.arm, first.status), (prompt, 2, "stable", "fresh"))
        self.assertEqual((first.model, first.provider, first.settings), ("gpt-4o-mini", "openai", {"temperature": 0.2}))
        self.assertIsNotNone(first.confirmed_at)
        self.assertEqual([(c[1], c[2]) for c in calls], [(None, 200)])
        for _ in range(50):
            client.get_prompt(prompt, environment="production")
        revalidated = wait_for("a 304", lambda: next((c for c in calls if c[2] == 304), None))
        self.assertRegex(revalidated[1] or "", r'^"[\w-]+"$')
        self.assertLess(len(calls), 50)  # the 50 calls above were answered from memory

    def test_picks_up_a_rollback_within_a_second_through_the_event_stream(self) -> None:
        prompt = self.deployed(2, {"version": 1}, {"version": 2})
        changes: List[int] = []
        client = self.connect(refresh_interval=600, on_change=lambda change: changes.append(change.version))
        self.assertEqual(client.get_prompt(prompt, environment="production").version, 2)
        self.wait_streaming(client)
        api.ok("POST", "/api/v1/deployments/rollback", {"prompt": prompt, "environment": "production"})
        rolled_back = time.monotonic()
        wait_for(
            "version 1",
            lambda: True if client.get_prompt(prompt, environment="production").version == 1 else None,
            timeout=1.0,
        )
        self.assertLess(time.monotonic() - rolled_back, 1.0)
        self.assertEqual(changes, [2, 1])

    def test_replays_a_rollback_missed_while_the_stream_was_down_through_last_event_id(self) -> None:
        proxy = Proxy((urlsplit(server.api_url).hostname or "127.0.0.1", urlsplit(server.api_url).port or 80))
        self.addCleanup(proxy.close)
        prompt = self.deployed(2, {"version": 1}, {"version": 2})
        client = self.connect(proxy.url, refresh_interval=600)
        self.assertEqual(client.get_prompt(prompt, environment="production").version, 2)
        events: List[dict] = []
        client.subscribe(["deployment.created"], events.append)  # no catch-up of its own: only a replay brings it
        wait_for("both streams", lambda: True if client.stats().streaming and client._streams[1].connected else None)
        staging = api.deploy(prompt, 1, environment="staging")  # an event both streams see: their Last-Event-ID
        seen = wait_for("its event", lambda: next((e for e in events if e["data"]["id"] == staging["id"]), None))

        with self.assertLogs("tracelane", "WARNING"):
            proxy.cut()  # the streams drop, and reconnecting fails until resume()
            wait_for("the streams to drop", lambda: True if not any(s.connected for s in client._streams) else None)
            rollback = api.ok("POST", "/api/v1/deployments/rollback", {"prompt": prompt, "environment": "production"})
            refused = lambda: [h for h in proxy.refused if h.startswith("GET /api/v1/events")]  # noqa: E731
            wait_for("both streams refused", lambda: True if len(refused()) >= 2 else None)
            proxy.resume()
            replayed = wait_for(
                "the rollback replayed", lambda: next((e for e in events if e["data"]["id"] == rollback["id"]), None)
            )
        self.assertEqual(
            (replayed["data"]["prompt"], replayed["data"]["kind"], replayed["data"]["version"]), (prompt, "rollback", 1)
        )
        self.wait_prompt(client, prompt, lambda p: p.version == 1 and p.status == "fresh")
        reconnections = [h for h in proxy.heads if h.startswith("GET /api/v1/events")][2:]
        self.assertTrue(reconnections)
        self.assertTrue(all(f"Last-Event-ID: {seen['id']}" in h for h in reconnections), reconnections)

    def test_subscribe_delivers_product_events_until_stopped(self) -> None:
        prompt = api.prompt_with_versions(1)
        events: List[dict] = []
        client = self.connect()
        stop = client.subscribe(["deployment.created"], events.append)
        wait_for("the subscription", lambda: True if client._streams[0].connected else None)
        api.deploy(prompt, 1)
        event = wait_for("the event", lambda: next((e for e in events if e["data"]["prompt"] == prompt), None))
        self.assertEqual(
            (event["type"], event["data"]["version"], event["data"]["kind"]), ("deployment.created", 1, "deploy")
        )
        stop()
        self.assertFalse(client._streams[0].connected)

    def test_keeps_each_key_on_the_arm_the_server_assigns_during_a_canary(self) -> None:
        prompt = self.deployed(2, {"version": 1}, {"version": 2, "canaryPercent": 50})
        client = self.connect()
        calls = self.record(client)
        keys = [f"user-{i}" for i in range(30)]
        arms = {}
        for key in keys:
            served = client.get_prompt(prompt, environment="production", key=key)
            path = f"/api/v1/prompts/{quote(prompt, safe='')}/resolve?environment=production&key={key}"
            expected = api.ok("GET", path)
            self.assertEqual((served.arm, served.version), (expected["arm"], expected["version"]))
            arms[key] = served.arm
        self.assertEqual(set(arms.values()), {"stable", "canary"})
        before = len(calls)
        for key in keys:
            self.assertEqual(client.get_prompt(prompt, environment="production", key=key).arm, arms[key])
        self.assertEqual(len(calls), before)  # each key was asked once
        keyless = [client.get_prompt(prompt, environment="production") for _ in range(200)]
        share = sum(p.arm == "canary" for p in keyless) / len(keyless)
        self.assertTrue(0.3 < share < 0.7, share)
        self.assertTrue(all(p.version == (2 if p.arm == "canary" else 1) for p in keyless))

        canary = api.ok("GET", f"/api/v1/deployments?prompt={quote(prompt, safe='')}")["deployments"][0]
        api.ok("POST", f"/api/v1/deployments/{canary['id']}/promote", {})

        def promoted() -> Optional[bool]:
            served = [client.get_prompt(prompt, environment="production", key=key) for key in keys]
            return True if all(p.version == 2 and p.arm == "stable" for p in served) else None

        wait_for("every key on version 2", promoted)

    def test_serves_the_fallback_when_nothing_was_ever_resolved_then_the_deployed_version(self) -> None:
        prompt = api.prompt_with_versions(1)
        fallback = {
            "version": 7,
            "model": "gpt-4o-mini",
            "messages": [{"role": "user", "content": "Q: {{question}}"}],
            "variables": ["question"],
        }
        client = self.connect()
        with self.assertLogs("tracelane", "WARNING") as logged:
            served = client.get_prompt(prompt, environment="production", fallback=fallback)
            with self.assertRaises(TracelaneError) as raised:
                client.get_prompt(prompt, environment="staging")
        self.assertIn("has no version deployed", logged.output[0])
        self.assertEqual((served.status, served.version, served.confirmed_at), ("fallback", 7, None))
        self.assertEqual(served.render(question="why?").messages, [{"role": "user", "content": "Q: why?"}])
        self.assertEqual((raised.exception.status, raised.exception.field), (404, "environment"))

        self.wait_streaming(client)
        api.deploy(prompt, 1)
        deployed = self.wait_prompt(client, prompt, lambda p: p.status == "fresh", fallback=fallback)
        self.assertEqual(deployed.version, 1)

        with self.assertLogs("tracelane", "WARNING"):
            nowhere = self.connect("http://127.0.0.1:9", max_retries=0, stream=False)
            calls = self.record(nowhere)
            for _ in range(300):
                served = nowhere.get_prompt(prompt, environment="production", fallback=fallback)
                self.assertEqual(served.status, "fallback")
            self.assertLess(len(calls), 5)  # the hot path does not hammer an unreachable Tracelane
            with self.assertRaises(TracelaneError) as unreachable:
                nowhere.get_prompt(prompt, environment="qa")
        self.assertIsNone(unreachable.exception.status)

    def test_renders_with_the_registry_rules_and_names_every_missing_variable(self) -> None:
        prompt = api.prompt_with_versions(0)
        tools = [{"type": "function", "function": {"name": "route", "parameters": {"type": "object"}}}]
        schema = {"type": "object", "properties": {"team": {"type": "string"}}}
        body = version_body(
            1,
            messages=[
                {"role": "system", "content": "Tone: {{tone}}. Team list: {{teams}}"},
                {"role": "user", "content": "{{subject}}\n{{body}}"},
            ],
            variables=[{"name": "tone", "default": "polite"}, "teams", "subject", "body"],
            tools=tools,
            responseSchema=schema,
        )
        api.ok("POST", f"/api/v1/prompts/{quote(prompt, safe='')}/versions", body)
        api.deploy(prompt, 1)
        served = self.connect().get_prompt(prompt, environment="production")
        with self.assertRaises(MissingVariablesError) as raised:
            served.render(subject="Refund")
        self.assertEqual(raised.exception.variables, ["teams", "body"])
        self.assertEqual(str(raised.exception), "variables: missing values for teams, body")

        rendered = served.render({"teams": ["billing", "auth"], "subject": "Refund"}, body="Charged twice", extra=1)
        self.assertEqual(
            rendered.messages,
            [
                {"role": "system", "content": 'Tone: polite. Team list: ["billing","auth"]'},
                {"role": "user", "content": "Refund\nCharged twice"},
            ],
        )
        self.assertEqual(rendered.unused_values, ["extra"])
        self.assertEqual((rendered.model, rendered.settings), ("gpt-4o-mini", {"temperature": 0.2}))
        self.assertEqual((rendered.tools, rendered.response_schema), (tools, schema))


class TaggingTest(ClientTestCase):
    def setUp(self) -> None:
        try:  # the real SDK when installed, otherwise the in-test fake of the API (see fake_opentelemetry.py)
            from opentelemetry.sdk.trace import TracerProvider
            from opentelemetry.sdk.trace.export import SimpleSpanProcessor
            from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

            exporter = InMemorySpanExporter()
            provider = TracerProvider()
            provider.add_span_processor(PromptSpanProcessor())
            provider.add_span_processor(SimpleSpanProcessor(exporter))
            self.tracer: Any = provider.get_tracer("python-test")
            self.finished = exporter.get_finished_spans
        except ImportError:
            self.addCleanup(fake_opentelemetry.install())
            fake = fake_opentelemetry.Tracer([PromptSpanProcessor()])
            self.tracer, self.finished = fake, lambda: fake.finished
        tracelane.otel._api = tracelane.otel._UNRESOLVED
        self.addCleanup(setattr, tracelane.otel, "_api", tracelane.otel._UNRESOLVED)

    def chat(self) -> Any:
        attributes = {
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.usage.input_tokens": 120,
        }
        with self.tracer.start_as_current_span("chat gpt-4o-mini", attributes=attributes) as span:
            return span

    def test_tags_the_llm_span_started_inside_which_reaches_the_collector_with_the_served_version(self) -> None:
        prompt = self.deployed(3, {"version": 3})
        served = self.connect().get_prompt(prompt, environment="production", key="user-1")
        with self.tracer.start_as_current_span("POST /answer") as root:
            with tag(served):
                self.chat()
        self.chat()  # outside: untagged
        post_otlp(server.otlp_url, otlp_json(self.finished(), "python-test"))

        trace_id = format(root.get_span_context().trace_id, "032x")
        reader = Api(server.api_url, "v")
        spans = wait_for("the trace", lambda: reader.get_or_none(f"/api/v1/traces/{trace_id}"))["spans"]
        chat = next(s for s in spans if s["name"] == "chat gpt-4o-mini")
        self.assertEqual(
            {
                k: chat["llm"][k]
                for k in ("promptName", "promptVersion", "versionInferred", "environment", "isGeneration")
            },
            {
                "promptName": prompt,
                "promptVersion": "3",
                "versionInferred": False,
                "environment": "production",
                "isGeneration": True,
            },
        )
        self.assertEqual(chat["attributes"]["tracelane.prompt.arm"], "stable")
        self.assertEqual(chat["attributes"]["tracelane.prompt.status"], "fresh")
        root_span = next(s for s in spans if s["name"] == "POST /answer")
        self.assertEqual(root_span["attributes"]["gen_ai.prompt.version"], "3")
        outside = [s for s in self.finished() if s.context.trace_id != root.get_span_context().trace_id]
        self.assertEqual([dict(s.attributes).get("gen_ai.prompt.name") for s in outside], [None])

    def test_is_a_no_op_without_opentelemetry(self) -> None:
        tracelane.otel._api = None  # as when opentelemetry-api is not installed
        served = self.connect().get_prompt(self.deployed(1, {"version": 1}), environment="production")
        with self.tracer.start_as_current_span("POST /answer") as root:
            with tag(served):
                span = self.chat()
        self.assertNotIn("gen_ai.prompt.name", dict(root.attributes))
        self.assertNotIn("gen_ai.prompt.name", dict(span.attributes))

    def test_sends_scores_in_the_background_and_retries_until_their_trace_has_arrived(self) -> None:
        prompt = self.deployed(1, {"version": 1})
        client = self.connect(api_key="s")  # a scorer key: resolves and scores, cannot deploy
        calls = self.record(client)
        served = client.get_prompt(prompt, environment="production")
        with tag(served):
            span = self.chat()
        client.score(span, "thumbs", True, comment="right team")  # before the span was exported: a 404 first
        self.assertEqual(client.stats().scores.pending, 1)
        with self.assertRaisesRegex(ValueError, "trace_id"):
            client.score("not-a-trace", "thumbs", 1)
        with self.assertRaisesRegex(ValueError, "value"):
            client.score(span, "thumbs", 2)
        scores = lambda: [c[2] for c in calls if c[0] == "/api/v1/scores"]
        wait_for("the first attempt", lambda: True if scores() else None)
        post_otlp(server.otlp_url, otlp_json(self.finished(), "python-test"))
        client.flush()
        self.assertEqual((client.stats().scores.sent, client.stats().scores.dropped), (1, 0))
        self.assertEqual((scores()[0], scores()[-1]), (404, 201))
        series = api.ok("GET", f"/api/v1/metrics/timeseries?environment=production&prompt={quote(prompt, safe='')}")
        self.assertEqual(sum(p["scoredCount"] for line in series["series"] for p in line["points"]), 1)

        reader = self.connect(api_key="v")  # a viewer may not score: refused, dropped and logged
        with self.assertLogs("tracelane", "WARNING") as logged:
            reader.score(span, "thumbs", False)
            reader.flush()
        self.assertEqual((reader.stats().scores.sent, reader.stats().scores.dropped), (0, 1))
        self.assertIn("403", "\n".join(logged.output))


class OutageTest(ClientTestCase):
    def test_serves_the_last_known_version_stale_from_the_file_cache_after_a_restart_and_recovers(self) -> None:
        cache_dir = tempfile.mkdtemp(prefix="tracelane-python-cache-")
        self.addCleanup(shutil.rmtree, cache_dir, True)
        prompt = self.deployed(2, {"version": 1})
        canaried = self.deployed(2, {"version": 1}, {"version": 2, "canaryPercent": 50})
        running = self.connect(max_retries=0, refresh_interval=600, cache_dir=cache_dir)
        self.assertEqual(running.get_prompt(prompt, environment="production").status, "fresh")
        keys = [f"user-{i}" for i in range(20)]
        arms = [running.get_prompt(canaried, environment="production", key=key).arm for key in keys]
        self.assertEqual(set(arms), {"stable", "canary"})
        self.wait_streaming(running)

        with self.assertLogs("tracelane", "WARNING"):
            server.stop()
            try:
                stale = self.wait_prompt(running, prompt, lambda p: p.status == "stale")
                self.assertEqual(stale.version, 1)
                self.assertFalse(running.stats().streaming)
                # During a canary, a known key keeps its arm; a new key gets the stable version at once.
                self.wait_prompt(running, canaried, lambda p: p.status == "stale")
                for key, arm in zip(keys, arms):
                    served = running.get_prompt(canaried, environment="production", key=key)
                    self.assertEqual((served.arm, served.status), (arm, "stale"))
                served = running.get_prompt(canaried, environment="production", key="new-user")
                self.assertEqual((served.arm, served.version, served.status), ("stable", 1, "stale"))
                # The application restarts while Tracelane is down.
                restarted = self.connect(max_retries=0, refresh_interval=600, cache_dir=cache_dir)
                from_file = restarted.get_prompt(prompt, environment="production")
                self.assertEqual((from_file.version, from_file.status, from_file.arm), (1, "stale", "stable"))
                self.assertEqual(from_file.render(question="still there?").messages[1]["content"], "still there?")
                with self.assertRaises(TracelaneError):
                    self.connect(max_retries=0).get_prompt(prompt, environment="production")
            finally:
                server.start()  # on the same address and data

        api.deploy(prompt, 2)
        for client in (running, restarted):
            self.wait_prompt(client, prompt, lambda p: p.version == 2 and p.status == "fresh")


if __name__ == "__main__":
    unittest.main()
