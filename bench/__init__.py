"""Benchmarks: `python -m bench.ingest`. Outputs go to `bench/out/` (not in git)."""
