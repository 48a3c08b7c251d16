"""`python -m bench`: run every benchmark, print a table, save the figures as JSON."""

from __future__ import annotations

import json
import os
import platform
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import abuse, api, engine, pageload, saves, sessions

OUT = Path(__file__).resolve().parent / "out"
BENCHMARKS: dict[str, Callable[[], dict[str, Any]]] = {
    "engine": engine.run,
    "api": api.run,
    "saves": saves.run,
    "sessions": sessions.run,
    "pageload": pageload.run,
    "abuse": abuse.run,
}

Row = tuple[str, str, str, str]


def _met(ok: bool) -> str:
    return "yes" if ok else "NO"


def _engine_rows(e: dict[str, Any]) -> list[Row]:
    return [
        (
            "engine: median per recommendation",
            f"{e['median_us']:.1f} µs",
            f"< {e['target_us']:.0f} µs",
            _met(e["meets_target"]),
        ),
        ("engine: p90 / p99", f"{e['p90_us']:.1f} / {e['p99_us']:.1f} µs", "", ""),
        ("engine: profiles measured", f"{e['profiles']:,}", "", ""),
        ("timer overhead per call (baseline)", f"{e['timer_overhead_us']:.2f} µs", "", ""),
    ]


def _api_rows(a: dict[str, Any]) -> list[Row]:
    rec, bare = a["recommendations"], a["bare"]
    return [
        ("api: recommendations, requests per second", f"{rec['rps']:,.0f}/s", "", ""),
        ("api: bare endpoint, requests per second", f"{bare['rps']:,.0f}/s", "", ""),
        (
            "api: throughput, recommendations / bare",
            f"{a['throughput_ratio']:.2f}x",
            f">= {a['min_throughput_ratio']:.1f}x",
            _met(a["meets_throughput_target"]),
        ),
        (
            "api: recommendations p50 / p99",
            f"{rec['p50_ms']:.1f} / {rec['p99_ms']:.1f} ms",
            f"p99 < {a['target_p99_ms']:.0f} ms",
            _met(a["meets_p99_target"]),
        ),
        ("api: bare endpoint p50 / p99", f"{bare['p50_ms']:.1f} / {bare['p99_ms']:.1f} ms", "", ""),
        ("api: p99, recommendations / bare", f"{a['p99_ratio']:.2f}x", "", ""),
        ("api: server", a["server"].split(",")[0], "", ""),
        (
            "api: connections, seconds measured, body",
            f"{a['connections']}, {a['duration_s']} s, {a['response_bytes']:,} B",
            "",
            "",
        ),
    ]


