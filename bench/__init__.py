"""The benchmark suite (`make bench`): each module's run() returns result rows for bench/results.json."""
