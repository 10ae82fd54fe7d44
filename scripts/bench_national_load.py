"""The API load test of `make bench-national`: gunicorn with the benchmark's production settings on the loopback,
`wrk` against each API list with a national manager's token (a province officer's for a list national managers
may not read: legal measures), and a bare Django JSON view served by the same workers in the same run
(`scripts/bench_urls.py`). Requests per second, median and 95th percentile latency, errors,
and the peak memory (VmHWM) of the largest worker.

Needs `wrk` (Debian: `apt-get install wrk`); without it the load test is left out and says so.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_TIMEOUT = 60  # seconds: a list slower than this for one request is not loaded
LISTS = ["people", "episodes", "contacts", "assessments", "services", "org-units"]
# wrk prints no 95th percentile by itself: this script does, once the run is over.
REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('WRK {"requests": %d, "seconds": %.3f, "p50": %.3f, "p95": %.3f, "p99": %.3f, '
    .. '"errors": %d, "non2xx": %d}\\n', summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, errors, summary.errors.status))
end
"""


@dataclass
class Load:
    url: str
    who: str  # whose token
    rate: float  # requests per second
    p50: float  # milliseconds
    p95: float
    errors: int  # connection errors, timeouts and responses other than 2xx/3xx
    peak_mb: float  # the largest worker's peak resident memory so far
    note: str = ""  # why it was not loaded


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def worker_peak_mb(master: int) -> float:
    """The largest peak resident set (VmHWM) among the master's worker processes, in MB."""
    peak = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master) and "VmHWM" in fields:
            peak = max(peak, int(fields["VmHWM"].split()[0]))
    return peak / 1024


def wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/bench/bare/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer at {base} within {seconds:.0f} s")


def warm(url: str, token: str | None, times: int = 6) -> str:
    """A few requests first, so that every worker has imported what the list needs and opened its connections:
    "ok", "forbidden" when the token's user may not read the list, or "slow" when a request took too long."""
    headers = {"Authorization": f"Token {token}"} if token else {}
    for _ in range(times):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=WARM_TIMEOUT) as response:
                response.read()
        except urllib.error.HTTPError as error:
            if error.code == 403:
                return "forbidden"
            raise
        except (TimeoutError, urllib.error.URLError) as error:
            if isinstance(error, TimeoutError) or isinstance(error.reason, TimeoutError):
                return "slow"
            raise
    return "ok"


def load_test(
    database_url: str, tokens: dict[str, str], *, seconds: int, connections: int, workers: int
) -> list[Load] | str:
    """Each API list, then the bare view, under `connections` concurrent clients for `seconds` each."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return "wrk not found (Debian: apt-get install wrk): load test left out"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", str(workers),
                "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"]  # fmt: skip
    results: list[Load] = []
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script, tempfile.TemporaryFile("w+") as log:
        # The workers' log (a 403 on a list national managers may not read…) is printed only if the server fails.
        server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, start_new_session=True, stderr=log, stdout=log)
        script.write(REPORT)
        script.flush()
        try:
            try:
                wait_until_up(base)
            except RuntimeError:
                log.seek(0)
                print(log.read(), file=sys.stderr)
                raise
            targets = [f"{base}/api/v1/{name}/" for name in LISTS] + [f"{base}/bench/bare/"]
            for url in targets:
                candidates: list[tuple[str, str | None]] = [*tokens.items()] if "/api/" in url else [("", None)]
                who, outcome = "", "ok"
                for name, token in candidates:
                    who, outcome = name, warm(url, token)
                    if outcome != "forbidden":
                        break
                if outcome != "ok":
                    note = f"one request took over {WARM_TIMEOUT} s" if outcome == "slow" else "no token may read it"
                    results.append(Load(url.removeprefix(base), who, 0, 0, 0, 0, worker_peak_mb(server.pid), note))
                    continue
                key = tokens.get(who)
                command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", script.name]
                if key:
                    command += ["-H", f"Authorization: Token {key}"]
                out = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 120, check=True)
                line = next(line for line in out.stdout.splitlines() if line.startswith("WRK "))
                figures = json.loads(line[4:])
                results.append(
                    Load(
                        url=url.removeprefix(base), who=who, rate=figures["requests"] / figures["seconds"],
                        p50=figures["p50"], p95=figures["p95"], errors=figures["errors"] + figures["non2xx"],
                        peak_mb=worker_peak_mb(server.pid),
                    )
                )  # fmt: skip
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    return results
