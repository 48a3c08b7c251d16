"""`python -m bench`: run every benchmark, print a table, save the figures as JSON."""

from __future__ import annotations

import json
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import engine, pageload

OUT = Path(__file__).resolve().parent / "out"


def main() -> int:
    figures = {"engine": engine.run(), "pageload": pageload.run()}
    e = figures["engine"]
    p = figures["pageload"]
    app, minimal = p["app"], p["minimal"]
    rows = [
        (
            "engine: median per recommendation",
            f"{e['median_us']:.1f} µs",
            f"< {e['target_us']:.0f} µs",
            "yes" if e["meets_target"] else "NO",
        ),
        ("engine: p90 / p99", f"{e['p90_us']:.1f} / {e['p99_us']:.1f} µs", "", ""),
        ("engine: profiles measured", f"{e['profiles']:,}", "", ""),
        ("timer overhead per call (baseline)", f"{e['timer_overhead_us']:.2f} µs", "", ""),
        (
            "page: first question interactive, median",
            f"{app['ready_ms_median']:.0f} ms",
            f"< {p['target_ms']:.0f} ms",
            "yes" if p["meets_time_target"] else "NO",
        ),
        ("page: minimal app button interactive", f"{minimal['ready_ms_median']:.0f} ms", "", ""),
        ("page: time, advisor / minimal", f"{p['ready_ratio']:.2f}x", "", ""),
        ("page: bytes transferred, advisor", f"{app['bytes'] / 1000:.1f} kB", "", ""),
        ("page: bytes transferred, minimal app", f"{minimal['bytes'] / 1000:.1f} kB", "", ""),
        (
            "page: bytes, advisor / minimal",
            f"{p['bytes_ratio']:.2f}x",
            f"<= {p['bytes_ratio_target']:.1f}x",
            "yes" if p["meets_bytes_target"] else "NO",
        ),
        ("page: navigations measured, each", f"{p['runs']}", "", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{width}}  {'figure':>16}  {'target':>9}  met")
    for name, figure, target, met in rows:
        print(f"{name:<{width}}  {figure:>16}  {target:>9}  {met}")
    OUT.mkdir(exist_ok=True)
    record = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        **figures,
    }
    path = OUT / "bench.json"
    path.write_text(json.dumps(record, indent=2) + "\n")
    print(f"figures written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
