"""A tiny stand-in for the OpenTelemetry API and SDK, for when ``opentelemetry-sdk`` is not installed (it is not on
the machines this was built on, and there is no Python package registry there): contexts in a ContextVar, the
current span, a tracer calling span processors. Only what the tag helper and the tests touch.
"""

from __future__ import annotations

import contextlib
import contextvars
import random
import sys
import time
import types
from typing import Any, Callable, Dict, Iterator, List, Optional

_SPAN_KEY = "fake-otel-current-span"
_current: "contextvars.ContextVar[Dict[str, Any]]" = contextvars.ContextVar("fake_otel_context", default={})


def _get_current() -> Dict[str, Any]:
    return _current.get()


def _set_value(key: str, value: Any, context: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    return {**(_get_current() if context is None else context), key: value}


def _get_value(key: str, context: Optional[Dict[str, Any]] = None) -> Any:
    return (_get_current() if context is None else context).get(key)


class SpanContext:
    def __init__(self, trace_id: int, span_id: int) -> None:
        self.trace_id = trace_id
        self.span_id = span_id


class Span:
    """Records what the SDK's ReadableSpan exposes: name, context, parent, attributes, start and end times."""

    def __init__(self, name: str, parent: Optional["Span"]) -> None:
        self.name = name
        trace_id = parent.context.trace_id if parent else random.getrandbits(128)
        self.context: SpanContext = SpanContext(trace_id, random.getrandbits(64))
        self.parent = parent.context if parent else None
        self.attributes: Dict[str, Any] = {}
        self.start_time = time.time_ns()
        self.end_time = 0

    def is_recording(self) -> bool:
        return self.end_time == 0

    def set_attributes(self, attributes: Dict[str, Any]) -> None:
        self.attributes.update(attributes)

    def get_span_context(self) -> SpanContext:
        return self.context


class _InvalidSpan:
    def is_recording(self) -> bool:
        return False

    def set_attributes(self, attributes: Dict[str, Any]) -> None:
        pass


def _get_current_span(context: Optional[Dict[str, Any]] = None) -> Any:
    return _get_value(_SPAN_KEY, context) or _InvalidSpan()


class Tracer:
    """Starts spans as the SDK does: processors' on_start with the parent context, on_end when the span ends."""

    def __init__(self, processors: List[Any]) -> None:
        self.processors = processors
        self.finished: List[Span] = []

    @contextlib.contextmanager
    def start_as_current_span(self, name: str, attributes: Optional[Dict[str, Any]] = None) -> Iterator[Span]:
        parent_context = _get_current()
        parent = _get_value(_SPAN_KEY, parent_context)
        span = Span(name, parent)
        span.set_attributes(attributes or {})
        for processor in self.processors:
            processor.on_start(span, parent_context=parent_context)
        token = _current.set(_set_value(_SPAN_KEY, span))
        try:
            yield span
        finally:
            _current.reset(token)
            span.end_time = time.time_ns()
            for processor in self.processors:
                processor.on_end(span)
            self.finished.append(span)


def install() -> Callable[[], None]:
    """Puts ``opentelemetry``, ``opentelemetry.context`` and ``opentelemetry.trace`` in sys.modules; returns undo."""
    names = ["opentelemetry", "opentelemetry.context", "opentelemetry.trace"]
    saved = {name: sys.modules.get(name) for name in names}
    package = types.ModuleType("opentelemetry")
    context = types.ModuleType("opentelemetry.context")
    context.get_current = _get_current  # type: ignore[attr-defined]
    context.set_value = _set_value  # type: ignore[attr-defined]
    context.get_value = _get_value  # type: ignore[attr-defined]
    context.attach = _current.set  # type: ignore[attr-defined]
    context.detach = _current.reset  # type: ignore[attr-defined]
    trace = types.ModuleType("opentelemetry.trace")
    trace.get_current_span = _get_current_span  # type: ignore[attr-defined]
    package.context = context  # type: ignore[attr-defined]
    package.trace = trace  # type: ignore[attr-defined]
    sys.modules.update({"opentelemetry": package, "opentelemetry.context": context, "opentelemetry.trace": trace})

    def undo() -> None:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module

    return undo
