"""The last known versions in a folder, so that a restart during an outage still serves them."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Dict, Optional, Union
from urllib.parse import quote

# encodeURIComponent's unreserved characters: the file names are the TypeScript client's, and so is the content.
_SAFE = "!*'()"


class FileCache:
    """One JSON file per prompt and environment, replaced atomically whenever the served versions change."""

    def __init__(self, directory: Union[str, "os.PathLike[str]"]) -> None:
        self.directory = Path(directory)

    def file_of(self, prompt: str, environment: str) -> Path:
        return self.directory / f"{quote(prompt, safe=_SAFE)}@{quote(environment, safe=_SAFE)}.json"

    def load(self, prompt: str, environment: str) -> Optional[Dict[str, Any]]:
        """The saved lane, None when there is none; ValueError for a file that is not one."""
        path = self.file_of(prompt, environment)
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            return None
        lane = json.loads(text)
        if not isinstance(lane, dict) or "resolution" not in lane or not isinstance(lane.get("versions"), list):
            raise ValueError(f"{path}: not a Tracelane prompt cache file")
        return lane

    def save(self, prompt: str, environment: str, lane: Dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.file_of(prompt, environment)
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                json.dump(lane, file)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
