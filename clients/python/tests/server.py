"""A real Tracelane for the tests: ``server/main.ts`` (what ``npm start`` runs) in a child process, on a fresh data
folder and free ports, stopped and started again on the same address and data when a test needs an outage."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import deque
from pathlib import Path
from typing import Deque, Dict, Optional
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[3]
API_KEYS = "admin:admin:a,app:deployer:d,feedback:scorer:s,reader:viewer:v"


class TracelaneProcess:
    def __init__(self) -> None:
        self.data_dir = tempfile.mkdtemp(prefix="tracelane-python-")
        self.ports = {"PORT": "0", "OTLP_PORT": "0"}
        self.api_url = ""
        self.otlp_url = ""
        self._process: Optional[subprocess.Popen[str]] = None
        self._log: Deque[str] = deque(maxlen=50)
        self._reader: Optional[threading.Thread] = None

    def start(self, timeout: float = 90.0) -> None:
        tsx = ROOT / "node_modules" / ".bin" / "tsx"
        if not tsx.exists():
            raise RuntimeError(f"{tsx} is missing: run npm install (or npm ci) at the repository root first")
        env = {**os.environ, **self.ports, "DATA_DIR": self.data_dir, "API_KEYS": API_KEYS, "LOG_FORMAT": "json"}
        env.pop("CLICKHOUSE_URL", None)
        self._process = subprocess.Popen(
            [str(tsx), "server/main.ts"],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        urls: Dict[str, str] = {}
        found = threading.Event()
        self._reader = threading.Thread(target=self._read_log, args=(urls, found), daemon=True)
        self._reader.start()
        if not found.wait(timeout):
            self.stop()
            raise RuntimeError("Tracelane did not start:\n" + "\n".join(self._log))
        self.api_url, self.otlp_url = urls["api"], urls["otlp"]
        self.ports = {"PORT": str(urlsplit(self.api_url).port), "OTLP_PORT": str(urlsplit(self.otlp_url).port)}

    def stop(self) -> None:
        """SIGTERM: Tracelane flushes, closes its store and exits."""
        if self._process is None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)  # it reads to the end of the log
        if self._process.stderr is not None:
            self._process.stderr.close()
        self._process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def _read_log(self, urls: Dict[str, str], found: threading.Event) -> None:
        process = self._process
        assert process is not None and process.stderr is not None
        for line in process.stderr:
            self._log.append(line.rstrip())
            try:
                message = json.loads(line).get("message", "")
            except ValueError:
                continue
            if message.startswith("Tracelane UI and API on "):
                urls["api"] = message.rsplit(" ", 1)[1]
            elif message.startswith("OTLP/HTTP collector on "):
                urls["otlp"] = message.rsplit(" ", 1)[1].removesuffix("/v1/traces")
            if "api" in urls and "otlp" in urls:
                found.set()


def wait_for(what: str, probe, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    """Polls ``probe`` until it returns something other than None: tests wait for a condition, not for a time."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value is not None:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
