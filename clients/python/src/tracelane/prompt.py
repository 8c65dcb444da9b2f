"""The version served to one call, and what rendering it gives."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional

from .render import Message, Variable, normalize_variables, render_prompt

#: ``fresh``: Tracelane confirmed this version at the last attempt. ``stale``: the last attempt failed (or the
#: version came from the file cache and is not confirmed yet): the last known version is served. ``fallback``:
#: nothing was ever resolved; the snapshot the application ships is served.
PromptStatus = str

#: The span attributes that say which prompt a call used (read by Tracelane's collector).
PROMPT_ATTRIBUTES = {
    "name": "gen_ai.prompt.name",
    "version": "gen_ai.prompt.version",
    "environment": "deployment.environment.name",
    "arm": "tracelane.prompt.arm",
    "status": "tracelane.prompt.status",
}


@dataclass(frozen=True)
class RenderedPrompt:
    """The messages to send, with everything else the call needs."""

    messages: List[Message]
    #: Names given in the values that no placeholder uses.
    unused_values: List[str]
    provider: str
    model: str
    settings: Dict[str, Any]
    tools: List[Dict[str, Any]]
    response_schema: Optional[Dict[str, Any]]


@dataclass(frozen=True)
class Prompt:
    """The version served to one call. Treat its fields as read-only; ``render`` returns copies."""

    name: str
    environment: str
    #: The registry version; None for a fallback snapshot that does not say which version it copies.
    version: Optional[int]
    arm: str
    status: PromptStatus
    #: When Tracelane last confirmed this version (None for a fallback).
    confirmed_at: Optional[datetime]
    provider: str
    model: str
    settings: Dict[str, Any] = field(repr=False)
    messages: List[Message] = field(repr=False)
    variables: List[Variable] = field(repr=False)
    tools: List[Dict[str, Any]] = field(repr=False)
    response_schema: Optional[Dict[str, Any]] = field(repr=False)
    metadata: Dict[str, Any] = field(repr=False)

    def render(self, variables: Optional[Mapping[str, Any]] = None, /, **values: Any) -> RenderedPrompt:
        """The messages to send, rendered with the registry's rules.

        Values come as a mapping (names may contain ``.`` or ``-``), as keyword arguments, or both. Raises
        MissingVariablesError naming every placeholder without a value.
        """
        rendered = render_prompt(self.messages, self.variables, {**(variables or {}), **values})
        return RenderedPrompt(
            messages=rendered.messages,
            unused_values=rendered.unused_values,
            provider=self.provider,
            model=self.model,
            settings=copy.deepcopy(self.settings),
            tools=copy.deepcopy(self.tools),
            response_schema=copy.deepcopy(self.response_schema),
        )

    def attributes(self) -> Dict[str, str]:
        """The span attributes naming this prompt, version, environment, arm and status."""
        return {
            PROMPT_ATTRIBUTES["name"]: self.name,
            PROMPT_ATTRIBUTES["version"]: "fallback" if self.version is None else str(self.version),
            PROMPT_ATTRIBUTES["environment"]: self.environment,
            PROMPT_ATTRIBUTES["arm"]: self.arm,
            PROMPT_ATTRIBUTES["status"]: self.status,
        }


def make_prompt(
    snapshot: Mapping[str, Any],
    *,
    name: str,
    environment: str,
    arm: str,
    status: PromptStatus,
    confirmed_at: Optional[datetime],
) -> Prompt:
    """A Prompt from a version's JSON (or a fallback snapshot of the same shape: only ``messages`` is required)."""
    if not isinstance(snapshot.get("messages"), list):
        raise TypeError("fallback.messages: must be a list of messages")
    return Prompt(
        name=name,
        environment=environment,
        version=snapshot.get("version"),
        arm=arm,
        status=status,
        confirmed_at=confirmed_at,
        provider=snapshot.get("provider", ""),
        model=snapshot.get("model", ""),
        settings=snapshot.get("settings") or {},
        messages=snapshot["messages"],
        variables=normalize_variables(snapshot.get("variables") or []),
        tools=snapshot.get("tools") or [],
        response_schema=snapshot.get("responseSchema"),
        metadata=snapshot.get("metadata") or {},
    )
