"""What the tests do to Tracelane besides the client: create prompts and versions, deploy, read traces."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, Optional, Tuple
from urllib.parse import quote


class Api:
    def __init__(self, url: str, key: str = "a") -> None:
        self.url = url
        self.key = key

    def call(
        self, method: str, path: str, body: Any = None, headers: Optional[Dict[str, str]] = None
    ) -> Tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.key}")
        request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode("utf-8")
                return response.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8")
            return error.code, json.loads(text) if text else None

    def get_or_none(self, path: str) -> Any:
        """The answer of a GET, None when it is not 200 (yet)."""
        status, answer = self.call("GET", path)
        return answer if status == 200 else None

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        status, answer = self.call(method, path, body)
        if status >= 300:
            raise AssertionError(f"{method} {path}: {status} {answer}")
        return answer

    def prompt_with_versions(self, versions: int, **extra: Any) -> str:
        """A fresh prompt (tests sharing one server never see each other's data) with versions 1..versions."""
        name = f"py/{uuid.uuid4().hex[:8]}"
        self.ok("POST", "/api/v1/prompts", {"name": name, "description": "made by a Python test"})
        for n in range(1, versions + 1):
            self.ok("POST", f"/api/v1/prompts/{quote(name, safe='')}/versions", version_body(n, **extra))
        return name

    def deploy(self, prompt: str, version: int, environment: str = "production", **extra: Any) -> Any:
        return self.ok(
            "POST", "/api/v1/deployments", {"prompt": prompt, "environment": environment, "version": version, **extra}
        )


def version_body(n: int, **extra: Any) -> Dict[str, Any]:
    return {
        "provider": "openai",
        "model": "gpt-4o-mini",
        "settings": {"temperature": 0.2},
        "messages": [
            {"role": "system", "content": f"You are a support assistant (revision {n})."},
            {"role": "user", "content": "{{question}}"},
        ],
        "variables": ["question"],
        "commitMessage": f"revision {n}",
        **extra,
    }


def otlp_json(spans: Any, service: str) -> Dict[str, Any]:
    """Finished spans (the SDK's ReadableSpan or the fake's) as an OTLP/HTTP JSON export request."""

    def value(v: Any) -> Dict[str, Any]:
        if isinstance(v, bool):
            return {"boolValue": v}
        if isinstance(v, int):
            return {"intValue": str(v)}
        if isinstance(v, float):
            return {"doubleValue": v}
        return {"stringValue": str(v)}

    def span(s: Any) -> Dict[str, Any]:
        return {
            "traceId": format(s.context.trace_id, "032x"),
            "spanId": format(s.context.span_id, "016x"),
            "parentSpanId": format(s.parent.span_id, "016x") if s.parent else "",
            "name": s.name,
            "kind": 1,
            "startTimeUnixNano": str(s.start_time),
            "endTimeUnixNano": str(s.end_time),
            "attributes": [{"key": k, "value": value(v)} for k, v in dict(s.attributes).items()],
        }

    resource = {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]}
    return {
        "resourceSpans": [
            {"resource": resource, "scopeSpans": [{"scope": {"name": service}, "spans": [span(s) for s in spans]}]}
        ]
    }


def post_otlp(otlp_url: str, body: Dict[str, Any]) -> None:
    request = urllib.request.Request(
        otlp_url + "/v1/traces",
        data=json.dumps(body).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200, response.status
