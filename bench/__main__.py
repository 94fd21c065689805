"""Run every benchmark, print a readable table and write bench/results.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import bench_analysis

RESULTS = Path(__file__).resolve().parent / "results.json"


def main() -> int:
    rows = bench_analysis.run()
    sys.stdout.write(bench_analysis.format_table(rows) + "\n")
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n")
    sys.stdout.write(f"wrote {RESULTS}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
