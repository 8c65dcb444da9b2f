"""Tags OpenTelemetry spans with the prompt a call really used.

``opentelemetry-api`` is optional: when it is not installed, ``tag`` runs its block untouched and
``PromptSpanProcessor`` copies nothing. The API is looked up on first use.
"""

from __future__ import annotations

import contextlib
import importlib
from typing import Any, Iterator, Optional, Tuple, cast

from .prompt import Prompt

_CONTEXT_KEY = "tracelane.prompt.attributes"
_UNRESOLVED: Any = object()
_api: Any = _UNRESOLVED


def _otel() -> Optional[Tuple[Any, Any]]:
    """``(opentelemetry.context, opentelemetry.trace)``, or None without opentelemetry-api."""
    global _api
    if _api is _UNRESOLVED:
        try:
            _api = (importlib.import_module("opentelemetry.context"), importlib.import_module("opentelemetry.trace"))
        except ImportError:
            _api = None
    return cast(Optional[Tuple[Any, Any]], _api)


@contextlib.contextmanager
def tag(prompt: Prompt) -> Iterator[None]:
    """Tags the current span with the prompt (name, version, environment, arm, status), and every span started
    inside the block when a PromptSpanProcessor is registered — the LLM span of any instrumentation included::

        with tag(prompt):
            reply = client.chat.completions.create(model=prompt.model, messages=prompt.render(...).messages)
    """
    api = _otel()
    if api is None:
        yield
        return
    context, trace = api
    attributes = prompt.attributes()
    span = trace.get_current_span()
    if span.is_recording():
        span.set_attributes(attributes)
    token = context.attach(context.set_value(_CONTEXT_KEY, attributes))
    try:
        yield
    finally:
        context.detach(token)


def tag_span(span: Any, prompt: Prompt) -> None:
    """Sets the prompt's attributes on one span."""
    span.set_attributes(prompt.attributes())


class PromptSpanProcessor:
    """Copies the prompt of ``tag`` onto every span started inside it. Register it with the SDK's tracer
    provider: ``provider.add_span_processor(PromptSpanProcessor())``.
    """

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        api = _otel()
        if api is None:
            return
        attributes = api[0].get_value(_CONTEXT_KEY, parent_context)
        if attributes:
            span.set_attributes(attributes)

    def _on_ending(self, span: Any) -> None:
        pass

    def on_end(self, span: Any) -> None:
        pass

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
