"""Run every benchmark, print a readable table and write bench/results.json (`make bench`)."""

from __future__ import annotations

import json
import platform
import resource
import sys
from pathlib import Path

from . import bench_analysis, bench_pages

RESULTS = Path(__file__).resolve().parent / "results.json"


def format_table(rows: list[dict]) -> str:
    """The rows as a fixed-width text table."""
    header = (f"{'benchmark':38} {'scale':>14} {'engine':>10} {'p50 ms':>9} {'p95 ms':>9} {'floor ms':>9} "
              f"{'ratio':>7}  target")
    lines = [header, "-" * len(header)]
    for row in rows:
        ratio = "" if row["ratio"] is None else f"{row['ratio']:.2f}"
        lines.append(f"{row['name']:38} {row['scale']:>14} {row['engine']:>10} {row['p50_ms']:>9.3f} "
                     f"{row['p95_ms']:>9.3f} {row['floor_p50_ms']:>9.3f} {ratio:>7}  {row['target']} "
                     f"({'met' if row['met'] else 'MISSED'})")
    return "\n".join(lines)


def main() -> int:
    scale, engine = bench_pages.scale_from_environment()
    rows = bench_analysis.run() + bench_pages.run(scale, engine)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append({"name": "peak memory of the benchmark process", "scale": scale, "engine": engine,
                 "p50_ms": 0.0, "p95_ms": 0.0, "floor": "none", "floor_p50_ms": 0.0, "ratio": None,
                 "target": f"under 300 MB RSS (was {peak_mb:.0f} MB)", "met": peak_mb < 300})
    sys.stdout.write(format_table(rows) + "\n")
    sys.stdout.write(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}\n")
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n")
    sys.stdout.write(f"wrote {RESULTS}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
