"""One prompt in one environment: resolved, revalidated, persisted and served (as clients/typescript/src/lane.ts)."""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple
from urllib.parse import quote

from .file_cache import FileCache
from .prompt import Prompt, make_prompt
from .transport import Http, TracelaneError

log = logging.getLogger("tracelane")

#: Callers (keys, attribute sets) remembered per lane while answers depend on them (the oldest is forgotten first).
MAX_KEYS = 10_000
#: A lane that failed to resolve is tried again at most this often from the hot path.
MIN_RETRY_SECONDS = 1.0


@dataclass(frozen=True)
class DeploymentChange:
    """What one environment serves of one prompt: reported to ``on_change`` when it changes."""

    prompt: str
    environment: str
    #: The stable version.
    version: int
    #: ``{"version", "percent"}`` during a canary.
    canary: Optional[Dict[str, int]]
    status: str


class Lane:
    """Resolved with ETag revalidation, re-resolved on demand (an event, a timer), persisted, served from memory.

    During a canary a call without a key gets an arm at random with the canary's share, as the server would pick;
    a call with a key gets the server's sticky assignment for that key, asked once per key and canary. While
    targeting rules or an A/B test are in effect the server decides per caller: each caller (its key, and the
    attributes the rules read) is asked once per change of the lane.
    """

    def __init__(
        self,
        prompt: str,
        environment: str,
        http: Http,
        cache: Optional[FileCache],
        on_change: Optional[Callable[[DeploymentChange], None]],
    ) -> None:
        self.prompt = prompt
        self.environment = environment
        self._http = http
        self._cache = cache
        self._on_change = on_change
        self._refreshing = threading.Lock()  # one resolve at a time
        self._generation = 0  # resolves finished
        self._state: Optional[Dict[str, Any]] = None  # {resolution, etag, confirmedAt, versions}
        self._status = "stale"
        self._failing = False
        self._cache_tried = False
        self._last_error: Optional[TracelaneError] = None
        self._last_attempt = 0.0
        self._keyed: "OrderedDict[str, Tuple[str, str, Dict[str, Any]]]" = OrderedDict()
        self._prompts: Dict[Tuple[int, str, str, float], Prompt] = {}  # served Prompts are immutable: reused
        #: A resolve finished (resolved or failed).
        self.attempted = False

    @property
    def resolved(self) -> bool:
        return self._state is not None

    @property
    def error(self) -> TracelaneError:
        return self._last_error or TracelaneError(f"{self.prompt} in {self.environment}: not resolved yet")

    def refresh(self) -> None:
        """Re-resolves now (after any resolve in progress). Never raises: a failure marks the lane stale."""
        with self._refreshing:
            self._resolve_once()

    def load(self) -> None:
        """A resolve, unless one finished while this call waited or the last attempt was under a second ago."""
        generation = self._generation
        with self._refreshing:
            if self._generation == generation and time.monotonic() - self._last_attempt >= MIN_RETRY_SECONDS:
                self._resolve_once()

    def serve(self, key: Optional[str], attributes: Mapping[str, str]) -> Prompt:
        """The version to serve to one call (the lane must be resolved)."""
        state = self._state
        assert state is not None
        resolution = state["resolution"]
        canary = resolution.get("canary")
        # Whether the answer depends on the caller is decided here: targeting rules and A/B tests by the server for
        # each caller; a canary by key (sticky, asked once) or at random with its share.
        targeted = bool(resolution.get("targeting") or resolution.get("test"))
        if not targeted and not canary:
            return self._served(state, resolution["stableVersion"], "stable")
        if not targeted and canary and key is None:
            if random.random() < canary["percent"] / 100:
                return self._served(state, canary["version"], "canary")
            return self._served(state, resolution["stableVersion"], "stable")
        read = (resolution.get("variesBy") or {}).get("attributes", []) if targeted else []
        relevant = {name: attributes[name] for name in read if name in attributes}
        caller = json.dumps([key, relevant], sort_keys=True)
        known = self._keyed.get(caller)
        if known and known[0] == _signature(resolution):
            return self._prompt(known[2], known[1], self._status, state)
        if self._status == "stale":  # Tracelane did not answer the last refresh: a new caller is not worth a wait
            return self._served(state, resolution["stableVersion"], "stable")
        query = "".join(
            ([f"&key={quote(key, safe='')}"] if key is not None else [])
            + [f"&attr.{quote(name, safe='')}={quote(value, safe='')}" for name, value in relevant.items()]
        )
        try:
            answer = self._request(query, retries=0).body
        except TracelaneError as error:
            self._report(error)
            return self._served(state, resolution["stableVersion"], "stable", "stale")
        if _signature(answer) != _signature(resolution):
            if not self._refreshing.locked():  # the lane is behind: catch up without holding this call
                threading.Thread(target=self.refresh, daemon=True).start()
        else:
            if len(self._keyed) >= MAX_KEYS:
                self._keyed.popitem(last=False)
            self._keyed[caller] = (_signature(answer), answer["arm"], answer["snapshot"])
        return self._prompt(answer["snapshot"], answer["arm"], self._status, state)

    def _served(self, state: Dict[str, Any], version: int, arm: str, status: Optional[str] = None) -> Prompt:
        snapshot = next(v for v in state["versions"] if v["version"] == version)
        return self._prompt(snapshot, arm, status or self._status, state)

    def _prompt(self, snapshot: Dict[str, Any], arm: str, status: str, state: Dict[str, Any]) -> Prompt:
        key = (snapshot["version"], arm, status, state["confirmedAt"])
        prompt = self._prompts.get(key)
        if prompt is None:
            confirmed = datetime.fromtimestamp(state["confirmedAt"] / 1000, tz=timezone.utc)
            prompt = make_prompt(
                snapshot, name=self.prompt, environment=self.environment, arm=arm, status=status, confirmed_at=confirmed
            )
            if len(self._prompts) >= 16:  # a new confirmation time or status: the old ones are not served again
                self._prompts.clear()
            self._prompts[key] = prompt
        return prompt

    def _resolve_once(self) -> None:
        self._last_attempt = time.monotonic()
        try:
            etag = self._state["etag"] if self._state else None
            answer = self._request("", {"If-None-Match": etag} if etag else {})
            now = time.time() * 1000
            if answer.status == 304 and self._state:
                self._commit({**self._state, "confirmedAt": now}, confirmed=True)
            else:
                resolution = answer.body
                versions = self._versions_for(resolution)
                etag = answer.headers.get("etag")
                self._commit({"resolution": resolution, "etag": etag, "confirmedAt": now, "versions": versions}, True)
        except TracelaneError as error:
            self._report(error)
            self._status = "stale"
            if self._state is None:
                self._from_cache()
        finally:
            self._generation += 1
            self.attempted = True

    def _request(self, query: str, headers: Optional[Dict[str, str]] = None, retries: Optional[int] = None) -> Any:
        path = f"/api/v1/prompts/{quote(self.prompt, safe='')}/resolve?environment={quote(self.environment, safe='')}"
        return self._http.request("GET", path + query, headers=headers, retries=retries)

    def _versions_for(self, resolution: Dict[str, Any]) -> List[Dict[str, Any]]:
        """The stable version and the canary's, fetched when the answer lacks one (versions never change)."""
        canary = resolution.get("canary")
        wanted = [resolution["stableVersion"]] + ([canary["version"]] if canary else [])
        known = [resolution["snapshot"]] + (self._state["versions"] if self._state else [])
        versions = []
        for version in wanted:
            found = next((v for v in known if v["version"] == version), None)
            if found is None:
                path = f"/api/v1/prompts/{quote(self.prompt, safe='')}/versions/{version}"
                found = self._http.request("GET", path).body
            versions.append(found)
        return versions

    def _from_cache(self) -> None:
        if self._cache_tried or self._cache is None:
            return
        self._cache_tried = True
        try:
            cached = self._cache.load(self.prompt, self.environment)
        except (OSError, ValueError) as error:
            self._report(TracelaneError(f"prompt cache: {error}"))
            return
        if cached is not None and self._state is None:
            self._commit(cached, confirmed=False)

    def _commit(self, state: Dict[str, Any], confirmed: bool) -> None:
        previous = self._state
        self._state = state
        self._status = "fresh" if confirmed else "stale"
        if confirmed:
            self._failing = False
        if previous and _signature(previous["resolution"]) == _signature(state["resolution"]):
            return
        self._keyed.clear()
        resolution = state["resolution"]
        canary = resolution.get("canary")
        if self._on_change:
            change = DeploymentChange(
                prompt=self.prompt,
                environment=self.environment,
                version=resolution["stableVersion"],
                canary={"version": canary["version"], "percent": canary["percent"]} if canary else None,
                status=self._status,
            )
            try:
                self._on_change(change)
            except Exception:  # an application callback must not break the client
                log.exception("tracelane: on_change raised")
        if confirmed and self._cache is not None:
            try:
                self._cache.save(self.prompt, self.environment, state)
            except OSError as error:
                self._report(TracelaneError(f"prompt cache: {error}"))

    def _report(self, error: TracelaneError) -> None:
        """Logs the first failure of a run of failures (an outage is one warning, not one per refresh)."""
        self._last_error = error
        if not self._failing:
            self._failing = True
            log.warning("tracelane: %s", error)


def _signature(resolution: Dict[str, Any]) -> str:
    """What decides which version a caller gets: the same signature means every caller keeps its arm."""
    canary = resolution.get("canary")
    split = f"{canary['deploymentId']}:{canary['percent']}" if canary else ""
    targeting = resolution.get("targeting") or {}
    test = resolution.get("test") or {}
    return f"{resolution['stableVersion']}:{split}:{targeting.get('revision', '')}:{test.get('id', '')}"