def _saves_rows(s: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for key, name in (("sqlite", "SQLite"), ("postgres", "PostgreSQL")):
        figures = s[key]
        rows += [
            (
                f"saves: {name}, save_result",
                f"{figures['save_result']['per_second']:,}/s",
                "",
                "",
            ),
            (
                f"saves: {name}, plain INSERT of the row",
                f"{figures['plain_insert']['per_second']:,}/s",
                "",
                "",
            ),
            (f"saves: {name}, save_result / INSERT", f"{figures['ratio']:.2f}x", "", ""),
        ]
    rows += [
        ("saves: PostgreSQL / SQLite", f"{s['postgres_over_sqlite']:.2f}x", "", ""),
        ("saves: threads, rows each variant", f"{s['threads']}, {s['rows_per_variant']:,}", "", ""),
    ]
    return rows


def _sessions_rows(s: dict[str, Any]) -> list[Row]:
    memory = s["advisor"]["memory"]
    minimal = s["minimal"]["memory"]
    trips = s["advisor"]["round_trip"]
    answer, ping, burst = trips["answer"], trips["ping"], trips["burst"]
    largest = str(s["counts"][-1])
    rss = " / ".join(f"{kb / 1024:.0f}" for kb in memory["rss_kb"].values())
    rows: list[Row] = [
        (
            f"sessions: memory per session, {n} open",
            f"{memory['per_session_kb'][str(n)]:.0f} kB",
            f"< {s['target_kb']:.0f} kB",
            _met(memory["per_session_kb"][str(n)] < s["target_kb"]),
        )
        for n in s["counts"]
    ]
    rows += [
        (
            f"sessions: backend RSS, {' / '.join(memory['rss_kb'])} open",
            f"{rss} MB",
            "",
            "",
        ),
        (
            f"sessions: minimal app per session, {largest} open",
            f"{minimal['per_session_kb'][largest]:.0f} kB",
            "",
            "",
        ),
        ("sessions: per session, advisor / minimal", f"{s['per_session_kb_ratio']:.2f}x", "", ""),
        (
            f"sessions: answer round trip at {trips['sessions']}, p50 / p90",
            f"{answer['median_ms']:.1f} / {answer['p90_ms']:.1f} ms",
            f"p50 < {s['target_round_trip_ms']:.0f} ms",
            _met(s["meets_round_trip_target"]),
        ),
        (
            "sessions: ping round trip, same sockets",
            f"{ping['median_ms']:.1f} / {ping['p90_ms']:.1f} ms",
            "",
            "",
        ),
        ("sessions: round trip p50, answer / ping", f"{s['round_trip_ratio']:.2f}x", "", ""),
        (
            f"sessions: {trips['sessions']} answers at once, p50 / p90",
            f"{burst['median_ms']:.1f} / {burst['p90_ms']:.1f} ms",
            "",
            "",
        ),
    ]
    return rows


def _pageload_rows(p: dict[str, Any]) -> list[Row]:
    app, minimal = p["app"], p["minimal"]
    return [
        (
            "page: first question interactive, median",
            f"{app['ready_ms_median']:.0f} ms",
            f"< {p['target_ms']:.0f} ms",
            _met(p["meets_time_target"]),
        ),
        ("page: minimal app button interactive", f"{minimal['ready_ms_median']:.0f} ms", "", ""),
        ("page: time, advisor / minimal", f"{p['ready_ratio']:.2f}x", "", ""),
        ("page: bytes transferred, advisor", f"{app['bytes'] / 1000:.1f} kB", "", ""),
        ("page: bytes transferred, minimal app", f"{minimal['bytes'] / 1000:.1f} kB", "", ""),
        (
            "page: bytes, advisor / minimal",
            f"{p['bytes_ratio']:.2f}x",
            f"<= {p['bytes_ratio_target']:.1f}x",
            _met(p["meets_bytes_target"]),
        ),
        ("page: navigations measured, each", f"{p['runs']}", "", ""),
    ]


ATTACKS = {
    "stored": "stored answers and links",
    "api": "invalid API bodies",
    "sessions": "throwaway sessions",
}


def _abuse_rows(a: dict[str, Any]) -> list[Row]:
    base = a["windows"]["baseline"]
    rows: list[Row] = [
        (
            "abuse: no attacker, health probe's longest wait",
            f"{base['probe_max_ms']:.0f} ms",
            "",
            "",
        ),
        (
            f"abuse: no attacker, {a['visitors']} visitors' answer p50 / p90",
            f"{base['round_trip_p50_ms']:.1f} / {base['round_trip_p90_ms']:.1f} ms",
            "",
            "",
        ),
    ]
    for kind, name in ATTACKS.items():
        w = a["windows"][kind]
        rows += [
            (
                f"abuse: {name}, health probe's longest wait",
                f"{w['probe_max_ms']:.0f} ms",
                f"< {a['target_probe_ms']:.0f} ms",
                _met(w["probe_max_ms"] < a["target_probe_ms"] and not w["probe_failures"]),
            ),
            (
                f"abuse: {name}, visitors' answer p50 / p90",
                f"{w['round_trip_p50_ms']:.1f} / {w['round_trip_p90_ms']:.1f} ms",
                "",
                "",
            ),
            (
                f"abuse: {name}, worst visitor's median / own baseline",
                f"{w['worst_visitor_ratio']:.2f}x",
                f"< {a['target_round_trip_ratio']:.0f}x",
                _met(w["worst_visitor_ratio"] < a["target_round_trip_ratio"]),
            ),
        ]
    memory = a["memory"]
    rows.append(
        (
            f"abuse: worker RSS, {a['memory_sessions']} closed sessions x2 "
            "(before / closed / expired / closed / expired)",
            " / ".join(f"{m['rss_mb']:.0f}" for m in memory.values()) + " MB",
            "",
            "",
        )
    )
    rows.append(
        (
            "abuse: session files on disk, same moments",
            " / ".join(str(m["state_files"]) for m in memory.values()),
            "",
            "",
        )
    )
    return rows


ROWS: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    "engine": _engine_rows,
    "api": _api_rows,
    "saves": _saves_rows,
    "sessions": _sessions_rows,
    "pageload": _pageload_rows,
    "abuse": _abuse_rows,
}


def main() -> int:
    figures: dict[str, Any] = {}
    # The 1-minute load average before each benchmark: other work on the machine (tests, builds)
    # shares its cores with the servers and clients measured here.
    load: dict[str, float] = {}
    for name, run in BENCHMARKS.items():
        load[name] = round(os.getloadavg()[0], 2)
        figures[name] = run()
    rows = [row for name in BENCHMARKS for row in ROWS[name](figures[name])]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    print(f"{'benchmark':<{widths[0]}}  {'figure':>{widths[1]}}  {'target':>{widths[2]}}  met")
    for name, figure, target, met in rows:
        print(f"{name:<{widths[0]}}  {figure:>{widths[1]}}  {target:>{widths[2]}}  {met}")
    cores = os.cpu_count() or 1
    busy = {name: value for name, value in load.items() if value > cores}
    if busy:
        print(
            f"note: the machine was busy (load average above its {cores} cores before "
            + ", ".join(f"{name}: {value}" for name, value in busy.items())
            + "): timings are less reliable than usual"
        )
    OUT.mkdir(exist_ok=True)
    record = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "cores": cores,
        "load_average_before": load,
        **figures,
    }
    path = OUT / "bench.json"
    path.write_text(json.dumps(record, indent=2) + "\n")
    print(f"figures written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
