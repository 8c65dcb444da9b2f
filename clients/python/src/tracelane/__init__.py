"""Tracelane's runtime client: resolve the prompt deployed in an environment, keep it fresh, render it, tag the
call and send feedback. Standard library only; ``opentelemetry-api`` is used when installed.

    from tracelane import Tracelane, tag

    tracelane = Tracelane("http://localhost:8080", api_key="…", cache_dir=".tracelane-cache")
    prompt = tracelane.get_prompt("support-triage", environment="production", key=user_id)
    with tag(prompt):
        reply = openai.chat.completions.create(model=prompt.model, messages=prompt.render(ticket=t).messages)
"""

from .client import ClientStats, Tracelane
from .lane import DeploymentChange
from .otel import PromptSpanProcessor, tag, tag_span
from .prompt import PROMPT_ATTRIBUTES, Prompt, RenderedPrompt
from .render import MissingVariablesError, render_prompt
from .scores import ScoreStats
from .transport import TracelaneError

__all__ = [
    "ClientStats",
    "DeploymentChange",
    "MissingVariablesError",
    "PROMPT_ATTRIBUTES",
    "Prompt",
    "PromptSpanProcessor",
    "RenderedPrompt",
    "ScoreStats",
    "Tracelane",
    "TracelaneError",
    "render_prompt",
    "tag",
    "tag_span",
]
