"""The prompt rendering rules, as in clients/typescript/src/render.ts (the one description of them).

Both implementations pass the shared cases in clients/render-cases.json:

- A placeholder is ``{{name}}``, spaces inside the braces allowed. Names start with a letter or ``_`` and continue
  with letters, digits, ``_``, ``.`` or ``-``.
- A declared variable is required unless it says ``required: false`` or has a ``default``.
- A placeholder's value is the one given, else the declared variable's default, else ``''`` when the variable is
  declared with ``required: false``. A placeholder with none of these is missing: rendering fails naming every
  missing variable, in order of first use.
- ``None`` counts as not given. Strings are inserted as they are; numbers, booleans, lists and dicts as the JSON
  text JavaScript's ``JSON.stringify`` writes for them.
- Text content is rendered; structured content parts have their ``text`` fields rendered; nothing else changes.
- Given values no placeholder uses are reported, not an error.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence

Message = Dict[str, Any]
Variable = Dict[str, Any]

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\}\}")


class MissingVariablesError(ValueError):
    """A placeholder has no value; ``variables`` names each missing one, in order of first use."""

    def __init__(self, variables: Sequence[str]) -> None:
        self.variables: List[str] = list(variables)
        if len(self.variables) == 1:
            message = f"variables.{self.variables[0]}: missing value for a required variable"
        else:
            message = f"variables: missing values for {', '.join(self.variables)}"
        super().__init__(message)


@dataclass(frozen=True)
class Rendered:
    messages: List[Message]
    #: Names given in the values that no placeholder uses.
    unused_values: List[str]


@dataclass(frozen=True)
class VariableCheck:
    undeclared: List[str]
    unused_required: List[str]
    unused: List[str]


def placeholders_in(text: str) -> List[str]:
    """The placeholder names used in a text, in order of first use, without repeats."""
    names: List[str] = []
    for match in _PLACEHOLDER.finditer(text):
        if match.group(1) not in names:
            names.append(match.group(1))
    return names


def template_placeholders(messages: Sequence[Message]) -> List[str]:
    """Every placeholder of a template's messages (text and text parts), in order of first use."""
    names: List[str] = []
    for message in messages:
        for text in _texts_of(message):
            for name in placeholders_in(text):
                if name not in names:
                    names.append(name)
    return names


def normalize_variables(variables: Sequence[Any]) -> List[Variable]:
    """Declared variables as objects (a bare name is accepted, as the versions API accepts it)."""
    return [{"name": v} if isinstance(v, str) else dict(v) for v in variables]


def is_required(variable: Mapping[str, Any]) -> bool:
    """Required unless it says ``required: false`` or has a default."""
    required = variable.get("required")
    return bool(required) if required is not None else variable.get("default") is None


def check_variables(messages: Sequence[Message], variables: Sequence[Any]) -> VariableCheck:
    """Placeholders without a declared variable, and declared variables without a placeholder."""
    used = template_placeholders(messages)
    declared = normalize_variables(variables)
    names = {v["name"] for v in declared}
    unused = [v for v in declared if v["name"] not in used]
    return VariableCheck(
        undeclared=[name for name in used if name not in names],
        unused_required=[v["name"] for v in unused if is_required(v)],
        unused=[v["name"] for v in unused],
    )


def render_prompt(messages: Sequence[Message], variables: Sequence[Any], values: Mapping[str, Any]) -> Rendered:
    """The messages the model receives; raises MissingVariablesError naming every placeholder without a value."""
    declared = {v["name"]: v for v in normalize_variables(variables)}
    used = template_placeholders(messages)
    missing: List[str] = []
    resolved: Dict[str, str] = {}
    for name in used:
        value = _value_of(name, values, declared.get(name))
        if value is None:
            missing.append(name)
        else:
            resolved[name] = value
    if missing:
        raise MissingVariablesError(missing)

    def fill(text: str) -> str:
        return _PLACEHOLDER.sub(lambda match: resolved[match.group(1)], text)

    rendered = []
    for message in messages:
        content = message["content"]
        if isinstance(content, str):
            content = fill(content)
        else:
            content = [
                {**part, "text": fill(part["text"])} if isinstance(part.get("text"), str) else part for part in content
            ]
        rendered.append({**message, "content": content})
    unused = [name for name, value in values.items() if value is not None and name not in used]
    return Rendered(messages=rendered, unused_values=unused)


def _value_of(name: str, values: Mapping[str, Any], variable: Optional[Mapping[str, Any]]) -> Optional[str]:
    given = values.get(name)
    if given is not None:
        return given if isinstance(given, str) else js_json(given, name)
    if variable is not None and variable.get("default") is not None:
        return str(variable["default"])
    if variable is not None and not is_required(variable):
        return ""
    return None


def _texts_of(message: Message) -> List[str]:
    content = message["content"]
    if isinstance(content, str):
        return [content]
    return [part["text"] for part in content if isinstance(part.get("text"), str)]


def js_json(value: Any, name: str = "value") -> str:
    """Compact JSON text exactly as JavaScript's JSON.stringify writes it (numbers included)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**21 else _js_number(float(value))
    if isinstance(value, float):
        return _js_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(js_json(item, name) for item in value) + "]"
    if isinstance(value, Mapping):
        return (
            "{"
            + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{js_json(v, name)}" for k, v in value.items())
            + "}"
        )
    raise TypeError(f"variables.{name}: a {type(value).__name__} is not a JSON value")


def _js_number(x: float) -> str:
    """ECMAScript Number::toString: the shortest digits that round-trip, placed the way JavaScript places them."""
    if math.isnan(x) or math.isinf(x):
        return "null"  # what JSON.stringify writes for them
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    mantissa, _, exponent = repr(abs(x)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    fraction = fraction.rstrip("0")
    digits = (whole + fraction).lstrip("0")
    stripped = digits.rstrip("0")
    k = len(stripped)
    # value = stripped × 10^(n − k)
    n = k + int(exponent or 0) - len(fraction) + (len(digits) - k)
    if k <= n <= 21:
        text = stripped + "0" * (n - k)
    elif 0 < n <= 21:
        text = stripped[:n] + "." + stripped[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + stripped
    else:
        e = n - 1
        text = (stripped if k == 1 else stripped[0] + "." + stripped[1:]) + ("e+" if e >= 0 else "e-") + str(abs(e))
    return sign + text
