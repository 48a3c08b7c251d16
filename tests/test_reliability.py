"""The real server under faults and load: a SIGKILL in the middle of a burst of saves loses no
acknowledged save; a minute of 50 concurrent clients gives no error and no memory growth."""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import pytest

from tests.utils.servers import TEST_SERVER_DIR, free_port, start_server

pytestmark = pytest.mark.server

ANSWERS = [
    {
        "healthcare_background": True,
        "role": role,
        "career_stage": stage,
        "research_aim": aim,
        "motivations": motivations,
    }
    for role, stage, aim, motivations in [
        ("trainee", "early", "none", ["improve_teaching"]),
        ("major_teaching", "mid", "apply_evidence", ["leadership"]),
        ("education_researcher", "early", "doctorate", ["specialist_career"]),
        ("minor_teaching", "late", "none", ["career_prospects", "professional_review"]),
    ]
]
WORKDIR = TEST_SERVER_DIR / "reliability"


def _kill_group(server) -> None:
    os.killpg(server.pgid, signal.SIGKILL)
    server.process.wait(timeout=30)


def test_sigkill_during_a_burst_of_saves_loses_no_acknowledged_save(tmp_path: Path) -> None:
    server = start_server(free_port(), tmp_path / "first.log", WORKDIR)
    acknowledged: list[tuple[str, dict]] = []
    failed_after_kill = 0
    lock = threading.Lock()
    killed = threading.Event()
    try:
        server.wait_until_ready()
        url = f"{server.url}/api/v1/assessments"

        def client(n: int) -> None:
            nonlocal failed_after_kill
            with httpx.Client(timeout=10) as http:
                i = 0
                while not killed.is_set() or i == 0:
                    body = ANSWERS[(n + i) % len(ANSWERS)]
                    i += 1
                    try:
                        response = http.post(url, json=body)
                    except httpx.HTTPError:
                        with lock:
                            failed_after_kill += 1
                        if killed.is_set():
                            return
                        continue
                    assert response.status_code == 201, response.text
                    with lock:
                        acknowledged.append((response.json()["id"], body))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        # Kill in the middle of the burst, once plenty of saves are acknowledged.
        deadline = time.monotonic() + 60
        while len(acknowledged) < 150 and time.monotonic() < deadline:
            time.sleep(0.01)
        _kill_group(server)
        killed.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        if server.group_is_alive():
            server.kill()
    assert len(acknowledged) >= 150, "the burst never got going"

    restarted = start_server(free_port(), tmp_path / "second.log", WORKDIR, fresh_database=False)
    try:
        restarted.wait_until_ready()
        with httpx.Client(timeout=10) as http:
            for assessment_id, body in acknowledged:
                response = http.get(f"{restarted.url}/api/v1/assessments/{assessment_id}")
                assert response.status_code == 200, (assessment_id, response.status_code)
                saved = response.json()["answers"]
                assert saved["role"] == body["role"]
                assert saved["motivations"] == body["motivations"]
    finally:
        restarted.interrupt()
        if restarted.group_is_alive():
            restarted.kill()


def _rss(server) -> int:
    """Resident memory of the serving processes (reflex and its workers; not make)."""
    total = 0
    for process in psutil.process_iter(["pid", "name"]):
        try:
            if os.getpgid(process.pid) == server.pgid and process.name() != "make":
                total += process.memory_info().rss
        except (psutil.Error, ProcessLookupError):
            continue
    return total


SOAK_SECONDS = 60
CLIENTS = 50


def test_a_minute_of_fifty_clients_gives_no_errors_and_no_memory_growth(tmp_path: Path) -> None:
    server = start_server(free_port(), tmp_path / "soak.log", TEST_SERVER_DIR / "soak")
    try:
        server.wait_until_ready()
        errors: list[str] = []
        done = {"recommendations": 0, "saves": 0}
        lock = threading.Lock()
        stop = time.monotonic() + SOAK_SECONDS

        def client(n: int) -> None:
            with httpx.Client(base_url=server.url, timeout=30) as http:
                i = n
                while time.monotonic() < stop:
                    body = ANSWERS[i % len(ANSWERS)]
                    save = i % 4 == 0  # one save in four requests
                    i += 1
                    try:
                        response = http.post(
                            "/api/v1/assessments" if save else "/api/v1/recommendations",
                            json=body,
                        )
                    except httpx.HTTPError as exc:
                        with lock:
                            errors.append(repr(exc))
                        continue
                    expected = 201 if save else 200
                    with lock:
                        if response.status_code != expected:
                            errors.append(f"{response.status_code}: {response.text[:100]}")
                        else:
                            done["saves" if save else "recommendations"] += 1

        with ThreadPoolExecutor(CLIENTS) as pool:
            futures = [pool.submit(client, n) for n in range(CLIENTS)]
            time.sleep(10)
            after_ten_seconds = _rss(server)
            for future in futures:
                future.result()
        at_the_end = _rss(server)
    finally:
        server.interrupt()
        if server.group_is_alive():
            server.kill()

    assert errors == [], errors[:10]
    assert done["saves"] > 100 and done["recommendations"] > 300, done
    growth = (at_the_end - after_ten_seconds) / after_ten_seconds
    assert growth <= 0.10, (
        f"resident memory grew {growth:.1%}: {after_ten_seconds / 1e6:.0f} MB after 10 s, "
        f"{at_the_end / 1e6:.0f} MB at the end ({done})"
    )
