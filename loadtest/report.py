"""Locust's statistics as plain rows, a readable table, and the verdict."""

from __future__ import annotations

PERCENTILES = {"p50_ms": 0.50, "p95_ms": 0.95, "p99_ms": 0.99}


def rows(stats) -> list[dict]:
    """One row per request type, sorted by name, then the overall row."""
    entries = sorted(stats.entries.values(), key=lambda entry: (entry.name, entry.method))
    return [_row(entry, f"{entry.method} {entry.name}") for entry in entries] + [_row(stats.total, "overall")]


def _row(entry, label: str) -> dict:
    row = {"request": label, "requests": entry.num_requests, "failures": entry.num_failures}
    row.update({key: entry.get_response_time_percentile(share) if entry.num_requests else 0
                for key, share in PERCENTILES.items()})
    return row


def failures(stats) -> list[str]:
    """Each distinct failure the clients saw, with how often."""
    return [f"{error.occurrences} x {error.method} {error.name}: {error.error}" for error in stats.errors.values()]


def exceptions(runner) -> list[str]:
    """Errors raised inside the simulated people's own code (a bug in the load test, or a page it misread)."""
    return [f"{item['count']} x {item['msg']}\n{item['traceback']}" for item in runner.exceptions.values()]


def format_table(engine: str, table: list[dict]) -> str:
    """The rows as a fixed-width text table headed by the engine's name."""
    header = f"{'request':58} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    lines = [f"== {engine} ==", header, "-" * len(header)]
    for row in table:
        if row["request"] == "overall":
            lines.append("-" * len(header))
        lines.append(f"{row['request'][:58]:58} {row['requests']:>9} {row['failures']:>9} {row['p50_ms']:>8} "
                     f"{row['p95_ms']:>8} {row['p99_ms']:>8}")
    return "\n".join(lines)


def problems(result: dict) -> list[str]:
    """Why this engine's run failed: failed requests, or lines in gunicorn's log; empty when it passed."""
    found = [f"client: {line}" for line in result["failures"]]
    found += [f"load test code: {line}" for line in result["exceptions"]]
    found += [f"gunicorn log: {line}" for line in result["log_failures"]]
    if result["total"]["requests"] == 0:
        found.append("no requests were made")
    return found
