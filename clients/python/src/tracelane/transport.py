"""Tracelane's HTTP API as the client calls it: bearer key, a timeout per attempt, retries with backoff."""

from __future__ import annotations

import http.client
import json
import random
import threading
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlsplit


class TracelaneError(Exception):
    """A failed call to Tracelane; ``status`` is None when no HTTP answer came (refused, reset, timed out)."""

    def __init__(
        self,
        message: str,
        status: Optional[int] = None,
        code: Optional[str] = None,
        field: Optional[str] = None,
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        #: The API's error code and the request field it names, when the API answered with its JSON error.
        self.code = code
        self.field = field
        #: The answer's Retry-After, in seconds.
        self.retry_after = retry_after


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Dict[str, str]
    body: Any


def is_retryable(status: Optional[int]) -> bool:
    """Statuses worth another attempt: the request may succeed unchanged a moment later."""
    return status is None or status in (408, 429) or status >= 500


def backoff(attempt: int, base: float, maximum: float, at_least: float = 0.0) -> float:
    """Exponential backoff with jitter in [½, 1] of the step; a server's Retry-After wins when longer."""
    step = min(maximum, base * 2.0**attempt)
    return max(min(at_least, maximum), step * (0.5 + random.random() / 2))


class Http:
    def __init__(
        self, url: str, api_key: Optional[str], timeout: float, max_retries: int, closed: threading.Event
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"url: must be an http(s) URL, got {url!r}")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self._api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self._closed = closed

    def connection(self, timeout: float) -> http.client.HTTPConnection:
        if self._https:
            return http.client.HTTPSConnection(self._host, self._port, timeout=timeout)
        return http.client.HTTPConnection(self._host, self._port, timeout=timeout)

    def headers(self, extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
        headers = {"User-Agent": "tracelane-python"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        headers.update(extra or {})
        return headers

    def target(self, path: str) -> str:
        return self._prefix + path

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: Optional[Dict[str, str]] = None,
        retries: Optional[int] = None,
    ) -> Answer:
        """2xx and 304 answers are returned; other statuses and network failures raise after the retries."""
        attempts = self.max_retries if retries is None else retries
        attempt = 0
        while True:
            try:
                return self._attempt(method, path, body, headers or {})
            except TracelaneError as error:
                if attempt >= attempts or not is_retryable(error.status) or self._closed.is_set():
                    raise
                self._closed.wait(backoff(attempt, 0.2, 5.0, error.retry_after or 0.0))
                attempt += 1

    def _attempt(self, method: str, path: str, body: Any, headers: Dict[str, str]) -> Answer:
        what = f"{method} {path}"
        data = None if body is None else json.dumps(body).encode("utf-8")
        extra = {"Accept": "application/json", **headers}
        if data is not None:
            extra["Content-Type"] = "application/json"
        connection = self.connection(self.timeout)
        try:
            connection.request(method, self.target(path), body=data, headers=self.headers(extra))
            response = connection.getresponse()
            text = response.read().decode("utf-8")
            status, answer_headers = response.status, {k.lower(): v for k, v in response.getheaders()}
        except (OSError, http.client.HTTPException) as error:
            raise TracelaneError(f"{what}: {error or type(error).__name__}") from error
        finally:
            connection.close()
        if status == 304 or 200 <= status < 300:
            return Answer(status, answer_headers, json.loads(text) if text else None)
        raise error_of(what, status, text, answer_headers)


def error_of(what: str, status: int, text: str, headers: Dict[str, str]) -> TracelaneError:
    code, field, message = _api_error(text)
    retry_after: Optional[float] = None
    try:
        retry_after = float(headers.get("retry-after", "")) or None
    except ValueError:
        pass
    return TracelaneError(f"{what}: {status} {message}", status, code, field, retry_after)


def _api_error(text: str) -> Tuple[Optional[str], Optional[str], str]:
    try:
        error = json.loads(text).get("error") or {}
        return error.get("code"), error.get("field"), error.get("message") or text[:200]
    except (ValueError, AttributeError):
        return None, None, text[:200]
