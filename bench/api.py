"""Throughput and latency of POST /api/v1/recommendations against a bare endpoint, same server.

One worker of the production server (gunicorn with the advisor's uvicorn worker, as `make run`
serves it; granian with REFLEX_USE_GRANIAN=true) serves the advisor's backend as Reflex
composes it, plus a bench-only `POST /bench/bare` that returns a constant JSON body of the same
size as the recommendation (bench/api_app.py). wrk (Debian's, compiled, one thread) keeps 32
connections busy against each endpoint, each connection sending its next request as soon as
the last answer arrived. On a machine with
two cores or more the server is pinned to one core and wrk to another, so the client never
takes the server's CPU.

The request is one typical eligible profile (its recommendation is about the median size over
every eligible profile). The endpoints take turns, ROUNDS times each, after a warm-up; each
endpoint's rounds are merged: requests per second over the time measured, latencies from wrk's
own histogram (to the microsecond, with wrk's correction for coordinated omission).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import server
from bench.api_app import BARE_BYTES_ENV, BARE_PATH

RECOMMENDATIONS = "/api/v1/recommendations"
BUILD_DIR = server.BUILD_ROOT / "bench-api"
CONNECTIONS = 32
WARMUP_S = 2
ROUNDS = 5
ROUND_S = 2
MIN_THROUGHPUT_RATIO = 0.5
TARGET_P99_MS = 25.0
TYPICAL_PROFILE = {
    "healthcare_background": True,
    "role": "major_teaching",
    "career_stage": "mid",
    "motivations": ["improve_teaching", "career_prospects"],
    "research_aim": "apply_evidence",
    "workplace": "uk",
}
WRK = "wrk"

# wrk's done() hook prints its totals and its latency histogram (microseconds: request count),
# so the rounds of one endpoint merge exactly.
WRK_SCRIPT = """\
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [==[%(body)s]==]

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%%d,"duration_us":%%d,"errors":{"connect":%%d,"read":%%d,' ..
    '"write":%%d,"status":%%d,"timeout":%%d}}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout))
  local buckets = {}
  for i = 1, #latency do  -- the i-th distinct latency and how many requests took it
    local us, n = latency(i)
    buckets[i] = string.format("%%d:%%d", us, n)
  end
  io.write("HISTOGRAM " .. table.concat(buckets, ",") .. "\\n")
end
"""


def server_name() -> str:
    """The production server the benchmark runs, as rxconfig.py and the environment choose it
    (REFLEX_USE_GRANIAN read as Reflex reads it; advisor.server sets false when it is unset)."""
    from reflex_base.environment import environment

    granian = environment.REFLEX_USE_GRANIAN
    if granian.is_set() and granian.get():
        return "granian (REFLEX_USE_GRANIAN=true)"
    return "gunicorn + uvicorn (advisor.worker)"


def _response_bytes(body: bytes) -> int:
    """The size of the recommendation's response body, from the API app in this process."""
    import warnings

    from advisor.api import create_api
    from advisor.runtime import CONTENT

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's TestClient deprecation notice
        from fastapi.testclient import TestClient

        response = TestClient(create_api(CONTENT)).post(
            RECOMMENDATIONS, content=body, headers={"content-type": "application/json"}
        )
    response.raise_for_status()
    return len(response.content)


def _cores() -> tuple[str, str] | None:
    """(server core, client core) when there are two cores to keep apart."""
    cores = sorted(os.sched_getaffinity(0))
    return (str(cores[0]), str(cores[1])) if len(cores) >= 2 else None


@dataclass
class Tally:
    """One endpoint's requests over every round: counts, time, latency histogram.

    The histogram is wrk's own, after its correction for coordinated omission (it adds the
    requests a stalled connection would have sent), so it may count more than `requests`."""

    requests: int = 0
    seconds: float = 0.0
    histogram: Counter[int] = field(default_factory=Counter)

    def percentile_ms(self, p: float) -> float:
        # As wrk ranks its own percentiles (stats_percentile).
        rank = round(p / 100 * sum(self.histogram.values()) + 0.5)
        seen = 0
        for us in sorted(self.histogram):
            seen += self.histogram[us]
            if seen >= rank:
                return us / 1000
        return max(self.histogram) / 1000

    def summary(self) -> dict[str, Any]:
        total_us = sum(us * n for us, n in self.histogram.items())
        return {
            "requests": self.requests,
            "rps": round(self.requests / self.seconds, 1),
            "p50_ms": self.percentile_ms(50),
            "p90_ms": self.percentile_ms(90),
            "p99_ms": self.percentile_ms(99),
            "max_ms": max(self.histogram) / 1000,
            "mean_ms": round(total_us / sum(self.histogram.values()) / 1000, 3),
        }


def _wrk(url: str, script: Path, seconds: int, core: str | None, tally: Tally | None) -> None:
    command = [WRK, "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script), url]
    if core is not None:
        command = ["taskset", "-c", core, *command]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    totals = re.search(r"^BENCH (\{.*\})$", done.stdout, re.M)
    histogram = re.search(r"^HISTOGRAM (.*)$", done.stdout, re.M)
    if done.returncode != 0 or totals is None or histogram is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    raw = json.loads(totals.group(1))
    failed = sum(raw["errors"].values())
    if failed:
        raise RuntimeError(f"{failed} requests to {url} failed: {raw['errors']}")
    if tally is not None:
        tally.requests += raw["requests"]
        tally.seconds += raw["duration_us"] / 1e6
        for bucket in filter(None, histogram.group(1).split(",")):
            us, count = bucket.split(":")
            tally.histogram[int(us)] += int(count)


def _check_sizes(base_url: str, body: bytes, size: int) -> None:
    """Both endpoints answer 200 with bodies of the same size."""
    import httpx

    headers = {"content-type": "application/json"}
    for path in (RECOMMENDATIONS, BARE_PATH):
        response = httpx.post(base_url + path, content=body, headers=headers, timeout=10)
        if response.status_code != 200 or len(response.content) != size:
            raise RuntimeError(
                f"POST {path}: {response.status_code}, {len(response.content)} bytes "
                f"(expected 200 and {size} bytes): {response.text[:300]}"
            )


def run() -> dict[str, Any]:
    if shutil.which(WRK) is None:
        raise RuntimeError("wrk is missing: `make bench` installs it (apt-get install wrk)")
    started = time.monotonic()
    body = json.dumps(TYPICAL_PROFILE, separators=(",", ":")).encode()
    size = _response_bytes(body)
    cores = _cores()
    scratch = Path(tempfile.mkdtemp(prefix="advisor-bench-api-"))
    try:
        script = scratch / "post.lua"
        script.write_text(WRK_SCRIPT % {"body": body.decode()})
        port = server.free_port()
        launch = ["python", "-m", "bench.api_app", str(port)]
        if cores is not None:
            launch = ["taskset", "-c", cores[0], *launch]
        env = server.environment(
            **{
                BARE_BYTES_ENV: str(size),
                "WEB_CONCURRENCY": "1",  # gunicorn's workers
                "GRANIAN_WORKERS": "1",  # granian's, when REFLEX_USE_GRANIAN=true
                "REFLEX_ENV_MODE": "prod",
                # The compiled app goes to a folder of the benchmark's own (kept between runs).
                "REFLEX_WEB_WORKDIR": str(BUILD_DIR / "web"),
                "REFLEX_STATES_WORKDIR": str(scratch / "states"),
                "ADVISOR_DATABASE_URL": f"sqlite:///{scratch / 'advisor.db'}",
            }
        )
        command = ["bash", "-c", '. scripts/env.sh && exec "$@"', "launch", *launch]
        client_core = cores[1] if cores else None
        with server.serving(
            command, server.ROOT, env, scratch / "server.log", port, "/api/v1/health"
        ) as running:
            _check_sizes(running.url, body, size)
            endpoints = {"bare": BARE_PATH, "recommendations": RECOMMENDATIONS}
            for path in endpoints.values():
                _wrk(running.url + path, script, WARMUP_S, client_core, None)
            tallies = {name: Tally() for name in endpoints}
            for _ in range(ROUNDS):  # alternating, so a drift of the machine hits both alike
                for name, path in endpoints.items():
                    _wrk(running.url + path, script, ROUND_S, client_core, tallies[name])
            measured = {name: tally.summary() for name, tally in tallies.items()}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    bare, rec = measured["bare"], measured["recommendations"]
    ratio = rec["rps"] / bare["rps"]
    return {
        "server": f"{server_name()}, 1 worker, the advisor's backend as Reflex composes it",
        "client": f"wrk, 1 thread, {CONNECTIONS} connections",
        "server_core": cores[0] if cores else None,
        "client_core": cores[1] if cores else None,
        "connections": CONNECTIONS,
        "warmup_s": WARMUP_S,
        "rounds": ROUNDS,
        "duration_s": ROUNDS * ROUND_S,
        "request_bytes": len(body),
        "response_bytes": size,
        "bare": bare,
        "recommendations": rec,
        "throughput_ratio": round(ratio, 3),
        "p99_ratio": round(rec["p99_ms"] / bare["p99_ms"], 2),
        "min_throughput_ratio": MIN_THROUGHPUT_RATIO,
        "target_p99_ms": TARGET_P99_MS,
        "meets_throughput_target": ratio >= MIN_THROUGHPUT_RATIO,
        "meets_p99_target": rec["p99_ms"] < TARGET_P99_MS,
        "seconds": round(time.monotonic() - started, 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
